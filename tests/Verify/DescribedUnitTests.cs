using MxRef.Harness;
using MxRef.Harness.Verify;
using MxRef.Harness.Verify.Description;
using Newtonsoft.Json.Linq;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// <c>mxref verify --dut</c>: a unit with its own interface, verified from a description file without a wrapper. The
/// JSON is checked field by field (no Verilator needed); the example unit examples/foreign_dot (other port names,
/// msb-first lanes, its own format codes, valid/ready with random stalls, two beats per block, no UF output, and two
/// behaviours: exact zeros are +0, overflow saturates) passes with its profile and, without it, fails only in mismatch
/// classes explained by those two knobs.
/// </summary>
public sealed class DescriptionFileTests
{
    private static readonly string Example = Path.Combine(VerifyFixture.Root, "examples", "foreign_dot", "foreign_dot.json");

    private static JObject ExampleJson() => JObject.Parse(File.ReadAllText(Example));

    private static string ErrorOf(JObject json)
    {
        var e = Assert.Throws<UsageException>(() => DutDescription.Parse(json.ToString(), "unit.json"));
        Assert.StartsWith("unit.json", e.Message);
        return e.Message;
    }

    [Fact]
    public void TheExampleDescriptionReadsAsDocumented()
    {
        var d = DutDescription.Read(Example);
        Assert.Equal(("foreign_dot", 8, 4, 2), (d.Module, d.K, d.Lanes, d.Beats));
        Assert.True(d.MsbFirst && d.ResetActiveHigh);
        Assert.Null(d.Latency);
        Assert.Equal(("req_ready", "rsp_ready"), (d.InReady, d.OutReady));
        // e4m3 is code 0 in mxref and 1 in the unit, e5m2 the other way round; no other format
        Assert.Equal([1, 0, -1, -1, -1, -1], d.FormatCodes);
        // NX, OF and NV are reported (protocol bits 1, 4, 16); UF is not, so it is masked
        Assert.Equal(1 | 4 | 16, d.FlagMask);
        var config = DescribedBench.Config(d);
        foreach (var port in new[] { "d->req_type_a", "d->rsp_status", "d->req_vec_b", "d->rsp_ready", "d->reset" }) Assert.Contains(port, config);
        Assert.Contains("constexpr int FORMAT_CODE[8] = {1, 0, -1, -1, -1, -1, -1, -1};", config);
    }

    [Fact]
    public void AnOutputFormatPortIsDrivenWithTheUnitsCodes()
    {
        var j = ExampleJson();
        j["inputs"]!["output_format"] = new JObject { ["port"] = "req_out_fmt", ["codes"] = new JObject { ["fp32"] = 2, ["bf16"] = 0 } };
        var d = DutDescription.Parse(j.ToString(), "unit.json");
        Assert.Equal([2, 0, -1], d.OutputCodes);
        Assert.Contains(d.Ports, p => p is { Name: "req_out_fmt", Input: true, Width: 2, AtLeast: true });
        var config = DescribedBench.Config(d);
        Assert.Contains("constexpr int OUTPUT_CODE[3] = {2, 0, -1};", config);
        Assert.Contains("d->req_out_fmt = of;", config);
        j["inputs"]!["output_format"]!["codes"] = new JObject { ["bf16"] = 0 };
        Assert.Contains("the codes must include fp32", ErrorOf(j));
    }

    [Fact]
    public void MalformedJsonNamesTheFileAndLine()
    {
        var e = Assert.Throws<UsageException>(() => DutDescription.Parse("{\n  \"module\": \"x\",\n  \"clock\": \n}", "unit.json"));
        Assert.Contains("unit.json line", e.Message);
        Assert.Contains("not valid JSON", e.Message);
        var missing = Assert.Throws<UsageException>(() => DutDescription.Read("no/such/unit.json"));
        Assert.Contains("no/such/unit.json", missing.Message);
    }

