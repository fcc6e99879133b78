using MxRef.Harness.Verify;
using MxRef.Tests.Support;
using MxRef.Tests.Verify;
using Xunit;

namespace MxRef.Tests.Rtl;

/// <summary>
/// rtl/mx_decode against the golden decoder (MxDecode) through <c>mxref verify --unit decode</c>: the decode corner set
/// (every element code under the scales at both ends of each output's range, the unit and NaN scales) plus random
/// blocks, every element format, rounding mode and output format (FP32, BF16, FP16 block by block on out_fmt), and a
/// BF16 <c>.mxv</c> file, with no mismatch in any lane or flag; a copy that flushes subnormal results is caught (exit 1)
/// and explained by the flush-result knob; the unit lints clean. K = 4 keeps the Verilator builds short (cached in
/// out/verilator). The 1.28 M-element run at K = 32 is <c>make verify-decode-unit</c>.
/// </summary>
[Collection("Verilator")]
public class DecodeBenchTests
{
    private static readonly IReadOnlyList<string> Decode = VerifyFixture.UnitRtl("mx_decode");

    [Fact]
    public void MxDecodePassesCornersAndRandomBlocksOfEveryOutputFormat()
    {
        var dir = Path.Combine(Repo.Root, "out", "verify-tests", "unit-decode");
        Directory.CreateDirectory(dir);
        var json = Path.Combine(dir, "report.json");
        var (exit, output, err) = VerifyFixture.Verify(Decode, "--unit", "decode", "--param", "K=4",
            "--corners", "--random", "--count", "3000", "--seed", "3", "--report", json);
        Assert.True(exit == 0, output + err);
        Assert.Contains("mx_decode (decode unit) K=4, latency 2 clocks", output);
        Assert.Contains("--out fp32,bf16,fp16", err);
        Assert.Contains("mismatches   0", output);
        Assert.Matches(@"coverage     (\d+)/\1 expected classes hit\n", output);
        var report = VerifyResult.FromJson(json);
        Assert.Equal("decode", report.Unit);
        Assert.Empty(report.NeverHit);
    }

    [Fact]
    public void MxDecodePassesADecodeFile()
    {
        var dir = Path.Combine(Repo.Root, "out", "verify-tests", "unit-decode-file");
        Directory.CreateDirectory(dir);
        var mxv = Path.Combine(dir, "bf16.mxv");
        var (gen, genOut, genErr) = VerifyFixture.Run("vectors", "gen", "--op", "decode", "-k", "4", "--out", "bf16", "--corners", "--random",
            "--count", "500", "--seed", "9", "-o", mxv);
        Assert.True(gen == 0, genOut + genErr);
        var (exit, output, err) = VerifyFixture.Verify(Decode, "--unit", "decode", "--param", "K=4", "--vectors", mxv);
        Assert.True(exit == 0, output + err);
        Assert.Contains("unit=decode out=bf16", err);
        Assert.Contains("mismatches   0", output);
    }

    [Fact]
    public void MxDecodeFlushingSubnormalResultsIsCaughtAndExplained()
    {
        // A decoder that flushes subnormal results to signed zeros (with NX and UF), as many real decoders do: the
        // result is subnormal when it is below the output's smallest normal after rounding.
        const string tiny = "(sub && q_r < (out_fmt == mx_pkg::OUT_FP16 ? 24'd1024 : out_fmt == mx_pkg::OUT_BF16 ? 24'd128 : 24'h80_0000))";
        var values = VerifyFixture.Mutant("unit-decode-flush-values", "mx_decode_lane.sv",
            "else if (sub)         mag_c = {8'd0, q_r};", $"else if (sub)         mag_c = {tiny} ? 32'd0 : {{8'd0, q_r}};", Decode);
        var rtl = VerifyFixture.Mutant("unit-decode-flush", "mx_decode_lane.sv",
            "flags[mx_pkg::FLAG_UF] = finite & ~ovf & sub & inexact;\n    flags[mx_pkg::FLAG_NX] = finite & (ovf | (sub & inexact));",
            $"flags[mx_pkg::FLAG_UF] = finite & ~ovf & sub & (inexact | {tiny});\n    flags[mx_pkg::FLAG_NX] = finite & (ovf | (sub & (inexact | {tiny})));", values);
        var (exit, output, err) = VerifyFixture.Verify(rtl, "--unit", "decode", "--param", "K=4", "--corners", "--random", "--count", "1000", "--seed", "4",
            "--max-mismatches", "1");
        Assert.True(exit == 1, output + err);
        Assert.Contains("MISMATCH 1: generated vector #", output);
        Assert.Matches(@"lane +\d+  A [0-9a-f]{2}=\S+  expected [0-9a-f]+=\S+  actual [0-9a-f]+=", output);
        Assert.Contains("explained by flush-result=on", output);
        Assert.Contains("--unit decode --top mx_decode --param K=4 --a ", output);
        Assert.Contains("| mxref decode -k 4 --out ", output);
        Assert.Contains("--profile flush-result=on", output);
        Assert.Matches(@"  flush-result=on +[\d,]+  FAIL", output);
        // A team that accepts the flushing waives its class: counted and reported, but the run passes.
        var (waived, waivedOut, waivedErr) = VerifyFixture.Verify(rtl, "--unit", "decode", "--param", "K=4", "--corners", "--random", "--count", "1000",
            "--seed", "4", "--max-mismatches", "0", "--waive", "flush-result=on:subnormal results flushed by design");
        Assert.True(waived == 0, waivedOut + waivedErr);
        Assert.Contains("WAIVED", waivedOut);
    }

    [Fact]
    public void DecodeOptionsAreCheckedBeforeAnyBuild()
    {
        UsageErrorCases.Check(
            (["verify", "--rtl", .. VerifyFixture.Rtl, "--out", "bf16"], "--out: bf16 results need an output-format port, and the mx_dot interface has none"),
            (["verify", "--rtl", .. Decode, "--unit", "decode", "--out", "e4m3"], "--out: 'e4m3' is not an output format; valid: fp32, bf16, fp16 or all"),
            (["verify", "--rtl", .. Decode, "--unit", "decode", "--profile", "zero-sign=positive"], "does not have"));
    }

    [Fact]
    public void DecodeLintIsClean()
    {
        var (exit, output) = Repo.Run("make", "-s lint-decode", TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, output);
        Assert.Contains("lint: mx_decode clean", output);
    }
}
