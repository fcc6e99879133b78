using MxRef.Tests.CommandLine;
using MxRef.Tests.Verify;
using Xunit;

namespace MxRef.Tests.Slurm;

/// <summary>The <c>verify --slurm</c> options: what reaches the shards' command line, and the combinations refused.</summary>
public sealed class VerifySlurmCommandTests
{
    [Fact]
    public void TheShardsGetTheRegressionsOptionsAndNothingPerShardOrSlurmSpecific()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "slurm-tests", "command");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        // /bin/false as mxref: the build before the array fails, so nothing is submitted, but the script is written.
        var (exit, _, err) = CliRunner.Run(["verify", "--slurm", "--shards", "16", "--partition", "sim", "--time", "01:00:00", "--sbatch-arg=--qos=long",
            "--mxref", "/bin/false", "--slurm-dir", dir, "--rtl", .. VerifyFixture.Rtl, "--param", "K=4", "--count", "5000", "--seed", "9", "--jobs", "2",
            "--max-mismatches", "50", "--verilator-flag=-Wno-fatal", "--report", Path.Combine(dir, "whole.json"), "--build-dir", Path.Combine(dir, "build")]);
        Assert.Equal(2, exit);
        Assert.Contains("building the bench before the array failed (exit 1); nothing was submitted", err);
        var script = File.ReadAllText(Path.Combine(dir, "verify-array.sh"));
        Assert.Contains($"/bin/false verify --rtl={VerifyFixture.Rtl[0]} --rtl=", script);
        Assert.Contains("--param=K=4 --count=5000 --seed=9 --jobs=2 --max-mismatches=50 --verilator-flag=-Wno-fatal \\\n  --shard \"$shard/16\" --build-dir " + Path.Combine(dir, "build"), script);
        foreach (var own in new[] { "--slurm ", "--shards", "--mxref", "--slurm-dir", "whole.json", "--partition sim" })
            Assert.DoesNotContain(own, script);
        Assert.Contains("#SBATCH --partition=sim\n", script);
        Assert.Contains("#SBATCH --time=01:00:00\n", script);
        Assert.Contains("#SBATCH --qos=long\n", script);
        Assert.Contains("#SBATCH --cpus-per-task=4\n", script); // two per simulation process
    }

    [Theory]
    [InlineData("--shard", "1/4")]
    [InlineData("--index", "17")]
    [InlineData("--free-run", "1000")]
    public void OptionsOfASingleRunAreRefused(string option, string value)
    {
        var (exit, _, err) = CliRunner.Run(["verify", "--slurm", "--rtl", .. VerifyFixture.Rtl, "--param", "K=4", option, value]);
        Assert.Equal(2, exit);
        Assert.Contains($"{option} cannot be combined with --slurm", err);
    }

    [Fact]
    public void ResumingADirectoryWithoutARunSaysSo()
    {
        var (exit, _, err) = CliRunner.Run("verify", "--slurm", "--resume", "--slurm-dir", Path.Combine(VerifyFixture.Root, "out", "slurm-tests", "no-such-run"));
        Assert.Equal(2, exit);
        Assert.Contains("slurm-run.json does not exist", err);
    }
}
