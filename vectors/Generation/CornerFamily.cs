using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>Everything a corner constructor needs for one (format pair, rounding mode) cell.</summary>
internal sealed class CornerCell(ProductSums pair, RoundingMode mode, NumberFormat output)
{
    public ProductSums Pair { get; } = pair;
    public ElementCodes A => Pair.A;
    public ElementCodes B => Pair.B;
    public RoundingMode Mode { get; } = mode;
    public NumberFormat Output { get; } = output;
}

/// <summary>
/// A family of deterministic corner cases, crossed by the generator over every format pair and rounding mode. A family
/// has a fixed number of variants per format pair; variant v of a cell is built from (cell, v) alone (plus a
/// per-index random stream for filler), so any vector can be produced without the others.
/// </summary>
internal abstract class CornerFamily
{
    /// <summary>Section name, written as <c>// class: corners/NAME</c>.</summary>
    public abstract string Name { get; }
    public abstract int Variants(ElementCodes a, ElementCodes b);

    /// <summary>Variants for a run with the given scale format (only the scale family depends on it).</summary>
    public virtual int Variants(ElementCodes a, ElementCodes b, ScaleCodec scales) => Variants(a, b);

    /// <summary>Variants for a run with the given scale format and block size k (only per-lane families depend on k).</summary>
    public virtual int Variants(ElementCodes a, ElementCodes b, ScaleCodec scales, int block) => Variants(a, b, scales);
    /// <summary>Sets the inputs of <paramref name="v"/> (formats and mode are already set).</summary>
    public abstract void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng);

    /// <summary>Zero elements, unit scales (the scale format's 1.0: E8M0 0x7F, UE4M3 0x38) and C.</summary>
    protected static void Clear(DotVector v, CornerCell cell, uint c = 0)
    {
        byte unit = (byte)v.Scales.UnitCode;
        Clear(v, cell, unit, unit, c);
    }

    protected static void Clear(DotVector v, CornerCell cell, byte scaleA, byte scaleB, uint c = 0)
    {
        Array.Fill(v.A, cell.A.Zero);
        Array.Fill(v.B, cell.B.Zero);
        v.ScaleA = scaleA; v.ScaleB = scaleB; v.C = c;
    }

    /// <summary>Places a single product at slot 0 (a×b) with the other slots zero.</summary>
    protected static void Single(DotVector v, CornerCell cell, byte a, byte b)
    {
        Array.Fill(v.A, cell.A.Zero);
        Array.Fill(v.B, cell.B.Zero);
        v.A[0] = a; v.B[0] = b;
    }

    /// <summary>
    /// Makes Σ a_i·b_i·sa·sb = ±t·2^e exactly: picks power-of-two scales and splits the product sum over the block.
    /// Tries the finest element quantum first and coarser ones (larger elements, smaller scales) after. False if no
    /// split fits the block and the scale range; the block is then left zero.
    /// </summary>
    protected static bool TrySum(DotVector v, CornerCell cell, Int128 t, int e, bool negative)
    {
        // Fixed-point unit of the product sum: sa·sb·2^−32 with sa·sb = 2^s (see BlockPair.SumExponent).
        var scales = ScalePowers.For(v.Scales);
        const int fraction = 2 * ElementTable.FractionBits;
        int ql = cell.Pair.QuantumLog2;
        int first = Math.Max(ql, e + fraction - scales.MaxSum);
        for (int x = first; x <= first + 72; x++)
        {
            int s = e + fraction - x;
            if (s < scales.MinSum) break;
            if (s > scales.MaxSum) continue;
            if (t > (Int128.MaxValue >> (x + 1))) break;
            if (cell.Pair.TryFill(t << x, negative, v.A, v.B, 0))
            {
                (v.ScaleA, v.ScaleB) = scales.Split(s);
                return true;
            }
        }
        Array.Fill(v.A, cell.A.Zero);
        Array.Fill(v.B, cell.B.Zero);
        return false;
    }
}
