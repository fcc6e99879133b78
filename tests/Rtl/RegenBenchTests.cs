using MxRef.Tests.Support;
using Xunit;

namespace MxRef.Tests.Rtl;

/// <summary>
/// rtl/mx_regen against the DropBack golden model: the portable bench rtl/tb/mx_regen_tb.sv under Verilator runs the
/// regen generator's corner families plus random blocks (every format, the OCP recipe and one recipe with another
/// scale rule) and must see no mismatch in the scale or any element code; the unit lints clean. The 1 M-block run,
/// the other recipes and Irwin–Hall (NT = 16) are `make verify-regen`.
/// </summary>
[Collection("Verilator")]
public class RegenBenchTests
{
    [Theory]
    [InlineData("ocp", "all")]
    [InlineData("torchao-even", "e4m3,e2m1")]
    public void RegenBenchMatchesTheGoldenModel(string recipe, string formats)
    {
        string dir = Path.Combine(Repo.Root, "out", "test-rtl");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"regen_{recipe}.mxv");
        var o = new StringWriter();
        var e = new StringWriter();
        string[] args = ["vectors", "gen", "--op", "regen", "--recipe", recipe, "--a", formats, "--corners", "--random", "--count", "2000", "--seed", "11", "-o", file];
        int gen = MxRef.Harness.Cli.Run(args, o, e);
        Assert.True(gen == 0, e.ToString());
        Assert.Contains("never hit: none", o.ToString());

        var (exit, output) = Repo.Run("make", $"-s regen-tb RMXV={file}", TimeSpan.FromMinutes(20));
        Assert.True(exit == 0, output);
        Assert.Matches(@"mx_regen tb: \d+ vectors, 0 mismatches \(K=32, NT=1,", output);
    }

    [Fact]
    public void RegenLintsClean()
    {
        var (exit, output) = Repo.Run("make", "-s lint-regen", TimeSpan.FromMinutes(10));
        Assert.True(exit == 0, output);
        Assert.Contains("lint: mx_regen clean", output);
    }
}
