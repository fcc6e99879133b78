using MxRef.Rounding;
using MxRef.Vectors.Generation;

namespace MxRef.Harness.Verify;

/// <summary>
/// Vectors from the issue-5 generator (<see cref="DotVectorGenerator"/>): vector i is a pure function of the options and
/// i, so each simulation process generates its own slice of the index range in parallel, and a mismatch is re-run from
/// the same options and its index alone.
/// </summary>
public sealed class GeneratedVectors(DotGeneratorOptions options, string optionText) : IGeneratedVectors, IVectorOrigins
{
    private readonly DotVectorGenerator _gen = new(options);

    public long Total => _gen.Total;
    public IVectorOrigins Origins => this;
    public IReadOnlyList<int> ExpectedCoverage => options.ExpectedCoverage((a, b) => MxRef.Vectors.Coverage.CoverageReport.ExpectedFor(a, b, options.Modes, options.Scales, options.Block, options.Output));

    public IVectorSource Open(RunSlice slice, long? onlyIndex)
    {
        if (onlyIndex is { } i && (i < 0 || i >= Total)) throw new UsageException($"--index {i} is outside the run's {Total} vectors (0..{Total - 1})");
        var (start, end) = onlyIndex is { } j ? (j, j + 1) : slice.Range(Total);
        return new Source(_gen, start, end);
    }

    public string Describe() => $"generated: {optionText} ({Total} vectors)";

    public string Describe(string? file, long origin) => $"generated vector #{origin} (seed {options.Seed}, {_gen.SectionOf(origin).Name})";

    public string ReproOptions(string? file, long origin) => $"{optionText} --index {origin}";

    /// <summary>The generator options as <c>mxref verify</c> options (the regression's identity and the repro's vectors).</summary>
    public static string OptionText(DotGeneratorOptions o) => Options.GeneratorOptionSet.Text(o);

    private sealed class Source(DotVectorGenerator gen, long next, long end) : IVectorSource
    {
        public bool Claim(VectorBatch batch)
        {
            while (batch.Count < VectorBatch.Capacity && next < end) batch.Origin[batch.Count++] = next++;
            return batch.Count > 0;
        }

        public void Materialize(VectorBatch batch, int i) => gen.GenerateInputs(batch.Origin[i], batch.Vectors[i]);

        public void Dispose()
        {
        }
    }
}
