using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Harness.Verify;

/// <summary>
/// The binary records between <c>mxref verify</c> and the dot unit's testbench (harness/tb/mx_dot_tb.cpp), fixed-size so
/// that neither side parses anything: 12 + 2K bytes per vector in, 8 bytes per result out, all little-endian; and the
/// greeting every unit's bench sends first (harness/tb/mxtb.h).
/// </summary>
public static class StreamProtocol
{
    public const uint Version = 1;
    public const int HelloBytes = 16, ResultBytes = 8;

    public static int RecordBytes(int k) => 12 + 2 * k;

    /// <summary>
    /// fmt_a fmt_b rm scale_a scale_b scale_fmt out_fmt 0 | c | a lanes | b lanes. The port's format and mode codes are
    /// the line layout's (0 e4m3 … 5 int8, 0 rne … 5 rto); scale_fmt is the scale format's index in
    /// <see cref="StandardFormats.Scales"/> (0 E8M0, 1 UE4M3: rtl/mx_dot's scale_fmt port; 0 in every record of an
    /// E8M0 run, so benches of designs without the port read the records as before); out_fmt the output format's
    /// (0 FP32, 1 BF16, 2 FP16: a described unit's output-format port; 0 in every record of an FP32 run).
    /// </summary>
    public static void Encode(DotVector v, Span<byte> record) => Encode(v, record, ScaleCode(v.Scales), (byte)v.OutputCode);

    /// <summary>
    /// <see cref="Encode(DotVector, Span{byte})"/> given the vector's scale_fmt and out_fmt codes, which a loop over many
    /// vectors finds once per scale and output format rather than once per vector (each is a search of a format list).
    /// </summary>
    public static void Encode(DotVector v, Span<byte> record, byte scaleCode, byte outputCode)
    {
        if (record.Length < RecordBytes(v.K) || v.B.Length != v.K) ThrowShortRecord(v.K);
        Write(v, ref MemoryMarshal.GetReference(record), scaleCode, outputCode);
    }

    /// <summary>
    /// <see cref="Encode(DotVector, Span{byte}, byte, byte)"/> without its checks, for a loop that made them once per
    /// batch: <paramref name="record"/> has <see cref="RecordBytes"/>(K) bytes of room, and both operands K lanes. The
    /// eight port bytes and C go as two little-endian stores, the lanes 16 bytes at a time: with a store per byte, two
    /// span copies and a span per record the batch loop took ~190 instructions per vector (mx_dot K = 32), ~45 this way
    /// (docs/PERFORMANCE.md, "verify's pipeline").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Write(DotVector v, ref byte record, byte scaleCode, byte outputCode)
    {
        byte[] a = v.A, b = v.B;
        ulong ports = (byte)v.FormatCodeA | (ulong)(byte)v.FormatCodeB << 8 | (ulong)(byte)v.Rounding << 16 | (ulong)v.ScaleA << 24
                      | (ulong)v.ScaleB << 32 | (ulong)scaleCode << 40 | (ulong)outputCode << 48;
        Unsafe.WriteUnaligned(ref record, BitConverter.IsLittleEndian ? ports : BinaryPrimitives.ReverseEndianness(ports));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref record, 8), BitConverter.IsLittleEndian ? v.C : BinaryPrimitives.ReverseEndianness(v.C));
        CopyLanes(a, ref Unsafe.Add(ref record, 12));
        CopyLanes(b, ref Unsafe.Add(ref record, 12 + a.Length));
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal static void ThrowShortRecord(int k) => throw new ArgumentException($"a K = {k} record needs {RecordBytes(k)} bytes, and both operands K lanes");

    /// <summary>The lanes to <paramref name="to"/>, which has room for them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyLanes(byte[] lanes, ref byte to)
    {
        ref byte from = ref MemoryMarshal.GetArrayDataReference(lanes);
        int i = 0;
        for (; i + 16 <= lanes.Length; i += 16)
            Vector128.LoadUnsafe(ref from, (nuint)i).StoreUnsafe(ref to, (nuint)i);
        for (; i < lanes.Length; i++) Unsafe.Add(ref to, i) = Unsafe.Add(ref from, i);
    }

    /// <summary>The inverse of <see cref="Encode"/> (for repro traces).</summary>
    public static void Decode(ReadOnlySpan<byte> record, DotVector v)
    {
        int k = v.K;
        v.FormatA = DotLine.FormatOfCode(record[0]) ?? throw new InvalidDataException($"format code {record[0]} in a stream record");
        v.FormatB = DotLine.FormatOfCode(record[1]) ?? throw new InvalidDataException($"format code {record[1]} in a stream record");
        v.Rounding = RoundingModes.FromCode(record[2]) ?? throw new InvalidDataException($"rounding code {record[2]} in a stream record");
        v.Scales = record[5] < StandardFormats.Scales.Count ? ScaleCodec.For(StandardFormats.Scales[record[5]])
            : throw new InvalidDataException($"scale format code {record[5]} in a stream record");
        v.Output = DotLine.OutputOfCode(record[6]) ?? throw new InvalidDataException($"output format code {record[6]} in a stream record");
        v.ScaleA = record[3]; v.ScaleB = record[4];
        v.C = BinaryPrimitives.ReadUInt32LittleEndian(record[8..]);
        record.Slice(12, k).CopyTo(v.A);
        record.Slice(12 + k, k).CopyTo(v.B);
    }

    /// <summary>The scale_fmt code of a scale format: its index in <see cref="StandardFormats.Scales"/>.</summary>
    public static byte ScaleCode(ScaleCodec scales)
    {
        // By reference first: every vector's codec holds one of these very formats (record equality compares fields).
        if (ReferenceEquals(scales.Format, StandardFormats.Scales[0])) return 0;
        for (int i = 0; i < StandardFormats.Scales.Count; i++)
            if (StandardFormats.Scales[i] == scales.Format) return (byte)i;
        throw new ArgumentException($"the RTL port carries e8m0 or ue4m3 scales; this vector's scales are {scales.Format.Name}");
    }

    public readonly record struct Hello(int K, int Latency);

    /// <summary>The greeting of a bench of <paramref name="kind"/>: "MXT" and the unit's letter, version, K, latency.</summary>
    public static Hello ReadHello(ReadOnlySpan<byte> h, UnitKind kind)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(h);
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
        if (magic != kind.Magic)
        {
            var other = UnitKind.All.FirstOrDefault(u => u.Magic == magic);
            throw new InvalidDataException(other is not null
                ? $"the testbench is a {other.Name} unit's bench, the run drives a {kind.Name} unit"
                : $"the testbench did not start with its '{Tag(kind.Magic)}' greeting (got {magic:x8})");
        }
        if (version != Version) throw new InvalidDataException($"testbench protocol version {version}, expected {Version}: rebuild (delete the build cache)");
        return new Hello((int)BinaryPrimitives.ReadUInt32LittleEndian(h[8..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(h[12..]));
    }

    private static string Tag(uint magic) => string.Concat(Enumerable.Range(0, 4).Select(i => (char)((magic >> (8 * i)) & 0xFF)));
}
