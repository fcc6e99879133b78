using System.Globalization;
using System.Text;

namespace MxRef.Harness.Verify;

/// <summary>Hit and total coverage points of one kind; the percentage of an empty kind is 0.</summary>
public sealed record CoverageFigure(long Hit, long Total)
{
    public double Percent => Total > 0 ? 100.0 * Hit / Total : 0;
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Percent:0.00}% ({Hit}/{Total})");
}

/// <summary>Line and toggle figures of a Verilator coverage database, and where its files are.</summary>
public sealed record CodeCoverageReport(string Dat, string? Info, string? Html, CoverageFigure Line, CoverageFigure Toggle);

/// <summary>
/// Verilator line and toggle coverage of the RTL under a regression (<c>mxref verify --code-coverage</c>). The bench is
/// built with <c>--coverage-line --coverage-toggle</c> (a separate build-cache entry, since the flags are hashed); every
/// simulation process writes its own counts file on exit; they are summed with <c>verilator_coverage --write</c> into
/// <c>coverage.dat</c>, exported with <c>--write-info</c> to lcov's <c>coverage.info</c>, and rendered to HTML by lcov's
/// <c>genhtml</c>. The percentages are computed here from the database: a point is covered when its count is non-zero.
/// Verilator's line coverage has two kinds of points, <c>v_line</c> (a statement block) and <c>v_branch</c> (each arm
/// of an if/case); both count as line coverage, as in <c>verilator_coverage</c>'s own annotation. Toggle points
/// (<c>v_toggle</c>) are one per signal bit and direction-agnostic (a bit that went 0→1 and 1→0).
/// </summary>
public static class CodeCoverage
{
    public static readonly string[] BuildFlags = ["--coverage-line", "--coverage-toggle"];

    /// <summary>The environment variable that tells a coverage build of the bench where to write its counts.</summary>
    public const string DirVariable = "MXTB_COVERAGE_DIR";

    public const string LcovHint = "install it with 'apt-get update && apt-get install -y lcov' (Debian/Ubuntu)";

