using System.Text;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Files;

/// <summary>
/// One shared-microexponent quantization vector (MX9/MX6/MX4, <c>bdr-…</c>): k1 FP32 inputs, the rounding mode, and the
/// expected block exponent code, the k1/k2 microexponents and the k1 sign-magnitude element codes. The block format is
/// the file's (header <c>block_format</c>), not a per-line field.
/// </summary>
public sealed class BdrQuantizeVector
{
    public BlockFormat Format { get; }
    public RoundingMode Rounding;
    public uint[] V;
    public byte Scale;
    public byte[] Micro;
    public uint[] P;

    public BdrQuantizeVector(BlockFormat format)
    {
        if (BdrQuantizeLine.Unsupported(format) is { } why) throw new ArgumentException(why);
        Format = format;
        V = new uint[format.BlockSize];
        P = new uint[format.BlockSize];
        Micro = new byte[format.SubBlocks];
    }

    public int K => V.Length;
}

/// <summary>
/// The <c>op = quantize-bdr</c> line layout of <c>.mxv</c> files (docs/vector-format.md): <c>RM V S M P</c>, lowercase
/// hex, one space. RM the rounding-mode code; V the k1 FP32 inputs packed 32 bits each (element i in bits [32i, 32i+32),
/// 8·k1 digits, element 0 rightmost, as in quantize lines); S the block exponent's scale code (2 digits); M and P the
/// microexponents and element codes packed exactly as a shared-microexponent dot line's MA and A
/// (<see cref="MicroexponentDotLine"/>), so that <c>S M P</c> of a quantize-bdr line is an operand of a dot line as is.
/// </summary>
public static class BdrQuantizeLine
{
    public static readonly string[] FieldNames = ["RM", "V", "S", "M", "P"];

    /// <summary>Null when <paramref name="format"/> has a quantize-bdr line layout, else why not.</summary>
    public static string? Unsupported(BlockFormat format) => MicroexponentDotLine.Unsupported(format);

    /// <summary>Parses a line; without <paramref name="withExpected"/>, only the inputs <c>RM V</c>. Throws <see cref="FieldException"/>.</summary>
    public static void Parse(ReadOnlySpan<char> line, BdrQuantizeVector q, bool withExpected = true)
    {
        var f = q.Format;
        int fields = withExpected ? FieldNames.Length : 2;
        var fieldsOf = new LineFields(line, FieldNames, fields);
        for (int index = 0; index < fields; index++)
        {
            var tok = fieldsOf.Next(index);
            switch (index)
            {
                case 0: q.Rounding = MicroexponentDotLine.Rounding(tok); break;
                case 1: MicroexponentDotLine.Unpack(tok, "V", 32, q.V); break;
                case 2: q.Scale = DotLine.ScaleCode(tok, "S", f.ScaleCodec); break;
                case 3: MicroexponentDotLine.UnpackMicro(tok, "M", f, q.Micro); break;
                default: MicroexponentDotLine.Unpack(tok, "P", f.ElementBits, q.P); break;
            }
        }
        fieldsOf.End();
    }

    /// <summary>The whole data line <c>RM V S M P</c> (no newline).</summary>
    public static string Format(BdrQuantizeVector q)
    {
        var sb = new StringBuilder();
        sb.Append("0123456789abcdef"[(int)q.Rounding]).Append(' ');
        MicroexponentDotLine.Pack(q.V, 32, sb);
        sb.Append(' ').Append(q.Scale.ToString("x2")).Append(' ');
        MicroexponentDotLine.PackMicro(q.Micro, q.Format.Microexponent!.Bits, sb);
        sb.Append(' ');
        MicroexponentDotLine.Pack(q.P, q.Format.ElementBits, sb);
        return sb.ToString();
    }
}
