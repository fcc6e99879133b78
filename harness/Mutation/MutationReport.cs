using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Mutation;

public enum MutantOutcome { Killed, Survived, NotSimulatable }

/// <summary>What the regression did to one mutant: the first mismatch that killed it, or why it could not run.</summary>
public sealed record MutantResult(YosysMutation Mutation, MutantOutcome Outcome, string Detail, double Seconds)
{
    public static string Name(MutantOutcome o) => o switch
    {
        MutantOutcome.Killed => "killed",
        MutantOutcome.Survived => "survived",
        _ => "not-simulatable",
    };

    public static MutantOutcome Parse(string name) => name switch
    {
        "killed" => MutantOutcome.Killed,
        "survived" => MutantOutcome.Survived,
        "not-simulatable" => MutantOutcome.NotSimulatable,
        _ => throw new UsageException($"unknown mutant outcome '{name}' (valid: killed survived not-simulatable)"),
    };
}

/// <summary>One group of mutants (a source line or a mutation type) and how many the regression killed.</summary>
public sealed record MutationTally(string Key, int Killed, int Survived, int NotSimulatable)
{
    public int Simulatable => Killed + Survived;
    /// <summary>Killed among the simulatable: mutants that could not run say nothing about the regression.</summary>
    public double KillRate => Simulatable == 0 ? 0 : (double)Killed / Simulatable;
}

/// <summary>The grade of a regression: every mutant's outcome, tallied per source line and per mutation type.</summary>
public sealed class MutationReport
{
    public const string Format = "mxref-mutation-report/1";

    public required string Regression { get; init; }
    public required string Top { get; init; }
    public required int K { get; init; }
    /// <summary>A described unit's design (<c>mx_dot k=8 K=4</c>), shown in place of <c>TOP K=k</c>; null for the others.</summary>
    public string? Design { get; init; }
    public required int Requested { get; init; }
    public required ulong Seed { get; init; }
    public int Shard { get; init; }
    public int Shards { get; init; } = 1;
    public required IReadOnlyList<MutantResult> Results { get; init; }
    public double BaselineSeconds { get; init; }
    public double WallSeconds { get; set; }

