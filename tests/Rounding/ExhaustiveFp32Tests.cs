using MxRef.Formats;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Rounding;

/// <summary>
/// make test-long: every one of the 2^32 FP32 inputs to each element format under rne and rtz, saturating, against a
/// second independent oracle in plain double arithmetic (itself checked against the BigInteger oracle by the default
/// tests' samples through the model). Takes a few minutes per format on 2 cores.
/// </summary>
[Trait("Category", "Long")]
public class ExhaustiveFp32Tests
{
    public static TheoryData<string, string> Cases()
    {
        var d = new TheoryData<string, string>();
        foreach (var f in new[] { "e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "int8" })
            foreach (var m in new[] { "rne", "rtz" })
                d.Add(f, m);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryFp32Input(string format, string mode)
    {
        var f = StandardFormats.TryParse(format)!;
        var rm = RoundingModes.TryParse(mode)!.Value;
        var ctx = new RoundingContext(rm);
        var (ms, me) = f.MaxFinite;
        double max = Math.ScaleB(ms, me);
        long failures = 0;
        string first = "";
        Parallel.For(0, 256, hi =>
        {
            for (uint lo = 0; lo < (1u << 24); lo++)
            {
                uint bits = ((uint)hi << 24) | lo;
                float x = BitConverter.UInt32BitsToSingle(bits);
                if (!float.IsFinite(x)) continue;
                double expected = DoubleOracle(f, x, rm, max);
                var d = Codec.Decode(f, Conversion.FromFp32(f, bits, ctx).Code);
                double got = d.ToDouble();
                if (got != expected || (got == 0 && f.Kind == FormatKind.Float && d.Negative != (bits >> 31 == 1)))
                {
                    if (Interlocked.Increment(ref failures) == 1) first = $"0x{bits:x8} ({x}): model {got}, oracle {expected}";
                }
            }
        });
        Assert.True(failures == 0, $"{failures} failures, first {first}");
    }

    /// <summary>Rounds a float to the format with doubles: the quantum is a power of two, so every step is exact.</summary>
    private static double DoubleOracle(NumberFormat f, float x, RoundingMode mode, double max)
    {
        double a = Math.Abs((double)x);
        if (a == 0) return x;
        double quantum = f.Kind == FormatKind.Integer
            ? Math.ScaleB(1, f.IntegerScaleExponent)
            : Math.ScaleB(1, Math.Max(Math.ILogB(a), f.Emin) - f.MantissaBits);
        double k = a / quantum, fl = Math.Floor(k), frac = k - fl;
        if (mode == RoundingMode.NearestEven && (frac > 0.5 || (frac == 0.5 && fl % 2 == 1))) fl += 1;
        double r = Math.Min(fl * quantum, max);
        return x < 0 ? -r : r;
    }
}
