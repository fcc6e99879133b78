using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Files;

/// <summary>
/// The one line codec of the dot op, beside its record (<see cref="DotVector"/>): <see cref="DotLine"/> reads and writes
/// text, <see cref="MxvLine"/> writes the generator's bytes; gen, check, stats, merge, verify and <c>mxref dot</c> use
/// nothing else. The layout, shared by <c>mxref dot</c> and <c>.mxv</c> files (docs/vector-format.md): hex fields separated
/// by single spaces, <c>FA FB RM SA A SB B C</c> [<c>D FLAGS</c>]; a file of several output formats (header <c>output</c>
/// a list, e.g. <c>fp32,bf16,fp16</c>) has one more field, <c>OUT</c> (0 fp32, 1 bf16, 2 fp16), after C: <c>FA FB RM SA
/// A SB B C OUT</c> [<c>D FLAGS</c>], and D has the digits of that line's output. A and B hold the k element codes packed into one hex
/// number, element i in bits [i·w, i·w + w) (w = the format's width), exactly ceil(k·w/4) digits, most significant first.
/// FA, FB and RM are hardware codes (0 e4m3 … 5 int8; 0 rne … 5 rto), translated here and nowhere else in vectors/;
/// SA and SB are codes of the vector's scale format (<see cref="DotVector.Scales"/>).
/// </summary>
public static class DotLine
{
    public static readonly string[] FieldNames = ["FA", "FB", "RM", "SA", "A", "SB", "B", "C", "D", "FLAGS"];
    /// <summary>The fields of a line that carries its output format (a file of several outputs).</summary>
    public static readonly string[] FieldNamesWithOutput = ["FA", "FB", "RM", "SA", "A", "SB", "B", "C", "OUT", "D", "FLAGS"];

    /// <summary>The OUT code of an output format: its index in <see cref="StandardFormats.Outputs"/> (0 fp32, 1 bf16, 2 fp16).</summary>
    public static int OutputCodeOf(NumberFormat output)
    {
        // By reference first: every vector holds one of these very formats.
        var outputs = StandardFormats.Outputs;
        for (int i = 0; i < outputs.Count; i++) if (ReferenceEquals(outputs[i], output)) return i;
        for (int i = 0; i < outputs.Count; i++) if (outputs[i] == output) return i;
        throw new ArgumentException($"{output.Name} is not an output format (valid: {ValidOutputCodes})");
    }

    /// <summary>The output format of an OUT code, or null.</summary>
    public static NumberFormat? OutputOfCode(int code) => code >= 0 && code < StandardFormats.Outputs.Count ? StandardFormats.Outputs[code] : null;

    public const string ValidOutputCodes = "0 fp32, 1 bf16, 2 fp16";

    public static int ElementWidth(NumberFormat format) => format.Bits;

    public static int PackedDigits(NumberFormat format, int k) => (k * format.Bits + 3) / 4;

    /// <summary>The element format of a line's FA/FB code (0 e4m3 … 5 int8), or null.</summary>
    public static NumberFormat? FormatOfCode(int code) => code >= 0 && code < StandardFormats.Elements.Count ? StandardFormats.Elements[code] : null;

    /// <summary>The FA/FB code of an element format.</summary>
    public static int CodeOf(NumberFormat format) => StandardFormats.ElementCode(format) is var c and >= 0
        ? c : throw new ArgumentException($"{format.Name} has no element format code (valid: {ValidFormatCodes})");

    public const string ValidFormatCodes = "0 e4m3, 1 e5m2, 2 e3m2, 3 e2m3, 4 e2m1, 5 int8";
    public const string ValidModeCodes = "0 rne, 1 rtz, 2 rdn, 3 rup, 4 rna, 5 rto";

    public static int ResultDigits(NumberFormat output) => output.Bits / 4;

    /// <summary>
    /// Parses a line (without comments) into <paramref name="v"/>; throws <see cref="FieldException"/>. <paramref name="output"/>
    /// is the file's one output format, or null when the line carries it (the OUT field after C).
    /// </summary>
    public static void Parse(ReadOnlySpan<char> line, DotVector v, bool withExpected, NumberFormat? output)
    {
        // Lines as the generator writes them (single spaces, exact field widths, ASCII) take the byte fast path; any
        // other line, valid or not, the general one below, which also words the errors.
        if (line.Length <= MaxFastLine)
        {
            Span<byte> bytes = stackalloc byte[line.Length];
            if (System.Text.Ascii.FromUtf16(line, bytes, out _) == System.Buffers.OperationStatus.Done
                && TryParseCanonical(bytes, v, withExpected, output)) return;
        }
        ParseGeneral(line, v, withExpected, output);
    }

