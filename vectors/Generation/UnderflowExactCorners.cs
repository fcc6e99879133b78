using MxRef.Formats;
using MxRef.Random;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation;

/// <summary>
/// The one underflow-boundary value that <see cref="UnderflowCorners"/> leaves out: the exact result
/// R = ±(2^p − 1)·2^u, u = emin − p, the largest value below 2^emin with a p-bit significand, with no round or sticky
/// bit at all. Rounded to p bits with an unbounded exponent it stays R, so it is tiny (IEEE 754-2019 §7.5, tininess
/// after rounding) in every mode; its lowest bit 2^u lies below the smallest subnormal 2^(u+1), so it is inexact and
/// raises UF|NX, and under rup (R &gt; 0), rdn (R &lt; 0), rne (a tie to the even 2^(p−1)) and rna it rounds to ±2^emin
/// (FP32: 0x00800000 / 0x80800000). A rounder that sees a sticky bit that is not there rounds R up to 2^emin before the
/// check, calls it normal and drops UF. Three ways to the same R, both signs: C = ±(2^p − 2)·2^u with a block of ±2^u;
/// C = ±2^emin with a block of ∓2^u (a borrow through the accumulator); C = +0 with the block carrying all p bits
/// (as many lanes as the pair needs, when it fits; else the first way).
/// </summary>
internal sealed class UnderflowExactCorners : CornerFamily
{
    public const int Ways = 3;

    public override string Name => "underflow-exact";

    public override int Variants(ElementCodes a, ElementCodes b) => Ways * 2;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        var o = cell.Output;
        bool negative = (variant & 1) != 0;
        int way = variant / 2;
        int p = o.MantissaBits + 1, u = o.Emin - p;
        Clear(v, cell);
        if (way == 2 && TrySum(v, cell, (Int128.One << p) - 1, u, negative)) return; // C stays +0
        if (way != 1 && Fp32Values.Encode(StandardFormats.Fp32, negative, (1UL << p) - 2, u) is { } below && TrySum(v, cell, 1, u, negative))
        {
            v.C = below;
            return;
        }
        if (TrySum(v, cell, 1, u, !negative))
        {
            v.C = Fp32Values.Fp32(negative, 1, o.Emin);
            return;
        }
        v.A[0] = cell.A.One; v.B[0] = cell.B.One;
    }
}
