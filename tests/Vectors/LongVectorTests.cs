using MxRef.Vectors.Operations;
using MxRef.Vectors.Generation;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>Slow: a full default regression file, re-read, re-checked and re-measured (make test-long).</summary>
public class LongVectorTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    [Trait("Category", "Long")]
    public void DefaultRegressionSetChecksCleanAndCoversEverything()
    {
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 1_000_000);
        var path = _files.Generate("default.mxv", o);
        Assert.Equal(0, MxvCheck.File(path, 20).Differences);
        var report = MxvStats.Dot(path);
        Assert.Empty(report.Missing);
        Assert.Equal(new DotVectorGenerator(o).Total, report.Vectors);
    }
}
