using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Regen;

namespace MxRef.Vectors.Operations;

/// <summary>The coverage of a set of regen vectors: class counts, the vector count and the classes it had to hit.</summary>
public sealed record RegenCoverage(long[] Counts, long Vectors, IReadOnlyList<int> Expected)
{
    public IEnumerable<string> NeverHit => Expected.Where(i => Counts[i] == 0).Select(i => RegenClassifier.Names[i]);
    public string ToText() => RegenClassifier.Report(Counts, Vectors, Expected, json: false);
    public string ToJson() => RegenClassifier.Report(Counts, Vectors, Expected, json: true);
}

/// <summary>
/// Runs the regen generator into an <c>.mxv</c> file, one <c>// class: NAME</c> comment per section, and classifies what
/// it writes. Vectors are made in parallel batches and written in order, so the bytes do not depend on the threads.
/// </summary>
public static class RegenRun
{
    private const int Batch = 4096;

    /// <summary>Writes the shard of <paramref name="gen"/> atomically; returns the coverage of what was written.</summary>
    public static RegenCoverage Write(RegenVectorGenerator gen, MxvHeader header, string path, int threads = 0)
    {
        var counts = new long[RegenClassifier.Count];
        using var writer = MxvWriter.Create(path, header);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        int k = gen.Options.Block;
        foreach (var section in gen.Sections)
        {
            long start = Math.Max(section.Start, gen.ShardStart), end = Math.Min(section.End, gen.ShardEnd);
            if (end <= start) continue;
            writer.WriteComment("class: " + section.Name);
            for (long b = start; b < end; b += Batch)
            {
                int n = (int)Math.Min(Batch, end - b);
                var lines = new string[n];
                var local = new long[n][];
                Parallel.For(0, n, parallel, () => new RegenVector(k), (i, _, r) =>
                {
                    gen.Generate(b + i, r);
                    lines[i] = RegenLine.Format(r) + "\n";
                    local[i] = new long[RegenClassifier.Count];
                    RegenClassifier.Classify(r, local[i]);
                    return r;
                }, _ => { });
                for (int i = 0; i < n; i++)
                {
                    writer.WriteDataLines(System.Text.Encoding.ASCII.GetBytes(lines[i]), 1);
                    for (int c = 0; c < counts.Length; c++) counts[c] += local[i][c];
                }
            }
        }
        writer.Commit();
        return new RegenCoverage(counts, writer.Count, RegenClassifier.Expected(gen.Options.Formats.Select(f => MxRef.Formats.StandardFormats.ElementCode(f.Element)), gen.Options.MaxTerms > 1));
    }
}
