using System.Diagnostics;
using MxRef.Harness.Verify;
using MxRef.Tests.Verify;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace MxRef.Tests.Slurm;

/// <summary>
/// <c>mxref verify --slurm</c> on a real scheduler (the local one-node cluster of <see cref="LocalSlurm"/>): an 8-shard
/// regression must merge into exactly what one process finds for the same seed and count (vectors, coverage,
/// mismatch set), on the shipped RTL and on a broken copy; shards killed with scancel are named, never counted as
/// passed, and --resume reruns just them. Run by 'make test-slurm' (and 'make test-long').
/// </summary>
[Collection("Verilator")]
[Trait("Category", "Long")]
[Trait("Category", "Slurm")]
public sealed class RealSlurmTests(LocalSlurm cluster, ITestOutputHelper log) : IClassFixture<LocalSlurm>
{
    private static string RunDir(string name)
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "slurm-test", name);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        return dir;
    }

    private string[] SlurmArgs(IEnumerable<string> rtl, string dir, string[] regression) =>
        ["verify", "--slurm", "--shards", "8", "--mxref", cluster.Mxref, "--slurm-dir", dir, "--poll", "1",
         "--rtl", .. rtl, "--build-dir", VerifyFixture.BuildDir, .. regression];

    /// <summary>The merged report and a single-process report of the same regression must agree on everything the regression found.</summary>
    private static void AssertSameFindings(JObject merged, JObject single)
    {
        Assert.Equal((long)single["vectors"]!, (long)merged["vectors"]!);
        Assert.Equal((long)single["mismatches"]!, (long)merged["mismatches"]!);
        Assert.True(JToken.DeepEquals(single["coverage"], merged["coverage"]), $"coverage differs:\nsingle {single["coverage"]}\nmerged {merged["coverage"]}");
        Assert.True(JToken.DeepEquals(single["coverage_expected"], merged["coverage_expected"]));
        Assert.True(JToken.DeepEquals(single["never_hit"], merged["never_hit"]));
        Assert.Equal((string?)single["regression"], (string?)merged["regression"]);
        static string[] Set(JObject r) => r["mismatch_details"]!.Select(m => $"{m["source"]}: expected {m["expected"]}, actual {m["actual"]}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Set(single), Set(merged));
    }

    [Fact]
    public void ShippedRtlEightShardsEqualOneProcessAndKilledShardsAreResumedAlone()
    {
        log.WriteLine($"cluster started in {cluster.StartTime.TotalSeconds:0.0} s");
        string dir = RunDir("shipped");
        string[] regression = ["--param", "K=32", "--corners", "--random", "--count", "400000", "--seed", "11"];
        var sw = Stopwatch.StartNew();
        (int Exit, string Out, string Err) first = default;
        var driver = new Thread(() => first = VerifyFixture.Run(SlurmArgs(VerifyFixture.Rtl, dir, regression)));
        driver.Start();
        // Kill two shards: the last one at once, while it is still pending (Slurm then keeps no record of it), and
        // shard 3 once it runs (it leaves a log and a CANCELLED state).
        var state = Path.Combine(dir, "slurm-run.json");
        Assert.True(SpinWait.SpinUntil(() => File.Exists(state) && JObject.Parse(File.ReadAllText(state))["submissions"]!.Any(), 300_000), "the array was not submitted");
        string job = (string)JObject.Parse(File.ReadAllText(state))["submissions"]![0]!["job"]!;
        var cancel = Tools.Run("scancel", [$"{job}_7"]);
        Assert.True(cancel.Exit == 0, cancel.Output);
        Assert.True(SpinWait.SpinUntil(() => { Thread.Sleep(100); return Tools.Run("scontrol", ["-o", "show", "job", $"{job}_3"]).Output.Contains("JobState=RUNNING"); }, 300_000),
            "shard 3 never ran");
        cancel = Tools.Run("scancel", [$"{job}_3"]);
        Assert.True(cancel.Exit == 0, cancel.Output);
        Assert.True(driver.Join(TimeSpan.FromMinutes(15)), "the driver did not finish in 15 minutes");
        log.WriteLine($"8-shard run with shards 3 and 7 cancelled: {sw.Elapsed.TotalSeconds:0.0} s\n{first.Out}");
        Assert.True(first.Exit == 2, first.Out + first.Err);
        Assert.Contains($"shard 3/8 FAILED: no report: the task was cancelled (scancel or the administrator) (job {job}_3 CANCELLED", first.Out);
        Assert.Contains($"log {Path.Combine(dir, "logs", $"shard-3.job{job}.log")}", first.Out);
        Assert.Contains("shard 7/8 FAILED: no report: the task has no record left in the scheduler", first.Out);
        Assert.Contains("6 passed, 0 with mismatches, 2 failed to run", first.Out);
        Assert.Contains($"sbatch --array=3,7 {Path.Combine(dir, "verify-array.sh")}", first.Out);
        var partial = JObject.Parse(File.ReadAllText(Path.Combine(dir, "merged.json")));
        Assert.Equal("error", (string?)partial["status"]);
        Assert.Contains("shards 3, 7 of 8 have no report", (string?)partial["error"]);

        sw.Restart();
        var resumed = VerifyFixture.Run("verify", "--slurm", "--resume", "--slurm-dir", dir, "--poll", "1");
        log.WriteLine($"--resume (shards 3 and 7 alone): {sw.Elapsed.TotalSeconds:0.0} s\n{resumed.Out}");
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        Assert.Contains("resubmitting shards 3,7 of 8", resumed.Err);
        Assert.Contains("8 passed, 0 with mismatches, 0 failed to run", resumed.Out);
        // The bench was built before the array: every shard's completed run found it in the cache.
        var subs = JObject.Parse(File.ReadAllText(state))["submissions"]!;
        for (int s = 0; s < 8; s++)
        {
            var last = subs.Last(x => x["shards"]!.Any(t => (int)t == s));
            Assert.Contains("(cached build)", File.ReadAllText(Path.Combine(dir, "logs", $"shard-{s}.job{last["job"]}.log")));
        }

        sw.Restart();
        var singleReport = Path.Combine(dir, "single.json");
        var single = VerifyFixture.Verify(VerifyFixture.Rtl, [.. regression, "--report", singleReport]);
        log.WriteLine($"single process: {sw.Elapsed.TotalSeconds:0.0} s\n{single.Out}");
        Assert.True(single.Exit == 0, single.Out + single.Err);
        var merged = JObject.Parse(File.ReadAllText(Path.Combine(dir, "merged.json")));
        Assert.Equal("pass", (string?)merged["status"]);
        Assert.Equal(Enumerable.Range(0, 8), merged["shards_merged"]!.Select(t => (int)t));
        AssertSameFindings(merged, JObject.Parse(File.ReadAllText(singleReport)));
        Assert.Equal(549_256, (long)merged["vectors"]!); // the 149,256-vector corner set at K = 32 plus 400,000 random
    }

    [Fact]
    public void BrokenRtlEightShardsFindTheSameMismatchesAsOneProcess()
    {
        var rtl = VerifyFixture.Mutant("slurm-of-flag-as-uf", "mx_round.sv", "flags[mx_pkg::FLAG_OF] = 1'b1;", "flags[mx_pkg::FLAG_UF] = 1'b1;");
        string dir = RunDir("broken");
        // Every mismatch reported in full (no --max-mismatches cut, which would stop each shard at a different point).
        string[] regression = ["--param", "K=4", "--corners", "--random", "--count", "20000", "--seed", "3", "--max-mismatches", "1000000"];
        var sw = Stopwatch.StartNew();
        var sharded = VerifyFixture.Run(SlurmArgs(rtl, dir, regression));
        log.WriteLine($"8-shard run of the broken copy: {sw.Elapsed.TotalSeconds:0.0} s\n{sharded.Out[Math.Max(0, sharded.Out.LastIndexOf("verify summary", StringComparison.Ordinal))..]}");
        Assert.True(sharded.Exit == 1, sharded.Out[^Math.Min(4000, sharded.Out.Length)..] + sharded.Err);

        sw.Restart();
        var singleReport = Path.Combine(dir, "single.json");
        var single = VerifyFixture.Verify(rtl, [.. regression, "--report", singleReport]);
        log.WriteLine($"single process: {sw.Elapsed.TotalSeconds:0.0} s");
        Assert.True(single.Exit == 1, single.Err);
        var merged = JObject.Parse(File.ReadAllText(Path.Combine(dir, "merged.json")));
        var one = JObject.Parse(File.ReadAllText(singleReport));
        Assert.Equal("fail", (string?)merged["status"]);
        Assert.True((long)one["mismatches"]! > 0);
        AssertSameFindings(merged, one);
        log.WriteLine($"mismatches: {(long)merged["mismatches"]!} merged, {(long)one["mismatches"]!} single; vectors {(long)merged["vectors"]!}");
    }
}
