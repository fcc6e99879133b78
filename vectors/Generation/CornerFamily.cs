using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Vectors.Text;

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
    /// <summary>Sets the inputs of <paramref name="v"/> (formats and mode are already set).</summary>
    public abstract void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng);

    protected static void Clear(DotVector v, CornerCell cell, byte scaleA = 0x7F, byte scaleB = 0x7F, uint c = 0)
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
    /// Makes Σ a_i·b_i·2^(sa+sb−254) = ±t·2^e exactly: picks the scales and splits the product sum over the block.
    /// Tries the finest element quantum first and coarser ones (larger elements, smaller scales) after. False if no
    /// split fits the block and the scale range; the block is then left zero.
    /// </summary>
    protected static bool TrySum(DotVector v, CornerCell cell, Int128 t, int e, bool negative)
    {
        // Fixed-point unit of the product sum: 2^(S − 286), S = sa + sb (see BlockPair.SumExponent).
        int ql = cell.Pair.QuantumLog2;
        int first = Math.Max(ql, e + 286 - 508);
        for (int x = first; x <= first + 72; x++)
        {
            int s = e + 286 - x;
            if (s < 0) break;
            if (s > 508) continue;
            if (t > (Int128.MaxValue >> (x + 1))) break;
            if (cell.Pair.TryFill(t << x, negative, v.A, v.B, 0))
            {
                v.ScaleA = (byte)(s / 2);
                v.ScaleB = (byte)(s - s / 2);
                return true;
            }
        }
        Array.Fill(v.A, cell.A.Zero);
        Array.Fill(v.B, cell.B.Zero);
        return false;
    }
}
