using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Operations;

/// <summary>
/// The coverage of an <c>.mxv</c> file, classified from the exact values of every vector (not from how it was made);
/// the expected classes follow the formats and modes its header lists (all of them when it lists none).
/// </summary>
public static class MxvStats
{
    /// <summary>The coverage of a dot file. Throws <see cref="MxvFormatException"/> for a malformed file or another op.</summary>
    public static CoverageReport Dot(string path)
    {
        using var reader = MxvReader.Open(path);
        var h = reader.Header;
        if (h.Op != MxvHeader.OpDot)
            throw new MxvFormatException(path, 1, "header.op", $"'{h.Op}' files have no dot coverage classes; use {nameof(MxvStats)}.{nameof(Quantize)}");
        var report = new CoverageReport(CoverageReport.ExpectedFor(Formats(h.FormatsA), Formats(h.FormatsB), Modes(h.Rounding), h.Scales, h.Block, h.OutputFormats));
        var counters = CoverageReport.NewCounters();
        var classifier = new DotOutputClassifier(); // each vector against its own output format
        var v = new DotVector(h.Block);
        long n = 0;
        while (reader.ReadNext(v)) { classifier.Classify(v, counters); n++; }
        report.Add(counters, n);
        return report;
    }

    /// <summary>The coverage of a quantize file. Throws <see cref="MxvFormatException"/> for a malformed file or another op.</summary>
    public static QuantizeCoverage Quantize(string path)
    {
        using var reader = MxvReader.Open(path);
        var h = reader.Header;
        if (h.Op != MxvHeader.OpQuantize)
            throw new MxvFormatException(path, 1, "header.op", $"'{h.Op}' files have no quantize coverage classes; use {nameof(MxvStats)}.{nameof(Dot)}");
        var counts = new long[QuantizeClassifier.Count];
        // A recipe file names its block formats; the first one's scale format decides the scale classes.
        var scale = h.BlockFormats is { Count: > 0 } bf && BlockFormat.TryParse(bf[0]) is { } first ? first.ScaleCodec : ScaleCodec.E8M0;
        var classifier = new QuantizeClassifier { Scale = scale };
        var q = new QuantizeVector(h.Block);
        long n = 0;
        while (reader.ReadNext(q)) { classifier.Classify(q, counts); n++; }
        return new QuantizeCoverage(counts, n, QuantizeClassifier.Expected(Formats(h.FormatsA), Modes(h.Rounding), scale));
    }

    /// <summary>The coverage of a regen file. Throws <see cref="MxvFormatException"/> for a malformed file or another op.</summary>
    public static RegenCoverage Regen(string path)
    {
        using var reader = MxvReader.Open(path);
        var h = reader.Header;
        if (h.Op != MxvHeader.OpRegen)
            throw new MxvFormatException(path, 1, "header.op", $"'{h.Op}' files have no regen coverage classes");
        var counts = new long[RegenClassifier.Count];
        var r = new RegenVector(h.Block);
        long n = 0;
        bool irwinHall = false;
        while (reader.ReadNext(r))
        {
            try { RegenClassifier.Classify(r, counts); }
            catch (ArgumentOutOfRangeException e) { throw new MxvFormatException(path, reader.LineNumber, "A", e.Message); }
            irwinHall |= r.Terms > 1;
            n++;
        }
        return new RegenCoverage(counts, n, RegenClassifier.Expected(Formats(h.FormatsA).Select(StandardFormats.ElementCode), irwinHall));
    }

    /// <summary>Element formats of a header list (already validated by the header parser); all formats for none.</summary>
    private static NumberFormat[] Formats(IReadOnlyList<string>? names) =>
        names?.Select(n => StandardFormats.TryParse(n)!).ToArray() ?? StandardFormats.Elements.ToArray();

    private static RoundingMode[] Modes(IReadOnlyList<string>? names) =>
        names?.Select(n => RoundingModes.TryParse(n)!.Value).ToArray() ?? RoundingModes.Deterministic.ToArray();
}
