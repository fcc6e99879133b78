using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>The simple profile knobs (zero sign, saturation, the three flushes) against the independent oracle.</summary>
public class ProfileOracleTests
{
    public static TheoryData<string> SimpleProfiles() =>
    [
        "zero-sign=positive", "overflow=saturate", "flush-inputs=on", "flush-c=on", "flush-result=on",
        "zero-sign=positive,overflow=saturate,flush-inputs=on,flush-c=on,flush-result=on",
    ];

    [Theory]
    [MemberData(nameof(SimpleProfiles))]
    public void SimpleKnobsMatchTheOracle(string text)
    {
        var profile = ImplementationProfile.TryParse(text, out string? error) ?? throw new ArgumentException(error);
        var knobs = new DotOracle.OracleKnobs(
            PositiveZero: profile.ZeroSign == ZeroSignRule.Positive, Saturate: profile.Overflow == OverflowPolicy.Saturate,
            FlushInputs: profile.FlushInputs, FlushC: profile.FlushC, FlushResult: profile.FlushResult);
        var rng = new MxRandom(0x9E0F11E);
        int differs = 0;
        for (int i = 0; i < 6000; i++)
        {
            int k = i % 3 == 0 ? 1 : i % 3 == 1 ? 4 : 32;
            var t = DotCase.Random(ref rng, rng.NextInt(0, 6), rng.NextInt(0, 6), rng.NextInt(0, 6), k);
            if (i % 4 == 0) t = t with { C = t.C & 0x807FFFFFu }; // a subnormal or zero C, for flush-c and tiny results
            var model = MxDot.Dot(t.Block, t.C, (RoundingMode)t.Rm, StandardFormats.Fp32, AccumulationModel.Fused, profile);
            var oracle = DotOracle.Fused(t.Fa, t.A, t.Sa, t.Fb, t.B, t.Sb, t.C, t.Rm, OracleFormat.Fp32, "e8m0", knobs);
            Assert.True((oracle.Bits, oracle.Flags) == (model.Bits, (int)model.Flags),
                $"{t} under {text}: model {model.Bits:x8} {(int)model.Flags:x2}, oracle {oracle.Bits:x8} {oracle.Flags:x2}");
            if (model != t.Model()) differs++;
        }
        Assert.True(differs > 0, $"no sampled vector is affected by {text}"); // the sample exercises the knob
    }
}
