using System.Text;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Files;

/// <summary>
/// The line codec of shared-microexponent dot vectors (<see cref="MicroexponentDotVector"/>), shared by <c>mxref dot
/// --format mx9|mx6|mx4</c> and <c>.mxv</c> files whose header names such a block format (docs/vector-format.md):
/// hex fields separated by single spaces, <c>RM SA MA A SB MB B C</c> [<c>D FLAGS</c>]. SA/SB are the block
/// exponents' scale codes (2 digits, E8M0 for MX9/6/4); MA/MB the k/k2 microexponents packed as one hex number, sub-block
/// j in bits [j·d2, j·d2 + d2), ceil(k/k2·d2/4) digits; A/B the k sign-magnitude element codes packed the same way, w =
/// m + 1 bits each (sign at bit m), ceil(k·w/4) digits. Most significant digit first: element 0 is at the right end.
/// </summary>
public static class MicroexponentDotLine
{
    public static readonly string[] FieldNames = ["RM", "SA", "MA", "A", "SB", "MB", "B", "C", "D", "FLAGS"];

    /// <summary>Digits of a packed field of <paramref name="count"/> codes of <paramref name="width"/> bits.</summary>
    public static int PackedDigits(int count, int width) => (count * width + 3) / 4;

    /// <summary>The widest element code the line holds (so a code fits a 32-bit field).</summary>
    public const int MaxElementBits = 24;

    /// <summary>Null when <paramref name="format"/> has a dot line layout, else why not.</summary>
    public static string? Unsupported(BlockFormat format) =>
        format.Microexponent is null ? $"{format.Name} has no microexponents"
        : !format.ScaleCodec.IsPowerOfTwo || format.Scale.Bits > 8 ? $"{format.Name}: the line holds power-of-two scales of at most 8 bits"
        : format.ElementBits > MaxElementBits ? $"{format.Name}: the line holds elements of at most {MaxElementBits} bits"
        : null;

    public static void Parse(ReadOnlySpan<char> line, MicroexponentDotVector v, bool withExpected, NumberFormat output)
    {
        var f = v.Format;
        int fields = withExpected ? 10 : 8;
        var codec = f.ScaleCodec;
        var fieldsOf = new LineFields(line, FieldNames, fields);
        for (int index = 0; index < fields; index++)
        {
            var tok = fieldsOf.Next(index);
            switch (index)
            {
                case 0: v.Rounding = Rounding(tok); break;
                case 1: v.ScaleA = DotLine.ScaleCode(tok, "SA", codec); break;
                case 2: UnpackMicro(tok, "MA", f, v.MicroA); break;
                case 3: Unpack(tok, "A", f.ElementBits, v.A); break;
                case 4: v.ScaleB = DotLine.ScaleCode(tok, "SB", codec); break;
                case 5: UnpackMicro(tok, "MB", f, v.MicroB); break;
                case 6: Unpack(tok, "B", f.ElementBits, v.B); break;
                case 7: v.C = (uint)DotLine.Hex(tok, "C", 8); break;
                case 8: v.D = (uint)DotLine.Hex(tok, "D", DotLine.ResultDigits(output)); break;
                case 9: v.Flags = (byte)DotLine.Hex(tok, "FLAGS", 2); break;
            }
        }
        fieldsOf.End();
    }

    /// <summary>As <see cref="Parse(ReadOnlySpan{char}, MicroexponentDotVector, bool, NumberFormat)"/>, from the bytes of an ASCII line (no string per line).</summary>
    public static void Parse(ReadOnlySpan<byte> line, MicroexponentDotVector v, bool withExpected, NumberFormat output)
    {
        Span<char> chars = line.Length <= LineFields.MaxStackLine ? stackalloc char[line.Length] : new char[line.Length];
        Parse(chars[..System.Text.Encoding.Latin1.GetChars(line, chars)], v, withExpected, output);
    }

    /// <summary>The RM field: a rounding-mode code (one hex digit).</summary>
    internal static RoundingMode Rounding(ReadOnlySpan<char> tok) =>
        RoundingModes.FromCode((int)DotLine.Hex(tok, "RM", 1))
        ?? throw new FieldException("RM", $"RM '{tok}' is not a rounding-mode code; valid: {DotLine.ValidModeCodes}");

