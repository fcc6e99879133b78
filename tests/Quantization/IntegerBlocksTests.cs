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

    /// <summary>Blocks of <see cref="K"/> values built around a random amax: ties (n + ½)·2^(shared − 6) and their FP32 neighbours, far smaller values, zeros, subnormals, sometimes specials.</summary>
    private static uint[] EdgeBlocks(ulong seed, int blocks)
    {
        var rng = new MxRandom(seed);
        var x = new uint[blocks * K];
        for (int b = 0; b < blocks; b++)
        {
            int top = rng.NextInt(0, 6) switch
            {
                0 => rng.NextInt(-104, -96),   // around the kernel's 2^-100 limit
                1 => rng.NextInt(120, 128),    // huge: small values' quotients leave FP32's normal range
                2 => rng.NextInt(-130, -120),  // subnormal and tiny amax: the scale clamps at 2^-127
                _ => rng.NextInt(-40, 40),
            };
            int shared = Math.Max(top, -127);
            for (int i = 0; i < K; i++)
            {
                uint sign = rng.NextBool() ? 0x80000000u : 0u;
                float magnitude = rng.NextInt(0, 6) switch
                {
                    // n + ½ (and 127.5: saturation) times the element quantum 2^(shared − 6)
                    0 or 1 => MathF.ScaleB(rng.NextInt(0, 128) + 0.5f, shared - 6),
                    2 => MathF.ScaleB(rng.NextInt(0, 256) / 2f, shared - 6),
                    3 => MathF.ScaleB(Significand(ref rng), top - rng.NextInt(0, 60)),
                    4 => BitConverter.UInt32BitsToSingle((uint)rng.NextInt(0, 1 << 23)), // zero or FP32 subnormal
                    _ => MathF.ScaleB(Significand(ref rng), top - rng.NextInt(0, 8)),
                };
                uint bits = BitConverter.SingleToUInt32Bits(magnitude);
                if (bits is > 0 and < 0x7F800000 && rng.NextInt(0, 3) == 0) bits = (uint)(bits + rng.NextInt(-1, 2)); // ± 1 ulp
                x[b * K + i] = Math.Min(bits, 0x7F7FFFFFu) | sign;
            }
            x[b * K + rng.NextInt(0, K)] = BitConverter.SingleToUInt32Bits(MathF.ScaleB(Significand(ref rng), top)) | (rng.NextBool() ? 0x80000000u : 0);
            if (rng.NextInt(0, 25) == 0) x[b * K + rng.NextInt(0, K)] = rng.NextBool() ? 0x7F800000u : 0xFFC00001u;
        }
        return x;
    }

    /// <summary>A random FP32 value in [1, 2).</summary>
    private static float Significand(ref MxRandom rng) => BitConverter.UInt32BitsToSingle(0x3F800000u | (uint)rng.NextInt(0, 1 << 23));

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
