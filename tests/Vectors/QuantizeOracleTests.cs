using MxRef.Vectors.Files;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The expected values the quantize generator writes agree with the independent BigInteger quantization oracle on
/// every corner vector (all formats and modes) and on random ones, for the default policy and a non-default one.
/// </summary>
public class QuantizeOracleTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GeneratedQuantizeVectorsMatchTheOracle(bool variantPolicy)
    {
        var policy = variantPolicy
            ? MxRef.Quantization.QuantizationPolicy.Default with { ScaleRule = MxRef.Quantization.ScaleRule.Ceil, Specials = MxRef.Quantization.SpecialsPolicy.Preserve, IntegerRange = MxRef.Quantization.IntegerRange.Full }
            : MxRef.Quantization.QuantizationPolicy.Default;
        var gen = new QuantizeVectorGenerator(new QuantizeGeneratorOptions
        {
            Formats = StandardFormats.Elements, Modes = RoundingModes.Deterministic, Block = 8, Policy = policy, Seed = 4, Count = 3000, Corners = true, Random = true,
        });
        var q = new QuantizeVector(8);
        for (long i = 0; i < gen.Total; i++)
        {
            gen.Generate(i, q);
            var f = OracleFormat.Elements[StandardFormats.ElementCode(q.Format)];
            var p = new OraclePolicy(q.Rounding.ShortName(), Ceil: variantPolicy, Specials: variantPolicy ? "preserve" : "nan-scale", FullInt: variantPolicy);
            var (scale, elements) = QuantizationOracle.QuantizeBlock(f, q.V, q.K, p);
            Assert.True(scale == q.Scale, $"vector {i} {QuantizeLine.Format(q)}: oracle scale {scale:x2}");
            for (int j = 0; j < q.K; j++)
                Assert.True(elements[j].SameAs(ConversionOracle.Decode(f, q.P[j])), $"vector {i} {QuantizeLine.Format(q)}: element {j} oracle {elements[j]}");
        }
    }
}

public class QuantizeCoverageTests
{
    [Fact]
    public void QuantizeCornersCoverEveryClass()
    {
        var o = new QuantizeGeneratorOptions { Formats = StandardFormats.Elements, Modes = RoundingModes.Deterministic, Block = 32, Corners = true };
        var gen = new QuantizeVectorGenerator(o);
        var counts = new long[MxRef.Vectors.Coverage.QuantizeClassifier.Count];
        var classifier = new MxRef.Vectors.Coverage.QuantizeClassifier();
        var q = new QuantizeVector(32);
        for (long i = 0; i < gen.Total; i++) { gen.Generate(i, q); classifier.Classify(q, counts); }
        var missing = MxRef.Vectors.Coverage.QuantizeClassifier.Expected(o.Formats, o.Modes).Where(i => counts[i] == 0)
            .Select(i => MxRef.Vectors.Coverage.QuantizeClassifier.Names[i]).ToArray();
        Assert.True(missing.Length == 0, string.Join(' ', missing));
    }
}
