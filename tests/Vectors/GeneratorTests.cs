using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using Xunit;
using MxRef.Vectors.Files;

namespace MxRef.Tests.Vectors;

public class GeneratorTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static DotGeneratorOptions Mixed(ulong seed = 5) => new()
    {
        FormatsA = [StandardFormats.Elements[0], StandardFormats.Elements[2], StandardFormats.Elements[5]], FormatsB = [StandardFormats.Elements[1], StandardFormats.Elements[4]], Modes = RoundingModes.Deterministic, Block = 8, Seed = seed, Count = 3000, Corners = true, Random = true,
    };

    [Fact]
    public void SameOptionsGiveTheSameBytesWhateverTheThreadCount()
    {
        var a = File.ReadAllBytes(_files.Generate("a.mxv", Mixed(), threads: 1));
        var b = File.ReadAllBytes(_files.Generate("b.mxv", Mixed(), threads: 3));
        Assert.Equal(a, b);
        var c = File.ReadAllBytes(_files.Generate("c.mxv", Mixed(seed: 6), threads: 2));
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void ShardsTogetherAreTheUnshardedRun()
    {
        var whole = DataLines(_files.Generate("whole.mxv", Mixed()));
        var parts = Enumerable.Range(0, 3).SelectMany(i => DataLines(_files.Generate($"part{i}.mxv", Mixed() with { ShardIndex = i, ShardCount = 3 }))).ToArray();
        Assert.Equal(whole, parts);
        Assert.True(whole.Length > 3000);
    }

    [Fact]
    public void AVectorDependsOnlyOnItsIndex()
    {
        var gen = new DotVectorGenerator(Mixed());
        var forward = new DotVector(8);
        var single = new DotVector(8);
        foreach (long i in new long[] { gen.Total - 1, 0, gen.Total / 2, 17 })
        {
            gen.Generate(i, single);
            var again = new DotVectorGenerator(Mixed());
            again.Generate(i, forward);
            Assert.Equal(DotLine.FormatInputs(single), DotLine.FormatInputs(forward));
        }
    }

    [Fact]
    public void DefaultRunLeavesNoClassEmpty()
    {
        // --corners --random over every format pair and mode (random part kept small: the corners alone must cover).
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 2000);
        var report = GenerationRun.Write(new DotVectorGenerator(o), VectorTestFiles.HeaderFor(o), _files.PathOf("default.mxv"));
        Assert.True(report.Missing.Count == 0, string.Join(' ', report.Missing));
        Assert.True(report.Vectors > 80000);
    }

    [Fact]
    public void RandomAloneCoversEveryClass()
    {
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 8, count: 200_000) with { Corners = false };
        var report = GenerationRun.Write(new DotVectorGenerator(o), VectorTestFiles.HeaderFor(o), _files.PathOf("random.mxv"));
        // The bit-by-bit boundary families (underflow, largest sums, dominant C, exact zero sums, every NaN code, the
        // NaN scale on one side, each NaN/Inf code alone in the first and last lane) are the corner set's job: random vectors are not required to hit them.
        string[] cornerOnly = ["tiny:", "largest:", "dominant:", "zero-sum:", "op:e5m2:nan-", "op:e5m2:inf-", "special:nan-scale-", "lone-special:"];
        var missing = report.Missing.Where(n => !cornerOnly.Any(n.StartsWith)).ToArray();
        Assert.True(missing.Length == 0, string.Join(' ', missing));
    }

    [Theory]
    [InlineData("fp32")]
    [InlineData("bf16")]
    [InlineData("fp16")]
    public void CornersAloneCoverEveryClassForEveryOutputFormat(string output)
    {
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 3, count: 0) with { Random = false, Output = StandardFormats.TryParse(output)!, Block = 32 };
        var gen = new DotVectorGenerator(o);
        var report = new CoverageReport(CoverageReport.ExpectedFor(o.FormatsA, o.FormatsB, o.Modes));
        var counts = CoverageReport.NewCounters();
        var classifier = new DotClassifier(o.Output);
        var v = new DotVector(o.Block);
        for (long i = 0; i < gen.Total; i++) { gen.Generate(i, v); classifier.Classify(v, counts); }
        report.Add(counts, gen.Total);
        Assert.True(report.Missing.Count == 0, string.Join(' ', report.Missing));
    }

    /// <summary>
    /// A coarse pair with one element cannot put f·ulp into its single product; C carries the fine bits instead, so a
    /// k = 1 FP4 unit still gets every rounding-boundary class where the output format makes them reachable.
    /// </summary>
    [Theory]
    [InlineData("bf16")]
    [InlineData("fp16")]
    public void CoarseSingleElementUnitsStillReachEveryBoundary(string output)
    {
        var o = new DotGeneratorOptions
        {
            FormatsA = [StandardFormats.Elements[4]], FormatsB = [StandardFormats.Elements[4]], Modes = RoundingModes.Deterministic, Block = 1, Corners = true, Output = StandardFormats.TryParse(output)!,
        };
        var gen = new DotVectorGenerator(o);
        var report = new CoverageReport(CoverageReport.ExpectedFor(o.FormatsA, o.FormatsB, o.Modes, block: o.Block));
        var counts = CoverageReport.NewCounters();
        var classifier = new DotClassifier(o.Output);
        var v = new DotVector(1);
        for (long i = 0; i < gen.Total; i++) { gen.Generate(i, v); classifier.Classify(v, counts); }
        report.Add(counts, gen.Total);
        Assert.True(report.Missing.Count == 0, string.Join(' ', report.Missing));
    }

    /// <summary>
    /// The constructed rounding boundaries are what they claim: each vector of the section, re-classified from its exact
    /// value, falls in the intended kind, magnitude and mode (fine-grained format pairs, where every kind is reachable).
    /// </summary>
    [Theory]
    [InlineData(0, 0, "fp32")]
    [InlineData(1, 5, "fp32")]
    [InlineData(5, 1, "bf16")]
    [InlineData(0, 1, "fp16")]
    public void ConstructedRoundingBoundariesAreExact(int fa, int fb, string output)
    {
        var o = new DotGeneratorOptions
        {
            FormatsA = [StandardFormats.Elements[fa]], FormatsB = [StandardFormats.Elements[fb]], Modes = RoundingModes.Deterministic, Block = 32, Corners = true, Output = StandardFormats.TryParse(output)!,
        };
        var gen = new DotVectorGenerator(o);
        var section = gen.Sections.Single(s => s.Name == "corners/rounding-boundaries");
        var classifier = new DotClassifier(o.Output);
        var v = new DotVector(32);
        int modes = o.Modes.Count;
        for (long j = 0; j < section.Count; j++)
        {
            gen.Generate(section.Start + j, v);
            int mode = (int)(j % modes), variant = (int)(j / modes);
            int kind = variant % 6, magnitude = variant / 6 % 3, parity = variant / 36;
            if (magnitude == 2 && parity == 0) magnitude = 0; // B = max − ulp: a normal boundary just below the top
            var counts = CoverageReport.NewCounters();
            classifier.Classify(v, counts);
            Assert.True(counts[CoverageClasses.Boundary(kind, magnitude, (RoundingMode)mode)] == 1,
                $"variant {variant} ({CoverageClasses.BoundaryKinds[kind]}, {CoverageClasses.BoundaryMagnitudes[magnitude]}, mode {mode}): {DotLine.FormatInputs(v)}");
        }
    }

    [Fact]
    public void ExhaustiveCoversEveryCodePair()
    {
        var o = new DotGeneratorOptions { FormatsA = [StandardFormats.Elements[4]], FormatsB = [StandardFormats.Elements[0]], Modes = [RoundingMode.NearestEven], Block = 1, Exhaustive = true };
        var gen = new DotVectorGenerator(o);
        Assert.Equal(16 * 256 * ExhaustiveSet.Accumulators.Length, gen.Total);
        var seen = new HashSet<(byte, byte)>();
        var v = new DotVector(1);
        for (long i = 0; i < gen.Total; i++) { gen.GenerateInputs(i, v); seen.Add((v.A[0], v.B[0])); }
        Assert.Equal(16 * 256, seen.Count);
        Assert.NotNull(o with { Block = 2, FormatsA = [StandardFormats.Elements[0]] } is var big ? big.Validate() : null); // 2·16 bits: refused
    }

    private static string[] DataLines(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith("//")).ToArray();
}
