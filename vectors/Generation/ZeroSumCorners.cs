using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Products summing to exactly zero with C = +0 and C = −0 (IEEE 754-2019 §6.3: an exact zero sum is +0 except under
/// roundTowardNegative, and x + x keeps the sign of x): products that are all zero with mixed zero signs, one product
/// cancelled by its negation in another slot, and a block of random products cancelled by their negations. The
/// generator crosses every mode.
/// </summary>
internal sealed class ZeroSumCorners : CornerFamily
{
    public override string Name => "zero-sums";

    public override int Variants(ElementCodes a, ElementCodes b) => 6;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        Clear(v, cell, c: (variant & 1) == 0 ? Fp32Values.PlusZero : Fp32Values.MinusZero);
        var pa = cell.A.PositiveFinite; var pb = cell.B.PositiveFinite;
        switch (variant / 2)
        {
            case 0: // zero products of both signs: ±0 × finite
                for (int i = 0; i < v.K; i++)
                {
                    v.A[i] = rng.NextBool() ? cell.A.NegativeZero : cell.A.Zero;
                    v.B[i] = rng.NextBool() ? cell.B.Negate(pb[rng.NextInt(0, pb.Count)]) : pb[rng.NextInt(0, pb.Count)];
                }
                break;
            case 1: // x·y in one slot, −x·y in another
                {
                    byte a = pa[rng.NextInt(0, pa.Count)], b = pb[rng.NextInt(0, pb.Count)];
                    v.A[0] = a; v.B[0] = b;
                    if (v.K > 1) { int j = rng.NextInt(1, v.K); v.A[j] = cell.A.Negate(a); v.B[j] = b; }
                    else v.A[0] = cell.A.Zero;
                    break;
                }
            default: // half the block random, the other half its negation
                for (int i = 0; i + 1 < v.K; i += 2)
                {
                    byte a = pa[rng.NextInt(0, pa.Count)], b = pb[rng.NextInt(0, pb.Count)];
                    if (rng.NextBool()) a = cell.A.Negate(a);
                    v.A[i] = a; v.B[i] = b;
                    v.A[i + 1] = cell.A.Negate(a); v.B[i + 1] = b;
                }
                break;
        }
    }
}
