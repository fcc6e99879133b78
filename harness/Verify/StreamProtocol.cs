using System.Buffers.Binary;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Verify;

/// <summary>
/// The binary records between <c>mxref verify</c> and the testbench (harness/tb/mx_dot_tb.cpp), fixed-size so that
/// neither side parses anything: 12 + 2K bytes per vector in, 8 bytes per result out, all little-endian.
/// </summary>
public static class StreamProtocol
{
    public const uint Magic = 0x4254584d; // "MXTB"
    public const uint Version = 1;
    public const int HelloBytes = 16, ResultBytes = 8;

    public static int RecordBytes(int k) => 12 + 2 * k;

    /// <summary>fmt_a fmt_b rm scale_a scale_b 0 0 0 | c | a lanes | b lanes.</summary>
    public static void Encode(DotVector v, Span<byte> record)
    {
        int k = v.K;
        record[0] = (byte)v.FormatA;
        record[1] = (byte)v.FormatB;
        record[2] = (byte)v.Rounding;
        record[3] = v.ScaleA;
        record[4] = v.ScaleB;
        record[5] = record[6] = record[7] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], v.C);
        v.A.CopyTo(record[12..]);
        v.B.CopyTo(record[(12 + k)..]);
    }

    /// <summary>The inverse of <see cref="Encode"/> (for repro traces).</summary>
    public static void Decode(ReadOnlySpan<byte> record, DotVector v)
    {
        int k = v.K;
        v.FormatA = record[0]; v.FormatB = record[1]; v.Rounding = record[2];
        v.ScaleA = record[3]; v.ScaleB = record[4];
        v.C = BinaryPrimitives.ReadUInt32LittleEndian(record[8..]);
        record.Slice(12, k).CopyTo(v.A);
        record.Slice(12 + k, k).CopyTo(v.B);
    }

    public readonly record struct Hello(int K, int Latency);

    public static Hello ReadHello(ReadOnlySpan<byte> h)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(h);
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
        if (magic != Magic) throw new InvalidDataException($"the testbench did not start with its 'MXTB' greeting (got {magic:x8})");
        if (version != Version) throw new InvalidDataException($"testbench protocol version {version}, expected {Version}: rebuild (delete the build cache)");
        return new Hello((int)BinaryPrimitives.ReadUInt32LittleEndian(h[8..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(h[12..]));
    }
}
