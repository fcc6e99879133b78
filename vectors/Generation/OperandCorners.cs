using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

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
