using System.Buffers.Binary;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

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

    /// <summary>
    /// fmt_a fmt_b rm scale_a scale_b 0 0 0 | c | a lanes | b lanes. The port's format and mode codes are the line
    /// layout's (0 e4m3 … 5 int8, 0 rne … 5 rto); its scales are E8M0 (rtl/mx_dot decodes no other scale format).
    /// </summary>
    public static void Encode(DotVector v, Span<byte> record)
    {
        int k = v.K;
        if (v.Scales != ScaleCodec.E8M0)
            throw new ArgumentException($"the RTL port carries E8M0 scales; this vector's scales are {v.Scales.Format.Name}");
        record[0] = (byte)DotLine.CodeOf(v.FormatA);
        record[1] = (byte)DotLine.CodeOf(v.FormatB);
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
        v.FormatA = DotLine.FormatOfCode(record[0]) ?? throw new InvalidDataException($"format code {record[0]} in a stream record");
        v.FormatB = DotLine.FormatOfCode(record[1]) ?? throw new InvalidDataException($"format code {record[1]} in a stream record");
        v.Rounding = RoundingModes.FromCode(record[2]) ?? throw new InvalidDataException($"rounding code {record[2]} in a stream record");
        v.Scales = ScaleCodec.E8M0;
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
