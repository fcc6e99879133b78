using System.Globalization;
using System.Security;
using System.Text;
using MxRef.Formats;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>The outcome of a run (or of merged shards): counts, rates, coverage, mismatches; as text, JSON and JUnit XML.</summary>
public sealed class VerifyResult
{
    /// <summary>Version 2 added the mismatch-class table, waivers and the profile.</summary>
    public const string Format = "mxref-verify-report/2";
    public static readonly string[] ReadableFormats = ["mxref-verify-report/1", Format];

    public required string Regression { get; init; }
    public required string Top { get; init; }
    /// <summary>The unit kind (docs/verify.md "Units"); it names the coverage classes.</summary>
    public string Unit { get; init; } = "dot";
    /// <summary>The names of the coverage classes <see cref="Coverage"/> counts (the unit's).</summary>
    public IReadOnlyList<string> CoverageNames { get; init; } = CoverageTally.Names;
    public required int K { get; init; }
    public int Shard { get; init; }
    public int Shards { get; init; } = 1;
    /// <summary>For merged reports: the shard indices it combines.</summary>
    public IReadOnlyList<int> ShardsMerged { get; init; } = [];
    public int Jobs { get; init; } = 1;
    public int Latency { get; init; }
    /// <summary>How a described unit (<c>--dut</c>) is driven and compared, one line; null for the mx_dot interface.</summary>
    public string? Described { get; init; }
    /// <summary>A described unit's design as the regression line names it (<c>mx_dot k=8 K=4</c>: k the block size, K a module parameter); null for the others, shown as <c>TOP K=k</c>.</summary>
    public string? Design { get; init; }
    public long Vectors { get; init; }
    public long MismatchCount { get; init; }
    public bool LimitReached { get; init; }
    public double SimSeconds { get; init; }
    public double WallSeconds { get; set; }
    /// <summary>CPU seconds of the simulation processes and of mxref itself (generation, model, streaming, comparison).</summary>
    public double BenchCpuSeconds { get; init; }
    public double HarnessCpuSeconds { get; init; }
    public required long[] Coverage { get; init; }
    /// <summary>Names of the coverage classes the regression must hit.</summary>
    public required IReadOnlyList<string> ExpectedCoverage { get; init; }
    public IReadOnlyList<string> NeverHit => ExpectedCoverage.Where(n => Coverage[IndexOf(n)] == 0).ToArray();

    private int IndexOf(string name)
    {
        for (int i = 0; i < CoverageNames.Count; i++)
            if (CoverageNames[i] == name) return i;
        throw new ArgumentException($"'{name}' is not a coverage class of the {Unit} unit");
    }
    public required IReadOnlyList<Mismatch> Mismatches { get; init; }
    /// <summary>Every mismatch by class (diagnosis, waiver, bounded examples), the largest class first.</summary>
    public IReadOnlyList<MismatchClassReport> Classes { get; set; } = [];
    public int ExamplesPerClass { get; init; } = 3;
    /// <summary>The golden model's implementation profile (canonical text; "default" for the reference).</summary>
    public string Profile { get; init; } = "default";
    /// <summary>Mismatches in waived classes: reported, but they do not fail the run.</summary>
    public long WaivedCount => Classes.Where(c => c.Waived).Sum(c => c.Count);
    /// <summary>Mismatches that fail the run (a report without a class table counts them all).</summary>
    public long FailingCount => Classes.Count == 0 ? MismatchCount : MismatchCount - WaivedCount;
    /// <summary>Mismatches as stored in a JSON report (for merged reports, which have no vectors in memory).</summary>
    public IReadOnlyList<JObject> MismatchJson { get; init; } = [];
    public string? Error { get; set; }
    /// <summary>Verilator line and toggle coverage of the RTL (<c>--code-coverage</c>), or null.</summary>
    public CodeCoverageReport? CodeCoverage { get; init; }

    public string Status => Error is not null ? "error" : FailingCount > 0 ? "fail" : "pass";
    public double Rate => SimSeconds > 0 ? Vectors / SimSeconds : 0;

