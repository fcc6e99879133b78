using MxRef.Random;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Every named operand code of A crossed with every named code of B (±0, min/max subnormal, min normal, one, max
/// normal, NaN, ±Inf, INT8 −128/127), in one slot (moving through the block) with the others zero; C alternates
/// between +0 and 1.0 so specials meet both an empty and a non-empty accumulator.
/// </summary>
internal sealed class OperandCorners : CornerFamily
{
    public override string Name => "operands";

    public override int Variants(ElementCodes a, ElementCodes b) => a.Corners.Count * b.Corners.Count;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        int nb = cell.B.Corners.Count;
        int ia = variant / nb, ib = variant % nb;
        Clear(v, cell, c: ((ia + ib) & 1) == 0 ? Fp32Values.PlusZero : Fp32Values.One);
        int slot = variant % v.K;
        v.A[slot] = cell.A.Corners[ia].Code;
        v.B[slot] = cell.B.Corners[ib].Code;
    }
}

/// <summary>
/// Scale corners: every pair of 0x00, 0x01, 0x7F, 0xFE, 0xFF (so the sum reaches both extremes, 0 and 508, and the
/// NaN scale meets every other), with a single one×one product or a block full of max×max products.
/// </summary>
internal sealed class ScaleCorners : CornerFamily
{
    private static readonly byte[] Scales = [0x00, 0x01, 0x7F, 0xFE, 0xFF];

    public override string Name => "scales";

    public override int Variants(ElementCodes a, ElementCodes b) => Scales.Length * Scales.Length * 2;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        int n = Scales.Length;
        Clear(v, cell, Scales[variant % n], Scales[variant / n % n]);
        if (variant / (n * n) == 0)
        {
            v.A[0] = cell.A.One; v.B[0] = cell.B.One;
        }
        else
        {
            Array.Fill(v.A, cell.A.MaxNormal);
            Array.Fill(v.B, cell.B.MaxNormal);
        }
    }
}

/// <summary>
/// Accumulator corners: C = ±0, ±subnormal, min normal, ±normal, ±max, ±Inf, ±qNaN, ±sNaN against products that are
/// one, +0, −0, infinite (max where the format has no Inf), NaN (min subnormal where it has no NaN), and +Inf and −Inf
/// products in one block (infinities of both signs without C).
/// </summary>
internal sealed class AccumulatorCorners : CornerFamily
{
    private static readonly uint[] Cs =
    [
        Fp32Values.PlusZero, Fp32Values.MinusZero, Fp32Values.MinSubnormal, 0x80000000 | Fp32Values.MaxSubnormal, Fp32Values.MinNormal,
        0xBF800000, 0x3FC00000, Fp32Values.MaxFinite, 0x80000000 | Fp32Values.MaxFinite, Fp32Values.PlusInf, Fp32Values.MinusInf,
        Fp32Values.QuietNaN, 0xFFC00000, Fp32Values.SignalingNaN, 0xFFA00001,
    ];

    public override string Name => "accumulator";

    public override int Variants(ElementCodes a, ElementCodes b) => Cs.Length * 6;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        Clear(v, cell, c: Cs[variant % Cs.Length]);
        var (a, b) = (variant / Cs.Length) switch
        {
            0 => (cell.A.One, cell.B.One),
            1 => (cell.A.Zero, cell.B.Zero),
            2 => (cell.A.NegativeZero, cell.B.One),
            3 => (cell.A.Infinity ?? cell.A.MaxNormal, cell.B.One),
            4 => (cell.A.NaN ?? cell.A.MinSubnormal, cell.B.NaN ?? cell.B.MinSubnormal),
            _ => (cell.A.Infinity ?? cell.A.MaxNormal, cell.B.Infinity ?? cell.B.MaxNormal),
        };
        v.A[0] = a; v.B[0] = b;
        if (variant / Cs.Length == 5 && v.K > 1) { v.A[1] = cell.A.Negate(a); v.B[1] = b; } // +x·y and −x·y: both infinite signs
    }
}

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
        int msb = -254 + 0x7F + 0x7F - 32 + 127 - (int)UInt128.LeadingZeroCount(mag);
        int d = Distances[variant % Distances.Length];
        bool opposite = variant / Distances.Length == 1;
        ulong sig = (1UL << 23) | (rng.NextUInt64() & 0x7FFFFF);
        v.C = Fp32Values.Fp32(sumNegative ^ opposite, sig, msb + d - 23);
    }
}