    public int Count(MutantOutcome o) => Results.Count(r => r.Outcome == o);
    public MutationTally Total => Tally("all", Results);
    public IReadOnlyList<MutationTally> ByType => Results.GroupBy(r => r.Mutation.Mode).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Tally(g.Key, g)).ToArray();
    public IReadOnlyList<MutationTally> ByLine => Results.GroupBy(r => r.Mutation.Location?.ToString() ?? "(no src)")
        .OrderBy(g => g.Key, Comparer<string>.Create(CompareLocations)).Select(g => Tally(g.Key, g)).ToArray();
    public IReadOnlyList<MutantResult> Survivors => Results.Where(r => r.Outcome == MutantOutcome.Survived).OrderBy(r => r.Mutation.Number).ToArray();

    public static MutationTally Tally(string key, IEnumerable<MutantResult> rs)
    {
        int k = 0, s = 0, x = 0;
        foreach (var r in rs)
        {
            if (r.Outcome == MutantOutcome.Killed) k++;
            else if (r.Outcome == MutantOutcome.Survived) s++;
            else x++;
        }
        return new MutationTally(key, k, s, x);
    }

    /// <summary>file then line number (so rtl/a.sv:9 comes before rtl/a.sv:10).</summary>
    private static int CompareLocations(string a, string b)
    {
        var la = SourceLocation.TryParse(a);
        var lb = SourceLocation.TryParse(b);
        if (la is null || lb is null) return string.CompareOrdinal(a, b);
        int c = string.CompareOrdinal(la.Value.File, lb.Value.File);
        return c != 0 ? c : la.Value.Line.CompareTo(lb.Value.Line);
    }

    public string Summary()
    {
        var sb = new StringBuilder();
        var t = Total;
        var ic = CultureInfo.InvariantCulture;
        sb.Append(ic, $"mutation summary: {Design ?? $"{Top} K={K}"}, {Results.Count} mutants (Yosys mutate -list {Requested} -seed {Seed}), shard {Shard}/{Shards}\n");
        sb.Append(ic, $"  regression       {Regression}\n");
        sb.Append(ic, $"  killed           {t.Killed}\n");
        sb.Append(ic, $"  survived         {t.Survived}\n");
        sb.Append(ic, $"  not simulatable  {t.NotSimulatable}\n");
        sb.Append(ic, $"  kill rate        {100 * t.KillRate:0.0}% ({t.Killed} of {t.Simulatable} simulatable mutants)\n");
        sb.Append("  by type         ");
        foreach (var g in ByType) sb.Append(ic, $" {g.Key} {g.Killed}/{g.Simulatable}{(g.NotSimulatable > 0 ? $" (+{g.NotSimulatable} not simulatable)" : "")};");
        sb.Append('\n');
        sb.Append("  by line          killed/simulatable (lines with a survivor marked *)\n");
        foreach (var g in ByLine)
            sb.Append(ic, $"    {(g.Survived > 0 ? '*' : ' ')} {g.Key,-28} {g.Killed}/{g.Simulatable}{(g.NotSimulatable > 0 ? $" +{g.NotSimulatable} not simulatable" : "")}\n");
        foreach (var r in Survivors)
        {
            sb.Append(ic, $"  SURVIVOR {r.Mutation.Number}: {r.Mutation.Location?.ToString() ?? "(no src)"}  {r.Mutation.Describe()}\n");
            sb.Append(ic, $"      src   {string.Join(' ', r.Mutation.Src)}\n");
        }
        foreach (var r in Results.Where(r => r.Outcome == MutantOutcome.NotSimulatable).OrderBy(r => r.Mutation.Number))
            sb.Append(ic, $"  NOT SIMULATABLE {r.Mutation.Number}: {r.Mutation.Location?.ToString() ?? "(no src)"}  {r.Mutation.Describe()}: {FirstLine(r.Detail)}\n");
        sb.Append(ic, $"  time             {WallSeconds:0.0} s wall (unmutated run {BaselineSeconds:0.0} s; {Results.Sum(r => r.Seconds):0.0} s summed over mutants)\n");
        sb.Append(t.Survived == 0 ? "ALL KILLED\n" : $"{t.Survived} SURVIVED (equivalent, or a gap in the regression: see docs/verify.md)\n");
        return sb.ToString();
    }

    private static string FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";

    public string ToJson()
    {
        static JObject TallyJson(MutationTally g) => new()
        {
            ["key"] = g.Key, ["killed"] = g.Killed, ["survived"] = g.Survived, ["not_simulatable"] = g.NotSimulatable, ["kill_rate"] = Math.Round(g.KillRate, 4),
        };
        var t = Total;
        var o = new JObject
        {
            ["format"] = Format,
            ["regression"] = Regression,
            ["top"] = Top,
            ["k"] = K,
            ["design"] = Design,
            ["requested"] = Requested,
            ["seed"] = Seed,
            ["shard"] = Shard,
            ["shards"] = Shards,
            ["killed"] = t.Killed,
            ["survived"] = t.Survived,
            ["not_simulatable"] = t.NotSimulatable,
            ["kill_rate"] = Math.Round(t.KillRate, 4),
            ["baseline_seconds"] = Math.Round(BaselineSeconds, 2),
            ["wall_seconds"] = Math.Round(WallSeconds, 2),
            ["by_type"] = new JArray(ByType.Select(TallyJson)),
            ["by_line"] = new JArray(ByLine.Select(TallyJson)),
            ["mutants"] = new JArray(Results.OrderBy(r => r.Mutation.Number).Select(r => new JObject
            {
                ["number"] = r.Mutation.Number,
                ["outcome"] = MutantResult.Name(r.Outcome),
                ["location"] = r.Mutation.Location?.ToString(),
                ["mode"] = r.Mutation.Mode,
                ["description"] = r.Mutation.Describe(),
                ["src"] = new JArray(r.Mutation.Src),
                ["command"] = r.Mutation.Command,
                ["detail"] = r.Detail,
                ["seconds"] = Math.Round(r.Seconds, 2),
            })),
        };
        return o.ToString(Formatting.Indented) + "\n";
    }

    /// <summary>Reads a report written by <see cref="ToJson"/> (to merge the shards of a job array).</summary>
    public static MutationReport FromJson(string json, string sourceName)
    {
        var o = JObject.Parse(json);
        if ((string?)o["format"] != Format) throw new UsageException($"{sourceName}: not a mutation report (format is not {Format})");
        var results = ((JArray)o["mutants"]!).Select((m, i) => new MutantResult(
            MutationList.ParseLine((string)m["command"]!, (int)m["number"]!, sourceName, i + 1) with { Number = (int)m["number"]! },
            MutantResult.Parse((string)m["outcome"]!), (string?)m["detail"] ?? "", (double)m["seconds"]!)).ToArray();
        return new MutationReport
        {
            Regression = (string)o["regression"]!, Top = (string)o["top"]!, K = (int)o["k"]!, Design = (string?)o["design"], Requested = (int)o["requested"]!, Seed = (ulong)o["seed"]!,
            Shard = (int)o["shard"]!, Shards = (int)o["shards"]!, Results = results,
            BaselineSeconds = (double)o["baseline_seconds"]!, WallSeconds = (double)o["wall_seconds"]!,
        };
    }

    /// <summary>The shards of one grading as one report; they must be the same regression, list and shard count.</summary>
    public static MutationReport Merge(IReadOnlyList<MutationReport> shards)
    {
        if (shards.Count == 0) throw new UsageException("no mutation reports to merge");
        var first = shards[0];
        foreach (var s in shards)
            if (s.Regression != first.Regression || s.Requested != first.Requested || s.Seed != first.Seed || s.Shards != first.Shards || s.K != first.K)
                throw new UsageException($"mutation report of shard {s.Shard} is of another grading (regression, N, seed, K or shard count differ)");
        var dup = shards.GroupBy(s => s.Shard).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new UsageException($"shard {dup.Key} is given twice");
        return new MutationReport
        {
            Regression = first.Regression, Top = first.Top, K = first.K, Design = first.Design, Requested = first.Requested, Seed = first.Seed,
            Shard = 0, Shards = 1, Results = shards.SelectMany(s => s.Results).OrderBy(r => r.Mutation.Number).ToArray(),
            BaselineSeconds = shards.Max(s => s.BaselineSeconds), WallSeconds = shards.Max(s => s.WallSeconds),
        };
    }
}
