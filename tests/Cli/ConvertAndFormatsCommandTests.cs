using Newtonsoft.Json.Linq;
using Xunit;

namespace MxRef.Tests.CommandLine;

public class ConvertAndFormatsCommandTests
{
    [Fact]
    public void FormatsListsEveryFormatWithTheSpecParameters()
    {
        var (exit, output, _) = CliRunner.Run("formats");
        Assert.Equal(0, exit);
        // OCP MX v1.0 Table 1: e4m3 max 448, e2m1 max 6.
        Assert.Matches(@"e4m3\s+8\s+4\s+3\s+7\s+8\s+448", output);
        Assert.Matches(@"e2m1\s+4\s+2\s+1\s+1\s+2\s+6", output);
        foreach (var name in new[] { "e5m2", "e3m2", "e2m3", "int8", "e8m0", "fp32", "bf16", "fp16" }) Assert.Contains(name, output);
    }

    [Fact]
    public void FormatsJsonIsAnArrayOfRows()
    {
        var (exit, output, _) = CliRunner.Run("formats", "--json");
        Assert.Equal(0, exit);
        var rows = JArray.Parse(output);
        Assert.Equal(10, rows.Count);
        Assert.Equal("448", (string?)rows[0]["MaxNormal"]);
    }

    [Fact]
    public void ConvertPrintsCodeValueAndFlags()
    {
        var (exit, output, _) = CliRunner.Run("convert", "--to", "e4m3", "1.1", "500", "0x3fc00000", "-0");
        Assert.Equal(0, exit);
        Assert.Equal(["0x39 1.125 NX", "0x7e 448 NX|OF", "0x3c 1.5 -", "0x80 -0 -"], Lines(output));
    }

    [Fact]
    public void ConvertHonoursModeAndOverflowPolicy()
    {
        var (_, output, _) = CliRunner.Run("convert", "--to", "e4m3", "--rounding", "rtz", "--overflow", "ieee", "500", "1.1");
        Assert.Equal(["0x7e 448 NX|OF", "0x38 1 NX"], Lines(output));
        (_, output, _) = CliRunner.Run("convert", "--to", "e5m2", "--overflow", "ieee", "1e6");
        Assert.Equal(["0x7c inf NX|OF"], Lines(output));
    }

    [Fact]
    public void ConvertStochasticNeedsItsRandomBits()
    {
        var (exit, _, err) = CliRunner.Run("convert", "--to", "e2m1", "--rounding", "sr", "1.25");
        Assert.Equal(2, exit);
        Assert.Contains("--sr-random", err);
        // 1.25 in e2m1 lies a quarter… of the way from 1 to 1.5: δ = 0.5, so with n = 1, r = 1 rounds up.
        var (_, output, _) = CliRunner.Run("convert", "--to", "e2m1", "--rounding", "sr", "--sr-random", "1", "--sr-width", "1", "1.25");
        Assert.Equal(["0x3 1.5 NX"], Lines(output));
    }

    [Theory]
    [InlineData(new[] { "convert", "--to", "e9m9", "1" }, "valid: e4m3")]
    [InlineData(new[] { "convert", "--to", "e4m3", "--rounding", "nearest", "1" }, "valid: rne, rtz")]
    [InlineData(new[] { "convert", "--to", "e4m3", "one" }, "VALUE 1 'one'")]
    [InlineData(new[] { "convert", "--to", "e4m3", "--overflow", "wrap", "1" }, "valid: saturate, ieee")]
    [InlineData(new[] { "convert", "1" }, "--to")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new[] { "vectors", "gen", "--bogus" }, "Run 'mxref vectors gen --help'")]
    public void BadInputExitsWithTwoAndSaysWhatIsAccepted(string[] args, string expected)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
    }

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}
