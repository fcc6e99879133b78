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
        Assert.Matches(@"coverage     (\d+)/\1 expected classes hit\n", output); // corners + random hit every class
        Assert.Contains("PASS", output);
        var report = JObject.Parse(File.ReadAllText(json));
        Assert.Equal("pass", (string?)report["status"]);
        Assert.True((long)report["vectors"]! > 20000);
        Assert.Empty((JArray)report["never_hit"]!);
        var xml = System.Xml.Linq.XDocument.Load(junit);
        Assert.Equal("0", xml.Root!.Element("testsuite")!.Attribute("failures")!.Value);
    }

    /// <summary>
    /// NVFP4 (UE4M3 scales on the scale_fmt port, e2m1, K = 16): generated vectors with every expected class, and an
    /// nvfp4 .mxv file; a design K other than the format's k is a usage error naming the fix.
    /// </summary>
    [Fact]
    public void MxDotK16PassesNvfp4Vectors()
    {
        var (exit, output, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=16", "--block-format", "nvfp4", "--count", "3000", "--seed", "5");
        Assert.True(exit == 0, output + err);
        Assert.Contains("--block-format nvfp4", output + err);
        Assert.Contains("mismatches   0", output);
        Assert.Matches(@"coverage     (\d+)/\1 expected classes hit\n", output);

        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "files");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "nvfp4.mxv");
        var gen = VerifyFixture.Run("vectors", "gen", "--block-format", "nvfp4", "--corners", "--random", "--count", "2000", "--seed", "4", "-o", file);
        Assert.True(gen.Exit == 0, gen.Err);
        var f = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=16", "--vectors", file);
        Assert.True(f.Exit == 0, f.Out + f.Err);
        Assert.Contains("vectors      6,782", f.Out);
        // The file's SA and SB are UE4M3 codes (its header's scale): read so, its corners reach every NVFP4 class, the
        // scale-code ones among them; read as E8M0 they would miss them and expect E8M0's instead.
        Assert.Matches(@"coverage     (\d+)/\1 expected classes hit\n", f.Out);

        var wrongK = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=32", "--block-format", "nvfp4", "--count", "10");
        Assert.Equal(2, wrongK.Exit);
        Assert.Contains("pass --param K=16", wrongK.Err);
    }

    /// <summary>A K = 4 vector file from the generator, read through the .mxv reader.</summary>
    private static string GeneratedFile(string name, int count)
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "files");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name);
        var gen = VerifyFixture.Run("vectors", "gen", "--block", "4", "--random", "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "3", "-o", file);
        Assert.True(gen.Exit == 0, gen.Err);
        return file;
    }

    [Fact]
    public void MxDotPassesAGeneratedVectorFile()
    {
        var file = GeneratedFile("k4.mxv", 3000);
        var (exit, output, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=4", "--vectors", file);
        Assert.True(exit == 0, output + err);
        Assert.Contains("vectors      3,000", output);
        var wrongK = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=32", "--vectors", file);
        Assert.Equal(2, wrongK.Exit);
        Assert.Contains("block: the file has k = 4, the design is verified with K = 32", wrongK.Err);
    }

    [Fact]
    public void MalformedOrTruncatedVectorFileIsAnInputErrorNamingFileLineAndField()
    {
        var lines = File.ReadAllLines(GeneratedFile("k4-good.mxv", 50));
        var dir = Path.GetDirectoryName(GeneratedFile("k4-good.mxv", 50))!;
        var bad = Path.Combine(dir, "bad.mxv");
        var broken = (string[])lines.Clone();
        int row = Array.FindIndex(broken, l => !l.StartsWith("//", StringComparison.Ordinal));
        broken[row] = "0 0 9" + broken[row][5..];
        File.WriteAllLines(bad, broken);
        var (exit, _, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=4", "--vectors", bad);
        Assert.Equal(2, exit);
        Assert.Contains($"bad.mxv:{row + 1}: RM", err);

        var cut = Path.Combine(dir, "truncated.mxv");
        File.WriteAllLines(cut, lines[..^5]);
        var t = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=4", "--vectors", cut);
        Assert.Equal(2, t.Exit);
        Assert.Contains("truncated", t.Err);
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
            var (exit, output, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=4", "--random", "--count", "9001", "--shard", $"{s}/3", "--report", r, "--jobs", s == 1 ? "2" : "1");
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
    public void VerilatorErrorsAreShownNotSwallowed()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "syntax-error");
        Directory.CreateDirectory(dir);
        var sv = Path.Combine(dir, "broken.sv");
        File.WriteAllText(sv, "module broken (input logic clk);\n  assign nowhere = ;\nendmodule\n");
        var (exit, output, err) = VerifyFixture.Verify([sv], "--top", "broken", "--param", "K=4", "--count", "10");
        Assert.True(exit == 2, output + err);
        Assert.Contains("the Verilator build failed", err);
        Assert.Contains("broken.sv:2", err);
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
