using System.Buffers.Binary;
using System.Text;
using MxRef.Vectors.Tensors;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The .npy reader and writer against files built byte by byte from the format description (numpy.lib.format:
/// magic \x93NUMPY, version, little-endian header length, a dict literal padded with spaces to a 64-byte boundary
/// and ended by '\n', then the C-order data).
/// </summary>
public sealed class NpyTests
{
    private static byte[] File(string dict, byte[] data, int major = 1)
    {
        int lenBytes = major == 1 ? 2 : 4;
        int unpadded = 8 + lenBytes + dict.Length + 1;
        var header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var b = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var len = new byte[lenBytes];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length);
        b.AddRange(len);
        b.AddRange(Encoding.ASCII.GetBytes(header));
        b.AddRange(data);
        return [.. b];
    }

    private static byte[] Floats(params float[] v) => [.. v.SelectMany(BitConverter.GetBytes)];

    [Fact]
    public void ReadsFloat32OfAnyShapeInCOrder()
    {
        var t = Npy.ReadFp32(File("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", Floats(1, 2, 3, -4, 0.5f, float.PositiveInfinity)), "a.npy");
        Assert.Equal([2L, 3L], t.Shape);
        Assert.Equal([0x3F800000u, 0x40000000, 0x40400000, 0xC0800000, 0x3F000000, 0x7F800000], t.Bits);
        Assert.Equal(NpyDType.Float32, t.Source);
    }

    [Fact]
    public void ReadsVersionTwoHeadersBigEndianAndScalars()
    {
        var big = Floats(1.5f).Reverse().ToArray();
        Assert.Equal([0x3FC00000u], Npy.ReadFp32(File("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", big, major: 2), "b.npy").Bits);
        var scalar = Npy.ReadFp32(File("{\"descr\": \"<f4\", \"shape\": (), \"fortran_order\": False}", Floats(-2)), "s.npy");
        Assert.Empty(scalar.Shape);
        Assert.Equal([0xC0000000u], scalar.Bits);
        Assert.Empty(Npy.ReadFp32(File("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }", []), "e.npy").Bits);
    }

    [Theory]
    [InlineData("<V2")] // np.save of an ml_dtypes bfloat16 array
    [InlineData("<u2")] // x.view(np.uint16)
    [InlineData("bfloat16")]
    public void ReadsBf16AsTheTopHalfOfFp32(string descr)
    {
        byte[] data = [0x80, 0x3F, 0xC0, 0xBF, 0x80, 0x7F, 0xC1, 0x7F]; // 1.0, -1.5, +Inf, a NaN
        var t = Npy.ReadFp32(File($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (4,), }}", data), "h.npy");
        Assert.Equal([0x3F800000u, 0xBFC00000, 0x7F800000, 0x7FC10000], t.Bits);
        Assert.Equal(NpyDType.BFloat16, t.Source);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16, "Fortran-order")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16, "unsupported descr '<f8'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 12, "truncated: shape (4,) of '<f4' needs 16 data bytes, the file has 12")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 12, "4 bytes after the data")]
    [InlineData("{'descr': '<f4', 'fortran_order': False}", 4, "no 'shape' key")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4, "non-negative integer")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", 4, "expected a string, True, False or a tuple")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4, "expected a string")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", 4, "expected a string, True, False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ", 4, "ends early")]
    public void MalformedFilesNameTheFileAndTheProblem(string dict, int dataBytes, string expected)
    {
        var e = Assert.Throws<TensorFileException>(() => Npy.ReadFp32(File(dict, new byte[dataBytes]), "bad.npy"));
        Assert.StartsWith("bad.npy: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void RejectsABadMagicVersionOrHeaderLength()
    {
        var good = File("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Floats(1));
        Assert.Contains("magic", Assert.Throws<TensorFileException>(() => Npy.ReadFp32(Encoding.ASCII.GetBytes("1 2 3 4 5 6 7"), "t.npy")).Message);
        var v9 = (byte[])good.Clone();
        v9[6] = 9;
        Assert.Contains("version 9.0", Assert.Throws<TensorFileException>(() => Npy.ReadFp32(v9, "t.npy")).Message);
        Assert.Contains("truncated", Assert.Throws<TensorFileException>(() => Npy.ReadFp32(good.AsSpan(0, 40).ToArray(), "t.npy")).Message);
    }

    [Fact]
    public void WritesHeadersNumpyCanReadAndRoundTrips()
    {
        var header = Npy.HeaderBytes("|u1", [3, 32]);
        Assert.Equal(0, header.Length % 64);
        Assert.Equal((byte)'\n', header[^1]);
        Assert.Equal("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 32), }", Encoding.ASCII.GetString(header, 10, header.Length - 10).TrimEnd());
        string dir = Directory.CreateTempSubdirectory("npy").FullName;
        try
        {
            uint[] bits = [0x3F800000, 0x80000000, 0x7FC00001, 1];
            Npy.WriteFp32(Path.Combine(dir, "f.npy"), bits, [2, 2]);
            var t = Npy.ReadFp32(Path.Combine(dir, "f.npy"));
            Assert.Equal(bits, t.Bits);
            Assert.Equal([2L, 2L], t.Shape);
            Npy.WriteUInt8(Path.Combine(dir, "u.npy"), new byte[] { 1, 2, 255 }, [3]);
            var (u, shape) = Npy.ReadUInt8(Path.Combine(dir, "u.npy"));
            Assert.Equal(new byte[] { 1, 2, 255 }, u);
            Assert.Equal([3L], shape);
            Assert.Empty(Directory.GetFiles(dir, ".*tmp*"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
