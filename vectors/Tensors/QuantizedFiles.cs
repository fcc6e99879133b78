using System.Globalization;
using System.Text;
using MxRef.Formats;
using MxRef.Quantization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Vectors.Tensors;

/// <summary>
/// A quantized tensor as NumPy users hold it (docs/quantization.md, "NumPy files"). Blocks run along the last axis, each
/// row padded with +0 to whole blocks (as torchao's and TransformerEngine's MX/NVFP4 tensors): for an input of shape
/// (…, n) with B = ceil(n / k) blocks per row, <c>PREFIX.scales.npy</c> is uint8 of shape (…, B),
/// <c>PREFIX.elements.npy</c> uint8 of shape (…, B, k) (each code in the low bits of its byte),
/// <c>PREFIX.microexponents.npy</c> (shared-microexponent formats only) uint8 of shape (…, B, k1/k2), and the sidecar
/// <c>PREFIX.json</c> records the block format, the recipe, the tensor scale (FP32 bits), the row length, whether the
/// blocks are 2-D and the input shape. Every file is written atomically, the sidecar last, so a complete sidecar means
/// a complete set.
/// </summary>
public static class QuantizedFiles
{
    public const string Kind = "mxref-quantized/1";

    public static string SidecarPath(string prefix) => prefix + ".json";

    /// <summary>The prefix of <paramref name="path"/>: the path without a trailing <c>.json</c>.</summary>
    public static string PrefixOf(string path) => path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path[..^5] : path;

    /// <summary>Writes the file set of <paramref name="q"/> (the input had <paramref name="shape"/>).</summary>
    public static void Write(string prefix, QuantizedTensor q, long[] shape)
    {
        var f = q.Format;
        long[] rows = shape.Length >= 2 ? shape[..^1] : [];
        long perRow = q.Rows == 0 ? 0 : q.BlockCount / q.Rows;
        Npy.WriteUInt8(prefix + ".scales.npy", q.Scales, [.. rows, perRow]);
        Npy.WriteUInt8(prefix + ".elements.npy", q.Elements, [.. rows, perRow, f.BlockSize]);
        if (f.HasMicroexponents) Npy.WriteUInt8(prefix + ".microexponents.npy", q.Microexponents, [.. rows, perRow, f.SubBlocks]);
        WriteSidecar(prefix, f, q.Recipe, q.TensorScale, q.Length, q.RowLength, q.TwoDimensional, shape, q.BlockCount);
    }

    /// <summary>
    /// Quantizes <paramref name="fp32"/> (the values <paramref name="job"/> was prepared for, of <paramref name="shape"/>)
    /// straight into the bytes of the code files and writes the set, each file with one write; the blocks are quantized
    /// on every core (<see cref="ParallelQuantize"/>). With <paramref name="dequantized"/> also
    /// <c>PREFIX.dequantized.npy</c>. Returns the quantized tensor when <paramref name="dequantized"/> asked for it, else null.
    /// </summary>
    public static QuantizedTensor? Write(string prefix, QuantizationJob job, ReadOnlySpan<uint> fp32, long[] shape, bool dequantized = false)
    {
        var f = job.Format;
        long[] rows = shape.Length >= 2 ? shape[..^1] : [];
        long perRow = job.Rows == 0 ? 0 : job.BlocksPerRow;
        using var scales = new NpyImage("|u1", [.. rows, perRow], job.BlockCount);
        using var elements = new NpyImage("|u1", [.. rows, perRow, f.BlockSize], job.ElementCount);
        using var micro = f.HasMicroexponents ? new NpyImage("|u1", [.. rows, perRow, f.SubBlocks], job.MicroexponentCount) : null;
        if (!job.Splittable) elements.Data.Clear(); // the one-run quantizers need not write every padding code
        ParallelQuantize.Run(job, fp32, scales.Data, micro is null ? default : micro.Data, elements.Data);
        scales.WriteTo(prefix + ".scales.npy");
        elements.WriteTo(prefix + ".elements.npy");
        micro?.WriteTo(prefix + ".microexponents.npy");
        QuantizedTensor? q = null;
        if (dequantized)
        {
            q = job.Result(scales.Data.ToArray(), micro is null ? [] : micro.Data.ToArray(), elements.Data.ToArray());
            WriteDequantized(prefix + ".dequantized.npy", q, shape);
        }
        WriteSidecar(prefix, f, job.Recipe, job.TensorScale, job.Length, job.Options.RowLength > 0 ? job.RowLength : job.Length,
            job.Options.TwoDimensional, shape, job.BlockCount);
        return q;
    }

