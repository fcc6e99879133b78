using MxRef.Vectors.Tensors;
using Xunit;

namespace MxRef.Tests.CommandLine;

/// <summary><c>mxref quantize --format F --recipe R</c>, its .npy input and output, and <c>mxref dequantize</c>.</summary>
public sealed class QuantizeRecipeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("quantize-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void FormatAndRecipeGiveTheOcpLinesOfTheOlderSpelling()
    {
        // OCP MX v1.0 §6.3: amax 960 = 1.875 · 2^9, E4M3 emax 8 → shared_exp 1 (0x80); 957/2 = 478.5 → 480 (0x7e) under rne.
        var (code, output, _) = CliRunner.RunWithInput("957 960\n902.4", "quantize", "--format", "e4m3/k4/e8m0", "--recipe", "ocp");
        Assert.Equal(0, code);
        Assert.Equal("80 7e 7e 7e 00\n", output);
        Assert.Equal(output, CliRunner.RunWithInput("957 960\n902.4", "quantize", "--format", "e4m3", "-k", "4").Out);
        Assert.Equal(output, CliRunner.RunWithInput("957 960\n902.4", "quantize", "--elem", "e4m3", "-k", "4").Out);
    }

    [Fact]
    public void NpyInWritesTheFileSetAndDequantizeReadsItBack()
    {
        float[] x = [.. Enumerable.Range(0, 64).Select(i => (i - 20) * 0.37f)];
        Npy.WriteFp32(P("x.npy"), x.Select(BitConverter.SingleToUInt32Bits).ToArray(), [2, 32]);
        var (code, _, err) = CliRunner.Run("quantize", "-f", "mxfp8-e4m3", "--recipe", "ocp", "-i", P("x.npy"), "-o", P("q"), "--values");
        Assert.True(code == 0, err);
        var (scales, scaleShape) = Npy.ReadUInt8(P("q.scales.npy"));
        var (elements, elementShape) = Npy.ReadUInt8(P("q.elements.npy"));
        Assert.Equal([2L, 1L], scaleShape);        // blocks along the last axis: (rows, blocks per row)
        Assert.Equal([2L, 1L, 32L], elementShape); // (rows, blocks per row, k)
        string text = CliRunner.RunWithInput(string.Join(' ', x.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))), "quantize", "-f", "mxfp8-e4m3").Out;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int b = 0; b < 2; b++)
            Assert.Equal(lines[b], string.Join(' ', new[] { scales[b] }.Concat(elements.Skip(32 * b).Take(32)).Select(c => c.ToString("x2"))));
        var dequantized = Npy.ReadFp32(P("q.dequantized.npy"));
        Assert.Equal([2L, 32L], dequantized.Shape);
        (code, _, err) = CliRunner.Run("dequantize", P("q.json"), "-o", P("back.npy"));
        Assert.True(code == 0, err);
        Assert.Equal(dequantized.Bits, Npy.ReadFp32(P("back.npy")).Bits);
        Assert.Equal([2L, 32L], Npy.ReadFp32(P("back.npy")).Shape);
        var (_, back, _) = CliRunner.Run("dequantize", P("q"));
        Assert.Equal(string.Join(' ', dequantized.Bits.Take(32).Select(v => v.ToString("x8"))), back.Split('\n')[0]);
    }

    [Fact]
    public void SharedMicroexponentFormatsWriteTheirMicroexponents()
    {
        Npy.WriteFp32(P("m.npy"), [.. Enumerable.Range(0, 16).Select(i => BitConverter.SingleToUInt32Bits(i * 0.25f))], [16]);
        Assert.Equal(0, CliRunner.Run("quantize", "-f", "mx9", "-i", P("m.npy"), "-o", P("m")).Exit);
        Assert.Equal([1L, 8L], Npy.ReadUInt8(P("m.microexponents.npy")).Shape);
        Assert.Equal(0, CliRunner.Run("dequantize", P("m"), "-o", P("m.back.npy")).Exit);
        Assert.Equal([16L], Npy.ReadFp32(P("m.back.npy")).Shape);
        Assert.Contains("\"block_format\": \"mx9\"", File.ReadAllText(P("m.json")));
    }

    [Theory]
    [InlineData("unknown block format 'fp99'; valid: mxfp8-e4m3", "-f", "fp99")]
    [InlineData("unknown recipe 'nope'; valid: ocp", "-f", "mxfp8-e4m3", "--recipe", "nope")]
    [InlineData("recipe nvfp4-torchao does not apply to block format mxfp8-e4m3", "-f", "mxfp8-e4m3", "--recipe", "nvfp4-torchao")]
    [InlineData("--block 16 contradicts block format mxfp8-e4m3", "-f", "mxfp8-e4m3", "-k", "16")]
    [InlineData("give --format or --elem, not both", "-f", "mxfp8-e4m3", "--elem", "e4m3")]
    [InlineData("--output needs --format", "--elem", "e4m3", "-o", "x")]
    [InlineData("give --format BLOCKFORMAT")]
    public void BadOptionsExitTwoListingTheValidNames(string expected, params string[] args)
    {
        var (code, _, err) = CliRunner.RunWithInput("1 2", ["quantize", .. args]);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void RowsArePaddedToWholeBlocksOrRejectedAsTheRecipeSays()
    {
        // 2 rows of 20: each row is padded to one block of 32 under ocp; torchao rejects rows that are not whole blocks.
        Npy.WriteFp32(P("r.npy"), [.. Enumerable.Range(0, 40).Select(i => BitConverter.SingleToUInt32Bits(i % 16 + 1))], [2, 20]);
        Assert.Equal(0, CliRunner.Run("quantize", "-f", "mxfp8-e4m3", "-i", P("r.npy"), "-o", P("r"), "--values").Exit);
        Assert.Equal([2L, 1L, 32L], Npy.ReadUInt8(P("r.elements.npy")).Shape);
        Assert.Equal(Npy.ReadFp32(P("r.npy")).Bits, Npy.ReadFp32(P("r.dequantized.npy")).Bits); // integers 1..16 are exact in e4m3 under scale 2^0
        var (code, _, err) = CliRunner.Run("quantize", "-f", "mxfp8-e4m3", "--recipe", "torchao-floor", "-i", P("r.npy"));
        Assert.Equal(2, code);
        Assert.Contains("torchao-floor rejects a row of 20 values", err);
    }

    [Fact]
    public void Nvfp4RecordsItsTensorScale()
    {
        Npy.WriteFp32(P("n.npy"), [.. Enumerable.Range(0, 32).Select(i => BitConverter.SingleToUInt32Bits(i * 0.5f - 3))], [32]);
        var (code, _, err) = CliRunner.Run("quantize", "-f", "nvfp4", "-i", P("n.npy"), "-o", P("n"), "--tensor-scale", "1");
        Assert.True(code == 0, err);
        Assert.Contains("\"tensor_scale\": \"0x3f800000\"", File.ReadAllText(P("n.json")));
        Assert.Contains("\"recipe\": \"nvfp4-torchao\"", File.ReadAllText(P("n.json")));
        Assert.Equal(0, CliRunner.Run("dequantize", P("n.json"), "-o", P("n.back.npy")).Exit);
        Assert.StartsWith("# tensor-scale 3f800000\n", CliRunner.Run("quantize", "-f", "nvfp4", "-i", P("n.npy"), "--tensor-scale", "1").Out);
    }

    [Fact]
    public void BadInputFilesExitTwoNamingTheFile()
    {
        File.WriteAllBytes(P("bad.npy"), [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 200, 0]);
        var (code, _, err) = CliRunner.Run("quantize", "-f", "mxfp8-e4m3", "-i", P("bad.npy"));
        Assert.Equal(2, code);
        Assert.Contains("bad.npy: truncated", err);
        (code, _, err) = CliRunner.Run("dequantize", P("missing"));
        Assert.Equal(2, code);
        Assert.Contains("missing.json: no such sidecar", err);
        File.WriteAllText(P("t.txt"), "1 2 x");
        (code, _, err) = CliRunner.Run("quantize", "-f", "mxfp8-e4m3", "-i", P("t.txt"));
        Assert.Equal(2, code);
        Assert.Contains("t.txt: value 3 'x' (line 1, column 5)", err);
    }
}
