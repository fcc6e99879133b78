using System.Numerics;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using Xunit;
using MxRef.Vectors.Files;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The rounding-boundary classes the coverage report counts agree with an independent BigInteger computation of the
/// exact value (the test oracle's own decoding, no model code), on corner and random vectors of every format pair.
/// </summary>
public class ClassifierOracleTests
{
    [Theory]
    [InlineData("fp32")]
    [InlineData("bf16")]
    [InlineData("fp16")]
    public void BoundaryClassesMatchTheExactValue(string output)
    {
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 21, count: 6000) with { Block = 4, Output = StandardFormats.TryParse(output)! };
        var oracleOut = OracleFormat.All.Single(f => f.Name == output);
        var gen = new DotVectorGenerator(o);
        var classifier = new DotClassifier(o.Output);
        var v = new DotVector(o.Block);
        var counts = CoverageReport.NewCounters();
        int checkedVectors = 0;
        // Every 7th corner vector (all families) and every random one.
        for (long i = 0; i < gen.Total; i += i < gen.Sections[^1].Start ? 7 : 1)
        {
            gen.Generate(i, v);
            Array.Clear(counts);
            classifier.Classify(v, counts);
            var got = Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0 && CoverageClasses.Names[c].StartsWith("rb:"))
                .Select(c => CoverageClasses.Names[c]).ToArray();
            var expected = Expected(v, oracleOut);
            Assert.True(got.SequenceEqual(expected is null ? [] : [expected]),
                $"vector {i} {DotLine.FormatInputs(v)}: classifier [{string.Join(' ', got)}], oracle [{expected}]; all: " +
                string.Join(' ', Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0).Select(c => CoverageClasses.Names[c])));
            checkedVectors++;
        }
        Assert.True(checkedVectors > 15000);
    }

    /// <summary>The oracle's rb class name, or null (special inputs, exact zero, or no named boundary).</summary>
    private static string? Expected(DotVector v, OracleFormat o)
    {
        var fa = OracleFormat.Elements.Single(f => f.Name == v.FormatA.Name); var fb = OracleFormat.Elements.Single(f => f.Name == v.FormatB.Name);
        var c = ConversionOracle.Decode(OracleFormat.Fp32, v.C);
        var sa = DotOracle.ScaleValue(v.Scales.Format.Name, v.ScaleA);
        var sb = DotOracle.ScaleValue(v.Scales.Format.Name, v.ScaleB);
        if (sa.Nan || sb.Nan || c.Class != OClass.Finite) return null;
        // R = C + sa·sb·Σ a_i·b_i as N·2^E with E small enough for every term.
        const int E = -700;
        BigInteger n = Term(c, E);
        for (int i = 0; i < v.K; i++)
        {
            var a = ConversionOracle.Decode(fa, v.A[i]); var b = ConversionOracle.Decode(fb, v.B[i]);
            if (a.Class != OClass.Finite || b.Class != OClass.Finite) return null;
            var p = new OValue(OClass.Finite, a.Negative != b.Negative, a.Mag * b.Mag * sa.Mag * sb.Mag, a.Exp + b.Exp + sa.Exp + sb.Exp);
            n += Term(p, E);
        }
        if (n.IsZero) return null;
        var mag = BigInteger.Abs(n);
        int msb = (int)mag.GetBitLength() - 1 + E;
        int emax = o.MaxExp + (int)o.MaxSig.GetBitLength() - 1, emin = o.Emin;
        if (msb > emax) return null; // beyond 2^(emax+1): overflow whatever the rounding, no boundary
        int ulp = Math.Max(msb - o.M, emin - o.M);
        var one = BigInteger.One << (ulp - E);
        var rem = mag % one;
        var half = one / 2;
        var near = one >> DotClassifier.NearBits;
        string? kind =
            rem.IsZero ? "exact" :
            rem == half ? "tie" :
            rem < half && half - rem <= near ? "tie-below" :
            rem > half && rem - half <= near ? "tie-above" :
            rem <= near ? "sticky-far" :
            one - rem <= near ? "near-up" : null;
        if (kind is null) return null;
        var maxFinite = o.MaxSig << (o.MaxExp - E);
        string magnitude = mag >= maxFinite ? "overflow" : msb < emin ? "subnormal" : "normal";
        return $"rb:{kind}:{magnitude}:{v.Rounding.ShortName()}";
    }

    private static BigInteger Term(OValue x, int e) => (x.Negative ? -x.Mag : x.Mag) << (x.Exp - e);
}