    /// <summary>The dequantized values of <paramref name="q"/> as a float32 <c>.npy</c> of <paramref name="shape"/>, computed into the file's bytes and written with one write.</summary>
    public static void WriteDequantized(string path, QuantizedTensor q, long[] shape)
    {
        Npy.Check(q.Length, shape, path);
        using var image = new NpyImage("<f4", shape, q.Length * sizeof(uint));
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(image.Data);
        BlockQuantizer.Dequantize(q, values);
        if (!BitConverter.IsLittleEndian) System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(values, values);
        image.WriteTo(path);
    }

    /// <summary>
    /// The sidecar, written last (a complete sidecar means a complete set). The text is what Newtonsoft's indented
    /// writer gives for these fields (a test compares the two), written here directly: the quantize command otherwise
    /// never touches Newtonsoft, and its writer's first use (static set-up through reflection over its enums) costs a
    /// fresh process more than the rest of the sidecar (docs/PERFORMANCE.md, "Command start-up").
    /// </summary>
    private static void WriteSidecar(string prefix, BlockFormat f, Recipe recipe, uint tensorScale, int length, int rowLength, bool twoDimensional, long[] shape, int blocks)
    {
        var j = new StringBuilder(512);
        j.Append("{\n");
        void Field(string key) => j.Append("  \"").Append(key).Append("\": ");
        void Str(string key, string value) { Field(key); JsonString(j, value); j.Append(",\n"); }
        void Int(string key, long value) { Field(key); j.Append(value.ToString(CultureInfo.InvariantCulture)).Append(",\n"); }
        Str("kind", Kind);
        Str("block_format", f.Name);
        Str("recipe", recipe.Name);
        Str("element", f.Element.Name);
        Int("element_bits", f.ElementBits);
        Int("block", f.BlockSize);
        Str("scale", f.Scale.Name);
        Str("tensor_scale", "0x" + tensorScale.ToString("x8", CultureInfo.InvariantCulture));
        Int("length", length);
        Int("row_length", rowLength);
        Field("two_dimensional");
        j.Append(twoDimensional ? "true" : "false").Append(",\n");
        Field("shape");
        if (shape.Length == 0) j.Append("[]");
        else
        {
            j.Append("[\n");
            for (int i = 0; i < shape.Length; i++)
                j.Append("    ").Append(shape[i].ToString(CultureInfo.InvariantCulture)).Append(i + 1 < shape.Length ? ",\n" : "\n");
            j.Append("  ]");
        }
        j.Append(",\n");
        Int("blocks", blocks);
        Field("files");
        j.Append("{\n    \"scales\": ");
        JsonString(j, Path.GetFileName(prefix + ".scales.npy"));
        j.Append(",\n    \"elements\": ");
        JsonString(j, Path.GetFileName(prefix + ".elements.npy"));
        if (f.HasMicroexponents)
        {
            j.Append(",\n    \"microexponents\": ");
            JsonString(j, Path.GetFileName(prefix + ".microexponents.npy"));
        }
        j.Append("\n  }\n}\n");
        AtomicWrite.Bytes(SidecarPath(prefix), Encoding.UTF8.GetBytes(j.ToString()));
    }

