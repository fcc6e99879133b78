using System.Globalization;
using System.Text;
using MxRef.Vectors.Diagnosis;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>
/// One row of a run's mismatch-class table as reported (text, JSON, JUnit) and merged across shards: the class, its
/// count, whether a waiver accepts it, and a bounded number of examples (JSON records of <see cref="Mismatch.ToJson"/>).
/// </summary>
public sealed record MismatchClassReport
{
    public required string Name { get; init; }
    public required long Count { get; init; }
    public IReadOnlyList<string> Explanations { get; init; } = [];
    public IReadOnlyList<string> Parts { get; init; } = [];
    public long? UlpsMin { get; init; }
    public long? UlpsMax { get; init; }
    public int? ShortcutMin { get; init; }
    /// <summary>The waiver's reason ("" when given without one), or null when the class is not waived.</summary>
    public string? WaivedBecause { get; init; }
    public string? WaiverSource { get; init; }
    public required IReadOnlyList<JObject> Examples { get; init; }

    public bool Waived => WaivedBecause is not null;

    public static MismatchClassReport From(MismatchClassRow<Mismatch> row, WaiverSet? waivers)
    {
        var w = waivers?.For(row.Name, row.Explanations);
        return new MismatchClassReport
        {
            Name = row.Name, Count = row.Count, Explanations = row.Explanations, Parts = row.Parts.ToArray(),
            UlpsMin = row.UlpsMin, UlpsMax = row.UlpsMax, ShortcutMin = row.ShortcutMin,
            WaivedBecause = w?.Reason, WaiverSource = w?.Source,
            Examples = row.Examples.Select(m => m.ToJson()).ToArray(),
        };
    }

    /// <summary>"explained by tininess=on-result", with the thresholds a shortcut class allows.</summary>
    public string Explanation => Explanations.Count == 0 ? "explained by no single knob"
        : "explained by " + string.Join(" or ", Explanations.Select(e => e == MismatchClassifier.ShortcutSetting && ShortcutMin is { } d ? $"shortcut=threshold:N (any N < {d})" : e));

    public string Ulps => UlpsMin is not { } lo || UlpsMax is not { } hi ? "" : lo == hi ? $"{lo:+#;-#;0} ulp" : $"{lo:+#;-#;0}..{hi:+#;-#;0} ulp";

    public JObject ToJson() => new()
    {
        ["class"] = Name,
        ["count"] = Count,
        ["waived"] = Waived,
        ["reason"] = WaivedBecause,
        ["waiver"] = WaiverSource,
        ["explained_by"] = new JArray(Explanations),
        ["differs"] = new JArray(Parts),
        ["ulps_min"] = UlpsMin,
        ["ulps_max"] = UlpsMax,
        ["shortcut_distance_min"] = ShortcutMin,
        ["examples"] = new JArray(Examples),
    };

    public static MismatchClassReport FromJson(JObject o, string path)
    {
        string Need(string name) => (string?)o[name] ?? throw new UsageException($"{path}: field mismatch_classes.{name} is missing");
        return new MismatchClassReport
        {
            Name = Need("class"),
            Count = (long?)o["count"] ?? throw new UsageException($"{path}: field mismatch_classes.count is missing"),
            WaivedBecause = (bool?)o["waived"] == true ? (string?)o["reason"] ?? "" : null,
            WaiverSource = (string?)o["waiver"],
            Explanations = o["explained_by"] is { } e ? MxRef.Vectors.Files.JsonFields.As<string[]>(e) : [],
            Parts = o["differs"] is { } d ? MxRef.Vectors.Files.JsonFields.As<string[]>(d) : [],
            UlpsMin = (long?)o["ulps_min"], UlpsMax = (long?)o["ulps_max"], ShortcutMin = (int?)o["shortcut_distance_min"],
            Examples = (o["examples"] as JArray)?.OfType<JObject>().ToArray() ?? [],
        };
    }

    /// <summary>The rows of several shards' reports combined: counts summed, examples kept up to <paramref name="examplesPerClass"/>.</summary>
    public static IReadOnlyList<MismatchClassReport> Merge(IEnumerable<MismatchClassReport> rows, int examplesPerClass) =>
        rows.GroupBy(r => r.Name, StringComparer.Ordinal).Select(g => g.First() with
        {
            Count = g.Sum(r => r.Count),
            UlpsMin = g.Min(r => r.UlpsMin), UlpsMax = g.Max(r => r.UlpsMax), ShortcutMin = g.Min(r => r.ShortcutMin),
            Parts = g.SelectMany(r => r.Parts).Distinct().Order(StringComparer.Ordinal).ToArray(),
            Examples = g.SelectMany(r => r.Examples).Take(examplesPerClass).ToArray(),
        }).OrderByDescending(r => r.Count).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The table printed after the summary: class, count, status, explanation, one decoded example, its re-run.</summary>
    public static string Table(IReadOnlyList<MismatchClassReport> rows)
    {
        if (rows.Count == 0) return "";
        var sb = new StringBuilder();
        long waived = rows.Where(r => r.Waived).Sum(r => r.Count);
        sb.Append(CultureInfo.InvariantCulture, $"mismatch classes: {rows.Count}, {rows.Sum(r => r.Count):N0} mismatches, {waived:N0} waived\n");
        int width = Math.Max(20, rows.Max(r => r.Name.Length));
        foreach (var r in rows)
        {
            string status = r.Waived ? $"WAIVED{(r.WaivedBecause!.Length > 0 ? ": " + r.WaivedBecause : "")}" : "FAIL";
            sb.Append(CultureInfo.InvariantCulture, $"  {r.Name.PadRight(width)} {r.Count,12:N0}  {status}\n");
            sb.Append($"      {r.Explanation}; differs {string.Join(", ", r.Parts)}{(r.Ulps.Length > 0 ? $"; {r.Ulps}" : "")}\n");
            if (r.Examples.FirstOrDefault() is { } e)
            {
                sb.Append($"      example  {(string?)e["brief"]}\n");
                sb.Append($"      re-run   {(string?)e["repro"]}\n");
                sb.Append($"      model    {(string?)e["model"]}\n");
                if ((string?)e["model_explained"] is { } x) sb.Append($"      explains {x}\n");
            }
        }
        return sb.ToString();
    }
}
