using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Text;

/// <summary>A malformed field in a text line; the reader adds file and line.</summary>
public sealed class FieldException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>One dot-product vector: input fields and (optionally) the expected output.</summary>
public sealed class DotVector
{
    public int FormatA, FormatB, Rounding;
    public byte ScaleA, ScaleB;
    public byte[] A, B;
    public uint C, D;
    public byte Flags;

    public DotVector(int k)
    {
        A = new byte[k];
        B = new byte[k];
    }

    public int K => A.Length;
}

/// <summary>
/// The dot line layout shared by <c>mxref dot</c> and <c>.mxv</c> files (docs/vector-format.md): hex fields separated
/// by single spaces, <c>FA FB RM SA A SB B C</c> [<c>D FLAGS</c>]. A and B hold the k element codes packed into one hex
/// number, element i in bits [i·w, i·w + w) (w = the format's width), exactly ceil(k·w/4) digits, most significant first.
/// </summary>
public static class DotLine
{
    public static readonly string[] FieldNames = ["FA", "FB", "RM", "SA", "A", "SB", "B", "C", "D", "FLAGS"];

    public static int ElementWidth(int formatCode) => StandardFormats.Elements[formatCode].Bits;

    public static int PackedDigits(int formatCode, int k) => (k * ElementWidth(formatCode) + 3) / 4;

    public static int ResultDigits(NumberFormat output) => output.Bits / 4;

    /// <summary>Parses a line (without comments) into <paramref name="v"/>; throws <see cref="FieldException"/>.</summary>
    public static void Parse(ReadOnlySpan<char> line, DotVector v, bool withExpected, NumberFormat output)
    {
        int pos = 0, index = 0;
        int expectedFields = withExpected ? 10 : 8;
        for (; index < expectedFields; index++)
        {
            while (pos < line.Length && line[pos] == ' ') pos++;
            if (pos >= line.Length)
                throw new FieldException(FieldNames[index], $"missing field {FieldNames[index]} (expected {expectedFields} fields: {string.Join(' ', FieldNames.Take(expectedFields))})");
            int end = pos;
            while (end < line.Length && line[end] != ' ' && line[end] != '\t') end++;
            var tok = line[pos..end];
            pos = end;
            switch (index)
            {
                case 0: v.FormatA = FormatCode(tok, "FA"); break;
                case 1: v.FormatB = FormatCode(tok, "FB"); break;
                case 2:
                    v.Rounding = (int)Hex(tok, "RM", 1);
                    if (RoundingModes.FromCode(v.Rounding) is null) throw new FieldException("RM", $"RM '{tok}' is not a rounding-mode code; valid: 0 rne, 1 rtz, 2 rdn, 3 rup, 4 rna, 5 rto");
                    break;
                case 3: v.ScaleA = (byte)Hex(tok, "SA", 2); break;
                case 4: Unpack(tok, "A", v.FormatA, v.A); break;
                case 5: v.ScaleB = (byte)Hex(tok, "SB", 2); break;
                case 6: Unpack(tok, "B", v.FormatB, v.B); break;
                case 7: v.C = (uint)Hex(tok, "C", 8); break;
                case 8: v.D = (uint)Hex(tok, "D", ResultDigits(output)); break;
                case 9: v.Flags = (byte)Hex(tok, "FLAGS", 2); break;
            }
        }
        while (pos < line.Length && (line[pos] == ' ' || line[pos] == '\t' || line[pos] == '\r')) pos++;
        if (pos < line.Length) throw new FieldException("end", $"unexpected text after the last field: '{line[pos..].ToString()}'");
    }

    private static int FormatCode(ReadOnlySpan<char> tok, string field)
    {
        int code = (int)Hex(tok, field, 1);
        if (code >= StandardFormats.Elements.Count)
            throw new FieldException(field, $"{field} '{tok}' is not a format code; valid: 0 e4m3, 1 e5m2, 2 e3m2, 3 e2m3, 4 e2m1, 5 int8");
        return code;
    }