    [Theory]
    [InlineData("unknown field", "outputs.status", "unknown field; valid fields of 'outputs': valid, ready, d, flags")]
    [InlineData("unknown flag", "outputs.flags.bits.DZ", "unknown flag 'DZ'; valid: NX, UF, OF, NV")]
    [InlineData("unknown format", "codes.formats.fp8", "unknown name 'fp8'; valid: e4m3, e5m2")]
    [InlineData("bad beats", "block.lanes", "a block of k = 8 elements must be a whole number of beats of 3 lanes")]
    [InlineData("wrong type", "reset.active", "must be \"high\" or \"low\", got the number 1")]
    [InlineData("missing", "inputs.c", "missing: the name of the design's input port (32 bits)")]
    [InlineData("fixed latency with back-pressure", "latency", "a unit with an output ready port has a variable latency")]
    [InlineData("stall rate", "handshake.stall_rate", "1.5 is not in [0, 1)")]
    [InlineData("bad port name", "inputs.a", "must be a port, module or parameter name")]
    public void EachBadFieldIsNamed(string what, string field, string message)
    {
        var j = ExampleJson();
        switch (what)
        {
            case "unknown field": ((JObject)j["outputs"]!)["status"] = "rsp_status"; break;
            case "unknown flag": ((JObject)j["outputs"]!["flags"]!["bits"]!)["DZ"] = 3; break;
            case "unknown format": ((JObject)j["codes"]!["formats"]!)["fp8"] = 2; break;
            case "bad beats": j["block"]!["lanes"] = 3; break;
            case "wrong type": j["reset"]!["active"] = 1; break;
            case "missing": ((JObject)j["inputs"]!).Remove("c"); break;
            case "fixed latency with back-pressure": j["latency"] = 6; break;
            case "stall rate": j["handshake"]!["stall_rate"] = 1.5; break;
            case "bad port name": j["inputs"]!["a"] = "req vec"; break;
        }
        var error = ErrorOf(j);
        Assert.Contains($"field '{field}'", error);
        Assert.Contains(message, error);
    }

    [Fact]
    public void BadCommandLinesStopBeforeAnyBuild()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "dut-cli");
        Directory.CreateDirectory(dir);
        var badProfile = Path.Combine(dir, "bad.profile.json");
        File.WriteAllText(badProfile, "{ \"zero-sign\": \"positive\",\n  \"overflow-mode\": \"saturate\" }");
        var cases = new (string[] Args, string Message)[]
        {
            (["--profile", badProfile], "unknown profile knob 'overflow-mode'"),
            (["--top", "other"], "drop --top and --param"),
            (["--acc", "fused"], "leave --acc out or give --acc chunked:4"),
            (["--a", "e2m1"], "field 'codes.formats' gives the unit no code for e2m1"),
            (["--stall-rate", "1"], "--stall-rate 1: must be in [0, 1)"),
        };
        foreach (var (args, message) in cases)
        {
            var (exit, o, e) = VerifyFixture.Run(["verify", "--dut", Example, "--filelist", Path.ChangeExtension(Example, ".f"), "--build-dir", Path.Combine(dir, "never-built"), .. args]);
            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}\n{o}{e}");
            Assert.Contains(message, e);
            if (args[0] == "--profile") Assert.Contains(badProfile, e);
        }
        Assert.False(Directory.Exists(Path.Combine(dir, "never-built")));
    }

    [Fact]
    public void PortsAreCheckedAgainstTheDesignNamingTheField()
    {
        var d = DutDescription.Read(Example);
        var ports = new List<DutInterface.Port>();
        foreach (var p in d.Ports) ports.Add(new DutInterface.Port(p.Name, p.Input, p.Width));
        Assert.Empty(d.Differences(ports));

        var wrong = ports.Where(p => p.Name != "req_acc")
            .Select(p => p.Name == "req_vec_a" ? p with { Width = 64 } : p.Name == "rsp_valid" ? p with { Input = true } : p)
            .Append(new DutInterface.Port("req_mode", true, 2)).ToList();
        var problems = d.Differences(wrong);
        Assert.Contains(problems, m => m.Contains("field 'inputs.c'") && m.Contains("no port 'req_acc'"));
        Assert.Contains(problems, m => m.Contains("field 'inputs.a'") && m.Contains("64 bits wide, the description needs 32") && m.Contains("block.lanes 4 x lane_packing.bits 8"));
        Assert.Contains(problems, m => m.Contains("field 'outputs.valid'") && m.Contains("is an input"));
        Assert.Contains(problems, m => m.Contains("input 'req_mode'") && m.Contains("tie_off"));
        Assert.All(problems, m => Assert.StartsWith(Example, m));
    }
}

/// <summary>The example unit under Verilator (one build per stall rate, cached in out/verilator).</summary>
[Collection("Verilator")]
public sealed class DescribedUnitRtlTests
{
    private static readonly string Dir = Path.Combine(VerifyFixture.Root, "examples", "foreign_dot");
    private static readonly string Description = Path.Combine(Dir, "foreign_dot.json");

    private static (int Exit, string Out, string Err) Verify(string description, params string[] more) =>
        VerifyFixture.Run(["verify", "--dut", description, "--filelist", Path.Combine(Dir, "foreign_dot.f"), "--build-dir", VerifyFixture.BuildDir, .. more]);

    [Fact]
    public void WithItsProfileTheForeignUnitMatchesExactly()
    {
        var (exit, output, err) = Verify(Description, "--profile", Path.Combine(Dir, "foreign_dot.profile.json"), "--count", "20000");
        Assert.True(exit == 0, output + err);
        Assert.Contains("mismatches   0", output);
        Assert.Contains("2 beats of 4 lanes chained through C (chunked:4)", output);
        Assert.Contains("flags compared: NX OF NV (no UF output: masked)", output);
    }

