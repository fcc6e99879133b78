using Xunit;

namespace MxRef.Tests.Cosim;

/// <summary>A test that needs rtl/mx_dot.sv; skipped, with the reason, while the RTL is not in the tree.</summary>
public sealed class RtlFactAttribute : FactAttribute
{
    public RtlFactAttribute()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "MxRef.sln"))) continue;
            if (!File.Exists(Path.Combine(dir.FullName, "rtl", "mx_dot.sv")))
                Skip = "rtl/mx_dot.sv does not exist yet: the DPI-C scoreboard bench (harness/cosim/sv) has no DUT to check";
            return;
        }
    }
}

/// <summary>
/// The SystemVerilog scoreboard under Verilator: rtl/mx_dot driven with random transactions and checked live against
/// the golden model through DPI-C; then the golden predictions it used are replayed through `mxref dot`.
/// </summary>
[Collection(CosimCollection.Name)]
public sealed class ScoreboardTests(CosimEnvironment env)
{
    [RtlFact]
    public void RtlMatchesTheGoldenModelThroughDpi()
    {
        string dump = Path.Combine(env.CosimOut, "scoreboard-transcript.txt");
        File.Delete(dump);
        var r = ProcessRun.Run(env.Root, "make", ["-s", "cosim-scoreboard", "COSIM_N=3000", "COSIM_SEED=7", $"COSIM_DUMP={dump}"],
            timeout: TimeSpan.FromMinutes(20));
        Assert.True(r.ExitCode == 0, r.Describe("make cosim-scoreboard"));
        Assert.Contains("scoreboard: PASS 3000 transactions, 0 mismatches", r.Output);

        // The predictions the bench compared against came through DPI-C: they must be `mxref dot`'s answers.
        var (inputs, answers) = OutputComparison.SplitAnswered(File.ReadAllText(dump));
        OutputComparison.AssertSameLines(inputs, env.Oracle(inputs, "-k", "32"), answers, "mxref_dpi_dot32 (DPI-C)");
    }
}
