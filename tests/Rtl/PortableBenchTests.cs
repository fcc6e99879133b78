using MxRef.Tests.Support;
using Xunit;

namespace MxRef.Tests.Rtl;

/// <summary>
/// The portable SystemVerilog bench (rtl/tb) under Verilator drives rtl/mx_dot with the generator's corner-case
/// set plus random vectors (every coverage class) and must see no mismatch against the golden model's expected values;
/// the RTL lints clean. Verilator is installed by the make targets when missing.
/// </summary>
[Collection("Verilator")]
public class PortableBenchTests
{
    [Theory]
    [InlineData(32, 4000)]
    [InlineData(4, 2000)]
    public void PortableBenchPassesTheCornerAndRandomSet(int k, int random)
    {
        string dir = Path.Combine(Repo.Root, "out", "test-rtl");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"corners_random_k{k}.mxv");
        var o = new StringWriter();
        var e = new StringWriter();
        int gen = MxRef.Harness.Cli.Run(["vectors", "gen", "--op", "dot", "--a", "all", "--b", "all", "--rounding", "all",
            "--block", k.ToString(), "--count", random.ToString(), "--seed", "6", "--corners", "--random", "-o", file], o, e);
        Assert.True(gen == 0, e.ToString());
        Assert.Contains("never hit: none", o.ToString());

        var (exit, output) = Repo.Run("make", $"-s rtl-tb MXV={file}", TimeSpan.FromMinutes(15));
        Assert.True(exit == 0, output);
        Assert.Matches($@"mx_dot tb: \d+ vectors, 0 mismatches \(K={k},", output);
    }

    /// <summary>NVFP4 blocks (header "scale":"ue4m3": the bench drives scale_fmt = UE4M3), K = 16.</summary>
    [Fact]
    public void PortableBenchPassesNvfp4Vectors()
    {
        string dir = Path.Combine(Repo.Root, "out", "test-rtl");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "nvfp4_corners_random.mxv");
        var o = new StringWriter();
        var e = new StringWriter();
        int gen = MxRef.Harness.Cli.Run(["vectors", "gen", "--block-format", "nvfp4", "--count", "3000", "--seed", "6", "--corners", "--random", "-o", file], o, e);
        Assert.True(gen == 0, e.ToString());
        Assert.Contains("never hit: none", o.ToString());

        var (exit, output) = Repo.Run("make", $"-s rtl-tb MXV={file}", TimeSpan.FromMinutes(15));
        Assert.True(exit == 0, output);
        Assert.Matches(@"mx_dot tb: \d+ vectors, 0 mismatches \(K=16, LATENCY=5, ue4m3 scales,", output);
    }

    [Fact]
    public void PortableBenchPassesTheCommittedSample()
    {
        var (exit, output) = Repo.Run("make", "-s rtl-tb", TimeSpan.FromMinutes(15));
        Assert.True(exit == 0, output);
        Assert.Matches(@"\b0 mismatches", output);
    }

    [Fact]
    public void SynthesisChecksPassWithoutLatches()
    {
        // K = 4 keeps Yosys quick; make synth (K = 32) is the full run recorded in docs/RTL.md.
        var (exit, output) = Repo.Run("make", "-s synth RTL_K=4", TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, output);
        Assert.Contains("no latches", output);
    }

    [Fact]
    public void LintIsClean()
    {
        var (exit, output) = Repo.Run("make", "-s lint", TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, output);
    }
}