    private static ulong Hex(ReadOnlySpan<char> tok, string field, int digits)
    {
        if (tok.Length != digits) throw new FieldException(field, $"{field} '{tok}' must be exactly {digits} hex digit{(digits == 1 ? "" : "s")}");
        ulong v = 0;
        foreach (char ch in tok)
        {
            int d = HexDigit(ch);
            if (d < 0) throw new FieldException(field, $"{field} '{tok}' is not hexadecimal");
            v = (v << 4) | (uint)d;
        }
        return v;
    }

    private static int HexDigit(char ch) => ch switch
    {
        >= '0' and <= '9' => ch - '0',
        >= 'a' and <= 'f' => ch - 'a' + 10,
        >= 'A' and <= 'F' => ch - 'A' + 10,
        _ => -1,
    };

    /// <summary>Unpacks k w-bit codes from hex digits (least significant digit last).</summary>
    public static void Unpack(ReadOnlySpan<char> tok, string field, int formatCode, Span<byte> codes)
    {
        int w = ElementWidth(formatCode), k = codes.Length;
        int digits = PackedDigits(formatCode, k);
        if (tok.Length != digits)
            throw new FieldException(field, $"{field} has {tok.Length} hex digits; {k} {StandardFormats.Elements[formatCode].Name} elements need exactly {digits}");
        ulong buffer = 0;
        int bits = 0, element = 0;
        uint mask = (1u << w) - 1;
        for (int i = tok.Length - 1; i >= 0; i--)
        {
            int d = HexDigit(tok[i]);
            if (d < 0) throw new FieldException(field, $"{field} '{tok}' is not hexadecimal");
            buffer |= (ulong)d << bits;
            bits += 4;
            while (bits >= w && element < k)
            {
                codes[element++] = (byte)(buffer & mask);
                buffer >>= w;
                bits -= w;
            }
        }
        if (buffer != 0) throw new FieldException(field, $"{field} has bits set above element {k - 1} (bit {k * w} and up must be zero)");
    }

    /// <summary>Packs codes as <see cref="Unpack"/> reads them.</summary>
    public static void Pack(ReadOnlySpan<byte> codes, int formatCode, Span<char> dest)
    {
        int w = ElementWidth(formatCode);
        int digits = PackedDigits(formatCode, codes.Length);
        ulong buffer = 0;
        int bits = 0, element = 0;
        for (int i = digits - 1; i >= 0; i--)
        {
            while (bits < 4 && element < codes.Length)
            {
                buffer |= (ulong)(codes[element++] & ((1u << w) - 1)) << bits;
                bits += w;
            }
            dest[i] = "0123456789abcdef"[(int)(buffer & 0xF)];
            buffer >>= 4;
            bits -= 4;
        }
    }

    /// <summary>The input fields of a vector as a line (no newline).</summary>
    public static string FormatInputs(DotVector v)
    {
        var sb = new System.Text.StringBuilder();
        AppendInputs(sb, v);
        return sb.ToString();
    }

    public static void AppendInputs(System.Text.StringBuilder sb, DotVector v)
    {
        Span<char> buf = stackalloc char[Math.Max(PackedDigits(v.FormatA, v.K), PackedDigits(v.FormatB, v.K))];
        sb.Append(HexChar(v.FormatA)).Append(' ').Append(HexChar(v.FormatB)).Append(' ').Append(HexChar(v.Rounding)).Append(' ');
        sb.Append(v.ScaleA.ToString("x2")).Append(' ');
        int da = PackedDigits(v.FormatA, v.K);
        Pack(v.A, v.FormatA, buf[..da]);
        sb.Append(buf[..da]).Append(' ');
        sb.Append(v.ScaleB.ToString("x2")).Append(' ');
        int db = PackedDigits(v.FormatB, v.K);
        Pack(v.B, v.FormatB, buf[..db]);
        sb.Append(buf[..db]).Append(' ');
        sb.Append(v.C.ToString("x8"));
    }

    public static string FormatResult(uint d, byte flags, NumberFormat output) =>
        d.ToString("x" + ResultDigits(output)) + " " + flags.ToString("x2");

    private static char HexChar(int v) => "0123456789abcdef"[v];
}
