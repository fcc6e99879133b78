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
    public NumberFormat FormatA = StandardFormats.E4M3, FormatB = StandardFormats.E4M3;
    public RoundingMode Rounding;
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

    /// <summary>A copy of the input fields (formats, mode, scale format, scales, elements, C).</summary>
    public DotVector CopyInputs()
    {
        var copy = new DotVector(K) { FormatA = FormatA, FormatB = FormatB, Rounding = Rounding, Scales = Scales, ScaleA = ScaleA, ScaleB = ScaleB, C = C };
        A.CopyTo(copy.A, 0);
        B.CopyTo(copy.B, 0);
        return copy;
    }
}
