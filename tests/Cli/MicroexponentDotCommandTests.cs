using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Files;
using Xunit;

namespace MxRef.Tests.CommandLine;

/// <summary><c>mxref dot --format mx9|mx6|mx4</c>: lines RM SA MA A SB MB B C, answered by the golden model.</summary>
public class MicroexponentDotCommandTests
{
    private static readonly string Zero32 = new('0', 32);

    [Fact]
    public void AnswersWorkedMx9Lines()
    {
        // MX9 code 0x40 is M = 64, 1.0 at E8M0 0x7f (2^0) and τ = 0 (docs/semantics.md); τ = 1 halves it.
        string one = Zero32[..30] + "40";
        string input = $"0 7f 00 {one} 7f 00 {one} 00000000\n" +
                       $"0 7f 01 {one} 7f 00 {one} 00000000\n" +
                       $"0 ff 00 {one} 7f 00 {one} 7fa00000\n";
        var (exit, output, err) = CliRunner.RunWithInput(input, "dot", "--format", "mx9");
        Assert.True(exit == 0, err);
        Assert.Equal("3f800000 00\n3f000000 00\n7fc00000 10\n", output.Replace("\r", ""));
    }

    [Theory]
    [InlineData("mx9")]
    [InlineData("mx6")]
    [InlineData("mx4")]
    public void RandomLinesAgreeWithTheOracle(string name)
    {
        var f = BlockFormat.TryParse(name)!;
        var rng = new MxRandom(0xB0D);
        var input = new System.Text.StringBuilder();
        var expected = new System.Text.StringBuilder();
        var shape = new MicroexponentDotOracle.Shape(f.MagnitudeBits, 2);
        for (int i = 0; i < 200; i++)
        {
            var v = new MicroexponentDotVector(f, 16)
            {
                Rounding = (RoundingMode)rng.NextInt(0, 6), ScaleA = (byte)rng.NextInt(0, 256), ScaleB = (byte)rng.NextInt(100, 156),
                C = rng.NextBool() ? 0 : rng.NextUInt32(),
            };
            for (int j = 0; j < 16; j++) { v.A[j] = (uint)rng.NextBits(f.ElementBits); v.B[j] = (uint)rng.NextBits(f.ElementBits); }
            for (int j = 0; j < 8; j++) { v.MicroA[j] = (byte)rng.NextBits(1); v.MicroB[j] = (byte)rng.NextBits(1); }
            input.Append(MicroexponentDotLine.FormatInputs(v)).Append('\n');
            var (bits, flags) = MicroexponentDotOracle.Fused(shape, v.ScaleA, v.MicroA, v.A, v.ScaleB, v.MicroB, v.B, v.C, (int)v.Rounding, OracleFormat.Fp32);
            expected.Append($"{bits:x8} {flags:x2}\n");
        }
        var (exit, output, err) = CliRunner.RunWithInput(input.ToString(), "dot", "--format", name);
        Assert.True(exit == 0, err);
        Assert.Equal(expected.ToString(), output.Replace("\r", ""));
    }

    [Fact]
    public void MalformedLinesNameTheField()
    {
        var (exit, _, err) = CliRunner.RunWithInput("0 7f 0 000 7f 00 000 00000000\n", "dot", "--format", "mx4");
        Assert.Equal(2, exit);
        Assert.Contains("field MA", err);
        (exit, _, err) = CliRunner.RunWithInput("0 7f 00 000000000000 7f 00 000000000000 00000000\n", "dot", "--format", "mx4", "--acc", "fp32-sum");
        Assert.Equal(2, exit);
        Assert.Contains("fused or chunked", err);
        (exit, _, err) = CliRunner.RunWithInput("", "dot", "--format", "mx4", "-k", "3");
        Assert.Equal(2, exit);
        Assert.Contains("sub-blocks", err);
    }

    [Fact]
    public void VectorsGenWritesACheckedFile()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mxref-bdr-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "mx6.mxv");
            var (exit, output, err) = CliRunner.Run("vectors", "gen", "--block-format", "mx6", "--count", "500", "-o", path);
            Assert.True(exit == 0, err);
            Assert.Contains("mx6 vectors", output);
            Assert.Contains("never hit: none", output);
            (exit, output, err) = CliRunner.Run("vectors", "check", path);
            Assert.True(exit == 0, err + output);
            Assert.Contains(", 0 differ", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
