using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary>
/// MXINT8's whole-block path (<c>IntegerBlocks</c>: the exponent moved on the bits, the vector round, a clamp) gives
/// the rounding core's codes: the same bytes as <see cref="MxQuantizer"/>'s block-by-block path (the rounding table,
/// itself checked against the oracles in tests/Oracle) for every rounding mode, both INT8 ranges, both scale rules and
/// flushed or kept subnormals, on blocks aimed at the kernel's edges: ties and near-ties at every quotient, saturation at
/// 127.5, quotients that leave FP32's exponent range, amax at the 2^-100 limit, zeros, subnormals and specials.
/// </summary>
public sealed class IntegerBlocksTests
{
    private const int K = 32;

    /// <summary>
    /// Blocks of <see cref="K"/> values around a random amax (<see cref="TestBlocks.EdgeBlocks"/>): ties (n + ½)·2^(shared − 6)
    /// (127.5: saturation) and their neighbours.
    /// </summary>
    private static uint[] EdgeBlocks(ulong seed, int blocks) =>
        TestBlocks.EdgeBlocks(new TestBlocks.EdgeShape(
            -104, -96, // around the kernel's 2^-100 limit
            top => Math.Max(top, -127),
            (ref MxRandom rng, int shared) => shared - 6, // the element quantum: no draw
            128, 60, 8), seed, blocks, K);

    public static TheoryData<RoundingMode, bool, bool, string> Policies()
    {
        var data = new TheoryData<RoundingMode, bool, bool, string>();
        foreach (var mode in RoundingModes.Deterministic)
            foreach (bool full in new[] { false, true })
                foreach (bool flush in new[] { false, true })
                    foreach (var recipe in new[] { "ocp", "exact-ceil" })
                        data.Add(mode, full, flush, recipe);
        return data;
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void WholeBlocksGiveTheTablePathsCodes(RoundingMode mode, bool full, bool flush, string recipeName)
    {
        var recipe = Recipe.TryParse(recipeName)!;
        var given = new QuantizationPolicy { Rounding = mode, IntegerRange = full ? IntegerRange.Full : IntegerRange.Symmetric, FlushSubnormalInputs = flush };
        var x = EdgeBlocks((ulong)mode * 8 + (full ? 4UL : 0) + (flush ? 2UL : 0) + (ulong)(recipeName.Length & 1), 4000);
        var whole = BlockQuantizer.Quantize(BlockFormat.MxInt8, recipe, x, new QuantizeOptions { Policy = given, RowLength = 4 * K });
        var byBlock = MxQuantizer.Quantize(StandardFormats.Int8, x, K, recipe.PolicyFor(given));
        Assert.Equal(byBlock.Scales, whole.Scales);
        for (int i = 0; i < x.Length; i++)
            if (byBlock.Elements[i] != whole.Elements[i])
                Assert.Fail($"value {i} (0x{x[i]:X8}, block scale 0x{whole.Scales[i / K]:X2}): table path 0x{byBlock.Elements[i]:X2}, whole blocks 0x{whole.Elements[i]:X2}");
    }

    [Fact]
    public void TheMicroxcalingRecipeGivesTheTablePathsCodes()
    {
        var recipe = Recipe.Microxcaling;
        var x = EdgeBlocks(99, 4000);
        var whole = BlockQuantizer.Quantize(BlockFormat.MxInt8, recipe, x, new QuantizeOptions { RowLength = K });
        var byBlock = MxQuantizer.Quantize(StandardFormats.Int8, x, K, recipe.PolicyFor(QuantizationPolicy.Default));
        Assert.Equal(byBlock.Scales, whole.Scales);
        Assert.Equal(byBlock.Elements.Select(c => (byte)c), whole.Elements);
    }
}
