using MxRef.Harness.Verify;
using Newtonsoft.Json.Linq;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// The units other than dot under <c>mxref verify</c> (docs/verify.md "Units"): the project's mx_quant and mx_regen
/// pass corners and random blocks, generated and from <c>.mxv</c> files; a broken copy of each is reported with exit 1,
/// a decoded example and a re-run command; a design of another kind is a usage error naming the right --unit. K = 4
/// keeps the Verilator builds short (both units lint clean at K = 4; their builds are cached in out/verilator).
/// </summary>
[Collection("Verilator")]
public sealed class UnitKindTests
{
    private static readonly IReadOnlyList<string> Quant = VerifyFixture.UnitRtl("mx_quant");
    private static readonly IReadOnlyList<string> Regen = VerifyFixture.UnitRtl("mx_regen");

    private static string Dir(string name)
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void MxQuantPassesCornersAndRandomBlocksAndWritesItsReport()
    {
        var json = Path.Combine(Dir("unit-quant"), "report.json");
        var (exit, output, err) = VerifyFixture.Verify(Quant, "--unit", "quantize", "--top", "mx_quant", "--param", "K=4",
            "--corners", "--random", "--count", "3000", "--seed", "3", "--report", json);
        Assert.True(exit == 0, output + err);
        Assert.Contains("mx_quant (quantize unit) K=4, latency 3 clocks", output);
        Assert.Contains("mismatches   0", output);
        Assert.Matches(@"coverage     (\d+)/\1 expected classes hit\n", output);
        var report = VerifyResult.FromJson(json);
        Assert.Equal("quantize", report.Unit);
        Assert.True(report.Vectors > 3000);
        Assert.Empty(report.NeverHit);
    }

    [Fact]
    public void MxQuantPassesAPolicyFileAndItsLine()
    {
        var dir = Dir("unit-quant-file");
        var mxv = Path.Combine(dir, "ceil.mxv");
        var (gen, genOut, genErr) = VerifyFixture.Run("vectors", "gen", "--op", "quantize", "-k", "4", "--scale-rule", "ceil", "--specials", "saturate",
            "--corners", "--random", "--count", "500", "--seed", "9", "-o", mxv);
        Assert.True(gen == 0, genOut + genErr);
        var (exit, output, err) = VerifyFixture.Verify(Quant, "--unit", "quantize", "--param", "K=4", "--vectors", mxv);
        Assert.True(exit == 0, output + err);
        Assert.Contains("scale-rule=ceil,specials=saturate", err);
        Assert.Contains("mismatches   0", output);
        var (one, oneOut, oneErr) = VerifyFixture.Verify(Quant, "--unit", "quantize", "--param", "K=4", "--vectors", mxv, "--line", "5");
        Assert.True(one == 0, oneOut + oneErr);
        Assert.Contains("vectors      1\n", oneOut);
        // A dot file is not a quantize file: the message names the unit that takes it.
        var dot = Path.Combine(VerifyFixture.Root, "rtl", "tb", "mx_dot_k32.mxv");
        var (bad, badOut, badErr) = VerifyFixture.Verify(Quant, "--unit", "quantize", "--param", "K=4", "--vectors", dot);
        Assert.True(bad == 2, badOut + badErr);
        Assert.Contains("the quantize unit takes 'quantize' vectors (verify them with --unit dot)", badErr);
    }

    [Fact]
    public void BrokenMxQuantIsReportedWithADecodedExampleAndExit1()
    {
        // Round-to-nearest-even without the sticky bits: a value just above a tie rounds down.
        var rtl = VerifyFixture.Mutant("unit-quant-sticky", "mx_quant_lane.sv", "inc = rb && (st || kq[0]);", "inc = rb && kq[0];", Quant);
        var (exit, output, err) = VerifyFixture.Verify(rtl, "--unit", "quantize", "--param", "K=4", "--rounding", "rne",
            "--corners", "--random", "--count", "2000", "--seed", "4", "--max-mismatches", "2");
        Assert.True(exit == 1, output + err);
        Assert.Contains("MISMATCH 1: generated vector #", output);
        Assert.Matches(@"lane +\d+  expected [0-9a-f]{2}=\S+  actual [0-9a-f]{2}=", output);
        Assert.Contains("re-run    mxref verify --rtl ", output);
        Assert.Contains("--unit quantize --top mx_quant --param K=4 --a ", output);
        Assert.Contains("| mxref vectors make --op quantize -k 4", output);
        Assert.Matches(@"  elements/\w+ +[\d,]+  FAIL", output);
        Assert.Contains("FAIL", output);
    }

