using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;

namespace MxRef.Harness.Verify;

/// <summary>
/// Vectors from an index-addressable generator: vector i is a pure function of the options and i, so each simulation
/// process generates its own slice of the index range in parallel, and a mismatch is re-run from the same options and
/// its index alone. The unit's vector type is <typeparamref name="T"/>; <paramref name="generate"/> fills a vector's
/// inputs (and, for generators that compute them, its golden outputs) from its index.
/// </summary>
public class IndexedVectors<T>(long total, Action<long, T> generate, Func<long, string> section, ulong seed, string optionText,
    IReadOnlyList<int> expectedCoverage, string what = "vectors") : IGeneratedVectors, IVectorOrigins
{
    public long Total => total;
    public IVectorOrigins Origins => this;
    public IReadOnlyList<int> ExpectedCoverage => expectedCoverage;

    public IVectorSource Open(RunSlice slice, long? onlyIndex)
    {
        if (onlyIndex is { } i && (i < 0 || i >= Total)) throw new UsageException($"--index {i} is outside the run's {Total} {what} (0..{Total - 1})");
        var (start, end) = onlyIndex is { } j ? (j, j + 1) : slice.Range(Total);
        return new Source(generate, start, end);
    }

    public string Describe() => $"generated: {optionText} ({Total} {what})";

    public string Describe(string? file, long origin) => $"generated vector #{origin} (seed {seed}, {section(origin)})";

    public string ReproOptions(string? file, long origin) => $"{optionText} --index {origin}";

    private sealed class Source(Action<long, T> generate, long next, long end) : IVectorSource
    {
        public bool Claim(VectorBatch batch)
        {
            while (batch.Count < VectorBatch.Capacity && next < end) batch.Origin[batch.Count++] = next++;
            return batch.Count > 0;
        }

        public void Materialize(VectorBatch batch, int from, int to)
        {
            var vectors = ((VectorBatch<T>)batch).Vectors;
            for (int i = from; i < to; i++) generate(batch.Origin[i], vectors[i]);
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>Dot vectors from the generator of docs/vectors.md (<see cref="DotVectorGenerator"/>).</summary>
public sealed class GeneratedVectors : IndexedVectors<DotVector>
{
    public GeneratedVectors(DotGeneratorOptions options, string optionText) : this(new DotVectorGenerator(options), options, optionText)
    {
    }

    private GeneratedVectors(DotVectorGenerator gen, DotGeneratorOptions options, string optionText) : base(
        gen.Total, gen.GenerateInputs, i => gen.SectionOf(i).Name, options.Seed, optionText,
        options.ExpectedCoverage())
    {
    }

    /// <summary>The generator options as <c>mxref verify</c> options (the regression's identity and the repro's vectors).</summary>
    public static string OptionText(DotGeneratorOptions o) => Options.GeneratorOptionSet.Text(o);
}
