using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>The golden dot product against the independent oracle on large random samples (issue 4).</summary>
public class DotOracleTests
{
    public static TheoryData<int, int> FormatPairs()
    {
        var d = new TheoryData<int, int>();
        for (int fa = 0; fa < 6; fa++)
            for (int fb = 0; fb < 6; fb++)
                d.Add(fa, fb);
        return d;
    }

    [Theory]
    [MemberData(nameof(FormatPairs))]
    public void FusedMatchesTheOracleForEveryModeAndBlockSize(int fa, int fb)
    {
        var rng = new MxRandom((ulong)(fa * 8 + fb + 1));
        foreach (int k in new[] { 1, 2, 7, 32, 64 })
            for (int rm = 0; rm < 6; rm++)
                for (int i = 0; i < (k == 32 ? 250 : 60); i++)
                {
                    var t = DotCase.Random(ref rng, fa, fb, rm, k);
                    Compare(t, t.Model(), t.Oracle());
                }
    }

    [Theory]
    [InlineData("bf16")]
    [InlineData("fp16")]
    public void FusedMatchesTheOracleForNarrowOutputs(string output)
    {
        var f = StandardFormats.TryParse(output)!;
        var o = output == "bf16" ? OracleFormat.Bf16 : OracleFormat.Fp16;
        var rng = new MxRandom(99);
        for (int i = 0; i < 6000; i++)
        {
            var t = DotCase.Random(ref rng, rng.NextInt(0, 6), rng.NextInt(0, 6), rng.NextInt(0, 6), 32);
            Compare(t, t.Model(f), t.Oracle(o));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(16)]
    public void ChunkedMatchesTheOracle(int n)
    {
        var rng = new MxRandom(1000 + (ulong)n);
        for (int i = 0; i < 4000; i++)
        {
            var t = DotCase.Random(ref rng, rng.NextInt(0, 6), rng.NextInt(0, 6), rng.NextInt(0, 6), 32);
            var r = t.Model(model: AccumulationModel.Chunked(n));
            var (bits, flags) = DotOracle.Chunked(n, t.Fa, t.A, t.Sa, t.Fb, t.B, t.Sb, t.C, t.Rm, OracleFormat.Fp32);
            Compare(t, r, (bits, flags));
        }
    }

    [Fact]
    public void ChunkedWithTheWholeBlockIsFused()
    {
        var rng = new MxRandom(5);
        for (int i = 0; i < 3000; i++)
        {
            var t = DotCase.Random(ref rng, rng.NextInt(0, 6), rng.NextInt(0, 6), rng.NextInt(0, 6), 32);
            Assert.Equal(t.Model(), t.Model(model: AccumulationModel.Chunked(32)));
        }
    }

    internal static void Compare(DotCase t, DotResult got, (uint Bits, int Flags) expected)
    {
        if (got.Bits != expected.Bits || (int)got.Flags != expected.Flags)
            Assert.Fail($"{t}: model {got.Bits:x8} flags {(int)got.Flags:x2}, oracle {expected.Bits:x8} flags {expected.Flags:x2}");
    }
}
