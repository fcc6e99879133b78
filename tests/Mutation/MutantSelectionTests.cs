using MxRef.Harness;
using MxRef.Harness.Mutation;
using MxRef.Harness.Verify;
using Xunit;

namespace MxRef.Tests.Mutation;

/// <summary><c>--mutant-ids</c> (numbers and ranges of the list) and the Yosys version in the mutation cache key.</summary>
public sealed class MutantSelectionTests
{
    private static IReadOnlyList<YosysMutation> ListOf(int n) => Enumerable.Range(1, n)
        .Select(i => new YosysMutation { Number = i, Mode = "inv", Module = "mx_dot", Cell = $"mut_{i}", Command = $"mutate -mode inv -module mx_dot -cell mut_{i}" }).ToList();

    [Fact]
    public void NumbersAndRangesInAnyOrder()
    {
        Assert.Equal([1, 20, 21, 22, 88, 172], MutantSelection.Parse("172, 88,20-22,1,21"));
        Assert.Equal([7], MutantSelection.Parse("7-7"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1,,2")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("x")]
    [InlineData("9-4")]
    [InlineData("3-")]
    public void BadTextIsAUsageErrorNamingTheOption(string text)
    {
        var e = Assert.Throws<UsageException>(() => MutantSelection.Parse(text));
        Assert.StartsWith("--mutant-ids:", e.Message);
    }

    [Fact]
    public void SelectsFromThisShardAndRefusesNumbersBeyondTheList()
    {
        var all = ListOf(10);
        var shard1 = all.Where(m => (m.Number - 1) % 2 == 1).ToList(); // shard 1/2: 2, 4, 6, 8, 10
        Assert.Equal([4, 8], MutantSelection.Select(all, shard1, MutantSelection.Parse("3,4,8")).Select(m => m.Number));
        var e = Assert.Throws<UsageException>(() => MutantSelection.Select(all, all, MutantSelection.Parse("2,11-12")));
        Assert.Contains("1..10, not 11, 12", e.Message);
    }

    [Fact]
    public void TheCacheKeyNamesTheYosysVersion()
    {
        var yosys = Tools.Which("yosys");
        if (yosys is null) Assert.Fail("yosys is not on PATH: " + MutantGenerator.InstallHint);
        Assert.StartsWith("Yosys ", MutantGenerator.Version(yosys));
        var e = Assert.Throws<UsageException>(() => MutantGenerator.Version("/bin/false"));
        Assert.Contains("-V", e.Message);
    }
}
