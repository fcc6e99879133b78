using FsCheck;
using FsCheck.Fluent;
using MxRef.Harness.Slurm;
using Xunit;

namespace MxRef.Tests.Slurm;

/// <summary>The scheduler's answers as Slurm 22.05 prints them (the scontrol line is from the local cluster of RealSlurmTests).</summary>
public sealed class SlurmParseTests
{
    [Fact]
    public void SacctLinesGiveOneStatePerTaskWithPendingRangesExpanded()
    {
        const string text = """
            41_0|COMPLETED|0:0|node7
            41_1|FAILED|1:0|node7
            41_2|TIMEOUT|0:15|node8
            41_3|CANCELLED by 0|0:15|node8
            41_4|NODE_FAIL|0:0|node9
            41_[5-7%2]|PENDING|0:0|None assigned
            42_0|COMPLETED|0:0|node1
            """;
        var tasks = SlurmParse.Sacct(text, "41");
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], tasks.Select(t => t.Task));
        Assert.Equal(["COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "NODE_FAIL", "PENDING", "PENDING", "PENDING"], tasks.Select(t => t.State));
        Assert.Equal((1, 0), (tasks[1].ExitCode, tasks[1].Signal));
        Assert.Equal(15, tasks[2].Signal);
        Assert.Equal("node8", tasks[3].Node);
        Assert.Null(tasks[5].Node);
        Assert.Equal([true, true, true, true, true, false, false, false], tasks.Select(t => t.Finished));
    }

    [Fact]
    public void ScontrolOneLinersGiveTheSameStates()
    {
        const string text =
            "JobId=1 ArrayJobId=1 ArrayTaskId=3 JobName=t.sh UserId=root(0) JobState=COMPLETED Reason=None ExitCode=0:0 RunTime=00:00:02 NodeList=mxref0 BatchHost=mxref0 StdOut=/tmp/slurmtest/t-3-1.log\n" +
            "JobId=4 ArrayJobId=1 ArrayTaskId=2 JobName=t.sh UserId=root(0) JobState=FAILED Reason=NonZeroExitCode ExitCode=2:0 NodeList=mxref0\n" +
            "JobId=5 ArrayJobId=1 ArrayTaskId=4-7 JobName=t.sh JobState=PENDING Reason=Resources ExitCode=0:0 NodeList=(null)\n";
        var tasks = SlurmParse.Scontrol(text, "1");
        Assert.Equal([3, 2, 4, 5, 6, 7], tasks.Select(t => t.Task));
        Assert.Equal("COMPLETED", tasks[0].State);
        Assert.Equal((2, "FAILED"), (tasks[1].ExitCode, tasks[1].State));
        Assert.Equal("mxref0", tasks[0].Node);
        Assert.Null(tasks[2].Node);
        Assert.False(tasks[5].Finished);
        Assert.Empty(SlurmParse.Scontrol(text, "2"));
    }

    [Theory]
    [InlineData("0-3", new[] { 0, 1, 2, 3 })]
    [InlineData("0-3,5,7-8", new[] { 0, 1, 2, 3, 5, 7, 8 })]
    [InlineData("1-7:2%4", new[] { 1, 3, 5, 7 })]
    [InlineData("12", new[] { 12 })]
    public void ArrayTaskSpecificationsExpand(string spec, int[] tasks) => Assert.Equal(tasks, SlurmParse.ArrayTasks(spec));

    [Fact]
    public void ArraySpecIsTheShortestRangeListAndReadsBack() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 200)).ToArbitrary(), (int[] xs) =>
        {
            var spec = SlurmParse.ArraySpec(xs);
            return SlurmParse.ArrayTasks(spec).SequenceEqual(xs.Distinct().Order()) && !spec.Contains(",,");
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void ArraySpecJoinsRuns() => Assert.Equal("0-2,4,6-7", SlurmParse.ArraySpec([7, 0, 1, 2, 4, 6, 1]));

    [Theory]
    [InlineData("17\n", "17")]
    [InlineData("17;cluster2\n", "17")]
    [InlineData("sbatch: warning: something\n23\n", "23")]
    [InlineData("sbatch: error: Batch job submission failed\n", null)]
    public void SbatchParsableOutputGivesTheJobId(string output, string? id) => Assert.Equal(id, SlurmParse.SubmittedJobId(output));

    [Fact]
    public void StatesDescribeHowTheTaskEnded()
    {
        Assert.Equal("COMPLETED, exit code 0", new SlurmTaskState("9", 0, "COMPLETED", 0, 0, null).Describe());
        Assert.Equal("FAILED, exit code 2", new SlurmTaskState("9", 0, "FAILED", 2, 0, null).Describe());
        Assert.Equal("TIMEOUT (signal 15)", new SlurmTaskState("9", 0, "TIMEOUT", 0, 15, null).Describe());
    }
}
