using System.Numerics;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The underflow ("tiny"), C-dominating and exact-zero-sum classes agree with an independent BigInteger computation of
/// the exact value C + sa·sb·Σ a_i·b_i (the test oracle's own decoding, no model code), on every corner vector.
/// </summary>
public class BoundaryFamilyOracleTests
{
    private static readonly string[] Prefixes = ["tiny:", "dominant:c-normal", "dominant:c-subnormal", "zero-sum:"];

    [Theory]
    [InlineData("fp32")]
    [InlineData("bf16")]
    [InlineData("fp16")]
    public void ClassesMatchTheExactValue(string output)
    {
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 5, count: 0) with { Random = false, Block = 32, Output = StandardFormats.TryParse(output)! };
        var oracleOut = OracleFormat.All.Single(f => f.Name == output);
        var gen = new DotVectorGenerator(o);
        var classifier = new DotClassifier(o.Output);
        var v = new DotVector(o.Block);
        var counts = CoverageReport.NewCounters();
        int hits = 0;
        for (long i = 0; i < gen.Total; i += 3)
        {
            gen.Generate(i, v);
            Array.Clear(counts);
            classifier.Classify(v, counts);
            var got = Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0 && Prefixes.Any(p => CoverageClasses.Names[c].StartsWith(p)))
                .Select(c => CoverageClasses.Names[c]).Order().ToArray();
            var expected = Expected(v, oracleOut).Order().ToArray();
            Assert.True(got.SequenceEqual(expected), $"vector {i} {DotLine.FormatInputs(v)}: classifier [{string.Join(' ', got)}], oracle [{string.Join(' ', expected)}]");
            hits += got.Length;
        }
        Assert.True(hits > 1000);
    }

    private static string[] Expected(DotVector v, OracleFormat o)
    {
        var fa = OracleFormat.Elements.Single(f => f.Name == v.FormatA.Name); var fb = OracleFormat.Elements.Single(f => f.Name == v.FormatB.Name);
        var c = ConversionOracle.Decode(OracleFormat.Fp32, v.C);
        var sa = DotOracle.ScaleValue(v.Scales.Format.Name, v.ScaleA);
        var sb = DotOracle.ScaleValue(v.Scales.Format.Name, v.ScaleB);
        if (sa.Nan || sb.Nan || c.Class != OClass.Finite) return [];
        const int E = -700;
        BigInteger products = 0;
        bool anyNonZero = false;
        for (int i = 0; i < v.K; i++)
        {
            var a = ConversionOracle.Decode(fa, v.A[i]); var b = ConversionOracle.Decode(fb, v.B[i]);
            if (a.Class != OClass.Finite || b.Class != OClass.Finite) return [];
            var p = new OValue(OClass.Finite, a.Negative != b.Negative, a.Mag * b.Mag * sa.Mag * sb.Mag, a.Exp + b.Exp + sa.Exp + sb.Exp);
            if (!p.Mag.IsZero) anyNonZero = true;
            products += Term(p, E);
        }
        var cTerm = Term(c, E);
        var n = cTerm + products;
        string mode = v.Rounding.ShortName();
        var result = new List<string>();
        if (!cTerm.IsZero && !products.IsZero)
        {
            int d = Msb(cTerm) - Msb(products);
            bool subnormal = BigInteger.Abs(cTerm) < BigInteger.One << (-126 - E);
            if (d >= 20)
                result.Add(subnormal ? "dominant:c-subnormal:" + (d <= 25 ? "20-25" : d <= 50 ? "26-50" : d <= 90 ? "51-90" : "far")
                    : "dominant:c-normal:" + (d <= 90 ? $"d{d}" : "far"));
        }
        if (n.IsZero)
        {
            if (cTerm.IsZero && products.IsZero)
                result.Add($"zero-sum:{(c.Negative ? "c-0" : "c+0")}:{(anyNonZero ? "cancel" : "zero-products")}:{mode}");
            return [.. result];
        }
        // Tininess boundaries: just below 2^emin with p ones on top; within 2^q of 0; between 2^q and 2^(q+1).
        int msb = Msb(n), p1 = o.M + 1, q = o.Emin - o.M;
        (int boundary, int reference, BigInteger whole) = msb == o.Emin - 1 ? (0, o.Emin - p1, (BigInteger.One << p1) - 1)
            : msb < q ? (1, q, BigInteger.Zero) : msb == q ? (2, q, BigInteger.One) : (-1, 0, BigInteger.Zero);
        if (boundary >= 0)
        {
            var mag = BigInteger.Abs(n);
            var integer = mag >> (reference - E);
            var rem = mag - (integer << (reference - E));
            // R = (2^p − 1)·2^u exactly: nothing below the p bits (only below 2^emin; elsewhere R is 0 or 2^q).
            if (integer == whole && rem.IsZero && boundary == 0)
                result.Add($"tiny:below-min-normal:exact:{(n < 0 ? "-" : "+")}:{mode}");
            if (integer == whole && !rem.IsZero)
            {
                int below = reference - (int)(rem.GetBitLength() - 1 + E);
                string? kind = below == 1 ? "round" : below == 2 ? "sticky-next" : below >= 9 ? "sticky-far" : null;
                string[] names = ["below-min-normal", "below-min-sub", "above-min-sub"];
                if (kind is not null) result.Add($"tiny:{names[boundary]}:{kind}:{(n < 0 ? "-" : "+")}:{mode}");
            }
        }
        return [.. result];
    }

    private static int Msb(BigInteger x) => (int)BigInteger.Abs(x).GetBitLength() - 1 - 700;

    private static BigInteger Term(OValue x, int e) => (x.Negative ? -x.Mag : x.Mag) << (x.Exp - e);
}
