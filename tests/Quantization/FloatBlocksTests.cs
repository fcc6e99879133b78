using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary>
/// The whole-block path of the float element formats of at most 8 bits (<c>FloatBlocks</c>: the exponent moved on the
/// bits, the fraction rounded by an integer add, the subnormal range by the vector round, a clamp) gives the rounding
/// core's codes: the same bytes as <see cref="MxQuantizer"/>'s block-by-block path (the rounding table, itself checked
/// against the oracles in tests/Oracle) for FP8, FP6 and FP4, every deterministic rounding mode (the kernel takes the
/// two nearest modes, the others must fall back), both scale rules and flushed or kept subnormals, on blocks aimed at
/// the kernel's edges: ties and near-ties in every binade and in the subnormal range, the carry into the next binade,
/// saturation at the largest finite value, amax near the kernel's lower limit, zeros, FP32 subnormals and specials.
/// </summary>
public sealed class FloatBlocksTests
{
    private const int K = 32;

    /// <summary>
    /// Blocks of <see cref="K"/> values around a random amax (<see cref="TestBlocks.EdgeBlocks"/>): element ties
    /// (n + ½)·quantum in each binade of <paramref name="f"/> (below emin: the subnormal range) and their neighbours.
    /// </summary>
    private static uint[] EdgeBlocks(NumberFormat f, ulong seed, int blocks) =>
        TestBlocks.EdgeBlocks(new TestBlocks.EdgeShape(
            -112, -88, // the kernel's lower limit: 2^-100 and the shared-exponent bound
            top => Math.Max(top - f.Emax, -127),
            (ref MxRandom rng, int shared) => Math.Max(rng.NextInt(f.Emin - 1, f.Emax + 1), f.Emin) - f.MantissaBits + shared,
            2 << f.MantissaBits, 40, 4), seed, blocks, K);

    public static TheoryData<string, RoundingMode, bool, string> Policies()
    {
        var data = new TheoryData<string, RoundingMode, bool, string>();
        foreach (var f in new[] { "e4m3", "e5m2", "e3m2", "e2m3", "e2m1" })
            foreach (var mode in RoundingModes.Deterministic)
                foreach (bool flush in new[] { false, true })
                    foreach (var recipe in new[] { "ocp", "exact-ceil" })
                        data.Add(f, mode, flush, recipe);
        return data;
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void WholeBlocksGiveTheTablePathsCodes(string formatName, RoundingMode mode, bool flush, string recipeName)
    {
        var recipe = Recipe.TryParse(recipeName)!;
        var format = BlockFormat.TryParse($"{formatName}/k{K}/e8m0")!;
        var given = new QuantizationPolicy { Rounding = mode, FlushSubnormalInputs = flush };
        var x = EdgeBlocks(format.Element, (ulong)mode * 8 + (flush ? 2UL : 0) + (ulong)(recipeName.Length & 1) + (ulong)(formatName[1] * 31 + formatName[3]) * 16, 1500);
        var whole = BlockQuantizer.Quantize(format, recipe, x, new QuantizeOptions { Policy = given, RowLength = 4 * K });
        var byBlock = MxQuantizer.Quantize(format.Element, x, K, recipe.PolicyFor(given));
        Assert.Equal(byBlock.Scales, whole.Scales);
        for (int i = 0; i < x.Length; i++)
            if (byBlock.Elements[i] != whole.Elements[i])
                Assert.Fail($"value {i} (0x{x[i]:X8}, block scale 0x{whole.Scales[i / K]:X2}): table path 0x{byBlock.Elements[i]:X2}, whole blocks 0x{whole.Elements[i]:X2}");
    }

    [Theory]
    [InlineData("e4m3")]
    [InlineData("e5m2")]
    [InlineData("e2m1")]
    public void TheMicroxcalingRecipeGivesTheTablePathsCodes(string formatName)
    {
        var recipe = Recipe.Microxcaling;
        var format = BlockFormat.TryParse($"{formatName}/k{K}/e8m0")!;
        var x = EdgeBlocks(format.Element, 99, 4000);
        var whole = BlockQuantizer.Quantize(format, recipe, x, new QuantizeOptions { RowLength = K });
        var byBlock = MxQuantizer.Quantize(format.Element, x, K, recipe.PolicyFor(QuantizationPolicy.Default));
        Assert.Equal(byBlock.Scales, whole.Scales);
        Assert.Equal(byBlock.Elements.Select(c => (byte)c), whole.Elements);
    }
}
