using MxRef.Rounding;
using MxRef.Formats;
using MxRef.Tests.Oracle;
using MxRef.Random;
using MxRef.Tests.Dot;
using MxRef.Vectors.Text;
using Xunit;
using MxRef.Vectors.Files;

namespace MxRef.Tests.CommandLine;

public class DotCommandTests
{
    [Fact]
    public void AnswersEachLineWithResultAndFlags()
    {
        // e4m3 0x38 = 1.0, 0x40 = 2.0 (OCP MX v1.0 Table 1); 1·2 + 1 = 3 = 0x40400000.
        var (exit, output, _) = CliRunner.RunWithInput("0 0 0 7f 38 7f 40 3f800000\n// comment\n\n0 0 0 ff 38 7f 40 3f800000\n", "dot", "--block", "1");
        Assert.Equal(0, exit);
        Assert.Equal("40400000 00\n7fc00000 00\n", output.Replace("\r", ""));
    }

    [Fact]
    public void NarrowOutputsUseFourDigits()
    {
        var (_, output, _) = CliRunner.RunWithInput("0 0 0 7f 38 7f 40 3f800000\n", "dot", "-k", "1", "--out", "bf16");
        Assert.Equal("4040 00\n", output.Replace("\r", ""));
    }

    [Fact]
    public void RandomLinesAgreeWithTheOracle()
    {
        var rng = new MxRandom(77);
        var input = new System.Text.StringBuilder();
        var expected = new System.Text.StringBuilder();
        for (int i = 0; i < 500; i++)
        {
            var t = DotCase.Random(ref rng, rng.NextInt(0, 6), rng.NextInt(0, 6), rng.NextInt(0, 6), 32);
            var v = new DotVector(32) { FormatA = StandardFormats.Elements[t.Fa], FormatB = StandardFormats.Elements[t.Fb], Rounding = (RoundingMode)t.Rm, ScaleA = t.Sa, ScaleB = t.Sb, C = t.C };
            t.A.CopyTo(v.A, 0);
            t.B.CopyTo(v.B, 0);
            input.Append(DotLine.FormatInputs(v)).Append('\n');
            var (bits, flags) = t.Oracle();
            expected.Append($"{bits:x8} {flags:x2}\n");
        }
        var (exit, output, _) = CliRunner.RunWithInput(input.ToString(), "dot");
        Assert.Equal(0, exit);
        Assert.Equal(expected.ToString(), output.Replace("\r", ""));
    }

    [Theory]
    [InlineData("0 0 0 7f 38 7f 40\n", "line 1: field C")]
    [InlineData("0 0 0 7f 38 7f 40 3f80000\n", "field C")]
    [InlineData("6 0 0 7f 38 7f 40 3f800000\n", "field FA")]
    [InlineData("0 0 7 7f 38 7f 40 3f800000\n", "field RM")]
    [InlineData("0 0 0 7f 380 7f 40 3f800000\n", "field A")]
    [InlineData("0 0 0 7f 38 7f 40 3f800000 x\n", "unexpected text")]
    [InlineData("0 0 0 7f 38 7f 40 3f800000\n0 0 0 zz 38 7f 40 3f800000\n", "line 2: field SA")]
    public void MalformedLinesNameLineAndFieldAndExitTwo(string input, string expected)
    {
        var (exit, _, err) = CliRunner.RunWithInput(input, "dot", "-k", "1");
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void KeepGoingAnswersErrAndContinues()
    {
        var (exit, output, _) = CliRunner.RunWithInput("0 0 0 zz 38 7f 40 3f800000\n0 0 0 7f 38 7f 40 3f800000\n", "dot", "-k", "1", "--keep-going");
        Assert.Equal(0, exit);
        var lines = output.Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ERR line 1: field SA", lines[0]);
        Assert.Equal("40400000 00", lines[1]);
    }

    [Fact]
    public void E2M1ElementsPackFourBitsEach()
    {
        // Two e2m1 elements 1.0 (0x2) and 1.5 (0x3), k = 2: packed as 0x32 (element 1 in bits 7..4).
        var (_, output, _) = CliRunner.RunWithInput("4 4 0 7f 32 7f 22 00000000\n", "dot", "-k", "2");
        Assert.Equal("40200000 00\n", output.Replace("\r", "")); // 1·1 + 1.5·1 = 2.5
    }
}
