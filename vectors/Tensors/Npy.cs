using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MxRef.Vectors.Tensors;

/// <summary>The element types MxRef reads from and writes to <c>.npy</c> files.</summary>
public enum NpyDType
{
    /// <summary>IEEE binary32, <c>&lt;f4</c> (or <c>&gt;f4</c>, byte-swapped on reading).</summary>
    Float32,
    /// <summary>
    /// BF16 bit patterns. NumPy has no bfloat16 dtype: <c>np.save</c> of an ml_dtypes <c>bfloat16</c> array writes the
    /// descr <c>&lt;V2</c> (a 2-byte void; jax-ml/ml_dtypes issue 41), and the usual workaround stores
    /// <c>x.view(np.uint16)</c> as <c>&lt;u2</c>. Both are read as BF16, as is a hand-written <c>'bfloat16'</c> descr.
    /// </summary>
    BFloat16,
    /// <summary>Unsigned bytes, <c>|u1</c>: scale, microexponent and element codes.</summary>
    UInt8,
}

/// <summary>A tensor read from an <c>.npy</c> file: FP32 bit patterns (BF16 widened exactly) and its shape.</summary>
public sealed record Fp32Tensor(uint[] Bits, long[] Shape, NpyDType Source)
{
    public string ShapeText => Npy.ShapeText(Shape);
}

