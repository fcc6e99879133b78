using MxRef.Formats;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>The corner set alone (no random vectors, so independent of --count and of luck) reaches every expected coverage class.</summary>
public class CornerCoverageTests
{
    [Theory]
    [InlineData("fp32")]
    [InlineData("bf16")]
    [InlineData("fp16")]
    public void CornersAloneReachEveryExpectedClass(string output)
    {
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 0) with { Random = false, Output = StandardFormats.TryParse(output)! };
        var gen = new DotVectorGenerator(o);
        var report = new CoverageReport(CoverageReport.ExpectedFor(o.FormatsA, o.FormatsB, o.Modes, o.Scales, o.Block, o.Output));
        var classifier = new DotClassifier(o.Output);
        var v = new DotVector(o.Block);
        var counts = CoverageReport.NewCounters();
        for (long i = 0; i < gen.Total; i++)
        {
            gen.Generate(i, v);
            classifier.Classify(v, counts);
        }
        report.Add(counts, gen.Total);
        Assert.True(report.Missing.Count == 0, $"{gen.Total} corner vectors miss: {string.Join(' ', report.Missing)}");
    }
}