    /// <summary>Unpacks the k/k2 microexponents of d2 bits each (also the M field of quantize-bdr lines).</summary>
    public static void UnpackMicro(ReadOnlySpan<char> tok, string field, BlockFormat f, Span<byte> micro)
    {
        Span<uint> wide = stackalloc uint[micro.Length];
        Unpack(tok, field, f.Microexponent!.Bits, wide);
        for (int j = 0; j < micro.Length; j++) micro[j] = (byte)wide[j];
    }

    /// <summary>Unpacks codes of <paramref name="width"/> bits, code i in bits [i·w, i·w + w), least significant digit last.</summary>
    public static void Unpack(ReadOnlySpan<char> tok, string field, int width, Span<uint> codes)
    {
        int k = codes.Length, digits = PackedDigits(k, width);
        if (tok.Length != digits)
            throw new FieldException(field, $"{field} has {tok.Length} hex digits; {k} codes of {width} bits need exactly {digits}");
        ulong buffer = 0;
        int bits = 0, element = 0;
        ulong mask = (1UL << width) - 1;
        for (int i = tok.Length - 1; i >= 0; i--)
        {
            int d = DotLine.HexDigit(tok[i]);
            if (d < 0) throw new FieldException(field, $"{field} '{tok}' is not hexadecimal");
            buffer |= (ulong)d << bits;
            bits += 4;
            while (bits >= width && element < k)
            {
                codes[element++] = (uint)(buffer & mask);
                buffer >>= width;
                bits -= width;
            }
        }
        if (buffer != 0) throw new FieldException(field, $"{field} has bits set above code {k - 1} (bit {k * width} and up must be zero)");
    }

    /// <summary>Packs codes as <see cref="Unpack"/> reads them.</summary>
    public static void Pack(ReadOnlySpan<uint> codes, int width, StringBuilder sb)
    {
        int digits = PackedDigits(codes.Length, width);
        Span<char> dest = digits <= 1024 ? stackalloc char[digits] : new char[digits];
        ulong buffer = 0;
        int bits = 0, element = 0;
        ulong mask = (1UL << width) - 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            while (bits < 4 && element < codes.Length)
            {
                buffer |= (codes[element++] & mask) << bits;
                bits += width;
            }
            dest[i] = "0123456789abcdef"[(int)(buffer & 0xF)];
            buffer >>= 4;
            bits -= 4;
        }
        sb.Append(dest);
    }

    /// <summary>Packs microexponents as <see cref="UnpackMicro"/> reads them.</summary>
    public static void PackMicro(ReadOnlySpan<byte> micro, int width, StringBuilder sb)
    {
        Span<uint> wide = stackalloc uint[micro.Length];
        for (int j = 0; j < micro.Length; j++) wide[j] = micro[j];
        Pack(wide, width, sb);
    }

    /// <summary>The input fields <c>RM SA MA A SB MB B C</c>.</summary>
    public static void AppendInputs(StringBuilder sb, MicroexponentDotVector v)
    {
        var f = v.Format;
        int d2 = f.Microexponent!.Bits;
        sb.Append("0123456789abcdef"[(int)v.Rounding]).Append(' ');
        sb.Append(v.ScaleA.ToString("x2")).Append(' ');
        PackMicro(v.MicroA, d2, sb);
        sb.Append(' ');
        Pack(v.A, f.ElementBits, sb);
        sb.Append(' ').Append(v.ScaleB.ToString("x2")).Append(' ');
        PackMicro(v.MicroB, d2, sb);
        sb.Append(' ');
        Pack(v.B, f.ElementBits, sb);
        sb.Append(' ').Append(v.C.ToString("x8"));
    }

    public static string FormatInputs(MicroexponentDotVector v)
    {
        var sb = new StringBuilder();
        AppendInputs(sb, v);
        return sb.ToString();
    }

    /// <summary>The whole data line <c>RM SA MA A SB MB B C D FLAGS</c> (no newline).</summary>
    public static string Format(MicroexponentDotVector v, NumberFormat output)
    {
        var sb = new StringBuilder();
        AppendInputs(sb, v);
        sb.Append(' ').Append(DotLine.FormatResult(v.D, v.Flags, output));
        return sb.ToString();
    }
}