    public string Summary()
    {
        var sb = new StringBuilder();
        int expected = ExpectedCoverage.Count;
        var missing = NeverHit;
        sb.Append(CultureInfo.InvariantCulture, $"verify summary: {Design ?? $"{Top}{(Unit == "dot" ? "" : $" ({Unit} unit)")} K={K}"}, latency {Latency} clocks, {(ShardsMerged.Count > 1 ? $"shards {string.Join(',', ShardsMerged)} of {Shards} merged" : $"shard {Shard}/{Shards}")}, {Jobs} simulation process{(Jobs == 1 ? "" : "es")}\n");
        if (Described is not null) sb.Append(CultureInfo.InvariantCulture, $"  unit         {Described}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  vectors      {Vectors:N0}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  mismatches   {MismatchCount:N0}{(WaivedCount > 0 ? $" ({WaivedCount:N0} waived, {FailingCount:N0} failing)" : "")}" +
            $"{(Classes.Count > 0 ? $" in {Classes.Count} class{(Classes.Count == 1 ? "" : "es")}" : "")}{(LimitReached ? " (stopped at --stop-after: not every vector was compared)" : "")}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  rate         {Rate:N0} vectors/s ({SimSeconds:0.00} s streaming, model and comparison included)\n");
        if (Vectors > 0 && BenchCpuSeconds > 0)
            sb.Append(CultureInfo.InvariantCulture,
                $"  cpu          simulation {BenchCpuSeconds:0.00} s ({1e9 * BenchCpuSeconds / Vectors:0} ns/vector), mxref {HarnessCpuSeconds:0.00} s ({1e9 * HarnessCpuSeconds / Vectors:0} ns/vector: generation, model, coverage, I/O, compare)\n");
        sb.Append(CultureInfo.InvariantCulture, $"  coverage     {expected - missing.Count}/{expected} expected classes hit{(missing.Count > 0 ? "; never hit: " + string.Join(' ', missing.Take(12)) + (missing.Count > 12 ? $" ... and {missing.Count - 12} more (JSON report)" : "") : "")}\n");
        if (CodeCoverage is not null) sb.Append(Verify.CodeCoverage.SummaryLines(CodeCoverage));
        sb.Append(CultureInfo.InvariantCulture, $"  wall time    {WallSeconds:0.0} s\n");
        sb.Append(MismatchClassReport.Table(Classes));
        sb.Append(Status switch { "pass" => "PASS\n", "fail" => "FAIL\n", _ => $"ERROR: {Error}\n" });
        return sb.ToString();
    }

    public string ToJson()
    {
        var cov = new JObject();
        var expectedSet = ExpectedCoverage.ToHashSet();
        for (int i = 0; i < CoverageNames.Count; i++)
            if (Coverage[i] > 0 || expectedSet.Contains(CoverageNames[i])) cov[CoverageNames[i]] = Coverage[i];
        var mismatches = new JArray(MismatchJson);
        foreach (var m in Mismatches) mismatches.Add(m.ToJson());
        var o = new JObject
        {
            ["format"] = Format,
            ["regression"] = Regression,
            ["top"] = Top,
            ["unit"] = Unit,
            ["k"] = K,
            ["shard"] = Shard,
            ["shards"] = Shards,
            ["shards_merged"] = new JArray(ShardsMerged.Count > 0 ? ShardsMerged : [Shard]),
            ["jobs"] = Jobs,
            ["latency"] = Latency,
            ["described"] = Described,
            ["design"] = Design,
            ["status"] = Status,
            ["error"] = Error,
            ["vectors"] = Vectors,
            ["profile"] = Profile,
            ["mismatches"] = MismatchCount,
            ["mismatches_waived"] = WaivedCount,
            ["mismatches_failing"] = FailingCount,
            ["limit_reached"] = LimitReached,
            ["sim_seconds"] = Math.Round(SimSeconds, 3),
            ["wall_seconds"] = Math.Round(WallSeconds, 3),
            ["bench_cpu_seconds"] = Math.Round(BenchCpuSeconds, 3),
            ["mxref_cpu_seconds"] = Math.Round(HarnessCpuSeconds, 3),
            ["vectors_per_second"] = Math.Round(Rate),
            ["coverage"] = cov,
            ["coverage_expected"] = new JArray(ExpectedCoverage),
            ["never_hit"] = new JArray(NeverHit),
            ["examples_per_class"] = ExamplesPerClass,
            ["mismatch_classes"] = new JArray(Classes.Select(c => c.ToJson())),
            ["mismatch_details"] = mismatches,
        };
        if (CodeCoverage is { } cc) o["code_coverage"] = CodeCoverageJson.ToJson(cc);
        return o.ToString(Formatting.Indented) + "\n";
    }

