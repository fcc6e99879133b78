using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// C dominating the sum: C normal at every distance d = msb(C) − msb(Σ) from 20 to 90 bits and far beyond (100, 120,
/// 160, 200), C subnormal at a spread of distances, of the same or the opposite sign (a per-vector draw), with a
/// multi-bit product sum; and C = ±0 with one product dominating another by 20 to 40 bits inside the block. The
/// generator crosses every mode.
/// </summary>
internal sealed class DominantCorners : CornerFamily
{
    private static readonly int[] Normal = [.. Enumerable.Range(20, 71), 100, 120, 160, 200];
    private static readonly int[] Subnormal = [20, 24, 25, 26, 27, 30, 40, 50, 60, 70, 80, 90, 100, 120];
    private static readonly int[] ZeroC = [20, 24, 30, 40];

    public override string Name => "dominant-c";

    public override int Variants(ElementCodes a, ElementCodes b) => Normal.Length + Subnormal.Length + ZeroC.Length;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        Clear(v, cell);
        bool negative = rng.NextBool(), opposite = rng.NextBool();
        Int128 t = (Int128)(rng.NextUInt64() & 0xFF) | 0x81; // 8 bits, lowest set: the sum has a low sticky bit
        if (variant < Normal.Length + Subnormal.Length)
        {
            bool normal = variant < Normal.Length;
            int d = normal ? Normal[variant] : Subnormal[variant - Normal.Length];
            ulong sig = normal ? (1UL << 23) | (rng.NextUInt64() & 0x7FFFFF) : (1UL << 20) | (rng.NextUInt64() & 0xFFFFF);
            int cExp = normal ? 20 - 23 : -149;
            int msbC = cExp + 63 - System.Numerics.BitOperations.LeadingZeroCount(sig);
            v.C = Fp32Values.Fp32(negative, sig, cExp);
            // A single product where the block cannot split 8 bits.
            if (!TrySum(v, cell, t, msbC - d - 7, negative ^ opposite) && !TrySum(v, cell, 1, msbC - d, negative ^ opposite))
            { v.A[0] = cell.A.One; v.B[0] = cell.B.One; }
            return;
        }
        int spread = ZeroC[variant - Normal.Length - Subnormal.Length];
        v.C = (variant & 1) == 0 ? Fp32Values.PlusZero : Fp32Values.MinusZero;
        if (!TrySum(v, cell, (Int128.One << spread) + 1, 0, negative)) { v.A[0] = cell.A.One; v.B[0] = cell.B.One; }
    }
}
