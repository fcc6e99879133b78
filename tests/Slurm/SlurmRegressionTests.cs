using MxRef.Harness;
using MxRef.Harness.Slurm;
using MxRef.Harness.Verify;
using MxRef.Tests.Verify;
using Newtonsoft.Json.Linq;
using Xunit;

namespace MxRef.Tests.Slurm;

/// <summary>
/// The driver against a scheduler stand-in that "runs" each task at once by writing the shard's report (or not):
/// shard accounting, the exit status, the failed-shard report and --resume, without daemons. The merge is the real
/// <c>mxref report merge</c>, run in-process.
/// </summary>
public sealed class SlurmRegressionTests
{
    private sealed class FakeCluster(SlurmJobSpec spec) : ISlurmScheduler
    {
        public readonly List<IReadOnlyList<int>> Submitted = [];
        /// <summary>What task <c>shard</c> of submission <c>n</c> does: pass, fail, timeout, cancelled, running.</summary>
        public Func<int, int, string> Plan = (_, _) => "pass";
        public readonly Dictionary<string, List<SlurmTaskState>> Jobs = [];

        public string SubmitArray(string script, IReadOnlyList<int> tasks, string workDir)
        {
            Assert.Equal(spec.ScriptPath, script);
            Assert.True(File.Exists(script));
            int n = Submitted.Count;
            Submitted.Add(tasks);
            string job = $"{100 + n}";
            var states = new List<SlurmTaskState>();
            foreach (int t in tasks)
            {
                string what = Plan(n, t);
                if (what == "forgotten") continue; // cancelled before it started: Slurm keeps no record of the task
                File.WriteAllText(spec.LogPath(t, job), $"mxref shard {t}/{spec.Shards}\n{what} happened here\n");
                if (what is "pass" or "fail") File.WriteAllText(spec.ReportPath(t), Report(t, spec.Shards, what == "fail" ? 2 : 0));
                states.Add(what switch
                {
                    "pass" => new SlurmTaskState(job, t, "COMPLETED", 0, 0, "n1"),
                    "fail" => new SlurmTaskState(job, t, "FAILED", 1, 0, "n1"),
                    "timeout" => new SlurmTaskState(job, t, "TIMEOUT", 0, 15, "n2"),
                    "running" => new SlurmTaskState(job, t, "RUNNING", 0, 0, "n2"),
                    _ => new SlurmTaskState(job, t, "CANCELLED", 0, 15, "n2"),
                });
            }
            Jobs[job] = states;
            return job;
        }

        public IReadOnlyList<SlurmTaskState>? Query(string jobId) => Jobs.GetValueOrDefault(jobId);
    }

    private static string Report(int shard, int shards, int mismatches) => new VerifyResult
    {
        Regression = "mx_dot K=4 acc=fused; generated: --count 400 --seed 1",
        Top = "mx_dot",
        K = 4,
        Shard = shard,
        Shards = shards,
        Vectors = 100,
        MismatchCount = mismatches,
        Coverage = new long[CoverageTally.Size],
        ExpectedCoverage = [],
        Mismatches = [],
        MismatchJson = Enumerable.Range(0, mismatches).Select(i => new JObject
        {
            ["source"] = $"generated vector #{shard * 100 + i} (seed 1, random)",
            ["expected"] = "3f800000 00", ["actual"] = "3f800000 01", ["format_a"] = "e4m3", ["format_b"] = "e4m3", ["repro"] = "mxref verify ...",
        }).ToArray(),
    }.ToJson();