    /// <summary>
    /// One test case per format pair (failed when a reported mismatch of a failing class has that pair), one per mismatch
    /// class (failed, or skipped with the waiver's reason), plus the run itself (failed when a class fails).
    /// </summary>
    public string ToJUnit()
    {
        var waived = Classes.Where(c => c.Waived).Select(c => c.Name).ToHashSet();
        var details = MismatchJson.Concat(Mismatches.Select(m => m.ToJson()))
            .Where(j => !waived.Contains((string?)j["class"] ?? ""))
            .Select(j => ((string?)j["format_a"] ?? "", (string?)j["format_b"] ?? "", (string?)j["source"] ?? "", $"expected {j["expected"]}, actual {j["actual"]}; class {j["class"]}; re-run: {j["repro"]}"))
            .ToList();
        var sb = new StringBuilder();
        var cases = new List<string>();
        int failures = 0, errors = 0;
        string cls = SecurityElement.Escape($"mxref.verify.{Top}")!;
        foreach (var a in Unit == "dot" ? StandardFormats.Elements : [])
            foreach (var b in StandardFormats.Elements)
            {
                string fa = a.Name, fb = b.Name;
                long n = Coverage[MxRef.Vectors.Coverage.CoverageClasses.Pair(a, b)];
                if (n == 0) continue;
                var bad = details.Where(d => d.Item1 == fa && d.Item2 == fb).ToList();
                var c = new StringBuilder($"    <testcase classname=\"{cls}\" name=\"{fa} x {fb} ({n} vectors)\" time=\"0\">\n");
                // A pair case lists the reported mismatches of its pair but never fails: the class cases and the
                // regression case carry the verdict, so one mismatch is not counted as a failure three times, and a
                // pair's verdict would depend on which examples happened to be kept.
                if (bad.Count > 0)
                {
                    c.Append("      <system-out>");
                    c.Append(SecurityElement.Escape($"{bad.Count} reported mismatching vectors of this pair:\n"));
                    foreach (var d in bad) c.Append(SecurityElement.Escape($"{d.Item3}: {d.Item4}\n"));
                    c.Append("</system-out>\n");
                }
                cases.Add(c.Append("    </testcase>\n").ToString());
            }
        int skipped = 0;
        foreach (var k in Classes)
        {
            var c = new StringBuilder($"    <testcase classname=\"{cls}.mismatch-class\" name=\"{SecurityElement.Escape(k.Name)} ({k.Count} mismatches)\" time=\"0\">\n");
            string body = SecurityElement.Escape($"{k.Explanation}; differs {string.Join(", ", k.Parts)}\n" +
                string.Concat(k.Examples.Select(e => $"{e["brief"]}\n  re-run: {e["repro"]}\n  model: {e["model"]}\n")));
            if (k.Waived)
            {
                skipped++;
                c.Append($"      <skipped message=\"{SecurityElement.Escape($"waived ({k.WaiverSource}): {(k.WaivedBecause!.Length > 0 ? k.WaivedBecause : "no reason given")}")}\"/>\n");
                c.Append($"      <system-out>{body}</system-out>\n");
            }
            else
            {
                failures++;
                c.Append($"      <failure message=\"{SecurityElement.Escape($"{k.Count} mismatches, {k.Explanation}")}\">{body}</failure>\n");
            }
            cases.Add(c.Append("    </testcase>\n").ToString());
        }
        var run = new StringBuilder($"    <testcase classname=\"{cls}\" name=\"regression: {SecurityElement.Escape(Regression)}\" time=\"{SimSeconds.ToString("0.000", CultureInfo.InvariantCulture)}\">\n");
        if (Error is not null) { errors++; run.Append($"      <error message=\"{SecurityElement.Escape(Error)}\"/>\n"); }
        else if (FailingCount > 0) { failures++; run.Append($"      <failure message=\"{FailingCount} failing mismatches ({WaivedCount} more waived) in {Vectors} vectors\"/>\n"); }
        cases.Add(run.Append("    </testcase>\n").ToString());
        sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
        sb.Append(CultureInfo.InvariantCulture, $"  <testsuite name=\"mxref verify {SecurityElement.Escape(Top)} shard {Shard}/{Shards}\" tests=\"{cases.Count}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{WallSeconds:0.000}\">\n");
        foreach (var c in cases) sb.Append(c);
        sb.Append("  </testsuite>\n</testsuites>\n");
        return sb.ToString();
    }

