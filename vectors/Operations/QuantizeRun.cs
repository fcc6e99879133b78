using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
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
        long written = SectionedRun.Write(gen, header, path, new QuantizeVector(gen.Options.Block), (w, q) => w.WriteQuantize(q), q => classifier.Classify(q, counts));
        return new QuantizeCoverage(counts, written, QuantizeClassifier.Expected(gen.Options.Formats, gen.Options.Modes));
    }
}
