using MxRef.Formats;
using MxRef.Quantization;

namespace MxRef.DropBack;

/// <summary>Quantized weights: per block a scale, for MX9/MX6/MX4 the microexponents, and BlockSize element codes.</summary>
public sealed record WeightBlocks(BlockFormat Format, byte[] Scales, byte[] Microexponents, uint[] Elements)
{
    public int BlockCount => Scales.Length;
    public int MicroexponentsPerBlock => Format.HasMicroexponents ? Format.SubBlocks : 0;
}

/// <summary>
/// The one place the DropBack access path calls the block quantizers (<see cref="MxQuantizer"/>,
/// <see cref="BdrQuantizer"/>) — under the OCP default policy (floor rule, rne, NaN scale), the policy a weight
/// fetch unit uses — so that a change of the quantizer API touches this function only.
/// </summary>
public static class BlockQuantizerAdapter
{
    /// <summary>The formats regenerated weights can be delivered in: E8M0-scaled block formats (OCP MX and MX9/MX6/MX4).</summary>
    public static bool Supports(BlockFormat format) => format.ScaleCodec.IsPowerOfTwo;

    public static string ValidNames =>
        string.Join(", ", StandardFormats.Elements.Select(e => e.Name).Concat(BlockFormat.Named.Where(Supports).Select(f => f.Name)));

    /// <summary>
    /// An element format name (e4m3 … int8: its OCP MX format, k = 32) or a block format name with a power-of-two scale
    /// (mxfp8-e4m3, mx9, e4m3/k16/e8m0, …); null for any other name.
    /// </summary>
    public static BlockFormat? TryParse(string name)
    {
        var element = StandardFormats.TryParse(name);
        if (element is not null && StandardFormats.ElementCode(element) >= 0) return BlockFormat.OcpMx(element);
        return BlockFormat.TryParse(name) is { } f && Supports(f) ? f : null;
    }

    public static WeightBlocks Quantize(BlockFormat format, ReadOnlySpan<uint> fp32)
    {
        if (!Supports(format)) throw new ArgumentException($"{format.Name}: regenerated weights are delivered in E8M0-scaled block formats only ({ValidNames})");
        int blocks = MxQuantizer.BlockCount(fp32.Length, format.BlockSize);
        var scales = new byte[blocks];
        var elements = new uint[blocks * format.BlockSize];
        if (format.HasMicroexponents)
        {
            var micro = new byte[blocks * format.SubBlocks];
            BdrQuantizer.Quantize(format, fp32, QuantizationPolicy.Default, scales, micro, elements);
            return new WeightBlocks(format, scales, micro, elements);
        }
        MxQuantizer.Quantize(format.Element, fp32, format.BlockSize, QuantizationPolicy.Default, scales, elements);
        return new WeightBlocks(format, scales, [], elements);
    }
}