    /// <summary>As <see cref="Parse(ReadOnlySpan{char}, DotVector, bool, NumberFormat)"/>, from the bytes of an ASCII line.</summary>
    public static void Parse(ReadOnlySpan<byte> line, DotVector v, bool withExpected, NumberFormat? output)
    {
        if (!TryParseCanonical(line, v, withExpected, output)) ParseGeneral(System.Text.Encoding.Latin1.GetString(line), v, withExpected, output);
    }

    /// <summary>Longest line the char overload narrows on the stack (k = 256 int8 elements: 1,064 bytes).</summary>
    private const int MaxFastLine = 1100;

    /// <summary>
    /// The generator's layout only — <c>FA FB RM SA A SB B C</c> [<c>D FLAGS</c>], each field exactly its width, one
    /// space between fields, nothing around them — parsed at fixed offsets with branch-free hex; false for anything else
    /// (the vector may then be partly written).
    /// </summary>
    private static bool TryParseCanonical(ReadOnlySpan<byte> line, DotVector v, bool withExpected, NumberFormat? output)
    {
        if (line.Length < 6 || line[1] != ' ' || line[3] != ' ' || line[5] != ' ') return false;
        long fa = HexBytes.TryValue(line[..1]), fb = HexBytes.TryValue(line.Slice(2, 1)), rm = HexBytes.TryValue(line.Slice(4, 1));
        if ((ulong)fa >= (ulong)ElementCodes.Count || (ulong)fb >= (ulong)ElementCodes.Count || (ulong)rm > 5) return false;
        // The formats by their codes' ElementCodes (an array read, where StandardFormats.Elements is an interface call).
        ElementCodes codesA = ElementCodes.At((int)fa), codesB = ElementCodes.At((int)fb);
        NumberFormat formatA = codesA.Format, formatB = codesB.Format;
        int k = v.K, da = PackedDigits(formatA, k), db = PackedDigits(formatB, k);
        // Field offsets: SA at 6, A at 9, SB after A, B after SB, then C (8), D and FLAGS.
        int a = 9, sb = a + da + 1, b = sb + 3, c = b + db + 1, end = c + 8;
        var o = output;
        if (o is null)
        {
            // OUT, one digit after C
            if (line.Length < end + 2 || line[end] != ' ') return false;
            long oc = HexBytes.TryValue(line.Slice(end + 1, 1));
            if ((ulong)oc >= (ulong)StandardFormats.Outputs.Count) return false;
            o = StandardFormats.Outputs[(int)oc];
            end += 2;
        }
        int d = end + 1, flags = d + ResultDigits(o) + 1;
        if (line.Length != (withExpected ? flags + 2 : end)) return false;
        if (line[8] != ' ' || line[sb - 1] != ' ' || line[sb + 2] != ' ' || line[c - 1] != ' ') return false;
        if (withExpected && (line[end] != ' ' || line[flags - 1] != ' ')) return false;
        long scaleA = HexBytes.TryValue(line.Slice(6, 2)), scaleB = HexBytes.TryValue(line.Slice(sb, 2)), cBits = HexBytes.TryValue(line.Slice(c, 8));
        if (scaleA < 0 || scaleB < 0 || cBits < 0 || !v.Scales.IsCode((uint)scaleA) || !v.Scales.IsCode((uint)scaleB)) return false;
        long dBits = 0, flagBits = 0;
        if (withExpected)
        {
            dBits = HexBytes.TryValue(line[d..(flags - 1)]);
            flagBits = HexBytes.TryValue(line.Slice(flags, 2));
            if (dBits < 0 || flagBits < 0) return false;
        }
        if (!TryUnpack(line.Slice(a, da), formatA, v.A) || !TryUnpack(line.Slice(b, db), formatB, v.B)) return false;
        v.SetFormats(codesA, codesB); v.Rounding = (RoundingMode)rm;
        v.ScaleA = (byte)scaleA; v.ScaleB = (byte)scaleB; v.C = (uint)cBits; v.Output = o;
        if (withExpected) { v.D = (uint)dBits; v.Flags = (byte)flagBits; }
        return true;
    }

