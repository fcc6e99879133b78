using MxRef.Formats;
using MxRef.Harness.Verify;
using MxRef.Vectors.Files;
using Newtonsoft.Json.Linq;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// <c>mxref verify --out</c> for dot units: BF16/FP16 results per vector through a described output-format port.
/// Without Verilator: the record's out_fmt byte, the refusals (mx_dot and a description without the port take FP32
/// only; a port takes only the formats its codes list). Under Verilator: examples/narrow_dot (mx_dot in a composing
/// mode, then one rounding to BF16/FP16) with <c>--out all</c> has no mismatch, and its double-rounding copy
/// (<c>DOUBLE_ROUND=1</c>) is caught, each mismatch measured in ulps of its own output format.
/// </summary>
public sealed class OutputFormatOptionTests
{
    private static readonly string Foreign = Path.Combine(VerifyFixture.Root, "examples", "foreign_dot", "foreign_dot.json");
    private static readonly string Narrow = Path.Combine(VerifyFixture.Root, "examples", "narrow_dot", "narrow_dot.json");

    [Fact]
    public void TheRecordCarriesTheOutputFormat()
    {
        var v = new DotVector(2) { Output = StandardFormats.Fp16 };
        var record = new byte[StreamProtocol.RecordBytes(2)];
        StreamProtocol.Encode(v, record);
        Assert.Equal(2, record[6]);
        var back = new DotVector(2);
        StreamProtocol.Decode(record, back);
        Assert.Equal(StandardFormats.Fp16, back.Output);
        v.Output = StandardFormats.Fp32;
        StreamProtocol.Encode(v, record);
        Assert.Equal(0, record[6]); // FP32 runs send the records as before
    }

    [Fact]
    public void UnitsWithoutAPortRefuseNarrowOutputs()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "outfmt-cli");
        Directory.CreateDirectory(dir);
        var two = Path.Combine(dir, "narrow_dot_bf16_only.json");
        var j = JObject.Parse(File.ReadAllText(Narrow));
        j["inputs"]!["output_format"]!["codes"] = new JObject { ["fp32"] = 0, ["bf16"] = 1 };
        File.WriteAllText(two, j.ToString());
        var cases = new (string[] Args, string Message)[]
        {
            (["--rtl", .. VerifyFixture.Rtl, "--out", "bf16"], "--out: bf16 results need an output-format port, and the mx_dot interface has none"),
            (["--dut", Foreign, "--filelist", Path.ChangeExtension(Foreign, ".f"), "--out", "all"], "names none (field 'inputs.output_format')"),
            (["--dut", two, "--filelist", Path.ChangeExtension(Narrow, ".f"), "--out", "all"], "field 'inputs.output_format.codes' gives the unit no code for fp16; valid: fp32,bf16"),
            (["--rtl", .. VerifyFixture.Rtl, "--out", "fp8"], "--out: 'fp8' is not an output format; valid: fp32, bf16, fp16 or all"),
            (["--unit", "quantize", "--out", "bf16"], "--out is for --unit dot or --unit decode"),
        };
        foreach (var (args, message) in cases)
        {
            var (exit, o, e) = VerifyFixture.Run(["verify", "--build-dir", Path.Combine(dir, "never-built"), .. args]);
            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}\n{o}{e}");
            Assert.Contains(message, e);
        }
        Assert.False(Directory.Exists(Path.Combine(dir, "never-built")));
    }
}

/// <summary>examples/narrow_dot under Verilator (cached in out/verilator).</summary>
[Collection("Verilator")]
public sealed class NarrowDotRtlTests
{
    private static readonly string Dir = Path.Combine(VerifyFixture.Root, "examples", "narrow_dot");
    private static readonly string Description = Path.Combine(Dir, "narrow_dot.json");

    private static (int Exit, string Out, string Err) Verify(string description, params string[] more) =>
        VerifyFixture.Run(["verify", "--dut", description, "--filelist", Path.Combine(Dir, "narrow_dot.f"), "--build-dir", VerifyFixture.BuildDir, .. more]);

    [Fact]
    public void RoundingOnceToEachOutputMatchesTheModel()
    {
        // corners of each output (its overflow, rounding and underflow boundaries) and random vectors in turn
        var (exit, output, err) = Verify(Description, "--out", "all", "--a", "e4m3,e2m1", "--b", "e4m3,e2m1", "--count", "20000");
        Assert.True(exit == 0, output + err);
        Assert.Contains("mismatches   0", output);
        Assert.Contains("--out fp32,bf16,fp16", err + output);
    }

    [Fact]
    public void DoubleRoundingViaFp32IsCaughtAndMeasuredInTheOutputsUlps()
    {
        var j = JObject.Parse(File.ReadAllText(Description));
        j["parameters"]!["DOUBLE_ROUND"] = 1;
        var broken = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "narrow_dot_double_round.json");
        Directory.CreateDirectory(Path.GetDirectoryName(broken)!);
        File.WriteAllText(broken, j.ToString());
        var report = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "narrow-dot-double-round.report.json");
        var (exit, output, err) = Verify(broken, "--out", "all", "--a", "e4m3,e2m1", "--b", "e4m3,e2m1", "-r", "rne,rna", "--count", "20000", "--report", report);
        Assert.True(exit == 1, output + err);
        var mismatches = (JArray)JObject.Parse(File.ReadAllText(report))["mismatch_details"]!;
        Assert.NotEmpty(mismatches);
        foreach (var m in mismatches)
        {
            // only BF16/FP16 results are rounded twice; a double rounding is off by one ulp of the output
            Assert.Contains((string)m["output"]!, new[] { "bf16", "fp16" });
            Assert.Equal(4, ((string)m["expected"]!).Split(' ')[0].Length);
            Assert.True((long?)m["ulps"] is 1 or -1 || ((string)m["actual_flags"]!) != ((string)m["expected_flags"]!), m.ToString());
        }
        Assert.Contains("--out bf16", output + err);
    }
}