    /// <summary>A JSON string as Newtonsoft writes it by default: <c>"</c>, <c>\</c>, control characters, U+0085, U+2028 and U+2029 escaped.</summary>
    private static void JsonString(StringBuilder j, string s)
    {
        j.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': j.Append("\\\""); break;
                case '\\': j.Append("\\\\"); break;
                case '\n': j.Append("\\n"); break;
                case '\r': j.Append("\\r"); break;
                case '\t': j.Append("\\t"); break;
                case '\b': j.Append("\\b"); break;
                case '\f': j.Append("\\f"); break;
                case < ' ' or '\u0085' or '\u2028' or '\u2029':
                    j.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: j.Append(c); break;
            }
        }
        j.Append('"');
    }

    /// <summary>Reads a file set back (<paramref name="path"/>: the sidecar or its prefix); returns the tensor and the input shape.</summary>
    public static (QuantizedTensor Tensor, long[] Shape) Read(string path)
    {
        string prefix = PrefixOf(path), sidecar = SidecarPath(prefix);
        if (!File.Exists(sidecar)) throw new TensorFileException(sidecar, "no such sidecar file (mxref quantize -o PREFIX writes PREFIX.json)");
        JObject o;
        try
        {
            o = JObject.Parse(File.ReadAllText(sidecar));
        }
        catch (JsonException e)
        {
            throw new TensorFileException(sidecar, $"malformed JSON: {e.Message}");
        }
        string Str(string key) => o[key] is { Type: JTokenType.String } t ? (string)t! : throw new TensorFileException(sidecar, $"field '{key}' is missing or not a string");
        long Int(string key) => o[key] is { Type: JTokenType.Integer } t ? (long)t : throw new TensorFileException(sidecar, $"field '{key}' is missing or not an integer");
        if (Str("kind") != Kind) throw new TensorFileException(sidecar, $"kind '{Str("kind")}' is not '{Kind}'");
        var format = BlockFormat.TryParse(Str("block_format"))
            ?? throw new TensorFileException(sidecar, $"block_format '{Str("block_format")}' is unknown; valid: {BlockFormat.ValidNames}");
        var recipe = Recipe.TryParse(Str("recipe")) ?? throw new TensorFileException(sidecar, $"recipe '{Str("recipe")}' is unknown; valid: {Recipe.ValidNames}");
        var ts = Str("tensor_scale");
        if (!ts.StartsWith("0x", StringComparison.Ordinal) || !uint.TryParse(ts.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint tensorScale))
            throw new TensorFileException(sidecar, $"tensor_scale '{ts}' is not an FP32 bit pattern 0xXXXXXXXX");
        long length = Int("length"), blocks = Int("blocks"), rowLength = Int("row_length");
        bool twoD = o["two_dimensional"] is { Type: JTokenType.Boolean } b2 ? (bool)b2 : throw new TensorFileException(sidecar, "field 'two_dimensional' is missing or not true/false");
        if (length < 0 || rowLength < 0 || length > int.MaxValue || (rowLength > 0 && length % rowLength != 0) || (rowLength == 0 && length != 0)
            || blocks != QuantizedTensors.BlockCount(length, rowLength, format.BlockSize))
            throw new TensorFileException(sidecar, $"length {length}, row_length {rowLength} and blocks {blocks} disagree with block size {format.BlockSize}");
        if (o["shape"] is not JArray shapeArray || shapeArray.Any(t => t.Type != JTokenType.Integer))
            throw new TensorFileException(sidecar, "field 'shape' must be an array of integers");
        long[] shape = [.. shapeArray.Select(t => (long)t)];
        if (shape.Aggregate(1L, (a, b) => a * b) != length) throw new TensorFileException(sidecar, $"shape {Npy.ShapeText(shape)} does not hold length {length} values");
        string dir = Path.GetDirectoryName(Path.GetFullPath(sidecar))!;
        byte[] Codes(string key, long count)
        {
            var name = o["files"]?[key] is { Type: JTokenType.String } t ? (string)t! : throw new TensorFileException(sidecar, $"files.{key} is missing");
            var file = Path.Combine(dir, name);
            var (data, _) = Npy.ReadUInt8(file);
            if (data.Length != count) throw new TensorFileException(file, $"holds {data.Length} codes; the sidecar's {blocks} blocks need {count}");
            return data;
        }
        var scales = Codes("scales", blocks);
        var elements = Codes("elements", blocks * format.BlockSize);
        var micro = format.HasMicroexponents ? Codes("microexponents", blocks * format.SubBlocks) : [];
        return (QuantizedTensors.Create(format, recipe, (int)length, (int)rowLength, twoD, tensorScale, scales, micro, elements), shape);
    }
}