    /// <summary>Reads a JSON report written by <see cref="ToJson"/>.</summary>
    public static VerifyResult FromJson(string path)
    {
        JObject o;
        try
        {
            o = JObject.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not a JSON report: {e.Message}");
        }
        if (!ReadableFormats.Contains((string?)o["format"])) throw new UsageException($"{path}: field format: expected '{Format}', got '{o["format"]}'");
        T Field<T>(string name) => o[name] is { } t && t.Type != JTokenType.Null ? MxRef.Vectors.Files.JsonFields.As<T>(t) : throw new UsageException($"{path}: field {name} is missing");
        string unitName = (string?)o["unit"] ?? "dot";
        var names = UnitKind.TryParse(unitName) is { } kind ? kind.CoverageNames
            : throw new UsageException($"{path}: field unit: unknown unit '{unitName}'; valid: {UnitKind.ValidNames}");
        var cov = new long[names.Count];
        var jc = Field<JObject>("coverage");
        for (int i = 0; i < cov.Length; i++) cov[i] = (long?)jc[names[i]] ?? 0;
        var expectedNames = Field<string[]>("coverage_expected");
        foreach (var n in expectedNames)
            if (!names.Contains(n)) throw new UsageException($"{path}: field coverage_expected: unknown class '{n}' (report from another mxref version?)");
        return new VerifyResult
        {
            Regression = Field<string>("regression"),
            Top = Field<string>("top"),
            Unit = unitName,
            CoverageNames = names,
            K = Field<int>("k"),
            Shard = Field<int>("shard"),
            Shards = Field<int>("shards"),
            ShardsMerged = Field<int[]>("shards_merged"),
            Jobs = Field<int>("jobs"),
            Latency = Field<int>("latency"),
            Vectors = Field<long>("vectors"),
            MismatchCount = Field<long>("mismatches"),
            LimitReached = Field<bool>("limit_reached"),
            SimSeconds = Field<double>("sim_seconds"),
            WallSeconds = Field<double>("wall_seconds"),
            BenchCpuSeconds = (double?)o["bench_cpu_seconds"] ?? 0,
            HarnessCpuSeconds = (double?)o["mxref_cpu_seconds"] ?? 0,
            Coverage = cov,
            ExpectedCoverage = expectedNames,
            Mismatches = [],
            MismatchJson = Field<JArray>("mismatch_details").OfType<JObject>().ToArray(),
            Classes = (o["mismatch_classes"] as JArray)?.OfType<JObject>().Select(c => MismatchClassReport.FromJson(c, path)).ToArray() ?? [],
            Profile = (string?)o["profile"] ?? "default",
            ExamplesPerClass = (int?)o["examples_per_class"] ?? 3,
            Design = (string?)o["design"],
            Error = (string?)o["error"],
            CodeCoverage = o["code_coverage"] is JObject cc ? CodeCoverageJson.FromJson(cc, path) : null,
        };
    }

