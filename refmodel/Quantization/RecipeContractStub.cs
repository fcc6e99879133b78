// TEMPORARY stand-in for the quantization API contract (QUANT_API.md) until the quantmodel branch lands: it implements
// only the recipes that today's MxQuantizer/BdrQuantizer already model (ocp, ocp-ceil, microxcaling, gfloat) and
// throws NotSupportedException for the rest. DELETE THIS FILE when merging quantmodel's Recipe/BlockQuantizer.
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

public sealed record Recipe
{
    public required string Name { get; init; }
    public required string Source { get; init; }
    public required string UsedBy { get; init; }
    internal QuantizationPolicy? Policy { get; init; }
    internal bool Nvfp4 { get; init; }

    private static Recipe Mx(string name, string source, string usedBy, QuantizationPolicy? p) =>
        new() { Name = name, Source = source, UsedBy = usedBy, Policy = p };

    public static IReadOnlyList<Recipe> Named { get; } =
    [
        Mx("ocp", "OCP MX v1.0 §6.3", "the OCP recommendation", QuantizationPolicy.Default),
        Mx("ocp-ceil", "amax / max normal rounded up", "GPU stacks", QuantizationPolicy.Default with { ScaleRule = ScaleRule.Ceil }),
        Mx("microxcaling", "microsoft/microxcaling", "the MX paper's emulator", QuantizationPolicy.Default with { Rounding = RoundingMode.NearestAway }),
        Mx("gfloat", "graphcore-research/gfloat", "gfloat", QuantizationPolicy.Default with { Specials = SpecialsPolicy.Saturate, IntegerRange = IntegerRange.Full }),
        Mx("torchao-floor", "pytorch/ao mx_tensor.py", "torchao", null),
        Mx("torchao-ceil", "pytorch/ao mx_tensor.py", "torchao", null),
        Mx("torchao-even", "pytorch/ao mx_tensor.py", "torchao", null),
        Mx("torchao-rceil", "pytorch/ao mx_tensor.py", "torchao", null),
        Mx("te", "TransformerEngine utils.cuh", "TransformerEngine", null),
        Mx("amd-quark-even", "AMD Quark", "AMD Quark", null),
        new() { Name = "nvfp4-torchao", Source = "pytorch/ao nvfp4_tensor.py", UsedBy = "torchao", Nvfp4 = true },
        new() { Name = "nvfp4-te", Source = "TransformerEngine", UsedBy = "TE", Nvfp4 = true },
        new() { Name = "nvfp4-cudnn", Source = "cuDNN", UsedBy = "cuDNN", Nvfp4 = true },
    ];

    public static Recipe? TryParse(string name) =>
        Named.FirstOrDefault(r => string.Equals(r.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string ValidNames => string.Join(", ", Named.Select(r => r.Name));

    public static Recipe DefaultFor(BlockFormat format) => format.Scale == StandardFormats.UE4M3 ? TryParse("nvfp4-torchao")! : Named[0];

    public bool Supports(BlockFormat format) => Nvfp4 ? format.Scale == StandardFormats.UE4M3 : format.Scale.Kind == FormatKind.PowerOfTwo;
}

public sealed record QuantizeOptions
{
    public QuantizationPolicy Policy { get; init; } = QuantizationPolicy.Default;
    public uint? TensorScale { get; init; }
    public int RowLength { get; init; }
    public bool TwoDimensional { get; init; }
}

public sealed class QuantizedTensor(BlockFormat format, Recipe recipe, int length, uint tensorScale, byte[] scales, byte[] microexponents, byte[] elements)
{
    public BlockFormat Format { get; } = format;
    public Recipe Recipe { get; } = recipe;
    public int Length { get; } = length;
    public uint TensorScale { get; } = tensorScale;
    public byte[] Scales { get; } = scales;
    public byte[] Microexponents { get; } = microexponents;
    public byte[] Elements { get; } = elements;
    public int BlockCount => Scales.Length;
}

public static class BlockQuantizer
{
    public static QuantizedTensor Quantize(BlockFormat format, Recipe recipe, ReadOnlySpan<uint> fp32, QuantizeOptions? options = null)
    {
        if (!recipe.Supports(format)) throw new ArgumentException($"recipe {recipe.Name} does not support block format {format.Name}");
        if (recipe.Policy is null) throw new NotSupportedException($"recipe {recipe.Name} is not implemented in the contract stub");
        var p = recipe.Policy;
        if (format.Microexponent is { } m)
        {
            var bdr = new BdrFormat(format.Name, format.BlockSize, format.Scale.Bits, m.Size, m.Bits, format.MagnitudeBits);
            var b = BdrQuantizer.Quantize(bdr, fp32, p);
            return new QuantizedTensor(format, recipe, fp32.Length, 0x3F800000, b.Scales, b.Microexponents, [.. b.Elements.Select(e => (byte)e)]);
        }
        var q = MxQuantizer.Quantize(format.Element, fp32, format.BlockSize, p);
        return new QuantizedTensor(format, recipe, fp32.Length, 0x3F800000, q.Scales, [], [.. q.Elements.Select(e => (byte)e)]);
    }

    public static uint[] Dequantize(QuantizedTensor q)
    {
        var f = q.Format;
        var elements = q.Elements.Select(e => (uint)e).ToArray();
        uint[] all;
        if (f.Microexponent is { } m)
        {
            var bdr = new BdrFormat(f.Name, f.BlockSize, f.Scale.Bits, m.Size, m.Bits, f.MagnitudeBits);
            all = BdrQuantizer.Dequantize(new BdrBlocks(bdr, q.Length, q.Scales, q.Microexponents, elements));
        }
        else all = MxQuantizer.Dequantize(new MxBlocks(f.Element, f.BlockSize, q.Length, q.Scales, elements));
        return all[..q.Length];
    }
}