/// <summary>
/// The NumPy <c>.npy</c> format (numpy.lib.format, format versions 1.0, 2.0 and 3.0): the magic <c>\x93NUMPY</c>, a
/// major and minor version byte, the header length (2 bytes little-endian in 1.0, 4 bytes in 2.0/3.0), a Python dict
/// literal <c>{'descr': …, 'fortran_order': …, 'shape': (…), }</c> padded with spaces and ended by a newline so that
/// the data starts at a multiple of 64 bytes, then the raw data in C order. Only C-order arrays are read (a Fortran-order
/// array is rejected: save it with <c>np.ascontiguousarray</c>); every error names the file and what is wrong.
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int Alignment = 64;

    /// <summary>The parsed header: the descr string, Fortran order, the shape, and where the data starts.</summary>
    public sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape, int DataOffset)
    {
        public long Count => Shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>True when <paramref name="bytes"/> start with the <c>.npy</c> magic.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    public static string ShapeText(long[] shape) =>
        "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + (shape.Length == 1 ? ",)" : ")");

    /// <summary>Reads an FP32 or BF16 tensor of any shape (C order) into an array.</summary>
    public static Fp32Tensor ReadFp32(string path)
    {
        using var data = OpenFp32(path);
        return data.ToTensor();
    }

    /// <summary>
    /// Opens an FP32 or BF16 tensor of any shape (C order) without copying it where it can: a little-endian float32
    /// file is mapped and its data used in place; BF16 and big-endian data are converted into a page buffer.
    /// </summary>
    public static Fp32Data OpenFp32(string path) => OpenFp32(Map(path), path);

    /// <summary>Maps a file, an I/O error (other than a missing file or directory) as a <see cref="TensorFileException"/>.</summary>
    internal static MappedFile Map(string path)
    {
        try
        {
            return new MappedFile(path);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new TensorFileException(path, e.Message);
        }
    }

    /// <summary>The tensor in a mapped <c>.npy</c> file (the result owns <paramref name="file"/>).</summary>
    internal static Fp32Data OpenFp32(MappedFile file, string name)
    {
        try
        {
            var bytes = file.Span;
            var h = ReadHeader(bytes, name);
            var (type, bigEndian) = DTypeOf(h.Descr, name);
            if (type == NpyDType.UInt8)
                throw new TensorFileException(name, $"descr '{h.Descr}' holds bytes, not values; expected float32 ('<f4') or bfloat16 ('<V2', '<u2')");
            var data = Data(bytes, h, type, name);
            if (type == NpyDType.Float32 && bigEndian != BitConverter.IsLittleEndian && h.DataOffset % sizeof(uint) == 0)
                return new Fp32Data(file, h.DataOffset, (int)h.Count, h.Shape, type);
            var buffer = new PageBuffer(h.Count * sizeof(uint), populate: true);
            Widen(data, type, bigEndian, MemoryMarshal.Cast<byte, uint>(buffer.Span)[..(int)h.Count]);
            file.Dispose();
            return new Fp32Data(buffer, (int)h.Count, h.Shape, type);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads an FP32 or BF16 tensor from the bytes of a file (<paramref name="name"/> names it in errors).</summary>
    public static Fp32Tensor ReadFp32(ReadOnlySpan<byte> bytes, string name)
    {
        var h = ReadHeader(bytes, name);
        var (type, bigEndian) = DTypeOf(h.Descr, name);
        if (type == NpyDType.UInt8)
            throw new TensorFileException(name, $"descr '{h.Descr}' holds bytes, not values; expected float32 ('<f4') or bfloat16 ('<V2', '<u2')");
        var data = Data(bytes, h, type, name);
        var bits = GC.AllocateUninitializedArray<uint>((int)h.Count); // every element is written next
        Widen(data, type, bigEndian, bits);
        return new Fp32Tensor(bits, h.Shape, type);
    }

    /// <summary>FP32 bits of the data: float32 copied (byte-swapped if big-endian), BF16 widened exactly.</summary>
    private static void Widen(ReadOnlySpan<byte> data, NpyDType type, bool bigEndian, Span<uint> bits)
    {
        bool swap = bigEndian == BitConverter.IsLittleEndian;
        if (type == NpyDType.Float32)
        {
            var src = MemoryMarshal.Cast<byte, uint>(data);
            if (swap) BinaryPrimitives.ReverseEndianness(src, bits);
            else src.CopyTo(bits);
        }
        else
        {
            var src = MemoryMarshal.Cast<byte, ushort>(data);
            for (int i = 0; i < bits.Length; i++)
                bits[i] = (uint)(swap ? BinaryPrimitives.ReverseEndianness(src[i]) : src[i]) << 16; // BF16 is FP32's top half
        }
    }

    /// <summary>Reads a <c>|u1</c> array (codes written by <see cref="WriteUInt8"/>).</summary>
    public static (byte[] Data, long[] Shape) ReadUInt8(string path)
    {
        using var file = Map(path);
        var bytes = file.Span;
        var h = ReadHeader(bytes, path);
        var (type, _) = DTypeOf(h.Descr, path);
        if (type != NpyDType.UInt8) throw new TensorFileException(path, $"descr '{h.Descr}' is not uint8 ('|u1')");
        var data = Data(bytes, h, type, path);
        var codes = GC.AllocateUninitializedArray<byte>(data.Length); // every byte is copied next
        data.CopyTo(codes);
        return (codes, h.Shape);
    }

    private static ReadOnlySpan<byte> Data(ReadOnlySpan<byte> bytes, NpyHeader h, NpyDType type, string name)
    {
        int size = type switch { NpyDType.Float32 => 4, NpyDType.BFloat16 => 2, _ => 1 };
        long need = h.Count * size, have = bytes.Length - h.DataOffset;
        if (h.Count > Array.MaxLength) throw new TensorFileException(name, $"shape {ShapeText(h.Shape)} has {h.Count} elements, more than one array can hold");
        if (have < need) throw new TensorFileException(name, $"truncated: shape {ShapeText(h.Shape)} of '{h.Descr}' needs {need} data bytes, the file has {have}");
        if (have > need) throw new TensorFileException(name, $"{have - need} bytes after the data of shape {ShapeText(h.Shape)} ('{h.Descr}'): not an .npy file as numpy writes it");
        return bytes.Slice(h.DataOffset, (int)need);
    }

    private static (NpyDType Type, bool BigEndian) DTypeOf(string descr, string name) => descr switch
    {
        "<f4" or "=f4" => (NpyDType.Float32, false),
        ">f4" => (NpyDType.Float32, true),
        "<V2" or "|V2" or "=V2" or "<u2" or "=u2" or "bfloat16" => (NpyDType.BFloat16, false),
        ">u2" => (NpyDType.BFloat16, true),
        "|u1" or "<u1" or "=u1" or ">u1" => (NpyDType.UInt8, false),
        _ => throw new TensorFileException(name,
            $"unsupported descr '{descr}'; accepted: '<f4' (float32), '<V2' or '<u2' or 'bfloat16' (BF16 bit patterns), '|u1' (codes)"),
    };

    /// <summary>Parses and validates the header (magic, version, length, the dict and its three keys).</summary>
    public static NpyHeader ReadHeader(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 10 || !HasMagic(bytes))
            throw new TensorFileException(name, "not an .npy file: it does not start with the magic \\x93NUMPY");
        int major = bytes[6], minor = bytes[7];
        int lenBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new TensorFileException(name, $"unsupported .npy format version {major}.{minor} (known: 1.0, 2.0, 3.0)"),
        };
        if (bytes.Length < 8 + lenBytes) throw new TensorFileException(name, "truncated: the header length is missing");
        long headerLen = lenBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        long dataOffset = 8 + lenBytes + headerLen;
        if (dataOffset > bytes.Length)
            throw new TensorFileException(name, $"truncated: the header says {headerLen} header bytes, the file has {bytes.Length - 8 - lenBytes}");
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes.Slice(8 + lenBytes, (int)headerLen));
        var dict = new HeaderDictParser(text, name).Parse();
        foreach (var k in new[] { "descr", "fortran_order", "shape" })
            if (!dict.ContainsKey(k)) throw new TensorFileException(name, $"header has no '{k}' key (header: {text.Trim()})");
        foreach (var k in dict.Keys)
            if (k is not ("descr" or "fortran_order" or "shape"))
                throw new TensorFileException(name, $"header has an unknown key '{k}' (known: descr, fortran_order, shape)");
        var descr = dict["descr"];
        if (descr.Kind != HeaderValueKind.String) throw new TensorFileException(name, "header 'descr' must be a string such as '<f4' (structured dtypes are not supported)");
        var fortran = dict["fortran_order"];
        if (fortran.Kind != HeaderValueKind.Bool) throw new TensorFileException(name, "header 'fortran_order' must be True or False");
        if (fortran.Bool)
            throw new TensorFileException(name, "Fortran-order (column-major) arrays are not supported: save np.ascontiguousarray(x) instead");
        var shape = dict["shape"];
        if (shape.Kind != HeaderValueKind.Tuple) throw new TensorFileException(name, "header 'shape' must be a tuple of non-negative integers");
        return new NpyHeader(descr.Text, false, shape.Shape, (int)dataOffset);
    }

    /// <summary>Writes an FP32 array (descr <c>&lt;f4</c>) of the given shape, atomically.</summary>
    public static void WriteFp32(string path, ReadOnlySpan<uint> bits, long[] shape)
    {
        Check(bits.Length, shape, path);
        using var image = new NpyImage("<f4", shape, bits.Length * sizeof(uint));
        var data = MemoryMarshal.Cast<byte, uint>(image.Data);
        if (BitConverter.IsLittleEndian) bits.CopyTo(data);
        else BinaryPrimitives.ReverseEndianness(bits, data);
        image.WriteTo(path);
    }

    /// <summary>Writes a uint8 array (descr <c>|u1</c>) of the given shape, atomically.</summary>
    public static void WriteUInt8(string path, ReadOnlySpan<byte> data, long[] shape)
    {
        Check(data.Length, shape, path);
        using var image = new NpyImage("|u1", shape, data.Length);
        data.CopyTo(image.Data);
        image.WriteTo(path);
    }

    /// <summary>Writes a uint8 array (descr <c>|u1</c>) of the given shape, atomically.</summary>
    public static void WriteUInt8(string path, byte[] data, long[] shape) => WriteUInt8(path, (ReadOnlySpan<byte>)data, shape);

    internal static void Check(int length, long[] shape, string path)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        if (n != length) throw new ArgumentException($"{path}: shape {ShapeText(shape)} holds {n} elements, the data has {length}");
    }

    /// <summary>Magic, version 1.0, header length and the dict padded with spaces to a multiple of 64 bytes, ending in '\n'.</summary>
    public static byte[] HeaderBytes(string descr, long[] shape)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {ShapeText(shape)}, }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int pad = (Alignment - unpadded % Alignment) % Alignment;
        var text = dict + new string(' ', pad) + "\n";
        if (text.Length > ushort.MaxValue) throw new ArgumentException("shape too long for an .npy 1.0 header");
        var header = new byte[Magic.Length + 4 + text.Length];
        Magic.CopyTo(header, 0);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, header.AsSpan(10));
        return header;
    }
}

/// <summary>
/// An <c>.npy</c> file's bytes in one buffer, the header already written: the caller fills <see cref="Data"/> (e.g.
/// quantizes straight into it), then <see cref="WriteTo"/> writes the file atomically with one write.
/// </summary>
public sealed class NpyImage : IDisposable
{
    private readonly PageBuffer _buffer;
    private readonly int _headerLength;

    public NpyImage(string descr, long[] shape, int dataBytes)
    {
        var header = Npy.HeaderBytes(descr, shape);
        _headerLength = header.Length;
        _buffer = new PageBuffer((long)header.Length + dataBytes, populate: true);
        header.CopyTo(_buffer.Span);
    }

    public Span<byte> Data => _buffer.Span[_headerLength..];

    public void WriteTo(string path) => AtomicWrite.Bytes(path, _buffer.Span);

    public void Dispose() => _buffer.Dispose();
}
