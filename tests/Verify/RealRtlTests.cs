using Xunit;
using Newtonsoft.Json.Linq;

namespace MxRef.Tests.Verify;

/// <summary>The project's mx_dot against the golden model: it must pass, and every report must say so.</summary>
[Collection("Verilator")]
public sealed class RealRtlTests
{
    [Fact]
    public void MxDotK32PassesRandomVectorsAndWritesReports()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "real-k32");
        Directory.CreateDirectory(dir);
        var json = Path.Combine(dir, "report.json");
        var junit = Path.Combine(dir, "junit.xml");
        var (exit, output, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=32", "--count", "20000", "--seed", "7", "--report", json, "--junit", junit);
        Assert.True(exit == 0, output + err);
        Assert.Contains("mismatches   0", output);
        Assert.Contains("latency 5 clocks", output);
        Assert.Contains("PASS", output);
        var report = JObject.Parse(File.ReadAllText(json));
        Assert.Equal("pass", (string?)report["status"]);
        Assert.Equal(20000, (long)report["vectors"]!);
        var xml = System.Xml.Linq.XDocument.Load(junit);
        Assert.Equal("0", xml.Root!.Element("testsuite")!.Attribute("failures")!.Value);
    }

    [Fact]
    public void MxDotK32PassesTheCommittedVectorFile()
    {
        var file = Path.Combine(VerifyFixture.Root, "rtl", "tb", "mx_dot_k32.mxv");
        var (exit, output, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--vectors", file);
        Assert.True(exit == 0, output + err);
        Assert.Contains("vectors      400", output);
    }

    [Fact]
    public void MalformedVectorFileIsAnInputErrorNamingFileLineAndField()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "bad-file");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "bad.mxv");
        File.WriteAllLines(file, ["// mxref-vectors 1 {\"op\":\"dot\",\"k\":4}", "0 0 0 7f 00000038 7f 00000040 3f800000 40400000 00", "0 0 9 7f 00000038 7f 00000040 3f800000 40400000 00"]);
        var (exit, _, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=4", "--vectors", file);
        Assert.Equal(2, exit);
        Assert.Contains("bad.mxv line 3: field RM", err);
    }

    [Fact]
    public void ShardsMergeIntoTheWholeRegression()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "shards");
        Directory.CreateDirectory(dir);
        var reports = new List<string>();
        for (int s = 0; s < 3; s++)
        {
            var r = Path.Combine(dir, $"shard{s}.json");
            var (exit, output, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=4", "--count", "9001", "--shard", $"{s}/3", "--report", r, "--jobs", s == 1 ? "2" : "1");
            Assert.True(exit == 0, output + err);
            reports.Add(r);
        }
        var merged = Path.Combine(dir, "merged.json");
        var m = VerifyFixture.Run(["report", "merge", .. reports, "-o", merged]);
        Assert.True(m.Exit == 0, m.Out + m.Err);
        Assert.Equal(9001, (long)JObject.Parse(File.ReadAllText(merged))["vectors"]!);

        var twice = VerifyFixture.Run(["report", "merge", reports[0], reports[0], reports[1], reports[2]]);
        Assert.Equal(2, twice.Exit);
        Assert.Contains("twice", twice.Err);
        var missing = VerifyFixture.Run(["report", "merge", reports[0], reports[2]]);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("shards 1 of 3 have no report", missing.Err);
    }

    [Fact]
    public void DesignWithTheWrongInterfaceIsToldWhatDiffers()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "wrong-interface");
        Directory.CreateDirectory(dir);
        var sv = Path.Combine(dir, "wrong.sv");
        File.WriteAllText(sv, """
            module wrong #(parameter int K = 4) (
              input logic clk, rst_n, in_valid, input logic [2:0] fmt_a, fmt_b, rm, input logic [7:0] scale_a, scale_b,
              input logic [8*K-1:0] a, b, input logic [31:0] c, output logic out_valid, output logic [31:0] d, output logic [3:0] flags);
              always_ff @(posedge clk) begin out_valid <= in_valid; d <= c; flags <= {fmt_a[0], rm[0], scale_a[0] ^ scale_b[0], ^a ^ ^b}; end
              wire unused = rst_n ^ fmt_b[2] ^ ^fmt_b ^ ^rm ^ ^fmt_a ^ ^scale_a ^ ^scale_b;
            endmodule
            """);
        var (exit, output, err) = VerifyFixture.Verify([sv], "--top", "wrong", "--param", "K=4", "--count", "10", "--verilator-flag=-Wno-fatal");
        Assert.True(exit == 2, output + err);
        Assert.Contains("port 'flags' of wrong is 4 bits wide, the interface needs 5", err);
    }
}
