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
