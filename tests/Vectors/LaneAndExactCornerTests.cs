using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The two corner families closing the gaps the N = 200 mutation grading of rtl/mx_dot found (docs/verify.md):
/// every NaN/Inf code alone in every lane of the block (<c>special-lanes</c>), and the exact 24-one-bit sum just below
/// 2^−126 (<c>underflow-exact</c>), checked against the independent oracle.
/// </summary>
public class LaneAndExactCornerTests
{
    private static bool Special(ElementTable t, byte code) => (t.Class[code] & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0;

    /// <summary>OCP MX v1.0 §5.3 (Table 1): the NaN/Inf codes of E5M2 and E4M3, typed from the spec.</summary>
    private static readonly Dictionary<string, byte[]> SpecCodes = new()
    {
        ["e5m2"] = [0x7C, 0x7D, 0x7E, 0x7F, 0xFC, 0xFD, 0xFE, 0xFF], // ±Inf S.11111.00, NaN S.11111.{01,10,11}
        ["e4m3"] = [0x7F, 0xFF],                                     // NaN S.1111.111, no Inf
    };

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(32)]
    public void EveryLaneHoldsEverySpecialCodeAlone(int k)
    {
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 0) with { Random = false, Block = k };
        var gen = new DotVectorGenerator(o);
        var section = gen.Sections.Single(s => s.Name == "corners/special-lanes");
        var seen = new HashSet<(string A, string B, char Side, byte Code, int Lane)>();
        var v = new DotVector(k);
        for (long i = section.Start; i < section.End; i++)
        {
            gen.GenerateInputs(i, v);
            var ta = ElementTable.For(v.FormatA); var tb = ElementTable.For(v.FormatB);
            var lanes = Enumerable.Range(0, k).Where(l => Special(ta, v.A[l]) || Special(tb, v.B[l])).ToArray();
            Assert.Single(lanes);
            int lane = lanes[0];
            Assert.True(Special(ta, v.A[lane]) != Special(tb, v.B[lane]), $"vector {i}: one operand is the special, the other 1.0");
            Assert.Equal(0u, v.C); // C = +0
            if (Special(ta, v.A[lane])) seen.Add((v.FormatA.Name, v.FormatB.Name, 'A', v.A[lane], lane));
            else seen.Add((v.FormatA.Name, v.FormatB.Name, 'B', v.B[lane], lane));
        }
        int expected = 0;
        foreach (var fa in o.FormatsA)
            foreach (var fb in o.FormatsB)
                for (int lane = 0; lane < k; lane++)
                {
                    foreach (var code in SpecCodes.GetValueOrDefault(fa.Name, []))
                        Assert.Contains((fa.Name, fb.Name, 'A', code, lane), seen);
                    foreach (var code in SpecCodes.GetValueOrDefault(fb.Name, []))
                        Assert.Contains((fa.Name, fb.Name, 'B', code, lane), seen);
                    expected += SpecCodes.GetValueOrDefault(fa.Name, []).Length + SpecCodes.GetValueOrDefault(fb.Name, []).Length;
                }
        Assert.Equal(expected, seen.Count);
        Assert.Equal(expected * o.Modes.Count, section.Count);
    }

    /// <summary>
    /// Each vector's exact value is ±(2^24 − 1)·2^−150 for FP32 (the oracle's own BigInteger sum), the model agrees with
    /// the oracle, the result is tiny and inexact (UF|NX) in every mode, and rounds to ±2^−126 (0x00800000) under rup
    /// for R &gt; 0 and rdn for R &lt; 0 (IEEE 754-2019 §7.5: tininess after rounding with an unbounded exponent).
    /// </summary>
    [Fact]
    public void ExactTwentyFourOnesBelowMinNormalAreTinyAndRoundUpToIt()
    {
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 0) with { Random = false, Block = 32 };
        var gen = new DotVectorGenerator(o);
        var section = gen.Sections.Single(s => s.Name == "corners/underflow-exact");
        var classifier = new DotClassifier(o.Output);
        var counts = CoverageReport.NewCounters();
        var v = new DotVector(32);
        int roundedUp = 0;
        for (long i = section.Start; i < section.End; i++)
        {
            gen.Generate(i, v);
            int fa = StandardFormats.ElementCode(v.FormatA), fb = StandardFormats.ElementCode(v.FormatB);
            var (bits, flags) = DotOracle.Fused(fa, v.A, v.ScaleA, fb, v.B, v.ScaleB, v.C, (int)v.Rounding, OracleFormat.Fp32);
            string where = $"vector {i} {DotLine.FormatInputs(v)}";
            Assert.True(bits == v.D && flags == v.Flags, $"{where}: model {v.D:X8}/{v.Flags:X2}, oracle {bits:X8}/{flags:X2}");
            Assert.True(flags == 0x03, $"{where}: flags {flags:X2}, expected UF|NX");
            bool negative = (bits >> 31) != 0;
            if ((v.Rounding == RoundingMode.Up && !negative) || (v.Rounding == RoundingMode.Down && negative))
            {
                Assert.Equal(0x00800000u, bits & 0x7FFFFFFF);
                roundedUp++;
            }
            Array.Clear(counts);
            classifier.Classify(v, counts);
            Assert.Equal(1, counts[CoverageClasses.TinyExact(negative, v.Rounding)]);
        }
        Assert.Equal(36 * 3 * 2, roundedUp); // every pair, each of the three ways, each sign: one directed mode each
    }
}
