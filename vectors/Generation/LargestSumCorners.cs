using MxRef.Dot;
using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// The largest product sums: every slot holds max×max or a neighbour (the code below max), all with one sign, so the
/// exact sum uses the top bits of a fixed-point accumulator sized for the pair; C at relative alignments
/// d = msb(C) − msb(Σ) from −100 to +100 bits — an exact power of two of the opposite sign at every d for the widest
/// pair (e5m2 × e5m2) and every 10th d for the others, and C of the same sign with a random significand at every 5th
/// (widest) or 10th d. Scales bring the sum near 2^0 so C stays in FP32's range at every d.
/// </summary>
internal sealed class LargestSumCorners : CornerFamily
{
    private const int Reach = 100;

    public override string Name => "largest-sums";

    private static bool Widest(ElementCodes a, ElementCodes b) =>
        a.Format == MxRef.Formats.StandardFormats.E5M2 && b.Format == MxRef.Formats.StandardFormats.E5M2;

    private static int OppositeStep(ElementCodes a, ElementCodes b) => Widest(a, b) ? 1 : 10;
    private static int SameStep(ElementCodes a, ElementCodes b) => Widest(a, b) ? 5 : 10;

    public override int Variants(ElementCodes a, ElementCodes b) => 2 * Reach / OppositeStep(a, b) + 1 + 2 * Reach / SameStep(a, b) + 1;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        int opposite = 2 * Reach / OppositeStep(cell.A, cell.B) + 1;
        bool powerOfTwo = variant < opposite;
        int d = powerOfTwo ? -Reach + variant * OppositeStep(cell.A, cell.B) : -Reach + (variant - opposite) * SameStep(cell.A, cell.B);
        bool negative = rng.NextBool();
        Clear(v, cell);
        Int128 sum = 0;
        for (int i = 0; i < v.K; i++)
        {
            byte a = cell.A.MaxNormal, b = cell.B.MaxNormal;
            if (i > 0 && rng.NextBool()) a--;
            if (i > 0 && rng.NextBool()) b--;
            if (negative) a = cell.A.Negate(a);
            v.A[i] = a; v.B[i] = b;
            sum += Math.BigMul(cell.A.Table.Fixed[a], cell.B.Table.Fixed[b]);
        }
        UInt128 mag = (UInt128)(sum < 0 ? -sum : sum);
        int msbUnits = 127 - (int)UInt128.LeadingZeroCount(mag) - 2 * ElementTable.FractionBits; // msb at sa·sb = 1
        var scales = ScalePowers.For(v.Scales);
        int s = Math.Clamp(-msbUnits, scales.MinSum, scales.MaxSum);
        (v.ScaleA, v.ScaleB) = scales.Split(s);
        int msb = msbUnits + s;
        if (powerOfTwo)
            v.C = Fp32Values.Fp32(!negative, 1, Math.Clamp(msb + d, -149, 127));
        else
            v.C = Fp32Values.Fp32(negative, (1UL << 23) | (rng.NextUInt64() & 0x7FFFFF), Math.Clamp(msb + d, -126, 127) - 23);
    }
}
