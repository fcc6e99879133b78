using System.Text;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Files;

/// <summary>
/// The decode line: <c>F RM S A</c>, and in <c>.mxv</c> files <c>F RM S A D FLAGS</c> (lowercase hex, one space).
/// F the element format code and RM the rounding-mode code (as in dot lines), S the scale code (2 digits), A the k
/// element codes packed as in dot lines (element i in bits [i·w, i·w + w)), D the k output codes packed the same way
/// (element i in bits [i·o, i·o + o), o = 32 for fp32, 16 for bf16/fp16: exactly k·o/4 digits), FLAGS the OR of the
/// elements' flags (bit 0 NX, 1 UF, 2 OF, 4 NV).
/// </summary>
public static class DecodeLine
{
    public static readonly string[] FieldNames = ["F", "RM", "S", "A", "D", "FLAGS"];

    /// <summary>Parses a line (without comments) into <paramref name="v"/>; throws <see cref="FieldException"/>.</summary>
    public static void Parse(ReadOnlySpan<char> line, DecodeVector v, bool withExpected, NumberFormat output)
    {
        int expectedFields = withExpected ? 6 : 4;
        var fields = new LineFields(line, FieldNames, expectedFields);
        for (int index = 0; index < expectedFields; index++)
        {
            var tok = fields.Next(index);
            switch (index)
            {
                case 0: v.Format = DotLine.FormatCode(tok, "F"); break;
                case 1: v.Rounding = MicroexponentDotLine.Rounding(tok); break;
                case 2: v.Scale = DotLine.ScaleCode(tok, "S", v.Scales); break;
                case 3: DotLine.Unpack(tok, "A", v.Format, v.A); break;
                case 4: UnpackResults(tok, output, v.D); break;
                case 5: v.Flags = (byte)DotLine.Hex(tok, "FLAGS", 2); break;
            }
        }
        fields.End();
    }

    /// <summary>As <see cref="Parse(ReadOnlySpan{char}, DecodeVector, bool, NumberFormat)"/>, from the bytes of an ASCII line (no string per line).</summary>
    public static void Parse(ReadOnlySpan<byte> line, DecodeVector v, bool withExpected, NumberFormat output)
    {
        Span<char> chars = line.Length <= LineFields.MaxStackLine ? stackalloc char[line.Length] : new char[line.Length];
        Parse(chars[..System.Text.Encoding.Latin1.GetChars(line, chars)], v, withExpected, output);
    }

    /// <summary>Digits of the packed D field.</summary>
    public static int ResultDigits(NumberFormat output, int k) => k * output.Bits / 4;

    private static void UnpackResults(ReadOnlySpan<char> tok, NumberFormat output, Span<uint> d)
    {
        int per = output.Bits / 4, digits = ResultDigits(output, d.Length);
        if (tok.Length != digits)
            throw new FieldException("D", $"D has {tok.Length} hex digits; {d.Length} {output.Name} results need exactly {digits}");
        for (int i = 0; i < d.Length; i++)
            d[i] = (uint)DotLine.Hex(tok.Slice(tok.Length - (i + 1) * per, per), "D", per);
    }

    /// <summary>The k output codes packed as the D field (element 0 in the last digits).</summary>
    public static void AppendResults(StringBuilder sb, ReadOnlySpan<uint> d, NumberFormat output)
    {
        string format = "x" + output.Bits / 4;
        for (int i = d.Length - 1; i >= 0; i--) sb.Append(d[i].ToString(format));
    }

    /// <summary>The input fields <c>F RM S A</c>.</summary>
    public static void AppendInputs(StringBuilder sb, DecodeVector v)
    {
        Span<char> buf = stackalloc char[DotLine.PackedDigits(v.Format, v.K)];
        DotLine.Pack(v.A, v.Format, buf);
        sb.Append(DotLine.CodeOf(v.Format).ToString("x")).Append(' ').Append(((int)v.Rounding).ToString("x")).Append(' ')
          .Append(v.Scale.ToString("x2")).Append(' ').Append(buf);
    }

    /// <summary>A complete file line <c>F RM S A D FLAGS</c> (no newline).</summary>
    public static string FormatLine(DecodeVector v, NumberFormat output)
    {
        var sb = new StringBuilder();
        AppendInputs(sb, v);
        sb.Append(' ');
        AppendResults(sb, v.D, output);
        return sb.Append(' ').Append(v.Flags.ToString("x2")).ToString();
    }

    /// <summary>The answer of the streaming oracle and the expected fields of a file line: <c>D FLAGS</c>.</summary>
    public static string FormatResult(ReadOnlySpan<uint> d, byte flags, NumberFormat output)
    {
        var sb = new StringBuilder(ResultDigits(output, d.Length) + 3);
        AppendResults(sb, d, output);
        return sb.Append(' ').Append(flags.ToString("x2")).ToString();
    }
}
