using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Operations;

/// <summary><c>vectors stats</c> of a shared-microexponent dot file: its classes, re-derived from the exact values.</summary>
public static class MicroexponentDotStats
{
    public static MicroexponentCoverage File(string path)
    {
        using var reader = MxvReader.Open(path);
        var h = reader.Header;
        var f = h.MicroexponentFormat ?? throw new MxvFormatException(path, 1, "header.block_format", "not a shared-microexponent dot file");
        var modes = h.Rounding?.Select(n => Rounding.RoundingModes.TryParse(n)!.Value).ToArray() ?? Rounding.RoundingModes.Deterministic.ToArray();
        var coverage = new MicroexponentCoverage(f, h.OutputFormat, modes);
        var v = new MicroexponentDotVector(f, h.Block);
        while (reader.ReadNext(v)) coverage.Classify(v);
        return coverage;
    }
}
