using System.Text.RegularExpressions;
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
        Assert.Contains("  transactions 3000 sent, 3000 outputs checked\n", r.Output);
        Assert.Contains("  mismatches   0\n", r.Output);
        Assert.Matches("(?m)^PASS$", r.Output);

        // The predictions the bench compared against came through DPI-C: they must be `mxref dot`'s answers.
        var (inputs, answers) = OutputComparison.SplitAnswered(File.ReadAllText(dump));
        OutputComparison.AssertSameLines(inputs, env.Oracle(inputs, "-k", "32"), answers, "mxref_dpi_dot32 (DPI-C)");
    }

    /// <summary>
    /// A copy of the RTL whose result is wrong in its last bit whenever the correct result's low byte is 0x5a: the
    /// scoreboard must fail, print a report laid out like `mxref verify`'s, and its `model` line must give the
    /// report's expected value. The copy renames the real module and wraps it, so no RTL line is edited.
    /// </summary>
    [RtlFact]
    public void ABrokenRtlIsCaughtWithAReport()
    {
        string dir = Path.Combine(env.CosimOut, "broken-rtl");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(Path.Combine(env.Root, "rtl"), "*.sv"))
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        string top = Path.Combine(dir, "mx_dot.sv");
        string renamed = new Regex(@"\bmodule\s+mx_dot\b").Replace(File.ReadAllText(top), "module mx_dot_intact", 1);
        Assert.True(renamed.Contains("module mx_dot_intact"), "rtl/mx_dot.sv has no 'module mx_dot' to wrap");
        File.WriteAllText(top, renamed);
        File.WriteAllText(Path.Combine(dir, "mx_dot_broken.sv"), BrokenWrapper);

        var r = ProcessRun.Run(env.Root, "make", ["-s", "cosim-scoreboard", "COSIM_N=3000", "COSIM_SEED=1", $"COSIM_RTL_DIR={dir}",
            $"COSIM_SB_OUT={Path.Combine(env.CosimOut, "scoreboard-broken")}"], timeout: TimeSpan.FromMinutes(20));
        Assert.True(r.ExitCode != 0, r.Describe("make cosim-scoreboard (broken RTL) should fail"));
        Assert.Matches("(?m)^FAIL$", r.Output);
        var report = Regex.Match(r.Output, @"MISMATCH 1: scoreboard transaction \d+\n(  .*\n)+");
        Assert.True(report.Success, r.Describe("no mismatch report"));
        foreach (var field in new[] { "formats", "scales", "A", "B", "C", "expected", "actual", "differs", "re-run", "model" })
            Assert.Matches($"(?m)^  {field} ", report.Value);
        Assert.Contains("differs   D bits 0x00000001, flags none", report.Value);

        // The report's model line reproduces the expected value with the streaming oracle.
        var model = Regex.Match(report.Value, @"model     echo '([^']*)' \| mxref dot -k 32");
        var expected = Regex.Match(report.Value, @"expected  D 0x([0-9a-f]{8}) \([^)]*\)  flags 0x([0-9a-f]{2})");
        Assert.True(model.Success && expected.Success, report.Value);
        Assert.Equal($"{expected.Groups[1].Value} {expected.Groups[2].Value}", env.Oracle(model.Groups[1].Value + "\n", "-k", "32").Trim());
    }

    private const string BrokenWrapper = """
        // Test fixture (tests/Cosim): mx_dot with a fault in the last bit of d whenever the correct d ends in 8'h5a.
        module mx_dot #(parameter int unsigned K = 32) (
          input  logic clk, rst_n, in_valid,
          input  logic [2:0] fmt_a, fmt_b, rm,
          input  logic [7:0] scale_a, scale_b,
          input  logic [8*K-1:0] a, b,
          input  logic [31:0] c,
          output logic out_valid,
          output logic [31:0] d,
          output logic [4:0] flags);
          logic [31:0] d_intact;
          mx_dot_intact #(.K(K)) intact (.clk, .rst_n, .in_valid, .fmt_a, .fmt_b, .rm, .scale_a, .scale_b, .a, .b, .c,
                                         .out_valid, .d(d_intact), .flags);
          assign d = d_intact[7:0] == 8'h5a ? d_intact ^ 32'h1 : d_intact;
        endmodule
        """;
}
