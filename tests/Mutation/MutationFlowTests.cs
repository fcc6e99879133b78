using MxRef.Tests.Verify;
using Newtonsoft.Json.Linq;
using Xunit;

namespace MxRef.Tests.Mutation;

/// <summary>
/// <c>mxref verify --mutants N</c> end to end on rtl/mx_dot: Yosys lists and writes the mutants, Verilator builds each,
/// the regression runs on each to its first mismatch, and the text and JSON reports have every part.
/// </summary>
[Collection("Verilator")]
public sealed class MutationFlowTests
{
    /// <summary>
    /// A copy of rtl/ with the two negative exponent constants of mx_round.sv spelled <c>-EW'(126)</c> /
    /// <c>-EW'(127)</c>: Yosys 0.23 reads a unary minus on a size cast as a positive number, so its netlist of that copy
    /// rounds every result as tiny. rtl/ spells them <c>EW'(-126)</c>, which both tools read alike; the copy is the
    /// flow's own check that it never grades on a netlist that fails unmutated.
    /// </summary>
    private static IReadOnlyList<string> RtlYosysMisreads()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "mutation-tests", "misread", "rtl");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        var copies = new List<string>();
        foreach (var src in VerifyFixture.Rtl)
        {
            var text = File.ReadAllText(src).Replace("= EW'(-126);", "= -EW'(126);", StringComparison.Ordinal).Replace("= EW'(-127);", "= -EW'(127);", StringComparison.Ordinal);
            var dst = Path.Combine(dir, Path.GetFileName(src));
            File.WriteAllText(dst, text);
            copies.Add(dst);
        }
        return copies;
    }

    [Fact]
    public void GradesAFewMutantsOfMxDotWithTextAndJsonReports()
    {
        var rtl = VerifyFixture.Rtl;
        var report = Path.Combine(VerifyFixture.Root, "out", "mutation-tests", "small", "mutants.json");
        var (exit, output, err) = VerifyFixture.Verify(rtl, "--param", "K=4", "--corners", "--random", "--count", "2000",
            "--mutants", "3", "--mutant-seed", "1", "--mutant-report", report, "--jobs", "2");
        Assert.True(exit == 0, output + err);
        foreach (var field in new[] { "mutation summary: mx_dot K=4, 3 mutants (Yosys mutate -list 3 -seed 1)", "killed ", "survived ", "not simulatable ", "kill rate ", "by type ", "by line " })
            Assert.Contains(field, output);
        var j = JObject.Parse(File.ReadAllText(report));
        Assert.Equal("mxref-mutation-report/1", (string?)j["format"]);
        var mutants = (JArray)j["mutants"]!;
        Assert.Equal(3, mutants.Count);
        Assert.Equal(3, (int)j["killed"]! + (int)j["survived"]! + (int)j["not_simulatable"]!);
        foreach (var m in mutants)
        {
            Assert.Contains((string)m["outcome"]!, new[] { "killed", "survived", "not-simulatable" });
            Assert.Matches(@"\.sv:\d+$", (string)m["location"]!);
            Assert.StartsWith("mutate -mode ", (string)m["command"]!);
            if ((string)m["outcome"]! == "killed") Assert.Matches("^(MISMATCH 1: generated vector #|the bench refused the design: )", (string)m["detail"]!);
        }
        Assert.NotEmpty((JArray)j["by_line"]!);
        Assert.NotEmpty((JArray)j["by_type"]!);
    }

    [Fact]
    public void RefusesToGradeWhenTheUnmutatedNetlistFails()
    {
        var (exit, output, err) = VerifyFixture.Verify(RtlYosysMisreads(), "--param", "K=4", "--corners", "--count", "0", "--mutants", "1");
        if (exit == 0) return; // a Yosys that reads -EW'(126) right: nothing to refuse
        Assert.Equal(2, exit);
        Assert.Contains("the regression does not pass on the unmutated netlist Yosys wrote", output + err);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void ABadMutantCountIsAUsageError(string n)
    {
        var (exit, output, err) = VerifyFixture.Run("verify", "--param", "K=4", "--mutants=" + n);
        Assert.Equal(2, exit);
        Assert.Contains($"--mutants must be at least 1, got {n}", output + err);
    }

    [Fact]
    [Trait("Category", "Long")]
    public void GradesTwentyMutantsAtK8()
    {
        var rtl = VerifyFixture.Rtl;
        var report = Path.Combine(VerifyFixture.Root, "out", "mutation-tests", "long", "mutants.json");
        var (exit, output, err) = VerifyFixture.Verify(rtl, "--param", "K=8", "--corners", "--random", "--count", "20000",
            "--mutants", "20", "--mutant-report", report, "--jobs", "2");
        Assert.True(exit == 0, output + err);
        var j = JObject.Parse(File.ReadAllText(report));
        Assert.Equal(20, ((JArray)j["mutants"]!).Count);
        Assert.True((int)j["killed"]! > 0, output);
    }
}
