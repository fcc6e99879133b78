using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Files;

/// <summary>
/// One dot-product vector of a shared-microexponent block format (MX9/MX6/MX4, <c>bdr-…</c>): both operands' scale
/// codes, microexponents (one per sub-block) and sign-magnitude element codes, the rounding mode, C, and optionally the
/// expected D and FLAGS. The format is the file's (or <c>mxref dot --format</c>'s), not a per-line field.
/// </summary>
public sealed class MicroexponentDotVector
{
    public BlockFormat Format { get; }
    public RoundingMode Rounding;
    public byte ScaleA, ScaleB;
    public byte[] MicroA, MicroB;
    public uint[] A, B;
    public uint C, D;
    public byte Flags;

    public MicroexponentDotVector(BlockFormat format, int k)
    {
        if (format.Microexponent is null) throw new ArgumentException($"{format.Name} has no microexponents");
        if (k < 1 || k % format.Microexponent.Size != 0)
            throw new ArgumentException($"a {format.Name} block holds whole sub-blocks of {format.Microexponent.Size} elements; k = {k}");
        Format = format;
        A = new uint[k];
        B = new uint[k];
        MicroA = new byte[k / format.Microexponent.Size];
        MicroB = new byte[k / format.Microexponent.Size];
    }

    public int K => A.Length;
    public int SubBlocks => MicroA.Length;
}