    /// <summary>
    /// Combines the reports of the shards of one regression. Every report must be of the same regression and shard
    /// count, and no shard may appear twice; missing shards are an error unless <paramref name="allowPartial"/>.
    /// The merged rate is the total over the summed simulation time (one process at a time, like a single run).
    /// </summary>
    public static VerifyResult Merge(IReadOnlyList<(string Path, VerifyResult R)> reports, bool allowPartial, string? codeCoverageDir = null, TextWriter? log = null)
    {
        if (reports.Count == 0) throw new UsageException("report merge needs at least one report");
        var first = reports[0];
        var seen = new Dictionary<int, string>();
        foreach (var (path, r) in reports)
        {
            if (r.Regression != first.R.Regression)
                throw new UsageException($"{path}: field regression: '{r.Regression}' is not the regression of {first.Path} ('{first.R.Regression}')");
            if (r.Unit != first.R.Unit)
                throw new UsageException($"{path}: field unit: '{r.Unit}' is not the unit of {first.Path} ('{first.R.Unit}')");
            if (r.Shards != first.R.Shards)
                throw new UsageException($"{path}: field shards: {r.Shards}, but {first.Path} has {first.R.Shards}");
            foreach (int s in r.ShardsMerged)
                if (!seen.TryAdd(s, path)) throw new UsageException($"{path}: shard {s}/{r.Shards} is also in {seen[s]}: merging it twice would count its vectors twice");
        }
        var missing = Enumerable.Range(0, first.R.Shards).Where(s => !seen.ContainsKey(s)).ToArray();
        if (missing.Length > 0 && !allowPartial)
            throw new UsageException($"shards {string.Join(", ", missing)} of {first.R.Shards} have no report (pass --allow-partial to merge anyway)");
        var cov = new long[first.R.CoverageNames.Count];
        foreach (var (_, r) in reports)
            for (int i = 0; i < cov.Length; i++) cov[i] += r.Coverage[i];
        var errors = reports.Where(x => x.R.Error is not null).Select(x => $"{x.Path}: {x.R.Error}").ToList();
        var codeCoverage = CodeCoverageJson.Merge(reports, codeCoverageDir, log ?? TextWriter.Null, errors);
        // A partial merge is never a pass: the shards without a report may hold mismatches (or never ran).
        if (missing.Length > 0) errors.Add($"shards {string.Join(", ", missing)} of {first.R.Shards} have no report: this merge covers only the others");
        return new VerifyResult
        {
            Regression = first.R.Regression,
            Top = first.R.Top,
            Unit = first.R.Unit,
            CoverageNames = first.R.CoverageNames,
            K = first.R.K,
            Design = first.R.Design,
            Shard = 0,
            Shards = first.R.Shards,
            ShardsMerged = seen.Keys.Order().ToArray(),
            Jobs = reports.Max(x => x.R.Jobs),
            Latency = first.R.Latency,
            Vectors = reports.Sum(x => x.R.Vectors),
            MismatchCount = reports.Sum(x => x.R.MismatchCount),
            LimitReached = reports.Any(x => x.R.LimitReached),
            SimSeconds = reports.Sum(x => x.R.SimSeconds),
            WallSeconds = reports.Max(x => x.R.WallSeconds),
            BenchCpuSeconds = reports.Sum(x => x.R.BenchCpuSeconds),
            HarnessCpuSeconds = reports.Sum(x => x.R.HarnessCpuSeconds),
            Coverage = cov,
            ExpectedCoverage = first.R.ExpectedCoverage,
            Mismatches = [],
            MismatchJson = reports.SelectMany(x => x.R.MismatchJson).ToArray(),
            Classes = MismatchClassReport.Merge(reports.SelectMany(x => x.R.Classes), first.R.ExamplesPerClass),
            ExamplesPerClass = first.R.ExamplesPerClass,
            Profile = first.R.Profile,
            Error = errors.Count > 0 ? string.Join("; ", errors) : null,
            CodeCoverage = codeCoverage,
        };
    }
}
