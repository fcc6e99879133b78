using System.Globalization;
using System.Text;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Vectors.Tensors;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The mapped-file and page-buffer paths give the bytes of the array paths: inputs opened in place (float32), widened
/// (BF16, big-endian) or parsed (text), and a file set quantized straight into its file images, large enough for the
/// anonymous-page buffers and several threads.
/// </summary>
public sealed class TensorFilePathTests
{
    private static uint[] Values(int n, ulong seed)
    {
        var rng = new MxRandom(seed);
        var x = new uint[n];
        for (int i = 0; i < n; i++) x[i] = (uint)rng.NextUInt64() & 0xBFFFFFFF; // finite
        return x;
    }

    [Fact]
    public void OpenedInputsEqualTheArrayReaders()
    {
        string dir = Directory.CreateTempSubdirectory("tensorpath").FullName;
        try
        {
            var x = Values(300_000, 3);
            string npy = Path.Combine(dir, "x.npy");
            Npy.WriteFp32(npy, x, [x.Length / 32, 32]);
            using (var d = Fp32Input.Open(npy))
            {
                Assert.Equal(x, d.Bits.ToArray());
                Assert.Equal([x.Length / 32L, 32L], d.Shape);
            }
            // Big-endian float32 and BF16 (<u2) with an .npy magic but another name: converted, not mapped in place.
            var header = Npy.HeaderBytes(">f4", [x.Length]);
            var big = new byte[header.Length + 4 * x.Length];
            header.CopyTo(big, 0);
            for (int i = 0; i < x.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(big.AsSpan(header.Length + 4 * i), x[i]);
            File.WriteAllBytes(Path.Combine(dir, "big.bin"), big);
            using (var d = Fp32Input.Open(Path.Combine(dir, "big.bin"))) Assert.Equal(x, d.Bits.ToArray());
            header = Npy.HeaderBytes("<u2", [x.Length]);
            var bf16 = new byte[header.Length + 2 * x.Length];
            header.CopyTo(bf16, 0);
            for (int i = 0; i < x.Length; i++) BitConverter.TryWriteBytes(bf16.AsSpan(header.Length + 2 * i), (ushort)(x[i] >> 16));
            File.WriteAllBytes(Path.Combine(dir, "b.npy"), bf16);
            using (var d = Fp32Input.Open(Path.Combine(dir, "b.npy"))) Assert.Equal(x.Select(b => b & 0xFFFF0000u).ToArray(), d.Bits.ToArray());
            // Text large enough to be parsed in pieces, with a byte-order mark.
            var text = "\uFEFF" + string.Join("\n", x.Select(b => BitConverter.UInt32BitsToSingle(b).ToString("R", CultureInfo.InvariantCulture)));
            File.WriteAllText(Path.Combine(dir, "x.txt"), text, new UTF8Encoding(false));
            using (var d = Fp32Input.Open(Path.Combine(dir, "x.txt")))
            {
                Assert.Equal(x, d.Bits.ToArray());
                Assert.Equal([(long)x.Length], d.Shape);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("mxfp8-e4m3", "ocp", 32), InlineData("nvfp4", "nvfp4-te", 48), InlineData("mx9", "ocp", 20)]
    public void AFileSetQuantizedInPlaceEqualsTheOneWrittenFromArrays(string formatName, string recipeName, int rowLength)
    {
        string dir = Directory.CreateTempSubdirectory("tensorpath").FullName;
        try
        {
            var format = BlockFormat.TryParse(formatName)!;
            var recipe = Recipe.TryParse(recipeName)!;
            var x = Values(rowLength * 40_000, 7);
            long[] shape = [x.Length / rowLength, rowLength];
            var options = new QuantizeOptions { RowLength = rowLength };
            QuantizedFiles.Write(Path.Combine(dir, "a"), BlockQuantizer.Quantize(format, recipe, x, options), shape);
            Npy.WriteFp32(Path.Combine(dir, "a.dequantized.npy"), BlockQuantizer.Dequantize(BlockQuantizer.Quantize(format, recipe, x, options)), shape);
            QuantizedFiles.Write(Path.Combine(dir, "b"), BlockQuantizer.Prepare(format, recipe, x, options), x, shape, dequantized: true);
            foreach (var suffix in new[] { ".scales.npy", ".elements.npy", ".dequantized.npy" }.Concat(format.HasMicroexponents ? [".microexponents.npy"] : []))
                Assert.True(File.ReadAllBytes(Path.Combine(dir, "a" + suffix)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "b" + suffix))), suffix);
            Assert.Equal(File.ReadAllText(Path.Combine(dir, "a.json")).Replace("\"a.", "\"b."), File.ReadAllText(Path.Combine(dir, "b.json")));
            var (q, back) = QuantizedFiles.Read(Path.Combine(dir, "b"));
            QuantizedFiles.WriteDequantized(Path.Combine(dir, "c.npy"), q, back);
            Assert.True(File.ReadAllBytes(Path.Combine(dir, "a.dequantized.npy")).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "c.npy"))));
            Assert.Empty(Directory.GetFiles(dir, ".*tmp*"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// The sidecar is written without Newtonsoft; its bytes are what Newtonsoft's indented writer gives for the same
    /// fields (parsed back and re-rendered), for every kind of block format, shapes of rank 1 to 3 and file names that
    /// need escaping.
    /// </summary>
    [Theory]
    [InlineData("mxfp8-e4m3", "a", 2), InlineData("nvfp4", "quote\"back\\slash", 1), InlineData("mx9", "tab\tnl\u2028", 3)]
    public void TheSidecarIsWhatNewtonsoftWouldWrite(string formatName, string name, int rank)
    {
        string dir = Directory.CreateTempSubdirectory("tensorpath").FullName;
        try
        {
            var format = BlockFormat.TryParse(formatName)!;
            var x = Values(4 * 64, 11);
            long[] shape = rank switch { 1 => [x.Length], 2 => [4, 64], _ => [2, 2, 64] };
            var options = new QuantizeOptions { RowLength = rank == 1 ? 0 : 64 };
            var prefix = Path.Combine(dir, name);
            QuantizedFiles.Write(prefix, BlockQuantizer.Prepare(format, Recipe.DefaultFor(format), x, options), x, shape);
            var text = File.ReadAllText(prefix + ".json");
            var settings = new Newtonsoft.Json.JsonSerializerSettings { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
            var parsed = Newtonsoft.Json.JsonConvert.DeserializeObject<Newtonsoft.Json.Linq.JObject>(text, settings)!;
            Assert.Equal(parsed.ToString(Newtonsoft.Json.Formatting.Indented) + "\n", text);
            Assert.Equal(Path.GetFileName(prefix + ".scales.npy"), (string)parsed["files"]!["scales"]!);
            Assert.Equal(shape, QuantizedFiles.Read(prefix).Shape);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
