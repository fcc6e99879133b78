using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>The <c>code_coverage</c> object of a JSON report, and its merge over the shards of a regression.</summary>
public static class CodeCoverageJson
{
    public static JObject ToJson(CodeCoverageReport c) => new()
    {
        ["dat"] = c.Dat,
        ["info"] = c.Info,
        ["html"] = c.Html,
        ["line"] = Figure(c.Line),
        ["toggle"] = Figure(c.Toggle),
    };

    private static JObject Figure(CoverageFigure f) => new() { ["hit"] = f.Hit, ["total"] = f.Total, ["percent"] = Math.Round(f.Percent, 2) };

    public static CodeCoverageReport FromJson(JObject o, string path)
    {
        CoverageFigure Fig(string name) => o[name] is JObject f && (long?)f["hit"] is { } h && (long?)f["total"] is { } t && h >= 0 && h <= t
            ? new CoverageFigure(h, t)
            : throw new UsageException($"{path}: field code_coverage.{name}: expected {{\"hit\": n, \"total\": m}} with 0 <= n <= m");
        var dat = (string?)o["dat"] ?? throw new UsageException($"{path}: field code_coverage.dat is missing");
        // A relative path is relative to the report (a report moved together with its coverage directory).
        if (!Path.IsPathRooted(dat)) dat = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, dat);
        return new CodeCoverageReport(dat, (string?)o["info"], (string?)o["html"], Fig("line"), Fig("toggle"));
    }

    /// <summary>
    /// Sums the coverage databases of the shards into <paramref name="outDir"/> (figures recomputed from the sum, not
    /// averaged: a point counts once however many shards hit it). Null when no shard ran with --code-coverage; when only
    /// some did, that is added to <paramref name="errors"/> and only theirs are merged.
    /// </summary>
    public static CodeCoverageReport? Merge(IReadOnlyList<(string Path, VerifyResult R)> reports, string? outDir, TextWriter log, List<string> errors)
    {
        var with = reports.Where(x => x.R.CodeCoverage is not null).ToArray();
        if (with.Length == 0) return null;
        foreach (var (path, _) in reports.Where(x => x.R.CodeCoverage is null))
            errors.Add($"{path}: no code_coverage (run without --code-coverage): the merged code coverage misses this shard");
        return CodeCoverage.Write(with.Select(x => x.R.CodeCoverage!.Dat).ToArray(), outDir ?? "out/coverage/merged", log);
    }
}
