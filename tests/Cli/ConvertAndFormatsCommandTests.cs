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

    /// <summary>--version names the product-sum loop this process runs (docs/PERFORMANCE.md: the native CLI's instruction set).</summary>
    [Fact]
    public void VersionNamesTheGoldenModelLoop()
    {
        var (exit, output, _) = CliRunner.Run("--version");
        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
        Assert.Matches(@"golden model: product sum: (AVX-512|scalar).*Vector256 (yes|no), Vector512 (yes|no)", output);
    }

    [Fact]
    public void FormatsJsonIsAnArrayOfRows()
    {
        var (exit, output, _) = CliRunner.Run("formats", "--json");
        Assert.Equal(0, exit);
        var rows = JArray.Parse(output);
        Assert.Equal(11, rows.Count);
        Assert.Equal("448", (string?)rows[0]["MaxNormal"]);
        // NVFP4's UE4M3 block scale: unsigned E4M3, largest value 448, NaN 0x7F (NVIDIA TransformerEngine NVFP4 docs).
        var ue4m3 = rows.Single(r => (string?)r["Name"] == "ue4m3");
        Assert.Equal("448", (string?)ue4m3["MaxNormal"]);
        Assert.Equal(7, (int)ue4m3["Bits"]!);
        Assert.Equal("1111.111", (string?)ue4m3["NaN"]);
    }

    [Fact]
    public void FormatsBlocksListsEveryNamedBlockFormat()
    {
        var (exit, output, _) = CliRunner.Run("formats", "--blocks", "--json");
        Assert.Equal(0, exit);
        var rows = JArray.Parse(output);
        Assert.Equal(["mxfp8-e4m3", "mxfp8-e5m2", "mxfp6-e3m2", "mxfp6-e2m3", "mxfp4-e2m1", "mxint8", "mx9", "mx6", "mx4", "nvfp4"],
            rows.Select(r => (string)r["Name"]!).ToArray());
        // NVFP4: E2M1 elements, a UE4M3 scale per 16, an FP32 tensor scale, 4.5 bits per element (TransformerEngine NVFP4 docs).
        var nv = rows.Single(r => (string?)r["Name"] == "nvfp4");
        Assert.Equal(("e2m1", 16, "ue4m3", "fp32", 4.5),
            ((string)nv["Element"]!, (int)nv["BlockSize"]!, (string)nv["Scale"]!, (string)nv["TensorScale"]!, (double)nv["BitsPerElement"]!));
        // MX9: k1 = 16, 1-bit microexponent per pair, sign + 7 bits; 8 + 8/16 + 1/2 = 9 bits per element (ISCA 2023 Table 2).
        Assert.Equal(9.0, (double)rows.Single(r => (string?)r["Name"] == "mx9")["BitsPerElement"]!);
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
