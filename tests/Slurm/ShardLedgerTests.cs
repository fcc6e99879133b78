using MxRef.Harness.Slurm;
using Xunit;

namespace MxRef.Tests.Slurm;

/// <summary>A shard counts as run only with its own report; every other ending is a named failure to resubmit.</summary>
public sealed class ShardLedgerTests
{
    private static SlurmTaskState Task(string state, int exit = 0, int signal = 0) => new("50", 3, state, exit, signal, "node4");

    [Fact]
    public void AReportThatPassesOrFailsCountsAsRun()
    {
        var pass = ShardLedger.Classify(3, 8, new ShardReport(3, 8, "pass", 1000, 0, null), null, Task("COMPLETED"), "/r/logs/shard-3.job50.log");
        Assert.Equal(ShardStatus.Passed, pass.Status);
        Assert.True(pass.HasReport);
        var fail = ShardLedger.Classify(3, 8, new ShardReport(3, 8, "fail", 1000, 7, null), null, Task("FAILED", 1), null);
        Assert.Equal(ShardStatus.Mismatches, fail.Status);
        Assert.Contains("7 mismatches", fail.Detail);
    }

    [Theory]
    [InlineData("TIMEOUT", 0, 15, "hit its time limit")]
    [InlineData("CANCELLED", 0, 15, "was cancelled")]
    [InlineData("NODE_FAIL", 0, 0, "lost its node")]
    [InlineData("OUT_OF_MEMORY", 0, 9, "ran out of memory")]
    [InlineData("FAILED", 2, 0, "ended without writing its report")]
    [InlineData("COMPLETED", 0, 0, "ended without writing its report")]
    public void NoReportIsAFailureThatSaysWhatSlurmSaw(string state, int exit, int signal, string why)
    {
        var o = ShardLedger.Classify(3, 8, null, null, Task(state, exit, signal), "/r/logs/shard-3.job50.log");
        Assert.Equal(ShardStatus.Failed, o.Status);
        Assert.False(o.HasReport);
        Assert.Contains(why, o.Detail);
        Assert.Contains($"job 50_3 {state}", o.Detail);
        Assert.Contains("on node4", o.Detail);
        Assert.Equal("/r/logs/shard-3.job50.log", o.Log);
    }

    [Fact]
    public void AForgottenTaskWithoutReportIsAFailureToo()
    {
        var o = ShardLedger.Classify(5, 8, null, null, null, null);
        Assert.Equal(ShardStatus.Failed, o.Status);
        Assert.Contains("did not run or was forgotten", o.Detail);
    }

    [Fact]
    public void AReportOfAnotherShardOrAnErrorIsNotARun()
    {
        Assert.Equal(ShardStatus.Failed, ShardLedger.Classify(3, 8, new ShardReport(3, 4, "pass", 10, 0, null), null, Task("COMPLETED"), null).Status);
        Assert.Equal(ShardStatus.Failed, ShardLedger.Classify(3, 8, new ShardReport(2, 8, "pass", 10, 0, null), null, Task("COMPLETED"), null).Status);
        var error = ShardLedger.Classify(3, 8, new ShardReport(3, 8, "error", 10, 0, "simulation: the simulation ended after 0 of 8192 results"), null, Task("FAILED", 2), null);
        Assert.Equal(ShardStatus.Failed, error.Status);
        Assert.Contains("the simulation ended", error.Detail);
        var unreadable = ShardLedger.Classify(3, 8, null, "shard-3.json: field status is missing", Task("COMPLETED"), null);
        Assert.Equal(ShardStatus.Failed, unreadable.Status);
    }

    [Fact]
    public void ExitStatusIsTwoWhenAShardFailedElseTheMerges()
    {
        var passed = new ShardOutcome(0, ShardStatus.Passed, "", null, null);
        var mism = new ShardOutcome(1, ShardStatus.Mismatches, "", null, null);
        var failed = new ShardOutcome(2, ShardStatus.Failed, "", null, null);
        Assert.Equal(0, ShardLedger.ExitStatus([passed], 0));
        Assert.Equal(1, ShardLedger.ExitStatus([passed, mism], 1));
        Assert.Equal(1, ShardLedger.ExitStatus([passed, mism], 0)); // never a pass with a shard that reported mismatches
        Assert.Equal(2, ShardLedger.ExitStatus([passed, mism, failed], 1));
        Assert.Equal(2, ShardLedger.ExitStatus([passed, failed], 0)); // a missing shard is never a pass
        Assert.Equal([2], ShardLedger.ToResubmit([passed, mism, failed]));
    }

    [Fact]
    public void ResubmitCommandsNameTheRunAndOnlyTheFailedShards()
    {
        var spec = JobScriptTests.Spec("/scratch/run 1");
        var (resume, sbatch) = ShardLedger.ResubmitCommands(spec, [5, 3, 4, 7]);
        Assert.Equal("'/opt/mx ref/mxref' verify --slurm --resume --slurm-dir '/scratch/run 1'", resume);
        Assert.Equal("sbatch --array=3-5,7 '/scratch/run 1/verify-array.sh'", sbatch);
    }
}
