using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Generation.Quantize;

namespace MxRef.Vectors.Operations;

/// <summary>The coverage of a set of quantize-bdr vectors: class counts, the vector count and the classes it had to hit.</summary>
public sealed record BdrQuantizeCoverage(long[] Counts, long Vectors, IReadOnlyList<int> Expected)
{
    public IEnumerable<string> NeverHit => Expected.Where(i => Counts[i] == 0).Select(i => BdrQuantizeClassifier.Names[i]);
    public string ToText() => BdrQuantizeClassifier.Report(Counts, Vectors, Expected, json: false);
    public string ToJson() => BdrQuantizeClassifier.Report(Counts, Vectors, Expected, json: true);
}

/// <summary>
/// Shared-microexponent quantize vectors (<c>op = quantize-bdr</c>): runs the generator into an <c>.mxv</c> file (one
/// <c>// class: NAME</c> comment per section), measures a file's coverage, and re-checks a file with the golden quantizer.
/// </summary>
public static class BdrQuantizeRun
{
    /// <summary>Writes the shard of <paramref name="gen"/> atomically; returns the coverage of what was written.</summary>
    public static BdrQuantizeCoverage Write(BdrQuantizeGenerator gen, MxvHeader header, string path)
    {
        var o = gen.Options;
        var counts = new long[BdrQuantizeClassifier.Count];
        long written = SectionedRun.Write(gen, header, path, new BdrQuantizeVector(o.Format), (w, q) => w.WriteBdrQuantize(q), q => BdrQuantizeClassifier.Classify(q, counts));
        return new BdrQuantizeCoverage(counts, written, BdrQuantizeClassifier.Expected(o.Format, o.Modes));
    }

    /// <summary>The coverage of a quantize-bdr file. Throws <see cref="MxvFormatException"/> for a malformed file or another op.</summary>
    public static BdrQuantizeCoverage Stats(string path)
    {
        using var reader = MxvReader.Open(path);
        var f = reader.Header.BdrQuantizeFormat
            ?? throw new MxvFormatException(path, 1, "header.op", $"'{reader.Header.Op}' files have no quantize-bdr coverage classes");
        var counts = new long[BdrQuantizeClassifier.Count];
        var q = new BdrQuantizeVector(f);
        while (reader.ReadNext(q)) BdrQuantizeClassifier.Classify(q, counts);
        var modes = reader.Header.Rounding?.Select(n => RoundingModes.TryParse(n)!.Value).ToArray() ?? RoundingModes.Deterministic.ToArray();
        return new BdrQuantizeCoverage(counts, reader.Count, BdrQuantizeClassifier.Expected(f, modes));
    }

    /// <summary>Every line of a quantize-bdr file re-quantized under the header's policy and the line's mode; returns the differences.</summary>
    internal static long Check(MxvReader reader, string path, int maxReport, Action<MxvDifference> keep)
    {
        var f = reader.Header.BdrQuantizeFormat!;
        var policy = BdrQuantizeEvaluation.PolicyOf(reader.Header, path);
        var q = new BdrQuantizeVector(f);
        int w = (f.ElementBits + 3) / 4;
        long differences = 0;
        while (reader.ReadNext(q))
        {
            var t = q.Evaluate(policy);
            if (q.Matches(t) || ++differences > maxReport) continue;
            string Codes(IEnumerable<uint> p) => string.Join(' ', p.Select(c => c.ToString("x" + w)));
            keep(new MxvDifference(reader.LineNumber,
                $"{path}:{reader.LineNumber}: file S={q.Scale:x2} M=[{string.Join(' ', q.Micro)}] P=[{Codes(q.P)}], " +
                $"golden S={t.Scales[0]:x2} M=[{string.Join(' ', t.Microexponents.Take(q.Micro.Length))}] P=[{Codes(t.Elements.Take(q.K).Select(c => (uint)c))}]\n" +
                $"  {f.Name} RM={q.Rounding.ShortName()} V=[{string.Join(' ', q.V.Select(x => Codec.Show(StandardFormats.Fp32, x)))}]"));
        }
        return differences;
    }
}
