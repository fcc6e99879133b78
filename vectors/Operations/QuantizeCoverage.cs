using MxRef.Vectors.Coverage;

namespace MxRef.Vectors.Operations;

/// <summary>The coverage of a set of quantize vectors: class counts, the vector count and the classes it had to hit.</summary>
public sealed record QuantizeCoverage(long[] Counts, long Vectors, IReadOnlyList<int> Expected)
{
    /// <summary>The classes of <see cref="Expected"/> with no vector.</summary>
    public IEnumerable<string> NeverHit => Expected.Where(i => Counts[i] == 0).Select(i => QuantizeClassifier.Names[i]);

    public string ToText() => QuantizeClassifier.Report(Counts, Vectors, Expected, json: false);

    public string ToJson() => QuantizeClassifier.Report(Counts, Vectors, Expected, json: true);
}
