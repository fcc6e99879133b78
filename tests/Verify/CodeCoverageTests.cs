using MxRef.Harness;
using MxRef.Harness.Verify;
using Newtonsoft.Json.Linq;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>Reading, summing and grading Verilator coverage databases (no simulator needed).</summary>
public sealed class CodeCoverageParsingTests
{
    // Point keys as Verilator writes them (verilated_cov.cpp: \x01 before each field name, \x02 before its value).
    private static string Point(string file, int line, string page, long count) =>
        $"C '\u0001f\u0002{file}\u0001l\u0002{line}\u0001n\u00020\u0001page\u0002{page}\u0001o\u0002x\u0001h\u0002TOP.dut' {count}\n";

    private static string Database(params string[] points) => "# SystemC::Coverage-3\n" + string.Concat(points);

    [Fact]
    public void FiguresCountLineAndBranchPointsAsLinesAndTogglePointsAsToggles()
    {
        var db = CodeCoverage.Parse(Database(
            Point("rtl/a.sv", 10, "v_line/a", 5),
            Point("rtl/a.sv", 11, "v_line/a", 0),
            Point("rtl/a.sv", 12, "v_branch/a", 2),
            Point("rtl/a.sv", 3, "v_toggle/a", 1),
            Point("rtl/a.sv", 4, "v_toggle/a", 0),
            Point("rtl/a.sv", 5, "v_toggle/a", 0),
            Point("rtl/a.sv", 6, "v_user/a", 0)), "a.dat");
        var (line, toggle) = CodeCoverage.Figures(db);
        Assert.Equal(new CoverageFigure(2, 3), line);
        Assert.Equal(new CoverageFigure(1, 3), toggle);
        Assert.Equal("66.67% (2/3)", line.ToString());
        Assert.Equal(["a.sv:11"], CodeCoverage.UncoveredLines(db));
    }

    [Fact]
    public void MergingSumsCountsSoAPointHitByEitherPartIsCoveredOnce()
    {
        var a = CodeCoverage.Parse(Database(Point("x.sv", 1, "v_line/x", 3), Point("x.sv", 2, "v_line/x", 0), Point("x.sv", 3, "v_toggle/x", 0)), "a.dat");
        var b = CodeCoverage.Parse(Database(Point("x.sv", 1, "v_line/x", 1), Point("x.sv", 2, "v_line/x", 4), Point("x.sv", 3, "v_toggle/x", 0)), "b.dat");
        var m = CodeCoverage.Merge([a, b]);
        Assert.Equal(3, m.Count);
        Assert.Equal(4, m.Single(p => CodeCoverage.Field(p.Key, "l") == "1").Value);
        var (line, toggle) = CodeCoverage.Figures(m);
        Assert.Equal(new CoverageFigure(2, 2), line);
        Assert.Equal(new CoverageFigure(0, 1), toggle);
        Assert.Equal("0.00% (0/1)", toggle.ToString());
        Assert.Equal(0, new CoverageFigure(0, 0).Percent);
    }

    [Fact]
    public void FieldReadsTheFirstAndLaterFields()
    {
        const string key = "\u0001f\u0002rtl/x.sv\u0001l\u000242\u0001page\u0002v_line/x";
        Assert.Equal("rtl/x.sv", CodeCoverage.Field(key, "f"));
        Assert.Equal("42", CodeCoverage.Field(key, "l"));
        Assert.Equal("v_line/x", CodeCoverage.Field(key, "page"));
        Assert.Equal("", CodeCoverage.Field(key, "o"));
        Assert.Equal("a", CodeCoverage.Field("f\u0002a\u0001l\u00021", "f"));
    }

    [Fact]
    public void BadDatabaseLinesNameFileLineAndField()
    {
        var e = Assert.Throws<UsageException>(() => CodeCoverage.Parse("# SystemC::Coverage-3\nC 'k' 1\nC 'k' x\n", "m.dat"));
        Assert.Contains("m.dat line 3: field count", e.Message);
        var g = Assert.Throws<UsageException>(() => CodeCoverage.Parse("garbage\n", "g.dat"));
        Assert.Contains("g.dat line 1", g.Message);
    }

