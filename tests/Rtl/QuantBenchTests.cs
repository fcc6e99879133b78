using MxRef.Tests.Support;
using Xunit;

namespace MxRef.Tests.Rtl;

/// <summary>
/// rtl/mx_quant against the golden quantizer (MxQuantizer): the portable SystemVerilog bench rtl/tb/mx_quant_tb.sv
/// under Verilator runs the generator's quantize corner set plus random blocks (every format and rounding mode) for
/// several policies and must see no mismatch in the scale or any element code; the recipe conformance set of one recipe
/// per scale rule only the named recipes define (te, torchao-rceil, torchao-even: Recipe / Fp32ProductQuantizer), with
/// a few random blocks, runs through the same bench, which maps the header's recipe onto the unit's ports; the unit
/// lints clean. The 1M-block run over every policy and recipe is `make verify-quant`.
/// </summary>
[Collection("Verilator")]
public class QuantBenchTests
{
    [Theory]
    [InlineData(32, "")]
    [InlineData(32, "--scale-rule ceil --specials saturate --int8 full")]
    [InlineData(32, "--specials preserve --flush-subnormal-inputs")]
    [InlineData(4, "--scale-rule ceil --specials preserve --int8 full")]
    public void QuantBenchMatchesTheGoldenQuantizer(int k, string policy)
    {
        string dir = Path.Combine(Repo.Root, "out", "test-rtl");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"quant_k{k}_{policy.Replace("--", "").Replace(' ', '_')}.mxv");
        var o = new StringWriter();
        var e = new StringWriter();
        string[] args = ["vectors", "gen", "--op", "quantize", "--block", k.ToString(), "--count", "3000", "--seed", "11",
            "--corners", "--random", "-o", file, .. policy.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        int gen = MxRef.Harness.Cli.Run(args, o, e);
        Assert.True(gen == 0, e.ToString());
        Assert.Contains("never hit: none", o.ToString());

        var (exit, output) = Repo.Run("make", $"-s quant-tb QMXV={file}", TimeSpan.FromMinutes(15));
        Assert.True(exit == 0, output);
        Assert.Matches($@"mx_quant tb: \d+ vectors, 0 mismatches \(K={k},", output);
    }

    [Theory]
    [InlineData("te")]
    [InlineData("torchao-rceil")]
    [InlineData("torchao-even")]
    public void QuantBenchMatchesTheRecipe(string recipe)
    {
        string dir = Path.Combine(Repo.Root, "out", "test-rtl");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"quant_recipe_{recipe}.mxv");
        var o = new StringWriter();
        var e = new StringWriter();
        string[] args = ["vectors", "gen", "--op", "quantize", "--recipe", recipe, "--random", "--count", "2000", "--seed", "11", "-o", file];
        int gen = MxRef.Harness.Cli.Run(args, o, e);
        Assert.True(gen == 0, e.ToString());

        var (exit, output) = Repo.Run("make", $"-s quant-tb QMXV={file}", TimeSpan.FromMinutes(15));
        Assert.True(exit == 0, output);
        Assert.Matches(@"mx_quant tb: \d+ vectors, 0 mismatches \(K=32,", output);
    }

    [Fact]
    public void QuantLintIsClean()
    {
        var (exit, output) = Repo.Run("make", "-s lint-quant", TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, output);
    }
}
