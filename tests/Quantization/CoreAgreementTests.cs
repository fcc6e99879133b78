using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary>
/// The quantizers memoize the rounding core for normal inputs (refmodel/Quantization/RoundingTable.cs). On many
/// random blocks, every element code must equal a direct <see cref="RoundingCore.Round"/> of v / 2^shared_exp.
/// </summary>
public class CoreAgreementTests
{
    [Fact]
    public void EveryElementCodeIsTheCoresRoundingOfTheScaledInput()
    {
        var rng = new MxRandom(0x7AB1E);
        foreach (var f in StandardFormats.Elements)
            foreach (var mode in RoundingModes.Deterministic)
                foreach (var range in new[] { IntegerRange.Symmetric, IntegerRange.Full })
                {
                    var policy = new QuantizationPolicy { Rounding = mode, IntegerRange = range };
                    var ctx = policy.ElementContext();
                    for (int n = 0; n < 60; n++)
                    {
                        var x = TestBlocks.Random(ref rng, 32, specials: false);
                        var q = MxQuantizer.Quantize(f, x, 32, policy);
                        int shared = q.Scales[0] - 127;
                        for (int i = 0; i < 32; i++)
                        {
                            var (sig, exp) = Split(x[i]);
                            uint want = RoundingCore.Round(f, (int)x[i] < 0, sig, exp - shared, false, ctx).Code;
                            Assert.True(want == q.Elements[i], $"{f.Name} {mode.ShortName()} {range} 0x{x[i]:x8} shared {shared}: 0x{q.Elements[i]:x} vs core 0x{want:x}");
                        }
                    }
                }
    }

    /// <summary>
    /// Byte codes of rows of whole blocks (<see cref="BlockQuantizer"/>: one plan call over the rows, the E2M1 table in
    /// registers where AVX-512 VBMI is present, the gather elsewhere) equal the span API's codes, which the test above
    /// checks against the core, for every MX element format, deterministic mode and integer range, specials included.
    /// </summary>
    [Fact]
    public void WholeBlockByteCodesEqualTheSpanApisCodes()
    {
        var rng = new MxRandom(0xB10C);
        foreach (var f in StandardFormats.Elements)
        {
            if (BlockFormat.TryParse($"{f.Name}/k32/e8m0") is not { } format || !Recipe.Ocp.Supports(format)) continue;
            foreach (var mode in RoundingModes.Deterministic)
                foreach (var range in new[] { IntegerRange.Symmetric, IntegerRange.Full })
                {
                    var policy = new QuantizationPolicy { Rounding = mode, IntegerRange = range };
                    var x = Enumerable.Range(0, 40).SelectMany(n => TestBlocks.Random(ref rng, 32, specials: n % 4 == 0)).ToArray();
                    var want = MxQuantizer.Quantize(f, x, 32, policy);
                    var got = BlockQuantizer.Quantize(format, Recipe.Ocp, x, new QuantizeOptions { Policy = policy, RowLength = 64 });
                    Assert.Equal(want.Scales, got.Scales);
                    Assert.True(want.Elements.Select(c => (byte)c).SequenceEqual(got.Elements), $"{f.Name} {mode.ShortName()} {range}");
                }
        }
    }

    [Fact]
    public void EveryBdrMagnitudeIsTheCoresRoundingOfTheShiftedInput()
    {
        var rng = new MxRandom(0x7AB1F);
        foreach (var f in TestBlocks.SharedMicroexponentFormats)
            foreach (var mode in RoundingModes.Deterministic)
            {
                var policy = new QuantizationPolicy { Rounding = mode };
                var ctx = policy.ElementContext();
                for (int n = 0; n < 60; n++)
                {
                    var x = TestBlocks.Random(ref rng, 16, specials: false);
                    var q = BdrQuantizer.Quantize(f, x, policy);
                    for (int i = 0; i < 16; i++)
                    {
                        int shift = q.Scales[0] - f.ScaleCodec.MaxExponent - q.Microexponents[i / f.Microexponent!.Size];
                        var (sig, exp) = Split(x[i]);
                        var twos = RoundingCore.Round(f.Element, (int)x[i] < 0, sig, exp - shift, false, ctx).Code;
                        long v = ((long)twos << (64 - f.ElementBits)) >> (64 - f.ElementBits);
                        uint want = ((int)x[i] < 0 ? (1u << f.MagnitudeBits) : 0u) | (uint)Math.Abs(v);
                        Assert.True(want == q.Elements[i], $"{f.Name} {mode.ShortName()} 0x{x[i]:x8}: 0x{q.Elements[i]:x} vs core 0x{want:x}");
                    }
                }
            }
    }

    private static (ulong, int) Split(uint b)
    {
        uint e = (b >> 23) & 0xFF, m = b & 0x7FFFFF;
        return e == 0 ? (m, -149) : (m | 0x800000u, (int)e - 150);
    }
}