    [Fact]
    public void JsonRoundTripKeepsFiguresAndRejectsImpossibleOnes()
    {
        var c = new CodeCoverageReport("/tmp/c/coverage.dat", "/tmp/c/coverage.info", null, new CoverageFigure(31, 34), new CoverageFigure(3634, 3768));
        var j = CodeCoverageJson.ToJson(c);
        Assert.Equal(91.18, (double)j["line"]!["percent"]!);
        Assert.Equal(c, CodeCoverageJson.FromJson(j, "r.json"));
        j["toggle"]!["hit"] = 4000;
        var e = Assert.Throws<UsageException>(() => CodeCoverageJson.FromJson(j, "r.json"));
        Assert.Contains("r.json: field code_coverage.toggle", e.Message);
        var rel = CodeCoverageJson.FromJson(new JObject { ["dat"] = "cov/coverage.dat", ["line"] = j["line"], ["toggle"] = new JObject { ["hit"] = 1, ["total"] = 1 } }, "/r/shard.json");
        Assert.Equal("/r/cov/coverage.dat", rel.Dat);
    }
}

/// <summary>The real flow: a coverage build of rtl/mx_dot at K = 4, two shards, their merge.</summary>
[Collection("Verilator")]
public sealed class CodeCoverageRealTests
{
    [Fact]
    public void VerifyWithCodeCoverageWritesDatabaseInfoAndPercentagesAndMergeSumsShards()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "code-coverage");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        var reports = new List<string>();
        var figures = new List<(long Hit, long Total)>();
        for (int s = 0; s < 2; s++)
        {
            var cov = Path.Combine(dir, $"shard{s}");
            var r = Path.Combine(dir, $"shard{s}.json");
            var (exit, output, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=4", "--random", "--count", "400", "--seed", "5",
                "--shard", $"{s}/2", "--jobs", "2", "--code-coverage", "--code-coverage-dir", cov, "--report", r);
            Assert.True(exit == 0, output + err);
            Assert.Matches(@"rtl lines    \d+\.\d\d% \(\d+/\d+\)\n", output);
            Assert.Matches(@"rtl toggles  \d+\.\d\d% \(\d+/\d+\)\n", output);
            Assert.True(File.Exists(Path.Combine(cov, "coverage.dat")));
            Assert.Contains("SF:", File.ReadAllText(Path.Combine(cov, "coverage.info")));
            if (Tools.Which("genhtml") is not null) Assert.True(File.Exists(Path.Combine(cov, "html", "index.html")), err);
            Assert.Empty(Directory.GetDirectories(cov, "parts-*")); // the per-process files are merged and removed
            var cc = (JObject)JObject.Parse(File.ReadAllText(r))["code_coverage"]!;
            Assert.True((long)cc["line"]!["total"]! > 0 && (long)cc["toggle"]!["total"]! > 0);
            figures.Add(((long)cc["toggle"]!["hit"]!, (long)cc["toggle"]!["total"]!));
            reports.Add(r);
        }
        var mergedDir = Path.Combine(dir, "merged");
        var m = VerifyFixture.Run(["report", "merge", .. reports, "--code-coverage-dir", mergedDir, "-o", Path.Combine(dir, "merged.json")]);
        Assert.True(m.Exit == 0, m.Out + m.Err);
        Assert.Contains("rtl toggles", m.Out);
        var merged = (JObject)JObject.Parse(File.ReadAllText(Path.Combine(dir, "merged.json")))["code_coverage"]!;
        Assert.True(File.Exists(Path.Combine(mergedDir, "coverage.dat")));
        Assert.Equal(figures[0].Total, (long)merged["toggle"]!["total"]!);
        Assert.True((long)merged["toggle"]!["hit"]! >= Math.Max(figures[0].Hit, figures[1].Hit)); // a union, not an average
    }
}