    [Fact]
    public void WithoutItsProfileEveryMismatchIsExplainedByOneOfItsTwoKnobs()
    {
        var report = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "foreign-dot-no-profile.json");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        var (exit, output, err) = Verify(Description, "--stall-rate", "0.5", "--count", "20000", "--max-mismatches", "0", "--report", report);
        Assert.True(exit == 1, output + err);
        Assert.Contains("stall rate 0.5 (seed 1)", output);
        var classes = ((JArray)JObject.Parse(File.ReadAllText(report))["mismatch_classes"]!).Select(c => (string)c["class"]!).ToArray();
        Assert.NotEmpty(classes);
        foreach (var c in classes)
            Assert.True(c.Split('|').Any(k => k is "zero-sign=positive" or "overflow=saturate"), $"class {c} is not explained by the unit's knobs:\n{output}");
        Assert.Contains(classes, c => c.Split('|').Contains("zero-sign=positive"));
        Assert.Contains(classes, c => c.Split('|').Contains("overflow=saturate"));
    }

    [Fact]
    public void MxDotDescribedAsTwoBeatsMatchesTheChainedModel()
    {
        // rtl/mx_dot with K = 4 fed blocks of 8 as two beats: fixed latency 5 checked on every result, input stalls
        // at rate 0.3, no ready ports; the chained beats must equal --acc chunked:4 bit for bit, flags included.
        var description = Path.Combine(VerifyFixture.Root, "examples", "mx_dot", "mx_dot_2beats.json");
        var (exit, output, err) = VerifyFixture.Run(["verify", "--dut", description, "--rtl", .. VerifyFixture.Rtl, "--build-dir", VerifyFixture.BuildDir, "--count", "5000"]);
        Assert.True(exit == 0, output + err);
        Assert.Contains("mismatches   0", output);
        // the regression line and the summary name the block size k and the module's own K (4, not the block's 8)
        Assert.Contains("verify summary: mx_dot k=8 K=4, latency 5 clocks", output);
        Assert.Contains("verify: mx_dot k=8 K=4 acc=chunked:4;", err);
        Assert.Contains("2 beats of 4 lanes chained through C (chunked:4), fixed latency 5, no ready ports, stall rate 0.3 (seed 7); all flags compared", output);
    }

    [Fact]
    public void PortsMissingFromTheDesignStopBeforeTheRun()
    {
        var j = JObject.Parse(File.ReadAllText(Description));
        j["inputs"]!["c"] = "req_accumulator";
        j["outputs"]!["flags"]!["bits"]!["NX"] = 5;
        var bad = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "foreign_dot_bad_ports.json");
        Directory.CreateDirectory(Path.GetDirectoryName(bad)!);
        File.WriteAllText(bad, j.ToString());
        var (exit, output, err) = Verify(bad, "--count", "100");
        Assert.True(exit == 2, output + err);
        Assert.DoesNotContain("verify summary", output);
        Assert.Contains($"{bad}: field 'inputs.c': module foreign_dot has no port 'req_accumulator'", err);
        Assert.Contains($"{bad}: field 'outputs.flags.port': port 'rsp_status' of foreign_dot is 3 bits wide, the description needs at least 6", err);
        Assert.Contains("has an input 'req_acc' that the description does not name", err);
        // stopped by the XML pass, before Verilator's C++ output and the compile: no model header was written
        var builds = Directory.GetDirectories(VerifyFixture.BuildDir, $"*.tmp-{Environment.ProcessId}")
            .Where(t => File.Exists(Path.Combine(t, "ports", "Vdut.xml"))).ToArray();
        Assert.NotEmpty(builds);
        Assert.All(builds, t => Assert.False(File.Exists(Path.Combine(t, "Vdut.h")), $"{t} has a Vdut.h: the full build ran"));
    }

    [Fact]
    [Trait("Category", "Long")]
    public void MutantsOfADescribedUnitAreGradedThroughItsBench()
    {
        // Yosys's mutants of the foreign unit, each behind the same ports (the netlist's wrapper), driven by the bench
        // generated from the description: handshake, beats and codes as for the unit itself.
        var report = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "foreign-dot-mutants.json");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        var (exit, output, err) = Verify(Description, "--profile", Path.Combine(Dir, "foreign_dot.profile.json"), "--count", "2000",
                                         "--mutants", "3", "--mutant-report", report);
        Assert.True(exit == 0, output + err);
        var mutants = (JArray)JObject.Parse(File.ReadAllText(report))["mutants"]!;
        Assert.Equal(3, mutants.Count);
    }
}