    /// <summary><see cref="Unpack"/> from ASCII digits, false on a non-digit or bits above element k − 1.</summary>
    /// <remarks>The digit buffer is written in full before it is read: no zeroing (it was a tenth of the parse).</remarks>
    [SkipLocalsInit]
    private static bool TryUnpack(ReadOnlySpan<byte> hex, NumberFormat format, Span<byte> codes)
    {
        // 8- and 4-bit codes (e4m3, e5m2, int8, e2m1: two thirds of the random fields) 16 at a time, straight from the digits.
        if (format.Bits is 8 or 4 && HexBytes.TryReadReversed(hex, format.Bits, codes) is var read and >= 0) return read == 1;
        Span<byte> nibbles = hex.Length <= 512 ? stackalloc byte[hex.Length] : new byte[hex.Length];
        if (!HexBytes.TryDecode(hex, nibbles)) return false;
        int w = ElementWidth(format), k = codes.Length, last = nibbles.Length - 1;
        if (w == 8)
        {
            for (int e = 0; e < k; e++) codes[e] = (byte)(nibbles[last - 2 * e - 1] << 4 | nibbles[last - 2 * e]);
            return true;
        }
        if (w == 4)
        {
            for (int e = 0; e < k; e++) codes[e] = nibbles[last - e];
            return true;
        }
        if (w == 6 && k % 4 == 0)
        {
            // E3M2, E2M3 (a third of the random fields): four codes are exactly six digits (24 bits), taken from the end
            // as MxvLine.Packed6 writes them. The field has exactly k·6/4 digits, so no bit lies above element k − 1.
            for (int e = 0, q = last; e < k; e += 4, q -= 6)
            {
                uint x = (uint)(nibbles[q - 5] << 20 | nibbles[q - 4] << 16 | nibbles[q - 3] << 12 | nibbles[q - 2] << 8 | nibbles[q - 1] << 4 | nibbles[q]);
                codes[e] = (byte)(x & 0x3F);
                codes[e + 1] = (byte)(x >> 6 & 0x3F);
                codes[e + 2] = (byte)(x >> 12 & 0x3F);
                codes[e + 3] = (byte)(x >> 18);
            }
            return true;
        }
        ulong buffer = 0;
        int bits = 0, element = 0;
        uint mask = (1u << w) - 1;
        for (int i = last; i >= 0; i--)
        {
            buffer |= (ulong)nibbles[i] << bits;
            bits += 4;
            while (bits >= w && element < k)
            {
                codes[element++] = (byte)(buffer & mask);
                buffer >>= w;
                bits -= w;
            }
        }
        return buffer == 0;
    }

    private static void ParseGeneral(ReadOnlySpan<char> line, DotVector v, bool withExpected, NumberFormat? output)
    {
        int pos = 0, index = 0;
        bool outField = output is null;
        var names = outField ? FieldNamesWithOutput : FieldNames;
        int expectedFields = (withExpected ? 10 : 8) + (outField ? 1 : 0);
        if (output is not null) v.Output = output;
        for (; index < expectedFields; index++)
        {
            while (pos < line.Length && line[pos] == ' ') pos++;
            if (pos >= line.Length)
                throw new FieldException(names[index], $"missing field {names[index]} (expected {expectedFields} fields: {string.Join(' ', names.Take(expectedFields))})");
            int end = pos;
            while (end < line.Length && line[end] != ' ' && line[end] != '\t') end++;
            var tok = line[pos..end];
            pos = end;
            // Field numbers as in FieldNamesWithOutput (8 OUT, 9 D, 10 FLAGS); a line without OUT skips 8.
            switch (outField || index < 8 ? index : index + 1)
            {
                case 0: v.FormatA = FormatCode(tok, "FA"); break;
                case 1: v.FormatB = FormatCode(tok, "FB"); break;
                case 2:
                    v.Rounding = RoundingModes.FromCode((int)Hex(tok, "RM", 1))
                        ?? throw new FieldException("RM", $"RM '{tok}' is not a rounding-mode code; valid: {ValidModeCodes}");
                    break;
                case 3: v.ScaleA = ScaleCode(tok, "SA", v.Scales); break;
                case 4: Unpack(tok, "A", v.FormatA, v.A); break;
                case 5: v.ScaleB = ScaleCode(tok, "SB", v.Scales); break;
                case 6: Unpack(tok, "B", v.FormatB, v.B); break;
                case 7: v.C = (uint)Hex(tok, "C", 8); break;
                case 8:
                    v.Output = OutputOfCode((int)Hex(tok, "OUT", 1))
                        ?? throw new FieldException("OUT", $"OUT '{tok}' is not an output-format code; valid: {ValidOutputCodes}");
                    break;
                case 9: v.D = (uint)Hex(tok, "D", ResultDigits(v.Output)); break;
                case 10: v.Flags = (byte)Hex(tok, "FLAGS", 2); break;
            }
        }
        while (pos < line.Length && (line[pos] == ' ' || line[pos] == '\t' || line[pos] == '\r')) pos++;
        if (pos < line.Length) throw new FieldException("end", $"unexpected text after the last field: '{line[pos..].ToString()}'");
    }

