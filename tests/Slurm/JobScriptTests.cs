using MxRef.Harness.Slurm;
using MxRef.Tests.Verify;
using Xunit;

namespace MxRef.Tests.Slurm;

/// <summary>The generated array script: its #SBATCH settings, and what one task actually runs (bash with a stand-in mxref).</summary>
public sealed class JobScriptTests
{
    internal static SlurmJobSpec Spec(string runDir, string mxref = "/opt/mx ref/mxref") => new()
    {
        RunDir = runDir,
        WorkDir = "/proj/mx",
        Mxref = mxref,
        VerifyArgs = ["--rtl", "/proj/my dot.sv", "--param", "K=4", "--count", "1000", "--seed", "7"],
        Shards = 8,
        BuildDir = "/shared/verilator",
        CpusPerTask = 2,
        Partition = "sim",
        Time = "00:30:00",
        Account = "hw-verif",
        SbatchArgs = ["--qos=long", "--mem=4G"],
    };

    [Fact]
    public void SettingsAreSbatchLinesSoAShardCanBeResubmittedWithTheScriptAlone()
    {
        var text = JobScript.Write(Spec("/scratch/run1"));
        foreach (var line in new[] { "#SBATCH --partition=sim", "#SBATCH --time=00:30:00", "#SBATCH --account=hw-verif", "#SBATCH --qos=long", "#SBATCH --mem=4G",
                                     "#SBATCH --cpus-per-task=2", "#SBATCH --output=/scratch/run1/logs/shard-%a.job%A.log" })
            Assert.Contains(line + "\n", text);
        Assert.StartsWith("#!/bin/bash\n", text);
        Assert.Contains("cd /proj/mx ", text);
        Assert.Contains("'/opt/mx ref/mxref' verify --rtl '/proj/my dot.sv' --param K=4", text);
        // #SBATCH lines are only read before the first command.
        int lastDirective = text.LastIndexOf("#SBATCH", StringComparison.Ordinal);
        Assert.True(lastDirective < text.IndexOf("set -u", StringComparison.Ordinal));
    }

    [Fact]
    public void ATaskRunsItsShardWithItsOwnReportsAndTheSharedBuild()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "slurm-tests", "script");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(Path.Combine(dir, "reports"));
        // A stand-in for mxref that records its arguments one per line.
        var fake = Path.Combine(dir, "fake mxref");
        File.WriteAllText(fake, "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args.txt\"\nexit 1\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fake, (UnixFileMode)0b111_101_101);
        var spec = Spec(dir, fake) with { WorkDir = dir };
        var script = Path.Combine(dir, "verify-array.sh");
        File.WriteAllText(script, JobScript.Write(spec));
        File.WriteAllText(spec.ReportPath(3), "{ \"stale\": true }");

        var (exit, output) = MxRef.Harness.Verify.Tools.Run("/bin/bash", [script]);
        Assert.Equal(2, exit); // outside an array task the script refuses to guess a shard
        Assert.Contains("SLURM_ARRAY_TASK_ID", output);

        (exit, output) = MxRef.Harness.Verify.Tools.Run("/usr/bin/env", ["SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_JOB_ID=77", "/bin/bash", script]);
        Assert.True(exit == 1, output); // the shard's exit status is the task's
        Assert.Contains("mxref shard 3/8", output);
        Assert.False(File.Exists(spec.ReportPath(3)), "a stale report must be removed before the shard runs");
        var args = File.ReadAllLines(Path.Combine(dir, "args.txt"));
        Assert.Equal(["verify", "--rtl", "/proj/my dot.sv", "--param", "K=4", "--count", "1000", "--seed", "7",
                      "--shard", "3/8", "--build-dir", "/shared/verilator", "--report", spec.ReportPath(3), "--junit", spec.JUnitPath(3),
                      "--trace-dir", spec.TraceDir(3)], args);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("", "''")]
    public void ShellQuotingKeepsWordsIntact(string word, string quoted) => Assert.Equal(quoted, Shell.Quote(word));

    [Fact]
    public void BadSettingsAreNamed()
    {
        var problems = (Spec("/r") with { Shards = 0, Partition = "a b", SbatchArgs = ["qos=long"], RunDir = "rel/dir" }).Problems();
        Assert.Contains(problems, p => p.Contains("--shards must be"));
        Assert.Contains(problems, p => p.Contains("--partition 'a b' must be one word"));
        Assert.Contains(problems, p => p.Contains("--sbatch-arg 'qos=long'"));
        Assert.Contains(problems, p => p.Contains("run directory 'rel/dir' must be an absolute path"));
    }
}
