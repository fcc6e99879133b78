using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Files;

/// <summary>
/// One quantization vector: k FP32 inputs, and the expected scale and element codes. The element format and rounding
/// mode are held as a format and a mode; their hardware codes exist only in the line layout (<see cref="QuantizeLine"/>).
/// </summary>
public sealed class QuantizeVector
{
    public NumberFormat Format = StandardFormats.E4M3;
    public RoundingMode Rounding;
    public uint[] V;
    public byte Scale;
    public byte[] P;

    public QuantizeVector(int k)
    {
        V = new uint[k];
        P = new byte[k];
    }

    public int K => V.Length;
}

/// <summary>
/// The <c>op = quantize</c> line layout of <c>.mxv</c> files (docs/vector-format.md): <c>FMT RM V S P</c>, V the k FP32
/// inputs packed like A with 32 bits each (element i in bits [32i, 32i+32), 8k digits), S the scale, P the packed codes.
/// </summary>
public static class QuantizeLine
{
    public static readonly string[] FieldNames = ["FMT", "RM", "V", "S", "P"];

    /// <summary>Parses a line; without <paramref name="withExpected"/>, only the inputs <c>FMT RM V</c> (directed vectors).</summary>
    public static void Parse(ReadOnlySpan<char> line, QuantizeVector q, bool withExpected = true)
    {
        int pos = 0;
        int fields = withExpected ? FieldNames.Length : 3;
        for (int index = 0; index < fields; index++)
        {
            string field = FieldNames[index];
            while (pos < line.Length && line[pos] == ' ') pos++;
            if (pos >= line.Length) throw new FieldException(field, withExpected ? $"missing field {field} (expected 5 fields: FMT RM V S P)" : $"missing field {field} (expected 3 fields: FMT RM V)");
            int end = pos;
            while (end < line.Length && line[end] != ' ') end++;
            var tok = line[pos..end];
            pos = end;
            switch (index)
            {
                case 0:
                    int format = Digit(tok, field);
                    if (format >= StandardFormats.Elements.Count)
                        throw new FieldException(field, $"FMT '{tok}' is not a format code; valid: {string.Join(", ", StandardFormats.Elements.Select((f, c) => $"{c} {f.Name}"))}");
                    q.Format = StandardFormats.Elements[format];
                    break;
                case 1:
                    q.Rounding = RoundingModes.FromCode(Digit(tok, field))
                        ?? throw new FieldException(field, $"RM '{tok}' is not a rounding-mode code; valid: {string.Join(", ", RoundingModes.Deterministic.Select(m => $"{(int)m} {m.ShortName()}"))}");
                    break;
                case 2:
                    if (tok.Length != 8 * q.K) throw new FieldException(field, $"V has {tok.Length} hex digits; {q.K} FP32 inputs need exactly {8 * q.K}");
                    for (int i = 0; i < q.K; i++)
                    {
                        var part = tok.Slice(tok.Length - 8 * (i + 1), 8); // element 0 is the rightmost
                        if (!uint.TryParse(part, System.Globalization.NumberStyles.AllowHexSpecifier, null, out q.V[i]))
                            throw new FieldException(field, $"V '{tok}' is not hexadecimal");
                    }
                    break;
                case 3:
                    if (tok.Length != 2 || !byte.TryParse(tok, System.Globalization.NumberStyles.AllowHexSpecifier, null, out q.Scale))
                        throw new FieldException(field, $"S '{tok}' must be exactly 2 hex digits");
                    break;
                default:
                    DotLine.Unpack(tok, field, q.Format, q.P);
                    break;
            }
        }
        while (pos < line.Length && (line[pos] == ' ' || line[pos] == '\r')) pos++;
        if (pos < line.Length) throw new FieldException("end", $"unexpected text after the last field: '{line[pos..].ToString()}'");
    }

    /// <summary>The line (no newline).</summary>
    public static string Format(QuantizeVector q)
    {
        var sb = new System.Text.StringBuilder();
        int format = StandardFormats.ElementCode(q.Format);
        if (format < 0 || format > 15) throw new ArgumentException($"{q.Format.Name} has no element format code");
        sb.Append("0123456789abcdef"[format]).Append(' ').Append("0123456789abcdef"[(int)q.Rounding]).Append(' ');
        for (int i = q.K - 1; i >= 0; i--) sb.Append(q.V[i].ToString("x8"));
        sb.Append(' ').Append(q.Scale.ToString("x2")).Append(' ');
        Span<char> packed = stackalloc char[DotLine.PackedDigits(q.Format, q.K)];
        DotLine.Pack(q.P, q.Format, packed);
        return sb.Append(packed).ToString();
    }

    private static int Digit(ReadOnlySpan<char> tok, string field)
    {
        if (tok.Length != 1 || !char.IsAsciiHexDigit(tok[0])) throw new FieldException(field, $"{field} '{tok}' must be exactly 1 hex digit");
        return Convert.ToInt32(tok.ToString(), 16);
    }
}
