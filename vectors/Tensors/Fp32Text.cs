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
    /// Parses UTF-8 text. A bad token is a <see cref="TensorFileException"/> naming it, its line and column. Large
    /// texts are cut at whitespace into one piece per core; the pieces are parsed in parallel and joined in order, so
    /// the result (and the first error reported) is the same as a sequential parse.
    /// </summary>
    public static uint[] Parse(ReadOnlyMemory<byte> memory, string source)
    {
        var text = memory.Span;
        int pieces = text.Length < ParallelThreshold ? 1 : Math.Min(Environment.ProcessorCount, 8);
        if (pieces <= 1) return Parse(text, source);
        var bounds = new int[pieces + 1];
        bounds[pieces] = text.Length;
        for (int p = 1; p < pieces; p++)
        {
            int cut = Math.Max(bounds[p - 1], (int)((long)text.Length * p / pieces));
            while (cut < text.Length && !IsSpace(text[cut])) cut++;
            bounds[p] = cut;
        }
        var results = new (uint[] Values, int Count, int Error)[pieces];
        Parallel.For(0, pieces, p =>
        {
            var r = ParsePiece(memory.Span[bounds[p]..bounds[p + 1]]);
            if (r.Error >= 0) r.Error += bounds[p];
            results[p] = r;
        });
        text = memory.Span;
        int before = 0;
        foreach (var r in results)
        {
            if (r.Error >= 0) throw Bad(text, r.Error, before + r.Count, source);
            before += r.Count;
        }
        var joined = new uint[before];
        int at = 0;
        foreach (var r in results)
        {
            Array.Copy(r.Values, 0, joined, at, r.Count);
            at += r.Count;
        }
        return joined;
    }

    /// <summary>Parses UTF-8 text on one core (see the overload for large texts).</summary>
    public static uint[] Parse(ReadOnlySpan<byte> text, string source)
    {
        var (values, count, error) = ParsePiece(text);
        if (error >= 0) throw Bad(text, error, count, source);
        Array.Resize(ref values, count);
        return values;
    }

    /// <summary>The values of one piece, their count, and the byte offset of the first bad token (−1: none).</summary>
    private static (uint[] Values, int Count, int Error) ParsePiece(ReadOnlySpan<byte> text)
    {
        var values = new uint[Math.Max(16, text.Length / 10)];
        int count = 0, i = 0;
        while (true)
        {
            while (i < text.Length && IsSpace(text[i])) i++;
            if (i >= text.Length) break;
            int start = i;
            while (i < text.Length && !IsSpace(text[i])) i++;
            if (count == values.Length) Array.Resize(ref values, values.Length * 2);
            if (!TryParse(text[start..i], out values[count])) return (values, count, start);
            count++;
        }
        return (values, count, -1);
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

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0x0B or 0x0C;

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
