using MxRef.Formats;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Every combination of the 2k element codes of a small block (k·(wA+wB) ≤ <see cref="MaxBits"/> bits), scales fixed
/// at the scale format's unit (E8M0 0x7F, UE4M3 0x38), against C ∈ {+0, −0, 1, −3}: a small unit (k = 1, or k = 2 with 4- and 6-bit formats) can be
/// checked completely. Combination j sets A from its low k·wA bits and B from the next k·wB bits.
/// </summary>
public static class ExhaustiveSet
{
    public const int MaxBits = 24;
    public static readonly uint[] Accumulators = [0x00000000, 0x80000000, 0x3F800000, 0xC0400000];

    public static long CombinationsPerCell(NumberFormat formatA, NumberFormat formatB, int k) =>
        1L << (k * (formatA.Bits + formatB.Bits));

    public static void Build(long combination, DotVector v)
    {
        int wa = v.FormatA.Bits, wb = v.FormatB.Bits;
        for (int i = 0; i < v.K; i++) v.A[i] = (byte)((combination >> (i * wa)) & ((1 << wa) - 1));
        long rest = combination >> (v.K * wa);
        for (int i = 0; i < v.K; i++) v.B[i] = (byte)((rest >> (i * wb)) & ((1 << wb) - 1));
        v.ScaleA = v.ScaleB = (byte)v.Scales.UnitCode;
    }
}