    [Fact]
    public void MxRegenPassesCornersAndRandomBlocksGeneratedAndFromAFile()
    {
        var (exit, output, err) = VerifyFixture.Verify(Regen, "--unit", "regen", "--top", "mx_regen", "--param", "K=4",
            "--corners", "--random", "--count", "3000", "--seed", "5");
        Assert.True(exit == 0, output + err);
        Assert.Contains("mx_regen (regen unit) K=4", output);
        Assert.Contains("mismatches   0", output);
        Assert.Matches(@"coverage     (\d+)/\1 expected classes hit\n", output);
        var mxv = Path.Combine(Dir("unit-regen-file"), "gfloat.mxv");
        var (gen, genOut, genErr) = VerifyFixture.Run("vectors", "gen", "--op", "regen", "-k", "4", "--recipe", "gfloat", "--count", "300", "--seed", "2", "-o", mxv);
        Assert.True(gen == 0, genOut + genErr);
        var (file, fileOut, fileErr) = VerifyFixture.Verify(Regen, "--unit", "regen", "--param", "K=4", "--vectors", mxv);
        Assert.True(file == 0, fileOut + fileErr);
        Assert.Contains("recipe=gfloat", fileErr);
        Assert.Contains("mismatches   0", fileOut);
    }

    [Fact]
    public void BrokenMxRegenIsReportedWithExit1()
    {
        // Lane 0's tracked value ignored: the regenerated W0 is quantized instead.
        var rtl = VerifyFixture.Mutant("unit-regen-lane0", "mx_regen.sv", "assign w_d[32*i +: 32] = tmask_i_q[i] ?",
            "assign w_d[32*i +: 32] = (tmask_i_q[i] && i != 0) ?", Regen);
        var (exit, output, err) = VerifyFixture.Verify(rtl, "--unit", "regen", "--param", "K=4", "--corners", "--random", "--count", "1000", "--seed", "6",
            "--max-mismatches", "1");
        Assert.True(exit == 1, output + err);
        Assert.Contains("MISMATCH 1: generated vector #", output);
        Assert.Contains("  tracked   [ 0] ", output);
        Assert.Contains("--unit regen --top mx_regen --param K=4", output);
        Assert.Contains("expected line (op regen, recipe ocp): ", output);
    }

    [Fact]
    public void ADesignOfAnotherKindIsAUsageErrorNamingItsUnit()
    {
        // A tiny design with the dot unit's ports, verified as a quantize unit (the wrong --unit for the --top).
        var sv = Path.Combine(Dir("unit-wrong-kind"), "tiny_dot.sv");
        File.WriteAllText(sv, """
            module tiny_dot #(parameter int K = 4) (
              input logic clk, rst_n, in_valid, input logic [2:0] fmt_a, fmt_b, rm, input logic [7:0] scale_a, scale_b,
              input logic [8*K-1:0] a, b, input logic [31:0] c, output logic out_valid, output logic [31:0] d, output logic [4:0] flags);
              always_ff @(posedge clk) begin
                out_valid <= in_valid; d <= c;
                flags <= {fmt_a[0], rm[0], scale_a[0] ^ scale_b[0], ^a, ^b ^ ^fmt_b ^ ^fmt_a ^ ^rm ^ ^scale_a ^ ^scale_b ^ rst_n};
              end
            endmodule
            """);
        var (exit, output, err) = VerifyFixture.Verify([sv], "--unit", "quantize", "--top", "tiny_dot", "--param", "K=4", "--count", "10", "--verilator-flag=-Wno-fatal");
        Assert.True(exit == 2, output + err);
        Assert.Contains("module tiny_dot has the ports of a dot unit, not of a quantize unit: pass --unit dot", err);
        Assert.Contains("module tiny_dot has no input port 'v' (128 bits)", err);
    }

    [Fact]
    public void UnitOptionsAreCheckedBeforeAnyBuild()
    {
        UsageErrorCases.Check(
            (["verify", "--unit", "fft"], "unknown --unit 'fft'; valid: dot, quantize, regen"),
            (["verify", "--scale-rule", "ceil"], "--scale-rule is for --unit quantize, not --unit dot"),
            (["verify", "--unit", "quantize", "--b", "e4m3"], "--b is for --unit dot, not --unit quantize"),
            (["verify", "--rtl", .. Regen, "--unit", "regen", "--max-terms", "4"], "--max-terms 4: the design draws at most NT = 1 values per weight; pass --param NT=4"));
    }

    [Fact]
    public void ReportsOfOneUnitMergeAndKeepTheirUnit()
    {
        var r = new VerifyResult
        {
            Regression = "x", Top = "mx_quant", Unit = "quantize", CoverageNames = UnitKind.Quantize.CoverageNames, K = 4,
            Coverage = new long[UnitKind.Quantize.CoverageNames.Count], ExpectedCoverage = ["qfmt:e4m3"], Mismatches = [],
        };
        r.Coverage[0] = 5;
        var path = Path.Combine(Dir("unit-report"), "q.json");
        File.WriteAllText(path, r.ToJson());
        var back = VerifyResult.FromJson(path);
        Assert.Equal("quantize", back.Unit);
        Assert.Empty(back.NeverHit);
        var dot = path + ".dot.json";
        File.WriteAllText(dot, JObject.Parse(r.ToJson()).Also(o => o["unit"] = "dot").Also(o => o["coverage_expected"] = new JArray()).ToString());
        var e = Assert.Throws<MxRef.Harness.UsageException>(() => VerifyResult.Merge([(path, back), (dot, VerifyResult.FromJson(dot))], allowPartial: true));
        Assert.Contains("field unit: 'dot' is not the unit of", e.Message);
    }
}

internal static class JObjectExtensions
{
    public static JObject Also(this JObject o, Action<JObject> change)
    {
        change(o);
        return o;
    }
}
