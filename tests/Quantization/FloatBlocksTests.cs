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

    /// <summary>Blocks of <see cref="K"/> values built around a random amax: element ties (n + ½)·quantum in each binade and their FP32 neighbours, far smaller values, zeros, subnormals, sometimes specials.</summary>
    private static uint[] EdgeBlocks(NumberFormat f, ulong seed, int blocks)
    {
        var rng = new MxRandom(seed);
        var x = new uint[blocks * K];
        int m = f.MantissaBits;
        for (int b = 0; b < blocks; b++)
        {
            int top = rng.NextInt(0, 6) switch
            {
                0 => rng.NextInt(-112, -88),   // around the kernel's lower limit (2^-100 and the shared-exponent bound)
                1 => rng.NextInt(120, 128),    // huge: small values' scaled exponents leave FP32's normal range
                2 => rng.NextInt(-130, -120),  // subnormal and tiny amax: the scale clamps at 2^-127
                _ => rng.NextInt(-40, 40),
            };
            int shared = Math.Max(top - f.Emax, -127);
            for (int i = 0; i < K; i++)
            {
                uint sign = rng.NextBool() ? 0x80000000u : 0u;
                int e = rng.NextInt(f.Emin - 1, f.Emax + 1); // an element binade (below emin: the subnormal range)
                int quantum = Math.Max(e, f.Emin) - m;
                float magnitude = rng.NextInt(0, 6) switch
                {
                    // (n + ½)·quantum: a tie in the binade (or the subnormal range), the top one rounding into the next binade
                    0 or 1 => MathF.ScaleB(rng.NextInt(0, 2 << m) + 0.5f, quantum + shared),
                    2 => MathF.ScaleB(rng.NextInt(0, 4 << m) / 2f, quantum + shared),
                    3 => MathF.ScaleB(Significand(ref rng), top - rng.NextInt(0, 40)),
                    4 => BitConverter.UInt32BitsToSingle((uint)rng.NextInt(0, 1 << 23)), // zero or FP32 subnormal
                    _ => MathF.ScaleB(Significand(ref rng), top - rng.NextInt(0, 4)),
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
