using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

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
