using MxRef.Formats;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Generation.Decode;

namespace MxRef.Vectors.Operations;

/// <summary>The coverage of a set of decode vectors: class counts, the vector count and the classes it had to hit.</summary>
public sealed record DecodeCoverage(long[] Counts, long Vectors, IReadOnlyList<int> Expected)
{
    public IEnumerable<string> NeverHit => Expected.Where(i => Counts[i] == 0).Select(i => DecodeClassifier.Names[i]);
    public string ToText() => DecodeClassifier.Report(Counts, Vectors, Expected, json: false);
    public string ToJson() => DecodeClassifier.Report(Counts, Vectors, Expected, json: true);
}

/// <summary>Runs the decode generator into an <c>.mxv</c> file (one <c>// class: NAME</c> comment per section) and classifies what it writes.</summary>
public static class DecodeRun
{
    /// <summary>Writes the shard of <paramref name="gen"/> atomically; returns the coverage of what was written.</summary>
    public static DecodeCoverage Write(DecodeVectorGenerator gen, MxvHeader header, string path)
    {
        var o = gen.Options;
        var counts = new long[DecodeClassifier.Count];
        long written = SectionedRun.Write(gen, header, path, new DecodeVector(o.Block), (w, v) => w.WriteDecode(v), v => DecodeClassifier.Classify(v, o.Output, counts));
        return new DecodeCoverage(counts, written, DecodeClassifier.Expected(o.Formats, o.Modes, o.Output, o.Scale));
    }

    /// <summary>The coverage of a decode file. Throws <see cref="MxvFormatException"/> for a malformed file.</summary>
    public static DecodeCoverage Stats(string path)
    {
        using var reader = MxvReader.Open(path);
        var h = reader.Header;
        if (h.Op != MxvHeader.OpDecode) throw new MxvFormatException(path, 1, "header.op", $"'{h.Op}' files have no decode coverage classes");
        var counts = new long[DecodeClassifier.Count];
        var v = new DecodeVector(h.Block);
        while (reader.ReadNext(v)) DecodeClassifier.Classify(v, h.OutputFormat, counts);
        var formats = h.FormatsA?.Select(n => StandardFormats.TryParse(n)!).ToArray() ?? StandardFormats.Elements.ToArray();
        var modes = h.Rounding?.Select(n => MxRef.Rounding.RoundingModes.TryParse(n)!.Value).ToArray() ?? MxRef.Rounding.RoundingModes.Deterministic.ToArray();
        return new DecodeCoverage(counts, reader.Count, DecodeClassifier.Expected(formats, modes, h.OutputFormat, h.ScaleFormat));
    }
}
