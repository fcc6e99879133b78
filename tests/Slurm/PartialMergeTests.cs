using MxRef.Harness.Verify;
using Xunit;

namespace MxRef.Tests.Slurm;

/// <summary>(Reports as read from JSON, where shards_merged lists the shard itself.) <c>report merge --allow-partial</c> shows what the present shards found, but a partial merge is never a pass.</summary>
public sealed class PartialMergeTests
{
    private static VerifyResult Shard(int i, int n, long mismatches = 0) => new()
    {
        Regression = "r", Top = "mx_dot", K = 4, Shard = i, Shards = n, ShardsMerged = [i], Vectors = 10, MismatchCount = mismatches,
        Coverage = new long[CoverageTally.Size], ExpectedCoverage = [], Mismatches = [],
    };

    [Fact]
    public void MissingShardsMakeThePartialMergeAnErrorNamingThem()
    {
        var merged = VerifyResult.Merge([("a.json", Shard(0, 4)), ("c.json", Shard(2, 4))], allowPartial: true);
        Assert.Equal("error", merged.Status);
        Assert.Contains("shards 1, 3 of 4 have no report", merged.Error);
        Assert.Equal(20, merged.Vectors);
        Assert.Contains("ERROR: shards 1, 3 of 4", merged.Summary());
    }

    [Fact]
    public void ACompleteMergeIsUnchanged()
    {
        var merged = VerifyResult.Merge([("a.json", Shard(0, 2)), ("b.json", Shard(1, 2, 3))], allowPartial: true);
        Assert.Null(merged.Error);
        Assert.Equal("fail", merged.Status);
        Assert.Equal("pass", VerifyResult.Merge([("a.json", Shard(0, 1))], allowPartial: false).Status);
    }
}
