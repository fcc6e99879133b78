using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using csFastFloat;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Tensors;

/// <summary>
/// Reads whitespace-separated values (<see cref="NumberText.Accepted"/>) as FP32 bit patterns, fast: the bytes are
/// scanned once as UTF-8 and every decimal token goes to csFastFloat (a port of Lemire's fast_float, which rounds to
/// nearest, ties to even, exactly as IEEE 754 conversion does; overflow gives ±Inf and underflow a subnormal or ±0).
/// Tokens it does not take (<c>inf</c>, <c>nan</c>, <c>0x…</c> bit patterns) go through <see cref="NumberText"/>, the
/// same rules as every other MxRef command, so both paths give the same bits.
/// </summary>
public static class Fp32Text
{
    /// <summary>Reads every value of a file.</summary>
    public static uint[] ReadFile(string path) => Parse(File.ReadAllBytes(path).AsMemory(), path);

    /// <summary>Reads every value of a stream to its end (<paramref name="source"/> names it in errors).</summary>
    public static uint[] Read(Stream stream, string source)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), source);
    }

    /// <summary>Texts longer than this are split at whitespace and parsed on several cores.</summary>
    private const int ParallelThreshold = 1 << 22;

    /// <summary>
    /// Pieces per core for a large text: more pieces than cores, so that a core that another process slows down hands
    /// its share to the other (the parallel loop gives out pieces as cores come free); each piece stays ≥ 1 MiB.
    /// </summary>
    private const int PiecesPerCore = 4, MinPieceBytes = 1 << 20;

    /// <summary>Parses UTF-8 text into an array (see <see cref="ParseToBuffer"/>).</summary>
    public static uint[] Parse(ReadOnlyMemory<byte> memory, string source) => Parse(memory.Span, source);

    /// <summary>Parses UTF-8 text into an array (see <see cref="ParseToBuffer"/>).</summary>
    public static uint[] Parse(ReadOnlySpan<byte> text, string source)
    {
        var (buffer, count) = ParseToBuffer(text, source);
        using (buffer) return MemoryMarshal.Cast<byte, uint>(buffer.Span)[..count].ToArray();
    }

    /// <summary>Parses UTF-8 text into a page buffer, cut into pieces by its size and the core count (see the overload).</summary>
    public static (PageBuffer Values, int Count) ParseToBuffer(ReadOnlySpan<byte> text, string source) =>
        ParseToBuffer(text, source, text.Length < ParallelThreshold ? 1
            : Math.Clamp(text.Length / MinPieceBytes, 1, Math.Min(Environment.ProcessorCount, 16) * PiecesPerCore));

    /// <summary>
    /// Parses UTF-8 text into a page buffer (the caller disposes it) and returns it with the number of values. A bad
    /// token is a <see cref="TensorFileException"/> naming it, its line and column. The text is cut at whitespace into
    /// <paramref name="pieces"/> pieces, parsed on every core; each piece is parsed into its own part of the buffer (a
    /// piece of L bytes holds at most (L + 1) / 2 tokens) and the parts are then moved together in order, so the values
    /// (and the first error reported) are those of a sequential parse for any number of pieces.
    /// </summary>
    public static unsafe (PageBuffer Values, int Count) ParseToBuffer(ReadOnlySpan<byte> text, string source, int pieces)
    {
        pieces = Math.Max(pieces, 1);
        var bounds = new int[pieces + 1];
        bounds[pieces] = text.Length;
        for (int p = 1; p < pieces; p++)
        {
            int cut = Math.Max(bounds[p - 1], (int)((long)text.Length * p / pieces));
            while (cut < text.Length && !IsSpace(text[cut])) cut++;
            bounds[p] = cut;
        }
        var at = new long[pieces + 1];
        for (int p = 0; p < pieces; p++) at[p + 1] = at[p] + (bounds[p + 1] - bounds[p] + 1) / 2;
        var buffer = new PageBuffer(at[pieces] * sizeof(uint), populate: false);
        try
        {
            var results = new (int Count, int Error)[pieces];
            fixed (byte* start = text)
            {
                nint textAddress = (nint)start;
                void Piece(int p)
                {
                    var piece = new ReadOnlySpan<byte>((byte*)textAddress + bounds[p], bounds[p + 1] - bounds[p]);
                    var r = ParsePiece(piece, MemoryMarshal.Cast<byte, uint>(buffer.Span).Slice((int)at[p], (int)(at[p + 1] - at[p])));
                    if (r.Error >= 0) r.Error += bounds[p];
                    results[p] = r;
                }
                if (pieces == 1) Piece(0);
                else Parallel.For(0, pieces, Piece);
            }
            var values = MemoryMarshal.Cast<byte, uint>(buffer.Span);
            int count = 0;
            for (int p = 0; p < pieces; p++)
            {
                if (results[p].Error >= 0) throw Bad(text, results[p].Error, count + results[p].Count, source);
                values.Slice((int)at[p], results[p].Count).CopyTo(values[count..]); // overlapping moves are safe
                count += results[p].Count;
            }
            return (buffer, count);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Parses one piece into <paramref name="values"/>: the count, and the byte offset of the first bad token (−1: none).
    /// A decimal is handed to csFastFloat where it stands, without finding its end first: csFastFloat stops at the first
    /// byte that cannot continue a number, so when that byte is whitespace (or the piece ends) it has read exactly the
    /// token, and the bytes are scanned once instead of twice. Anything else (a token it stops inside, <c>inf</c>,
    /// <c>0x…</c>) is cut at whitespace and goes through <see cref="TryParse"/>, as before.
    /// </summary>
    private static (int Count, int Error) ParsePiece(ReadOnlySpan<byte> text, Span<uint> values)
    {
        int count = 0, i = 0;
        while (true)
        {
            while (i < text.Length && IsSpace(text[i])) i++;
            if (i >= text.Length) break;
            int start = i;
            var rest = text[start..];
            if (LooksDecimal(rest) && FastFloatParser.TryParseFloat(rest, out int consumed, out float f)
                && consumed > 0 && (consumed == rest.Length || IsSpace(rest[consumed])))
            {
                values[count++] = BitConverter.SingleToUInt32Bits(f);
                i = start + consumed;
                continue;
            }
            while (i < text.Length && !IsSpace(text[i])) i++;
            if (!TryParse(text[start..i], out values[count])) return (count, start);
            count++;
        }
        return (count, -1);
    }

    /// <summary>One token as FP32 bits: decimals through csFastFloat, everything else through <see cref="NumberText"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> token, out uint bits)
    {
        if (LooksDecimal(token) && FastFloatParser.TryParseFloat(token, out int consumed, out float f) && consumed == token.Length)
        {
            bits = BitConverter.SingleToUInt32Bits(f);
            return true;
        }
        bits = 0;
        if (!NumberText.TryParse(Encoding.UTF8.GetString(token), out var t)) return false;
        bits = t.ToFp32Bits();
        return true;
    }

    /// <summary>A sign, then a digit or a point, and not a <c>0x</c> bit pattern.</summary>
    private static bool LooksDecimal(ReadOnlySpan<byte> t)
    {
        int i = t.Length > 0 && t[0] is (byte)'+' or (byte)'-' ? 1 : 0;
        if (i >= t.Length || !(char.IsAsciiDigit((char)t[i]) || t[i] == (byte)'.')) return false;
        return !(t.Length > i + 1 && t[i] == (byte)'0' && (t[i + 1] | 0x20) == (byte)'x');
    }

    /// <summary>Space, tab, line feed, vertical tab, form feed, carriage return: one table load per byte, inlined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpace(byte b) => (uint)b < 64 && ((SpaceBits >> b) & 1) != 0;

    private const ulong SpaceBits = 1UL << ' ' | 1UL << '\t' | 1UL << '\n' | 1UL << 0x0B | 1UL << 0x0C | 1UL << '\r';

    private static TensorFileException Bad(ReadOnlySpan<byte> text, int start, int index, string source)
    {
        int end = start;
        while (end < text.Length && !IsSpace(text[end])) end++;
        var token = text[start..end];
        int line = 1, lineStart = 0;
        for (int j = 0; j < start; j++)
            if (text[j] == (byte)'\n') { line++; lineStart = j + 1; }
        return new TensorFileException(source,
            $"value {index + 1} '{Encoding.UTF8.GetString(token)}' (line {line}, column {start - lineStart + 1}) is not a number; accepted: {NumberText.Accepted}");
    }
}