    internal static NumberFormat FormatCode(ReadOnlySpan<char> tok, string field) =>
        FormatOfCode((int)Hex(tok, field, 1)) ?? throw new FieldException(field, $"{field} '{tok}' is not a format code; valid: {ValidFormatCodes}");

    internal static byte ScaleCode(ReadOnlySpan<char> tok, string field, ScaleCodec scales)
    {
        uint code = (uint)Hex(tok, field, 2);
        if (!scales.IsCode(code))
            throw new FieldException(field, $"{field} '{tok}' is not a {scales.Format.Name} scale code (00..{scales.MaxCode:x2})");
        return (byte)code;
    }

    internal static ulong Hex(ReadOnlySpan<char> tok, string field, int digits)
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

    /// <summary>0–15 for 0-9, a-f, A-F, else −1 (branch-light and inlined: it runs for every digit of a file).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static int HexDigit(char ch)
    {
        uint digit = (uint)ch - '0';
        if (digit <= 9) return (int)digit;
        uint letter = ((uint)ch | 0x20) - 'a'; // 'A'..'F' → 'a'..'f'
        return letter <= 5 ? (int)letter + 10 : -1;
    }

    /// <summary>Unpacks k w-bit codes from hex digits (least significant digit last).</summary>
    public static void Unpack(ReadOnlySpan<char> tok, string field, NumberFormat format, Span<byte> codes)
    {
        int w = ElementWidth(format), k = codes.Length;
        int digits = PackedDigits(format, k);
        if (tok.Length != digits)
            throw new FieldException(field, $"{field} has {tok.Length} hex digits; {k} {format.Name} elements need exactly {digits}");
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
    public static void Pack(ReadOnlySpan<byte> codes, NumberFormat format, Span<char> dest)
    {
        int w = ElementWidth(format);
        int digits = PackedDigits(format, codes.Length);
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
        sb.Append(HexChar(CodeOf(v.FormatA))).Append(' ').Append(HexChar(CodeOf(v.FormatB))).Append(' ').Append(HexChar((int)v.Rounding)).Append(' ');
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

/// <summary>
/// Formats a dot vector as an <c>.mxv</c> data line straight into bytes (no strings: the generator writes millions of
/// lines a second). The layout is <see cref="DotLine"/>'s, <c>FA FB RM SA A SB B C D FLAGS</c>, lowercase hex.
/// </summary>
public static class MxvLine
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>Upper bound of a data line's length in bytes, newline included.</summary>
    public static int MaxLength(int k) => 2 * DotLine.PackedDigits(StandardFormats.Int8, k) + 40;

    /// <summary>
    /// Writes the line and a '\n' into <paramref name="dest"/>; returns the bytes written. <paramref name="output"/> is the
    /// file's one output format, or null to write the vector's own (<see cref="DotVector.Output"/>) in the OUT field.
    /// </summary>
    public static int FormatDot(DotVector v, NumberFormat? output, Span<byte> dest)
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
        if (output is null)
        {
            output = v.Output;
            dest[p++] = Hex[DotLine.OutputCodeOf(output)]; dest[p++] = (byte)' ';
        }
        p = HexDigits(v.D, DotLine.ResultDigits(output), dest, p); dest[p++] = (byte)' ';
        p = HexDigits(v.Flags, 2, dest, p);
        dest[p++] = (byte)'\n';
        return p;
    }

    /// <summary>Each byte value's two lowercase hex digits, high digit first, as the little-endian 16-bit word they form.</summary>
    private static readonly ushort[] DigitPairs = BuildDigitPairs();

    private static ushort[] BuildDigitPairs()
    {
        var t = new ushort[256];
        for (int b = 0; b < 256; b++) t[b] = (ushort)(Hex[b >> 4] | Hex[b & 0xF] << 8);
        return t;
    }

    /// <summary>The low <paramref name="digits"/> hex digits of <paramref name="value"/>, two per table lookup.</summary>
    private static int HexDigits(uint value, int digits, Span<byte> dest, int p)
    {
        var pairs = DigitPairs;
        int q = p + digits;
        for (; q - p >= 2; value >>= 8) { q -= 2; BinaryPrimitives.WriteUInt16LittleEndian(dest[q..], pairs[value & 0xFF]); }
        if (q > p) dest[p] = Hex[(int)(value & 0xF)];
        return p + digits;
    }

    /// <summary>
    /// Element i in bits [i·w, i·w + w) of one hex number, most significant digit first (as DotLine.Pack): 8- and 4-bit
    /// codes 16 at a time (<see cref="HexBytes.TryWriteReversed"/>), any width a byte of the number at a time, its two
    /// digits from <see cref="DigitPairs"/>, filled in from the last digit backwards.
    /// </summary>
    private static int Packed(byte[] codes, NumberFormat format, Span<byte> dest, int p)
    {
        int w = DotLine.ElementWidth(format);
        int digits = DotLine.PackedDigits(format, codes.Length);
        if ((w == 8 || w == 4) && HexBytes.TryWriteReversed(codes, w, dest[p..])) return p + digits;
        var pairs = DigitPairs;
        var d = dest.Slice(p, digits);
        if (w == 6 && codes.Length % 4 == 0)
        {
            Packed6(codes, pairs, d);
            return p + digits;
        }
        int q = digits;
        ulong buffer = 0;
        int bits = 0;
        uint mask = (1u << w) - 1;
        foreach (byte code in codes)
        {
            buffer |= (ulong)(code & mask) << bits;
            bits += w;
            for (; bits >= 8; bits -= 8, buffer >>= 8) { q -= 2; BinaryPrimitives.WriteUInt16LittleEndian(d[q..], pairs[(int)(buffer & 0xFF)]); }
        }
        // The top 1–7 bits left: one digit, or two (a partial byte).
        if (q == 2) BinaryPrimitives.WriteUInt16LittleEndian(d, pairs[(int)buffer]);
        else if (q == 1) d[0] = Hex[(int)buffer];
        return p + digits;
    }

    /// <summary>
    /// The 6-bit formats (E3M2, E2M3: a third of the random fields), four codes at a time: they fill exactly three bytes
    /// of the number, whose six digits go in from the end as in the loop above. <paramref name="d"/> holds exactly
    /// k·6/4 digits and k is a multiple of 4, so every read and write below is inside the spans.
    /// </summary>
    private static void Packed6(byte[] codes, ushort[] pairs, Span<byte> d)
    {
        ref byte src = ref MemoryMarshal.GetArrayDataReference(codes);
        ref ushort pair = ref MemoryMarshal.GetArrayDataReference(pairs);
        ref byte dst = ref MemoryMarshal.GetReference(d);
        for (int i = 0, q = d.Length; i < codes.Length; i += 4)
        {
            uint c = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, i)); // codes i … i+3, code i in the low byte
            uint x = (c & 0x3F) | (c >> 2 & 0x3F << 6) | (c >> 4 & 0x3F << 12) | (c >> 6 & 0x3F << 18);
            q -= 6;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, q + 4), Unsafe.Add(ref pair, (int)(x & 0xFF)));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, q + 2), Unsafe.Add(ref pair, (int)(x >> 8 & 0xFF)));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, q), Unsafe.Add(ref pair, (int)(x >> 16)));
        }
    }
}
