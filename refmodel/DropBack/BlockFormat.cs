using MxRef.Formats;
using MxRef.Quantization;

namespace MxRef.DropBack;

/// <summary>
/// The block formats regenerated weights can be delivered in: an OCP MX element format with its block size, or a
/// shared-microexponent format (MX9/MX6/MX4). Exactly one of <see cref="Element"/> and <see cref="Bdr"/> is set.
/// </summary>
public sealed record BlockFormat(string Name, int BlockSize, NumberFormat? Element, BdrFormat? Bdr)
{
    public static BlockFormat Mx(NumberFormat element, int blockSize = MxQuantizer.DefaultBlockSize) =>
        new(element.Name, blockSize, element, null);

    public static BlockFormat Shared(BdrFormat format) => new(format.Name, format.BlockSize, null, format);

    public static string ValidNames =>
        string.Join(", ", StandardFormats.Elements.Select(e => e.Name).Concat(BdrFormat.Standard.Select(f => f.Name)));

    /// <summary>e4m3 … int8 (k = 32) or mx9/mx6/mx4 (k = 16); null for any other name.</summary>
    public static BlockFormat? TryParse(string name)
    {
        var bdr = BdrFormat.Standard.FirstOrDefault(f => f.Name == name.Trim().ToLowerInvariant());
        if (bdr is not null) return Shared(bdr);
        var element = StandardFormats.TryParse(name);
        return element is not null && StandardFormats.ElementCode(element) >= 0 ? Mx(element) : null;
    }
}

/// <summary>Quantized weights: per block a scale, for MX9/MX6/MX4 the microexponents, and BlockSize element codes.</summary>
public sealed record WeightBlocks(BlockFormat Format, byte[] Scales, byte[] Microexponents, uint[] Elements)
{
    public int BlockCount => Scales.Length;
    public int MicroexponentsPerBlock => Format.Bdr?.SubBlocks ?? 0;
}

/// <summary>
/// The one place the DropBack access path calls the block quantizers (<see cref="MxQuantizer"/>,
/// <see cref="BdrQuantizer"/>) — under the OCP default policy (floor rule, rne, NaN scale), the policy a weight
/// fetch unit uses — so that a change of the quantizer API touches this function only.
/// </summary>
public static class BlockQuantizerAdapter
{
    public static WeightBlocks Quantize(BlockFormat format, ReadOnlySpan<uint> fp32)
    {
        int blocks = MxQuantizer.BlockCount(fp32.Length, format.BlockSize);
        var scales = new byte[blocks];
        var elements = new uint[blocks * format.BlockSize];
        if (format.Bdr is { } bdr)
        {
            var micro = new byte[blocks * bdr.SubBlocks];
            BdrQuantizer.Quantize(bdr, fp32, QuantizationPolicy.Default, scales, micro, elements);
            return new WeightBlocks(format, scales, micro, elements);
        }
        MxQuantizer.Quantize(format.Element!, fp32, format.BlockSize, QuantizationPolicy.Default, scales, elements);
        return new WeightBlocks(format, scales, [], elements);
    }
}