    /// <summary>
    /// Reads a Verilator coverage database (<c>SystemC::Coverage-3</c>): one point per <c>C '&lt;key&gt;' &lt;count&gt;</c>
    /// line, the key a list of <c>\x01name\x02value</c> fields. Points with the same key are summed.
    /// </summary>
    public static Dictionary<string, long> Parse(string text, string file)
    {
        var points = new Dictionary<string, long>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int open = line.IndexOf('\''), close = line.LastIndexOf('\'');
            if (!line.StartsWith("C ", StringComparison.Ordinal) || open < 0 || close <= open)
                throw new UsageException($"{file} line {lineNo}: not a Verilator coverage point (expected C '<key>' <count>)");
            var key = line[(open + 1)..close];
            if (!long.TryParse(line[(close + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                throw new UsageException($"{file} line {lineNo}: field count: '{line[(close + 1)..].Trim()}' is not a non-negative integer");
            points[key] = points.GetValueOrDefault(key) + count;
        }
        return points;
    }

    /// <summary>Sums the counts of several databases (the processes of a run, the shards of a regression).</summary>
    public static Dictionary<string, long> Merge(IEnumerable<IReadOnlyDictionary<string, long>> parts)
    {
        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in parts)
            foreach (var (k, v) in p) total[k] = total.GetValueOrDefault(k) + v;
        return total;
    }

    /// <summary>The value of field <paramref name="name"/> of a point key, or "".</summary>
    public static string Field(string key, string name)
    {
        var tag = "\u0001" + name + "\u0002";
        int at = key.IndexOf(tag, StringComparison.Ordinal), from;
        if (at >= 0) from = at + tag.Length;
        else if (key.StartsWith(name + "\u0002", StringComparison.Ordinal)) from = name.Length + 1;
        else return "";
        int to = key.IndexOf('\u0001', from);
        return to < 0 ? key[from..] : key[from..to];
    }

    /// <summary>Line (v_line and v_branch points) and toggle (v_toggle) figures of a database.</summary>
    public static (CoverageFigure Line, CoverageFigure Toggle) Figures(IReadOnlyDictionary<string, long> points)
    {
        long lh = 0, lt = 0, th = 0, tt = 0;
        foreach (var (k, v) in points)
        {
            var page = Field(k, "page");
            if (page.StartsWith("v_line", StringComparison.Ordinal) || page.StartsWith("v_branch", StringComparison.Ordinal)) { lt++; if (v > 0) lh++; }
            else if (page.StartsWith("v_toggle", StringComparison.Ordinal)) { tt++; if (v > 0) th++; }
        }
        return (new CoverageFigure(lh, lt), new CoverageFigure(th, tt));
    }

    /// <summary>The uncovered line points as "file:line" (sorted, unique): what docs/verify.md must explain.</summary>
    public static IReadOnlyList<string> UncoveredLines(IReadOnlyDictionary<string, long> points) =>
        points.Where(p => p.Value == 0 && Field(p.Key, "page") is var pg && (pg.StartsWith("v_line", StringComparison.Ordinal) || pg.StartsWith("v_branch", StringComparison.Ordinal)))
            .Select(p => $"{Path.GetFileName(Field(p.Key, "f"))}:{Field(p.Key, "l")}")
            .Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>A fresh directory for the per-process counts files of this run.</summary>
    public static string PartsDirectory(string outDir)
    {
        var parts = Path.GetFullPath(Path.Combine(outDir, $"parts-{Environment.ProcessId}"));
        if (Directory.Exists(parts)) Directory.Delete(parts, true);
        Directory.CreateDirectory(parts);
        return parts;
    }

    /// <summary>
    /// Merges <paramref name="inputs"/> into <paramref name="outDir"/>/coverage.dat, writes coverage.info and the HTML
    /// report (html/index.html), and returns the figures. Missing or unreadable inputs are an error naming the file.
    /// </summary>
    public static CodeCoverageReport Write(IReadOnlyList<string> inputs, string outDir, TextWriter log)
    {
        if (inputs.Count == 0)
            throw new UsageException("--code-coverage: no simulation process wrote coverage counts (did every process end normally?)");
        foreach (var f in inputs)
            if (!File.Exists(f)) throw new UsageException($"coverage data '{f}' does not exist");
        var vc = Tools.Which("verilator_coverage") ?? throw new UsageException("verilator_coverage is not on PATH: " + Tools.InstallHint);
        Directory.CreateDirectory(outDir);
        string dat = Path.GetFullPath(Path.Combine(outDir, "coverage.dat"));
        string info = Path.GetFullPath(Path.Combine(outDir, "coverage.info"));
        // verilator_coverage writes in place; a temporary name plus rename keeps a half-written database from view.
        string tmpDat = dat + $".tmp-{Environment.ProcessId}", tmpInfo = info + $".tmp-{Environment.ProcessId}.info";
        var (exit, output) = Tools.Run(vc, ["--write", tmpDat, .. inputs.Select(Path.GetFullPath)]);
        if (exit != 0 || !File.Exists(tmpDat)) throw new UsageException($"verilator_coverage --write failed (exit {exit}):\n{output}");
        File.Move(tmpDat, dat, true);
        (exit, output) = Tools.Run(vc, ["--write-info", tmpInfo, dat]);
        if (exit != 0 || !File.Exists(tmpInfo)) throw new UsageException($"verilator_coverage --write-info failed (exit {exit}):\n{output}");
        File.Move(tmpInfo, info, true);
        var (line, toggle) = Figures(Parse(File.ReadAllText(dat), dat));
        var html = Html(info, Path.Combine(outDir, "html"), log);
        return new CodeCoverageReport(dat, info, html, line, toggle);
    }

    /// <summary>genhtml of lcov over the .info; installs lcov (Debian) when it is missing. Null (with a message) when it cannot.</summary>
    public static string? Html(string info, string htmlDir, TextWriter log)
    {
        var genhtml = Tools.Which("genhtml") ?? InstallLcov(log);
        if (genhtml is null) return null;
        var (exit, output) = Tools.Run(genhtml, ["--quiet", "--output-directory", Path.GetFullPath(htmlDir), info]);
        if (exit != 0)
        {
            log.WriteLine($"verify: genhtml failed (exit {exit}); coverage.dat and coverage.info are complete, the HTML report is not:\n{output}");
            return null;
        }
        return Path.GetFullPath(Path.Combine(htmlDir, "index.html"));
    }

    private static string? InstallLcov(TextWriter log)
    {
        var apt = Tools.Which("apt-get");
        if (apt is null || Environment.UserName != "root")
        {
            log.WriteLine($"verify: genhtml (lcov) is not on PATH and cannot be installed from here: {LcovHint}; skipping the HTML report");
            return null;
        }
        log.WriteLine("verify: genhtml is not on PATH; installing Debian's lcov for the HTML coverage report (apt-get update && apt-get install -y lcov) ...");
        var (u, uo) = Tools.Run(apt, ["update"]);
        var (i, io) = u == 0 ? Tools.Run(apt, ["install", "-y", "lcov"]) : (u, uo);
        var genhtml = Tools.Which("genhtml");
        if (genhtml is null)
            log.WriteLine($"verify: installing lcov failed (exit {i}); skipping the HTML report ({LcovHint}):\n{string.Join('\n', io.Split('\n').TakeLast(10))}");
        return genhtml;
    }

    /// <summary>The summary lines.</summary>
    public static string SummaryLines(CodeCoverageReport c)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"  rtl lines    {c.Line}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  rtl toggles  {c.Toggle}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  coverage db  {c.Dat}{(c.Info is null ? "" : $", {c.Info}")}{(c.Html is null ? " (no HTML report)" : $", {c.Html}")}\n");
        return sb.ToString();
    }
}
