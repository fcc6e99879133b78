using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Files;

/// <summary>A malformed field in a text line; the reader adds file and line.</summary>
public sealed class FieldException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// One dot-product vector: input fields and (optionally) the expected output. Formats and the rounding mode are held as
/// formats, not hardware codes (the codes exist only in the line layout, the RTL port and the C ABI); the scale codes
/// are read through <see cref="Scales"/> (E8M0 unless the file or command names another block format, e.g. NVFP4's UE4M3).
/// </summary>
public sealed class DotVector
{
    // A format is held as its element codes (_codes, set by SetFormats or looked up on first use) or, until then or for a
    // format that has none, as itself (_format, read only while _codes is null). SetFormats thus stores one reference per
    // operand: every reference stored into an object costs a GC write barrier (a call), and the generator and the file
    // reader set both formats of every vector.
    private NumberFormat _formatA = StandardFormats.E4M3, _formatB = StandardFormats.E4M3;
    private ElementCodes? _codesA, _codesB;

    // The cached codes stay when the same format is set again.
    public NumberFormat FormatA { get => _codesA?.Format ?? _formatA; set { if (!ReferenceEquals(FormatA, value)) { _formatA = value; _codesA = null; } } }
    public NumberFormat FormatB { get => _codesB?.Format ?? _formatB; set { if (!ReferenceEquals(FormatB, value)) { _formatB = value; _codesB = null; } } }

    /// <summary>
    /// FormatA's element codes (its <see cref="ElementTable"/> and its index among the MX element formats), found once
    /// per format set: the golden model, the coverage classifier and the binary record each need them for every vector,
    /// and finding a format costs more than the reference read. Null when FormatA is not an MX element format.
    /// </summary>
    public ElementCodes? CodesA => _codesA ??= CodesOf(_formatA);
    /// <summary>FormatB's element codes (<see cref="CodesA"/>).</summary>
    public ElementCodes? CodesB => _codesB ??= CodesOf(_formatB);

    /// <summary>FormatA's code in the line layout and on the RTL port (<see cref="DotLine.CodeOf"/>, which throws for other formats).</summary>
    public int FormatCodeA => CodesA?.Index ?? DotLine.CodeOf(_formatA);
    public int FormatCodeB => CodesB?.Index ?? DotLine.CodeOf(_formatB);

    private static ElementCodes? CodesOf(NumberFormat f) => StandardFormats.ElementCode(f) >= 0 ? ElementCodes.For(f) : null;

    /// <summary>
    /// Sets both element formats from their codes, which the caller already holds (the generator's draw, the line
    /// parser's FA and FB), so that <see cref="CodesA"/> and <see cref="CodesB"/> need no look-up afterwards.
    /// </summary>
    public void SetFormats(ElementCodes a, ElementCodes b)
    {
        _codesA = a;
        _codesB = b;
    }
    public RoundingMode Rounding;
    /// <summary>
    /// The format D is rounded to: FP32 (the default), BF16 or FP16 (<see cref="StandardFormats.Outputs"/>). A file of one
    /// output format sets it from its header; a file of several carries it per line (<see cref="DotLine"/>'s OUT field).
    /// </summary>
    public NumberFormat Output = StandardFormats.Fp32;
    /// <summary><see cref="Output"/>'s code in the line's OUT field and on an output-format port: 0 fp32, 1 bf16, 2 fp16.</summary>
    public int OutputCode => DotLine.OutputCodeOf(Output);
    public ScaleCodec Scales = ScaleCodec.E8M0;
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

    /// <summary>A copy of the input fields (formats, mode, output format, scale format, scales, elements, C).</summary>
    public DotVector CopyInputs()
    {
        var copy = new DotVector(K) { FormatA = FormatA, FormatB = FormatB, Rounding = Rounding, Output = Output, Scales = Scales, ScaleA = ScaleA, ScaleB = ScaleB, C = C };
        A.CopyTo(copy.A, 0);
        B.CopyTo(copy.B, 0);
        return copy;
    }
}
