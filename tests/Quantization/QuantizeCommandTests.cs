using MxRef.Harness;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary><c>mxref quantize</c> end to end (output layout: docs/quantization.md).</summary>
public class QuantizeCommandTests
{
    private static (int Code, string Out, string Err) Run(string input, params string[] args)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, input);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = Cli.Run(["quantize", .. args, "--input", path], stdout, stderr);
            return (code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WritesScaleAndElementCodesPerBlock()
    {
        // microxcaling mx/tests/test_fp8_e4m3_fix.py: [957, 960, 902.4] → scale 2^1 (0x80), each element 448 (0x7e).
        var (code, output, _) = Run("957 960\n902.4", "--elem", "e4m3", "--block", "4");
        Assert.Equal(0, code);
        Assert.Equal("80 7e 7e 7e 00\n", output);
    }

    [Fact]
    public void WritesDequantizedValues()
    {
        // microxcaling issue #4, e2m1 under rna: [6, .5, 1, 1.5, 2, 3, 4, 6].
        var (code, output, _) = Run("6 .25 .75 1.25 1.75 2.5 3.5 5", "--elem", "e2m1", "--rounding", "rna", "--block", "4", "--values");
        Assert.Equal(0, code);
        Assert.Equal("40c00000 3f000000 3f800000 3fc00000\n40000000 40400000 40800000 40c00000\n", output);
    }

    [Fact]
    public void Int8AndFp6CodesHaveTwoDigits()
    {
        var (_, output, _) = Run("1 -1 0x3fc00000", "--elem", "int8", "--block", "3");
        Assert.Equal("7f 40 c0 60\n", output);
        (_, output, _) = Run("1", "--elem", "e2m1", "--block", "2");
        Assert.Equal("7d 6 0\n", output); // shared_exp = 0 − emax 2 = −2 (0x7d); P = 1 / 2^-2 = 4 = e2m1 0b0110
    }

    [Fact]
    public void SharedMicroexponentLinesHoldExponentMicroexponentsAndElements()
    {
        var (code, output, _) = Run("1 0.25 0.5 -0.375", "--elem", "mx4");
        Assert.Equal(0, code);
        Assert.Equal("7f 0 1 1 1 1 1 1 1 2 0 2 6 0 0 0 0 0 0 0 0 0 0 0 0\n", output);
    }

    [Theory]
    [InlineData("1 2 foo 3", "value 3 'foo' (line 1, column 5)")]
    [InlineData("1\n 0x1234567890", "value 2 '0x1234567890' (line 2, column 2)")]
    public void BadTokensExitWithCodeTwoAndTheirPosition(string input, string expected)
    {
        var (code, _, err) = Run(input, "--elem", "e4m3");
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    [Theory]
    [InlineData("--elem", "fp32")]
    [InlineData("--elem", "mx9", "--scale-rule", "ceil")]
    [InlineData("--elem", "e4m3", "--specials", "drop")]
    [InlineData("--elem", "e4m3", "--block", "0")]
    [InlineData("--elem", "mx6", "--block", "15")]
    [InlineData("--elem", "e4m3", "--rounding", "sr", "--sr-width", "40")]
    public void BadOptionsExitWithCodeTwo(params string[] args) => Assert.Equal(2, Run("1", args).Code);
}
