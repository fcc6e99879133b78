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
    public static uint[] ReadFile(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Reads every value of a stream to its end (<paramref name="source"/> names it in errors).</summary>
    public static uint[] Read(Stream stream, string source)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), source);
    }

    /// <summary>Parses UTF-8 text. A bad token is a <see cref="TensorFileException"/> naming it, its line and column.</summary>
    public static uint[] Parse(ReadOnlySpan<byte> text, string source)
    {
        var values = new uint[Math.Max(16, text.Length / 8)];
        int count = 0, i = 0;
        while (true)
        {
            while (i < text.Length && IsSpace(text[i])) i++;
            if (i >= text.Length) break;
            int start = i;
            while (i < text.Length && !IsSpace(text[i])) i++;
            var token = text[start..i];
            if (count == values.Length) Array.Resize(ref values, values.Length * 2);
            if (!TryParse(token, out values[count])) throw Bad(text, start, token, count, source);
            count++;
        }
        Array.Resize(ref values, count);
        return values;
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

    private static TensorFileException Bad(ReadOnlySpan<byte> text, int start, ReadOnlySpan<byte> token, int index, string source)
    {
        int line = 1, lineStart = 0;
        for (int j = 0; j < start; j++)
            if (text[j] == (byte)'\n') { line++; lineStart = j + 1; }
        return new TensorFileException(source,
            $"value {index + 1} '{Encoding.UTF8.GetString(token)}' (line {line}, column {start - lineStart + 1}) is not a number; accepted: {NumberText.Accepted}");
    }
}
