using MxRef.DropBack;
using MxRef.Quantization;
using MxRef.Formats;
using MxRef.Tests.CommandLine;
using Xunit;

namespace MxRef.Tests.DropBack;

public sealed class DropbackCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mxref-dropback-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Store(string text)
    {
        string path = Path.Combine(_dir, $"store{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void PrintsTheRegeneratedWeights()
    {
        var (exit, output, err) = CliRunner.Run("dropback", "regen", "--seed", "0x1234", "--layer", "3", "--init", "uniform:a=0x3d800000", "--indices", "4094:4300");
        Assert.True(exit == 0, err);
        var lines = output.Replace("\r", "").TrimEnd('\n').Split('\n');
        Assert.Equal(206, lines.Length);
        for (uint i = 0; i < lines.Length; i++)
            Assert.Equal(InitialWeightOracle.Weight(0x1234, 3, 4094 + i, 1, 0x3D800000).ToString("x8"), lines[i]);
    }

    [Fact]
    public void TrackedValuesOverrideW0AndBlocksQuantizeThem()
    {
        string store = Store("# layer index value\n2 5 3f800000\n2 33 0xbf000000\n3 0 40000000\n");
        var (exit, output, err) = CliRunner.Run("dropback", "regen", "-s", "7", "-l", "2", "--init", "irwin-hall:n=12,a=0x3d000000",
            "--indices", "0:64", "--tracked", store, "--format", "e4m3");
        Assert.True(exit == 0, err);
        var w = new uint[64];
        for (uint i = 0; i < 64; i++) w[i] = InitialWeightOracle.Weight(7, 2, i, 12, 0x3D000000);
        w[5] = 0x3F800000;
        w[33] = 0xBF000000;
        var q = MxQuantizer.Quantize(StandardFormats.E4M3, w, 32);
        string expected = string.Concat(Enumerable.Range(0, 2).Select(b =>
            q.Scales[b].ToString("x2") + string.Concat(q.BlockElements(b).ToArray().Select(c => " " + c.ToString("x2"))) + "\n"));
        Assert.Equal(expected, output.Replace("\r", ""));
    }

    [Fact]
    public void SharedMicroexponentBlocksHaveTheQuantizeLayout()
    {
        var (exit, output, err) = CliRunner.Run("dropback", "regen", "-s", "1", "-l", "0", "--init", "uniform:a=0x3e000000", "--indices", "16:48", "-f", "mx6");
        Assert.True(exit == 0, err);
        var w = new uint[32];
        for (uint i = 0; i < 32; i++) w[i] = InitialWeightOracle.Weight(1, 0, 16 + i, 1, 0x3E000000);
        var (qExit, quantized, _) = CliRunner.RunWithInput(string.Join(' ', w.Select(v => "0x" + v.ToString("x8"))), "quantize", "--elem", "mx6");
        Assert.Equal(0, qExit);
        Assert.Equal(quantized, output);
    }

    [Theory]
    [InlineData("gaussian:a=0x3d800000", "0:4", "unknown initializer 'gaussian'; valid: uniform:a=A, kaiming-uniform:a=A, glorot-uniform:a=A, irwin-hall:n=N,a=A")]
    [InlineData("uniform:a=0x00000000", "0:4", "a must be a positive, finite FP32 value")]
    [InlineData("uniform:a=0xbd800000", "0:4", "a must be a positive, finite FP32 value")]
    [InlineData("uniform:a=0x3d800000", "0:4294967297", "goes beyond 2^32")]
    [InlineData("uniform:a=0x3d800000", "4294967296:4294967297", "goes beyond 2^32")]
    [InlineData("uniform:a=0x3d800000", "9:3", "is empty")]
    [InlineData("uniform:a=0x3d800000", "0-4", "is not START:END")]
    public void BadOptionsExitTwo(string init, string range, string message)
    {
        var (exit, output, err) = CliRunner.Run("dropback", "regen", "--seed", "1", "--layer", "0", "--init", init, "--indices", range);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(message, err);
    }

    [Fact]
    public void UnknownBlockFormatListsTheValidOnes()
    {
        var (exit, _, err) = CliRunner.Run("dropback", "regen", "-s", "1", "-l", "0", "--init", "uniform:a=0x3d800000", "--indices", "0:32", "-f", "e9m9");
        Assert.Equal(2, exit);
        Assert.Contains("unknown block format 'e9m9' for --format; valid: e4m3, e5m2, e3m2, e2m3, e2m1, int8, mxfp8-e4m3", err);
        Assert.Contains("mx9, mx6, mx4", err);
    }

    [Fact]
    public void UnalignedBlockStartIsRejected()
    {
        var (exit, _, err) = CliRunner.Run("dropback", "regen", "-s", "1", "-l", "0", "--init", "uniform:a=0x3d800000", "--indices", "8:64", "-f", "e4m3");
        Assert.Equal(2, exit);
        Assert.Contains("not a multiple of mxfp8-e4m3's block size 32", err);
    }

    [Theory]
    [InlineData("0 5 3f800000\n0 4 3f800000\n", ":2: layer 0 index 4 comes after layer 0 index 5 (line 1); the store must be sorted by (layer, index)")]
    [InlineData("0 5 3f800000\n\n0 5 3f000000\n", ":3: layer 0 index 5 is tracked twice (also line 1)")]
    [InlineData("1 0 3f800000\n0 9 3f800000\n", ":2: layer 0 index 9 comes after layer 1 index 0")]
    [InlineData("0 5\n", ":1: expected 'LAYER INDEX VALUE', found 2 fields")]
    [InlineData("0 x5 3f800000\n", ":1: field INDEX: 'x5' is not a number")]
    [InlineData("0 5 1.0\n", ":1: field VALUE: '1.0' is not an FP32 bit pattern")]
    [InlineData("0 5 7f800000\n", ":1: field VALUE: 0x7f800000 is not a finite FP32 value")]
    public void BadTrackedStoresExitTwoNamingTheLine(string text, string message)
    {
        string path = Store(text);
        var (exit, output, err) = CliRunner.Run("dropback", "regen", "-s", "1", "-l", "0", "--init", "uniform:a=0x3d800000", "--indices", "0:8", "--tracked", path);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(path + message, err);
    }

    [Fact]
    public void MissingStoreFileExitsTwo()
    {
        var (exit, _, err) = CliRunner.Run("dropback", "regen", "-s", "1", "-l", "0", "--init", "uniform:a=0x3d800000", "--indices", "0:8", "--tracked", Path.Combine(_dir, "none.txt"));
        Assert.Equal(2, exit);
        Assert.Contains("none.txt", err);
    }
}
