using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Operations;

/// <summary>
/// Runs a quantize generator into an <c>.mxv</c> file, one <c>// class: NAME</c> comment per section, and classifies
/// what it writes. Sequential: quantize vectors are few and cheap next to dot vectors.
/// </summary>
public static class QuantizeRun
{
    /// <summary>Writes the shard of <paramref name="gen"/> atomically; returns the coverage of what was written.</summary>
    public static QuantizeCoverage Write(QuantizeVectorGenerator gen, MxvHeader header, string path)
    {
        var counts = new long[QuantizeClassifier.Count];
        var classifier = new QuantizeClassifier();
        using var writer = MxvWriter.Create(path, header);
        var q = new QuantizeVector(gen.Options.Block);
        foreach (var section in gen.Sections)
        {
            long start = Math.Max(section.Start, gen.ShardStart), end = Math.Min(section.End, gen.ShardEnd);
            if (end <= start) continue;
            writer.WriteComment("class: " + section.Name);
            for (long i = start; i < end; i++)
            {
                gen.Generate(i, q);
                writer.WriteQuantize(q);
                classifier.Classify(q, counts);
            }
        }
        writer.Commit();
        return new QuantizeCoverage(counts, writer.Count, QuantizeClassifier.Expected(gen.Options.Formats, gen.Options.Modes));
    }
}
