using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// The NaN / Inf rules of the reference dot product (docs/semantics.md, "Special cases"), in their order:
/// 1. NaN when a scale is NaN (E8M0 0xFF, UE4M3 0x7F), C is NaN, an element is NaN, a product is ∞×0, or infinities of both signs meet;
/// 2. NV when C is a signalling NaN, a product is ∞×0, or infinities of both signs meet with no NaN input;
/// 3. otherwise an infinite product or C gives that infinity with no flags.
/// </summary>
public struct SpecialCases
{
    public bool NaNInput;      // a NaN scale, NaN element or NaN C
    public bool InfTimesZero;
    public bool SignalingC;
    public bool PositiveInfinity, NegativeInfinity;

    public void AddScale(ScaleCodec scales, uint scale)
    {
        if (scales.IsNaN(scale)) NaNInput = true;
    }

    public void AddC(Decoded c)
    {
        if (c.IsNaN) { NaNInput = true; SignalingC |= c.Class == ValueClass.SignalingNaN; }
        else if (c.IsInfinity) AddInfinity(c.Negative);
    }

    /// <summary>
    /// Scans the products of a block; only called when some element is NaN or Inf. With a zero scale (UE4M3 0x00) every
    /// infinite element meets a zero factor: ∞×0, as IEEE 754 multiplies sa·a_i.
    /// </summary>
    public void AddProducts(in BlockPair p)
    {
        bool scaleZero = p.ScaleIsZero;
        for (int i = 0; i < p.Length; i++)
        {
            byte ca = p.TableA.Class[p.A[i] & p.TableA.CodeMask], cb = p.TableB.Class[p.B[i] & p.TableB.CodeMask];
            if (((ca | cb) & ElementTable.ClassNaN) != 0) { NaNInput = true; continue; }
            if (((ca | cb) & ElementTable.ClassInfinity) == 0) continue;
            if (scaleZero || ((ca | cb) & ElementTable.ClassZero) != 0) { InfTimesZero = true; continue; }
            AddInfinity(((ca ^ cb) & ElementTable.ClassNegative) != 0);
        }
    }

    private void AddInfinity(bool negative)
    {
        if (negative) NegativeInfinity = true;
        else PositiveInfinity = true;
    }

    /// <summary>The special result, or null when every term is finite.</summary>
    public readonly DotResult? Resolve(NumberFormat output)
    {
        bool bothInfinities = PositiveInfinity && NegativeInfinity;
        if (NaNInput || InfTimesZero || bothInfinities)
        {
            bool invalid = SignalingC || InfTimesZero || (bothInfinities && !NaNInput);
            return new DotResult(output.CanonicalNanCode, invalid ? ExceptionFlags.Invalid : ExceptionFlags.None);
        }
        if (PositiveInfinity) return new DotResult(output.InfinityCode, ExceptionFlags.None);
        if (NegativeInfinity) return new DotResult(output.NegativeZeroCode | output.InfinityCode, ExceptionFlags.None);
        return null;
    }
}
