using MxRef.Dot;
using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Alignment distances: a dense block of random finite products and C = ±1.f·2^(msb(Σ) + d) for d across every region
/// of the alignment shifter — far above (product sum entirely sticky), the round/sticky boundary (±23..±27), near,
/// equal, and far below (C entirely sticky) — with C of the same and of the opposite sign.
/// </summary>
internal sealed class AlignmentCorners : CornerFamily
{
    private static readonly int[] Distances = [-60, -50, -40, -30, -27, -26, -25, -24, -23, -12, -2, -1, 0, 1, 2, 12, 23, 24, 25, 26, 27, 30, 40, 50, 60];

    public override string Name => "alignment";

    public override int Variants(ElementCodes a, ElementCodes b) => Distances.Length * 2;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        Clear(v, cell);
        var pa = cell.A.PositiveFinite; var pb = cell.B.PositiveFinite;
        Int128 sum = 0;
        for (int i = 0; i < v.K; i++)
        {
            byte a = pa[rng.NextInt(0, pa.Count)], b = pb[rng.NextInt(0, pb.Count)];
            if (rng.NextBool()) a = cell.A.Negate(a);
            v.A[i] = a; v.B[i] = b;
            sum += Math.BigMul(cell.A.Table.Fixed[a], cell.B.Table.Fixed[b]);
        }
        if (sum == 0) { v.A[0] = cell.A.One; v.B[0] = cell.B.One; sum = Math.BigMul(cell.A.Table.Fixed[cell.A.One], cell.B.Table.Fixed[cell.B.One]); }
        bool sumNegative = sum < 0;
        UInt128 mag = (UInt128)(sumNegative ? -sum : sum);
        // Clear set unit scales (sa·sb = 1), so the sum's msb is that of the fixed point: 2^−32 per unit.
        int msb = -2 * ElementTable.FractionBits + 127 - (int)UInt128.LeadingZeroCount(mag);
        int d = Distances[variant % Distances.Length];
        bool opposite = variant / Distances.Length == 1;
        ulong sig = (1UL << 23) | (rng.NextUInt64() & 0x7FFFFF);
        v.C = Fp32Values.Fp32(sumNegative ^ opposite, sig, msb + d - 23);
    }
}
