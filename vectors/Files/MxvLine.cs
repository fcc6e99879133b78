using MxRef.Formats;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Files;

/// <summary>
/// Formats a dot vector as an <c>.mxv</c> data line straight into bytes (no strings: the generator writes millions of
/// lines a second). The layout is <see cref="DotLine"/>'s, <c>FA FB RM SA A SB B C D FLAGS</c>, lowercase hex.
/// </summary>
public static class MxvLine
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>Upper bound of a data line's length in bytes, newline included.</summary>
    public static int MaxLength(int k) => 2 * DotLine.PackedDigits(StandardFormats.Int8, k) + 40;

    /// <summary>Writes the line and a '\n' into <paramref name="dest"/>; returns the bytes written.</summary>
    public static int FormatDot(DotVector v, NumberFormat output, Span<byte> dest)
    {
        int p = 0;
        dest[p++] = Hex[DotLine.CodeOf(v.FormatA)]; dest[p++] = (byte)' ';
        dest[p++] = Hex[DotLine.CodeOf(v.FormatB)]; dest[p++] = (byte)' ';
        dest[p++] = Hex[(int)v.Rounding]; dest[p++] = (byte)' ';
        p = HexDigits(v.ScaleA, 2, dest, p); dest[p++] = (byte)' ';
        p = Packed(v.A, v.FormatA, dest, p); dest[p++] = (byte)' ';
        p = HexDigits(v.ScaleB, 2, dest, p); dest[p++] = (byte)' ';
        p = Packed(v.B, v.FormatB, dest, p); dest[p++] = (byte)' ';
        p = HexDigits(v.C, 8, dest, p); dest[p++] = (byte)' ';
        p = HexDigits(v.D, DotLine.ResultDigits(output), dest, p); dest[p++] = (byte)' ';
        p = HexDigits(v.Flags, 2, dest, p);
        dest[p++] = (byte)'\n';
        return p;
    }

    private static int HexDigits(uint value, int digits, Span<byte> dest, int p)
    {
        for (int i = digits - 1; i >= 0; i--) dest[p++] = Hex[(int)(value >> (4 * i)) & 0xF];
        return p;
    }

    /// <summary>Element i in bits [i·w, i·w + w) of one hex number, most significant digit first (as DotLine.Pack).</summary>
    private static int Packed(byte[] codes, NumberFormat format, Span<byte> dest, int p)
    {
        int w = DotLine.ElementWidth(format);
        int digits = DotLine.PackedDigits(format, codes.Length);
        if (w == 8)
        {
            for (int i = codes.Length - 1; i >= 0; i--)
            {
                dest[p++] = Hex[codes[i] >> 4];
                dest[p++] = Hex[codes[i] & 0xF];
            }
            return p;
        }
        ulong buffer = 0;
        int bits = 0, element = 0;
        uint mask = (1u << w) - 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            while (bits < 4 && element < codes.Length)
            {
                buffer |= (ulong)(codes[element++] & mask) << bits;
                bits += w;
            }
            dest[p + i] = Hex[(int)(buffer & 0xF)];
            buffer >>= 4;
            bits -= 4;
        }
        return p + digits;
    }
}
