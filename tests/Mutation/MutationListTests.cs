using MxRef.Harness;
using MxRef.Harness.Mutation;
using Xunit;

namespace MxRef.Tests.Mutation;

/// <summary>Reading Yosys's <c>mutate -list</c> output and tallying the outcomes (no tools run).</summary>
public sealed class MutationListTests
{
    // Lines as Yosys 0.23's `mutate -list 10 -seed 1` printed them for rtl/mx_dot at K = 4.
    private const string List =
        "mutate -mode cnot1 -module mx_dot -cell mut_546 -port Y -portbit 9 -ctrlbit 50 -src rtl/mx_dot.sv:184.31-191.4 -src rtl/mx_lzc.sv:27.11-27.38 -src rtl/mx_lzc.sv:27.7-30.10 -src rtl/mx_norm.sv:26.24-26.62\n" +
        "mutate -mode const0 -module mx_dot -cell mut_563 -port A -portbit 0 -src rtl/mx_dot.sv:205.23-218.4 -src rtl/mx_round.sv:41.43-41.54\n" +
        "\n" +
        "mutate -mode cnot0 -module mx_dot -cell mut_676 -port Y -portbit 24 -ctrlbit 19 -wire g_align[0].mag_fx -wirebit 24 -src rtl/mx_dot.sv:137.23-137.29 -src rtl/mx_dot.sv:139.22-139.103\n" +
        "mutate -mode inv -module mx_dot -cell mut_636 -port A -portbit 0 -src rtl/mx_dot.sv:101.23-101.55\n";

    [Fact]
    public void ParsesEveryFieldAndKeepsTheCommand()
    {
        var l = MutationList.Parse(List, "mutations.txt");
        Assert.Equal(4, l.Count);
        Assert.Equal([1, 2, 3, 4], l.Select(m => m.Number));
        var m = l[2];
        Assert.Equal("cnot0", m.Mode);
        Assert.Equal("mx_dot", m.Module);
        Assert.Equal("mut_676", m.Cell);
        Assert.Equal("Y", m.Port);
        Assert.Equal(24, m.PortBit);
        Assert.Equal(19, m.CtrlBit);
        Assert.Equal("g_align[0].mag_fx", m.Wire);
        Assert.Equal(24, m.WireBit);
        Assert.Equal(2, m.Src.Count);
        Assert.StartsWith("mutate -mode cnot0 -module mx_dot -cell mut_676", m.Command);
        Assert.Null(l[1].CtrlBit);
        Assert.Null(l[1].Wire);
    }

    [Fact]
    public void TheLocationIsTheCellsInnermostSrc()
    {
        var l = MutationList.Parse(List, "mutations.txt");
        // The flattened cell carries the instance's src first, then its own line in the submodule.
        Assert.Equal(new SourceLocation("rtl/mx_norm.sv", 26), l[0].Location);
        Assert.Equal(new SourceLocation("rtl/mx_round.sv", 41), l[1].Location);
        Assert.Equal(new SourceLocation("rtl/mx_dot.sv", 139), l[2].Location);
        Assert.Equal("rtl/mx_dot.sv:101", l[3].Location.ToString());
    }

    [Theory]
    [InlineData("mutate -mode flip -module m -cell c", "unknown -mode 'flip' (valid: inv const0 const1 cnot0 cnot1 none)")]
    [InlineData("mutate -mode inv -module m -cell c -bogus 1", "unknown field '-bogus'")]
    [InlineData("mutate -mode inv -module m -cell c -portbit x", "-portbit 'x' is not a bit index")]
    [InlineData("mutate -mode inv -module m -cell", "option '-cell' has no value")]
    [InlineData("mutate -mode inv -module m", "-mode inv needs -module and -cell")]
    [InlineData("select -list", "expected a 'mutate -mode ...' command")]
    public void BadLinesNameTheFileLineAndField(string line, string message)
    {
        var e = Assert.Throws<UsageException>(() => MutationList.Parse("\n" + line + "\n", "list.txt"));
        Assert.StartsWith("list.txt line 2: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    private static MutationReport Report(params (int Number, string Line, MutantOutcome Outcome)[] rs)
    {
        var l = MutationList.Parse(List, "mutations.txt");
        return new MutationReport
        {
            Regression = "--corners", Top = "mx_dot", K = 4, Requested = 4, Seed = 1,
            Results = rs.Select(r => new MutantResult(l[r.Number - 1], r.Outcome, r.Line, 1.5)).ToArray(),
        };
    }

    [Fact]
    public void TalliesPerTypeAndLineAndTheKillRateLeavesOutTheUnsimulatable()
    {
        var r = Report((1, "MISMATCH 1: x", MutantOutcome.Killed), (2, "", MutantOutcome.Survived), (3, "build failed", MutantOutcome.NotSimulatable), (4, "MISMATCH 1: y", MutantOutcome.Killed));
        Assert.Equal(new MutationTally("all", 2, 1, 1), r.Total);
        Assert.Equal(2.0 / 3, r.Total.KillRate, 12);
        Assert.Equal(["cnot0", "cnot1", "const0", "inv"], r.ByType.Select(t => t.Key));
        Assert.Equal(new MutationTally("const0", 0, 1, 0), r.ByType.Single(t => t.Key == "const0"));
        // file, then line number
        Assert.Equal(["rtl/mx_dot.sv:101", "rtl/mx_dot.sv:139", "rtl/mx_norm.sv:26", "rtl/mx_round.sv:41"], r.ByLine.Select(t => t.Key));
        Assert.Equal([2], r.Survivors.Select(s => s.Mutation.Number));

        var text = r.Summary();
        Assert.Contains("kill rate        66.7% (2 of 3 simulatable mutants)", text);
        Assert.Contains("SURVIVOR 2: rtl/mx_round.sv:41  const0 of cell mut_563 port A[0]", text);
        Assert.Contains("* rtl/mx_round.sv:41", text);
        Assert.Contains("NOT SIMULATABLE 3: rtl/mx_dot.sv:139", text);
        Assert.Contains("1 SURVIVED", text);
    }

    [Fact]
    public void JsonRoundTripsAndShardsMerge()
    {
        var a = Report((1, "MISMATCH 1: x", MutantOutcome.Killed), (3, "", MutantOutcome.Survived));
        var b = Report((2, "build failed", MutantOutcome.NotSimulatable), (4, "MISMATCH 1: y", MutantOutcome.Killed));
        var ja = MutationReport.FromJson(new MutationReport { Regression = a.Regression, Top = a.Top, K = 4, Requested = 4, Seed = 1, Shard = 0, Shards = 2, Results = a.Results }.ToJson(), "a.json");
        var jb = MutationReport.FromJson(new MutationReport { Regression = a.Regression, Top = a.Top, K = 4, Requested = 4, Seed = 1, Shard = 1, Shards = 2, Results = b.Results }.ToJson(), "b.json");
        Assert.Equal(a.Results.Select(r => (r.Mutation.Number, r.Mutation.Command, r.Mutation.Location, r.Outcome, r.Detail)), ja.Results.Select(r => (r.Mutation.Number, r.Mutation.Command, r.Mutation.Location, r.Outcome, r.Detail)));
        var m = MutationReport.Merge([jb, ja]);
        Assert.Equal([1, 2, 3, 4], m.Results.Select(r => r.Mutation.Number));
        Assert.Equal(new MutationTally("all", 2, 1, 1), m.Total);
        Assert.Throws<UsageException>(() => MutationReport.Merge([ja, ja]));
        Assert.Throws<UsageException>(() => MutationReport.FromJson("{\"format\":\"mxref-verify-report/1\"}", "x.json"));
    }
}