    private static (SlurmJobSpec Spec, FakeCluster Cluster) Setup(string name, int shards = 4)
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "slurm-tests", name);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        var spec = new SlurmJobSpec
        {
            RunDir = dir, WorkDir = VerifyFixture.Root, Mxref = "/fake/mxref", VerifyArgs = ["--param", "K=4", "--count", "400"],
            Shards = shards, BuildDir = Path.Combine(dir, "build"),
        };
        return (spec, new FakeCluster(spec));
    }

    /// <summary>mxref as the driver runs it: the pre-array build answers at once, report merge is the real command.</summary>
    private static (int, string) Mxref(IReadOnlyList<string> args, string workDir)
    {
        if (args[0] == "verify")
        {
            Assert.Equal(["--build-dir", "--free-run", "1"], args.Where(a => a is "--build-dir" or "--free-run" or "1"));
            return (0, "verify: bench /x/mxtb (cached build)\n");
        }
        var o = new StringWriter();
        int exit = Cli.Run([.. args], o, o);
        return (exit, o.ToString());
    }

    private static (int Exit, string Out, string Err) Drive(FakeCluster cluster, Func<SlurmRegression, int> run)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var driver = new SlurmRegression(cluster, (_, args, dir) => Mxref(args, dir), o, e) { Poll = TimeSpan.FromMilliseconds(1) };
        return (run(driver), o.ToString(), e.ToString());
    }

    private static JObject Merged(SlurmJobSpec spec) => JObject.Parse(File.ReadAllText(Path.Combine(spec.RunDir, "merged.json")));

    [Fact]
    public void EveryShardPassingIsAPassOfTheWhole()
    {
        var (spec, cluster) = Setup("all-pass");
        var (exit, output, err) = Drive(cluster, d => d.Start(spec));
        Assert.True(exit == 0, output + err);
        Assert.Equal([0, 1, 2, 3], cluster.Submitted.Single());
        Assert.Contains("4 shards: 4 passed, 0 with mismatches, 0 failed to run", output);
        Assert.Contains("PASS", output);
        Assert.Equal(400, (long)Merged(spec)["vectors"]!);
        Assert.Contains("slurm: building the bench once", err);
        Assert.Equal(SlurmRunState.Format, (string?)JObject.Parse(File.ReadAllText(spec.StatePath))["format"]);
    }

    [Fact]
    public void ATimedOutShardIsNamedWithItsLogNeverPassedAndResumedAlone()
    {
        var (spec, cluster) = Setup("timeout-resume");
        cluster.Plan = (n, s) => n == 0 && s == 2 ? "timeout" : "pass";
        var (exit, output, err) = Drive(cluster, d => d.Start(spec));
        Assert.True(exit == 2, output + err);
        Assert.Contains("shard 2/4 FAILED: no report: the task hit its time limit (--time) (job 100_2 TIMEOUT (signal 15) on n2)", output);
        Assert.Contains($"log {spec.LogPath(2, "100")}", output);
        Assert.Contains("timeout happened here", output);
        Assert.Contains($"verify --slurm --resume --slurm-dir {spec.RunDir}", output);
        Assert.Contains($"sbatch --array=2 {spec.ScriptPath}", output);
        var partial = Merged(spec);
        Assert.Equal("error", (string?)partial["status"]); // the shards that ran are merged, but never as a pass
        Assert.Equal(300, (long)partial["vectors"]!);
        Assert.Contains("shards 2 of 4 have no report", (string?)partial["error"]);

        var (again, output2, err2) = Drive(cluster, d => d.Resume(spec.RunDir));
        Assert.True(again == 0, output2 + err2);
        Assert.Equal([2], cluster.Submitted[1]);
        Assert.Equal(400, (long)Merged(spec)["vectors"]!);
        Assert.Equal("pass", (string?)Merged(spec)["status"]);
        Assert.Equal(2, JObject.Parse(File.ReadAllText(spec.StatePath))["submissions"]!.Count());
    }

    [Fact]
    public void MismatchesAreNotRerunButAFailedShardStillMakesItAnError()
    {
        var (spec, cluster) = Setup("mismatch-and-cancel");
        cluster.Plan = (n, s) => (n, s) switch { (0, 1) => "fail", (0, 3) => "cancelled", _ => "pass" };
        var (exit, output, err) = Drive(cluster, d => d.Start(spec));
        Assert.True(exit == 2, output + err);
        Assert.Contains("1 with mismatches, 1 failed to run", output);
        Assert.Contains("shard 1/4: 100 vectors, 2 mismatches", output);
        Assert.Contains("shard 3/4 FAILED: no report: the task was cancelled", output);

        var (again, output2, err2) = Drive(cluster, d => d.Resume(spec.RunDir));
        Assert.True(again == 1, output2 + err2);
        Assert.Equal([3], cluster.Submitted[1]);
        Assert.Equal(2, (long)Merged(spec)["mismatches"]!);
        Assert.Contains("FAIL", output2);
    }

    [Fact]
    public void ATaskTheSchedulerNoLongerListsIsAFailureNotAHang()
    {
        var (spec, cluster) = Setup("forgotten-task");
        cluster.Plan = (n, s) => n == 0 && s == 1 ? "forgotten" : "pass";
        var (exit, output, err) = Drive(cluster, d => d.Start(spec));
        Assert.True(exit == 2, output + err);
        Assert.Contains("shard 1/4 FAILED: no report: the task has no record left in the scheduler", output);
        Assert.Contains("(absent: the task never started)", output);
        Assert.Equal(0, Drive(cluster, d => d.Resume(spec.RunDir)).Exit);
        Assert.Equal([1], cluster.Submitted[1]);
    }

    [Fact]
    public void ResumingACompleteRunOnlyMerges()
    {
        var (spec, cluster) = Setup("resume-complete");
        Assert.Equal(0, Drive(cluster, d => d.Start(spec)).Exit);
        var (exit, _, err) = Drive(cluster, d => d.Resume(spec.RunDir));
        Assert.Equal(0, exit);
        Assert.Contains("nothing to resubmit", err);
        Assert.Single(cluster.Submitted);
    }

    [Fact]
    public void ANewRunRefusesADirectoryWhoseJobIsStillRunning()
    {
        var (spec, cluster) = Setup("still-running");
        cluster.Plan = (n, s) => n == 0 && s == 0 ? "running" : "pass";
        var first = new Thread(() => Drive(cluster, d => d.Start(spec))) { IsBackground = true };
        first.Start();
        // Until the first driver has recorded its submission in the run directory.
        Assert.True(SpinWait.SpinUntil(() => File.Exists(spec.StatePath) && JObject.Parse(File.ReadAllText(spec.StatePath))["submissions"]!.Any(), 10_000));
        var e = Assert.Throws<UsageException>(() => Drive(cluster, d => d.Start(spec)));
        Assert.Contains("job 100 still has unfinished tasks", e.Message);
        cluster.Jobs["100"][0] = cluster.Jobs["100"][0] with { State = "CANCELLED" }; // let the first driver finish
        Assert.True(first.Join(10_000));
    }

    [Fact]
    public void NoBuildNoSubmission()
    {
        var (spec, cluster) = Setup("build-fails");
        var driver = new SlurmRegression(cluster, (_, _, _) => (2, "mxref: the Verilator build failed (exit 1)"), TextWriter.Null, TextWriter.Null);
        var e = Assert.Throws<UsageException>(() => driver.Start(spec));
        Assert.Contains("nothing was submitted", e.Message);
        Assert.Empty(cluster.Submitted);
    }
}
