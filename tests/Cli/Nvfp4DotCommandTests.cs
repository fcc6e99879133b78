using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Text;
using Xunit;
using MxRef.Vectors.Files;

namespace MxRef.Tests.CommandLine;

/// <summary><c>mxref dot --format nvfp4</c>: the same line layout with 16 E2M1 elements and UE4M3 scale codes.</summary>
public class Nvfp4DotCommandTests
{
    [Fact]
    public void AnswersNvfp4Lines()
    {
        // E2M1 0x7 = 6, 0x1 = 0.5; UE4M3 0x38 = 1.0, 0x7E = 448, 0x7F = NaN (NVIDIA NVFP4 docs).
        // 16·(6·0.5) = 48 = 0x42400000; 6·6·448·448 = 7,225,344 = 0x4adc8000; a NaN scale gives NaN.
        string input = "4 4 0 38 7777777777777777 38 1111111111111111 00000000\n" +
                       "4 4 0 7e 0000000000000007 7e 0000000000000007 00000000\n" +
                       "4 4 0 7f 0000000000000007 38 0000000000000007 00000000\n";
        var (exit, output, err) = CliRunner.RunWithInput(input, "dot", "--format", "nvfp4");
        Assert.True(exit == 0, err);
        Assert.Equal("42400000 00\n4adc8000 00\n7fc00000 00\n", output.Replace("\r", ""));
    }

    [Fact]
    public void RandomNvfp4LinesAgreeWithTheOracle()
    {
        var rng = new MxRandom(0x4E56);
        var input = new System.Text.StringBuilder();
        var expected = new System.Text.StringBuilder();
        for (int i = 0; i < 300; i++)
        {
            var v = new DotVector(16)
            {
                FormatA = StandardFormats.E2M1, FormatB = StandardFormats.E2M1, Rounding = (RoundingMode)rng.NextInt(0, 6),
                Scales = ScaleCodec.UE4M3, ScaleA = (byte)rng.NextInt(0, 0x80), ScaleB = (byte)rng.NextInt(0, 0x80),
                C = rng.NextBool() ? 0 : (uint)rng.NextUInt64(),
            };
            for (int j = 0; j < 16; j++) { v.A[j] = (byte)rng.NextInt(0, 16); v.B[j] = (byte)rng.NextInt(0, 16); }
            input.Append(DotLine.FormatInputs(v)).Append('\n');
            var (bits, flags) = DotOracle.Fused(4, v.A, v.ScaleA, 4, v.B, v.ScaleB, v.C, (int)v.Rounding, OracleFormat.Fp32, "ue4m3");
            expected.Append($"{bits:x8} {flags:x2}\n");
        }
        var (exit, output, err) = CliRunner.RunWithInput(input.ToString(), "dot", "--format", "nvfp4");
        Assert.True(exit == 0, err);
        Assert.Equal(expected.ToString(), output.Replace("\r", ""));
    }

    [Fact]
    public void ScaleCodesAboveTheFormatAreRejected()
    {
        var (exit, _, err) = CliRunner.RunWithInput("4 4 0 80 0000000000000007 38 0000000000000007 00000000\n", "dot", "--format", "nvfp4");
        Assert.Equal(2, exit);
        Assert.Contains("SA", err);
        Assert.Contains("ue4m3", err);
    }

    [Fact]
    public void ElementsOtherThanTheBlockFormatsAreRejected()
    {
        var (exit, _, err) = CliRunner.RunWithInput("0 4 0 38 00000000000000000000000000000000 38 0000000000000007 00000000\n", "dot", "--format", "nvfp4");
        Assert.Equal(2, exit);
        Assert.Contains("e2m1", err);
    }

    [Fact]
    public void AnUnknownBlockFormatListsTheValidOnes()
    {
        var (exit, _, err) = CliRunner.RunWithInput("", "dot", "--format", "nvfp5");
        Assert.Equal(2, exit);
        foreach (var f in BlockFormat.Named) Assert.Contains(f.Name, err);
        Assert.Contains("ELEM/kN/SCALE", err);
    }
}
