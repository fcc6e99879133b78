using System.Numerics;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// OCP MX v1.0 §6.2 DotGeneral: C + Σ_j Dot(A_j, B_j) over n blocks of k elements, one scale per block (E8M0 unless
/// another scale codec is given, e.g. NVFP4's UE4M3 with k = 16).
/// <c>fused</c> (not chained) sums every block exactly and rounds once; <c>chained</c> — and every other model — feeds
/// each block's result (FP32) into the next block as its C, rounding to the output format only at the last block.
/// </summary>
public static class DotGeneral
{
    public static DotResult Compute(ElementTable ta, ReadOnlySpan<byte> a, ReadOnlySpan<byte> scalesA,
        ElementTable tb, ReadOnlySpan<byte> b, ReadOnlySpan<byte> scalesB, int k, uint c, RoundingMode mode,
        NumberFormat output, AccumulationModel model, bool chained, ScaleCodec? scales = null)
    {
        scales ??= ScaleCodec.E8M0;
        int n = scalesA.Length;
        if (k < 1 || a.Length != n * k || b.Length != n * k || scalesB.Length != n)
            throw new ArgumentException($"DotGeneral needs n·k elements and n scales per operand (n = {n}, k = {k}, |A| = {a.Length}, |B| = {b.Length}, |SB| = {scalesB.Length})");
        if (chained || model.Kind != AccumulationKind.Fused)
        {
            uint acc = c;
            var flags = ExceptionFlags.None;
            for (int j = 0; j < n; j++)
            {
                var block = Block(ta, a, scalesA, tb, b, scalesB, k, j, scales);
                var r = MxDot.Dot(block, acc, mode, j == n - 1 ? output : StandardFormats.Fp32, model);
                acc = r.Bits;
                flags |= r.Flags;
            }
            return new DotResult(acc, flags);
        }
        return FusedAll(ta, a, scalesA, tb, b, scalesB, k, c, mode, output, scales);
    }

    /// <summary>
    /// Every block summed exactly (a BigInteger with its last bit at the smallest scaled-product quantum: two least scale
    /// quanta times the fixed point's 2^-32; E8M0: 2^-286), rounded once.
    /// </summary>
    private static DotResult FusedAll(ElementTable ta, ReadOnlySpan<byte> a, ReadOnlySpan<byte> scalesA,
        ElementTable tb, ReadOnlySpan<byte> b, ReadOnlySpan<byte> scalesB, int k, uint c, RoundingMode mode, NumberFormat output, ScaleCodec scales)
    {
        int lsb = 2 * scales.LeastExponent - 2 * ElementTable.FractionBits; // smallest SumExponent
        lsb = Math.Min(lsb, Codec.Decode(StandardFormats.Fp32, 1).Exponent); // C's quantum, 2^-149, may lie lower
        var cv = Codec.Decode(StandardFormats.Fp32, c);
        var special = new SpecialCases();
        special.AddC(cv);
        BigInteger total = BigInteger.Zero;
        for (int j = 0; j < scalesA.Length; j++)
        {
            var block = Block(ta, a, scalesA, tb, b, scalesB, k, j, scales);
            special.AddScale(scales, block.ScaleA);
            special.AddScale(scales, block.ScaleB);
            var (sum, classes) = MxDot.ProductSum(block);
            if ((classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0) special.AddProducts(block);
            total += ((BigInteger)sum * block.ScaleSignificand) << (block.SumExponent - lsb);
        }
        if (special.Resolve(output) is { } r) return r;
        total += (cv.Negative ? -(BigInteger)cv.Significand : cv.Significand) << (cv.Exponent - lsb);
        if (total.IsZero)
        {
            // Rule 4 over every block's products and C, as MxDot.ExactZeroIsNegative does for one block.
            bool sign = mode != RoundingMode.Down;
            bool everyTermIsSuchZero = cv.IsZero && cv.Negative == sign;
            for (int j = 0; j < scalesA.Length && everyTermIsSuchZero; j++)
                everyTermIsSuchZero = MxDot.EveryProductIsZeroOfSign(Block(ta, a, scalesA, tb, b, scalesB, k, j, scales), sign);
            bool negative = mode == RoundingMode.Down ? !everyTermIsSuchZero : everyTermIsSuchZero;
            return new DotResult(MxDot.ZeroOf(output, negative), ExceptionFlags.None);
        }
        bool neg = total.Sign < 0;
        var mag = BigInteger.Abs(total);
        int drop = Math.Max(0, (int)mag.GetBitLength() - 120);
        bool sticky = drop > 0 && !(mag & ((BigInteger.One << drop) - 1)).IsZero;
        var rounded = RoundingCore.RoundWide(output, neg, (UInt128)(mag >> drop), lsb + drop, sticky, new RoundingContext(mode, OverflowPolicy.Ieee));
        return new DotResult(rounded);
    }

    /// <summary>Block j of k elements with its scale pair.</summary>
    private static BlockPair Block(ElementTable ta, ReadOnlySpan<byte> a, ReadOnlySpan<byte> scalesA,
        ElementTable tb, ReadOnlySpan<byte> b, ReadOnlySpan<byte> scalesB, int k, int j, ScaleCodec scales) =>
        new(ta, a.Slice(j * k, k), scalesA[j], tb, b.Slice(j * k, k), scalesB[j], scales);
}
