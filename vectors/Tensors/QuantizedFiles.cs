using System.Globalization;
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
        var files = new JObject { ["scales"] = Path.GetFileName(prefix + ".scales.npy"), ["elements"] = Path.GetFileName(prefix + ".elements.npy") };
        if (f.HasMicroexponents)
        {
            Npy.WriteUInt8(prefix + ".microexponents.npy", q.Microexponents, [.. rows, perRow, f.SubBlocks]);
            files["microexponents"] = Path.GetFileName(prefix + ".microexponents.npy");
        }
        var o = new JObject
        {
            ["kind"] = Kind,
            ["block_format"] = f.Name,
            ["recipe"] = q.Recipe.Name,
            ["element"] = f.Element.Name,
            ["element_bits"] = f.ElementBits,
            ["block"] = f.BlockSize,
            ["scale"] = f.Scale.Name,
            ["tensor_scale"] = "0x" + q.TensorScale.ToString("x8", CultureInfo.InvariantCulture),
            ["length"] = q.Length,
            ["row_length"] = q.RowLength,
            ["two_dimensional"] = q.TwoDimensional,
            ["shape"] = new JArray(shape),
            ["blocks"] = q.BlockCount,
            ["files"] = files,
        };
        var text = o.ToString(Formatting.Indented) + "\n";
        AtomicWrite.Bytes(SidecarPath(prefix), s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));
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
