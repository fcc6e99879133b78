using System.Text;
using MxRef.Rounding;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Vectors.Coverage;

/// <summary>Counts per coverage class and the classes a run was expected to hit but did not.</summary>
public sealed class CoverageReport
{
    private readonly long[] _counts;
    private readonly IReadOnlyList<int> _expected;

    public CoverageReport(IReadOnlyList<int> expected)
    {
        _counts = new long[CoverageClasses.Count];
        _expected = expected;
    }

    public long Vectors { get; private set; }

    /// <summary>A fresh counter array for one thread (merge it with <see cref="Add"/>).</summary>
    public static long[] NewCounters() => new long[CoverageClasses.Count];

    public void Add(long[] counters, long vectors)
    {
        for (int i = 0; i < _counts.Length; i++) _counts[i] += counters[i];
        Vectors += vectors;
    }

    public long this[string name] => _counts[CoverageClasses.Id(name)];

    public IReadOnlyList<string> Missing => _expected.Where(id => _counts[id] == 0).Select(id => CoverageClasses.Names[id]).ToArray();

    public static IReadOnlyList<int> ExpectedFor(IReadOnlyList<MxRef.Formats.NumberFormat> formatsA, IReadOnlyList<MxRef.Formats.NumberFormat> formatsB, IReadOnlyList<RoundingMode> modes,
        MxRef.Formats.ScaleCodec? scales = null, int block = 32, MxRef.Formats.NumberFormat? output = null) =>
        CoverageClasses.Expected(formatsA, formatsB, modes, scales, block, output);

    /// <summary>The classes of a run whose vectors take the output formats <paramref name="outputs"/> in turn.</summary>
    public static IReadOnlyList<int> ExpectedFor(IReadOnlyList<MxRef.Formats.NumberFormat> formatsA, IReadOnlyList<MxRef.Formats.NumberFormat> formatsB, IReadOnlyList<RoundingMode> modes,
        MxRef.Formats.ScaleCodec? scales, int block, IReadOnlyList<MxRef.Formats.NumberFormat> outputs) =>
        CoverageClasses.Expected(formatsA, formatsB, modes, scales, block, outputs);

    /// <summary>Counts of every class that was hit or expected, grouped by prefix, then the classes never hit.</summary>
    public string ToText()
    {
        var expected = _expected.ToHashSet();
        var sb = new StringBuilder();
        sb.Append($"coverage: {Vectors} vectors, {_expected.Count(id => _counts[id] > 0)}/{_expected.Count} expected classes hit\n");
        string group = "";
        for (int id = 0; id < _counts.Length; id++)
        {
            if (_counts[id] == 0 && !expected.Contains(id)) continue;
            var name = CoverageClasses.Names[id];
            var g = name[..name.IndexOf(':')];
            if (g != group) { sb.Append($"[{g}]\n"); group = g; }
            sb.Append($"  {name,-34} {_counts[id],12}\n");
        }
        var missing = Missing;
        sb.Append(missing.Count == 0 ? "never hit: none\n" : $"never hit ({missing.Count}): {string.Join(' ', missing)}\n");
        return sb.ToString();
    }

    public string ToJson()
    {
        var classes = new JObject();
        var expected = _expected.ToHashSet();
        for (int id = 0; id < _counts.Length; id++)
            if (_counts[id] > 0 || expected.Contains(id)) classes[CoverageClasses.Names[id]] = _counts[id];
        var o = new JObject { ["vectors"] = Vectors, ["classes"] = classes, ["never_hit"] = new JArray(Missing) };
        return o.ToString(Formatting.Indented);
    }
}
