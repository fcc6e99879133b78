using System.Numerics;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Tests.Formats;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Rounding;

/// <summary>FP32 → every element format: a large random sample plus every FP32 value near each range boundary.</summary>
public class Fp32ConversionTests
{
    public static TheoryData<string> Targets => new(OracleFormat.Small.Select(f => f.Name).Concat(["bf16", "fp16"]));

    [Theory]
    [MemberData(nameof(Targets))]
    public void RandomFp32InputsConvertAsTheOracleSays(string name)
    {
        var f = StandardFormats.TryParse(name)!;
        var o = OracleFormat.All.Single(x => x.Name == name);
        var rng = new MxRandom(0xC0FFEE + (ulong)name.GetHashCode(StringComparison.Ordinal) * 0 + (ulong)name.Length);
        int emid = 127 + (f.Emin + f.Emax) / 2;
        for (int i = 0; i < 30_000; i++)
        {
            uint bits = (uint)rng.NextUInt64();
            // Two thirds of the sample near the target's range: exponent within ±(range/2 + 12) of its middle.
            if (i % 3 != 0)
            {
                int span = (f.Emax - f.Emin) / 2 + 12;
                int e = Math.Clamp(emid + rng.NextInt(-span, span + 1), 0, 255);
                bits = (bits & 0x807FFFFF) | ((uint)e << 23);
            }
            CheckAllModes(f, o, bits, rng.NextUInt32());
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryFp32ValueNearTheRangeBoundariesConvertsAsTheOracleSays(string name)
    {
        var f = StandardFormats.TryParse(name)!;
        var o = OracleFormat.All.Single(x => x.Name == name);
        var (maxSig, maxExp) = f.MaxFinite;
        double max = Math.ScaleB(maxSig, maxExp), minSub = Math.ScaleB(1, f.QuantumExponent);
        double[] boundaries = [minSub / 2, minSub, Math.ScaleB(1, f.Emin), max, max + Math.ScaleB(1, f.Emax - f.Precision)];
        var rng = new MxRandom(7);
        foreach (double b in boundaries)
        {
            if (b > float.MaxValue || b < float.Epsilon) continue;
            uint center = BitConverter.SingleToUInt32Bits((float)b);
            for (long d = -1500; d <= 1500; d++)
            {
                long u = center + d;
                if (u is < 0 or > 0x7F7FFFFF) continue;
                CheckAllModes(f, o, (uint)u, rng.NextUInt32());
                CheckAllModes(f, o, (uint)u | 0x80000000u, rng.NextUInt32());
            }
        }
    }

    [Fact]
    public void SpecialFp32InputsFollowTheDocumentedRules()
    {
        var ctx = new RoundingContext(RoundingMode.NearestEven);
        var ieee = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
        // NaN → canonical NaN; signalling NaN raises NV.
        Assert.Equal(new Rounded(0x7F, ExceptionFlags.None), Conversion.FromFp32(StandardFormats.E4M3, 0x7FC00000, ctx));
        Assert.Equal(new Rounded(0x7E, ExceptionFlags.Invalid), Conversion.FromFp32(StandardFormats.E5M2, 0x7F800001, ctx));
        // Inf: kept by e5m2; E4M3 saturates under 'saturate', NaN under 'ieee'; both with NV.
        Assert.Equal(new Rounded(0xFC, ExceptionFlags.None), Conversion.FromFp32(StandardFormats.E5M2, 0xFF800000, ctx));
        Assert.Equal(new Rounded(0xFE, ExceptionFlags.Invalid), Conversion.FromFp32(StandardFormats.E4M3, 0xFF800000, ctx));
        Assert.Equal(new Rounded(0x7F, ExceptionFlags.Invalid), Conversion.FromFp32(StandardFormats.E4M3, 0x7F800000, ieee));
        // NaN into FP4 (no NaN): +max with NV.
        Assert.Equal(new Rounded(0x7, ExceptionFlags.Invalid), Conversion.FromFp32(StandardFormats.E2M1, 0x7FC00000, ctx));
    }

    private static void CheckAllModes(NumberFormat f, OracleFormat o, uint bits, uint random)
    {
        var x = ConversionOracle.Decode(OracleFormat.Fp32, bits);
        if (x.Class != OClass.Finite) return;
        foreach (var (mode, ctx0, _, n) in RoundingOracleTests.Modes)
        {
            if (mode == "sr" && n != 8) continue;
            uint r = mode == "sr" ? random & 0xFF : 0;
            foreach (bool saturate in new[] { true, false })
            {
                var ctx = ctx0 with { Overflow = saturate ? OverflowPolicy.Saturate : OverflowPolicy.Ieee, RandomBits = r };
                var got = Conversion.FromFp32(f, bits, ctx);
                var (ev, ef) = ConversionOracle.Round(o, x.Negative, x.Mag, x.Exp, mode, saturate, r, n);
                var gv = FormatTableTests.ToOracle(Codec.Decode(f, got.Code));
                if (!ev.SameAs(gv) || ef != (int)got.Flags)
                    Assert.Fail($"fp32 0x{bits:x8} -> {f.Name} {mode} r={r} {(saturate ? "saturate" : "ieee")}: model 0x{got.Code:x} {gv} {got.Flags}, oracle {ev} {ef}");
            }
        }
    }
}
