using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// <c>fp32-sum</c>: the way FP32 emulators (e.g. TOSA's reference model) compute an MX dot product. Each product
/// a_i·b_i is formed in FP32 (exact: element products have at most 16 significant bits and lie in FP32's normal range),
/// the products are summed in FP32 in index order starting from the first product, rounding after each addition; the
/// sum is multiplied by sa·sb with one FP32 rounding (sa·sb itself is exact in FP32: E8M0 gives 2^(Sa+Sb−2·127), whose
/// extremes the single scaling step reaches without an intermediate overflow; two UE4M3 significands of 4 bits give 8);
/// finally C is added and the result rounded to the output format. Every step uses the given rounding mode and IEEE 754
/// special-value rules (a NaN scale gives NaN; a zero UE4M3 scale times an infinite sum is ∞×0, NV).
/// </summary>
public static class Fp32SumModel
{
    public static DotResult Dot(in BlockPair p, uint c, RoundingMode mode, NumberFormat output)
    {
        if (mode == RoundingMode.NearestEven && TryNearestEven(p, c, output, out var fast)) return fast;
        return ByRoundingCore(p, c, mode, output);
    }

    /// <summary>The definition step by step through the rounding core, for every mode and case (<see cref="Dot"/> takes
    /// the FPU path where it gives the same bits).</summary>
    public static DotResult ByRoundingCore(in BlockPair p, uint c, RoundingMode mode, NumberFormat output)
    {
        var ctx = new RoundingContext(mode, OverflowPolicy.Ieee);
        var fp32 = StandardFormats.Fp32;
        var flags = ExceptionFlags.None;
        uint sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            uint product = Product(p, i, ref flags);
            sum = i == 0 ? product : Fp32Arith.Add(sum, product, fp32, ctx, ref flags);
        }
        if (p.ScaleIsNaN)
            sum = fp32.CanonicalNanCode;
        else if (p.Scales.IsPowerOfTwo)
            sum = Fp32Arith.ScaleByPowerOfTwo(sum, p.SumExponent + 2 * ElementTable.FractionBits, ctx, ref flags);
        else
            sum = Fp32Arith.Scale(sum, p.ScaleSignificand, p.SumExponent + 2 * ElementTable.FractionBits, ctx, ref flags);
        uint d = Fp32Arith.Add(sum, c, output, ctx, ref flags);
        return new DotResult(d, flags);
    }

    /// <summary>
    /// The same steps under rne on the FPU, whose binary32 multiply and add are IEEE 754 operations rounding to nearest,
    /// ties to even — the model's definition — for the common case: OCP MX element formats, every element finite, an
    /// E8M0 scale pair that keeps the sum a normal FP32 (the scaling is then exact), FP32 output. Anything else returns
    /// false and the caller takes the general path, which also covers every other mode. Flags: a product is exact; an
    /// addition is inexact iff its rounding error (Knuth's TwoSum, exact without overflow) is non-zero; an inexact
    /// addition never underflows (sums of FP32 values below 2^−126 are exact), and an overflowing one goes to the
    /// general path.
    /// </summary>
    private static bool TryNearestEven(in BlockPair p, uint c, NumberFormat output, out DotResult result)
    {
        result = default;
        var va = p.TableA.Fp32Values;
        var vb = p.TableB.Fp32Values;
        if (va is null || vb is null || !p.Scales.IsPowerOfTwo || p.ScaleIsNaN || !ReferenceEquals(output, StandardFormats.Fp32)) return false;
        byte ma = p.TableA.CodeMask, mb = p.TableB.CodeMask;
        var a = p.A;
        var b = p.B;
        float sum = va[a[0] & ma] * vb[b[0] & mb];
        bool inexact = false;
        for (int i = 1; i < a.Length; i++)
        {
            float x = va[a[i] & ma] * vb[b[i] & mb];
            float s = sum + x;
            inexact |= TwoSumError(sum, x, s) != 0f;
            sum = s;
        }
        if (!float.IsFinite(sum)) return false; // a NaN or Inf element
        if (sum != 0f)
        {
            double scaled = Math.ScaleB(sum, p.SumExponent + 2 * ElementTable.FractionBits);
            if (Math.Abs(scaled) is < 1.1754943508222875e-38 or > float.MaxValue) return false; // not a normal FP32: rounds
            sum = (float)scaled; // exact: 24 bits in the normal range
        }
        float cf = BitConverter.UInt32BitsToSingle(c);
        if (!float.IsFinite(cf)) return false;
        float d = sum + cf;
        if (!float.IsFinite(d)) return false; // overflow
        float error = TwoSumError(sum, cf, d);
        if (!float.IsFinite(error)) return false; // an intermediate of TwoSum overflowed (C near the largest FP32)
        inexact |= error != 0f;
        result = new DotResult(BitConverter.SingleToUInt32Bits(d), inexact ? ExceptionFlags.Inexact : ExceptionFlags.None);
        return true;
    }

    /// <summary>x + y − s exactly, for s = RN(x + y) without overflow (Knuth's TwoSum, TAOCP vol. 2 §4.2.2).</summary>
    private static float TwoSumError(float x, float y, float s)
    {
        float yy = s - x;
        return (x - (s - yy)) + (y - yy);
    }

    private static uint Product(in BlockPair p, int i, ref ExceptionFlags flags)
    {
        var fp32 = StandardFormats.Fp32;
        var a = Codec.Decode(p.TableA.Format, (uint)(p.A[i] & p.TableA.CodeMask));
        var b = Codec.Decode(p.TableB.Format, (uint)(p.B[i] & p.TableB.CodeMask));
        bool negative = a.Negative ^ b.Negative;
        if (a.IsNaN || b.IsNaN) return fp32.CanonicalNanCode;
        if ((a.IsInfinity && b.IsZero) || (a.IsZero && b.IsInfinity))
        {
            flags |= ExceptionFlags.Invalid;
            return fp32.CanonicalNanCode;
        }
        if (a.IsInfinity || b.IsInfinity) return (negative ? fp32.NegativeZeroCode : 0) | fp32.InfinityCode;
        var r = RoundingCore.Round(fp32, negative, a.Significand * b.Significand, a.Exponent + b.Exponent, false,
            new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee));
        return r.Code; // exact
    }
}

/// <summary>IEEE 754 addition and power-of-two scaling of FP32 operands through the rounding core.</summary>
public static class Fp32Arith
{
    /// <summary>x + y (FP32 bit patterns), rounded once to <paramref name="output"/>.</summary>
    public static uint Add(uint x, uint y, NumberFormat output, in RoundingContext ctx, ref ExceptionFlags flags)
    {
        var fp32 = StandardFormats.Fp32;
        var a = Codec.Decode(fp32, x);
        var b = Codec.Decode(fp32, y);
        if (a.IsNaN || b.IsNaN)
        {
            if (a.Class == ValueClass.SignalingNaN || b.Class == ValueClass.SignalingNaN) flags |= ExceptionFlags.Invalid;
            return output.CanonicalNanCode;
        }
        if (a.IsInfinity && b.IsInfinity && a.Negative != b.Negative)
        {
            flags |= ExceptionFlags.Invalid;
            return output.CanonicalNanCode;
        }
        if (a.IsInfinity || b.IsInfinity)
            return ((a.IsInfinity ? a.Negative : b.Negative) ? output.NegativeZeroCode : 0) | output.InfinityCode;
        var s = ExactSum.Add(Signed(a), a.Exponent, Signed(b), b.Exponent);
        if (s.IsExactZero)
        {
            // IEEE 754 §6.3: −0 when both are −0, or (under rdn) for any exact zero sum of mixed or cancelling terms.
            bool negative = ctx.Mode == RoundingMode.Down ? (a.Negative || b.Negative) : (a.Negative && b.Negative);
            return MxDot.ZeroOf(output, negative);
        }
        var r = s.RoundTo(output, ctx);
        flags |= r.Flags;
        return r.Code;
    }

    /// <summary>x·2^k rounded once to FP32.</summary>
    public static uint ScaleByPowerOfTwo(uint x, int k, in RoundingContext ctx, ref ExceptionFlags flags)
    {
        var fp32 = StandardFormats.Fp32;
        var a = Codec.Decode(fp32, x);
        if (!a.IsFinite || a.IsZero) return a.IsNaN ? fp32.CanonicalNanCode : x;
        var r = RoundingCore.Round(fp32, a.Negative, a.Significand, a.Exponent + k, false, ctx);
        flags |= r.Flags;
        return r.Code;
    }

    /// <summary>
    /// x·(m·2^k) rounded once to FP32, for a non-negative exact scale m·2^k (m &lt; 2^32): IEEE 754 multiplication by a
    /// positive or +0 factor (x·+0 keeps x's sign; ∞·0 is NaN with NV).
    /// </summary>
    public static uint Scale(uint x, uint m, int k, in RoundingContext ctx, ref ExceptionFlags flags)
    {
        var fp32 = StandardFormats.Fp32;
        var a = Codec.Decode(fp32, x);
        if (a.IsNaN) return fp32.CanonicalNanCode;
        if (m == 0)
        {
            if (a.IsInfinity) { flags |= ExceptionFlags.Invalid; return fp32.CanonicalNanCode; }
            return MxDot.ZeroOf(fp32, a.Negative);
        }
        if (a.IsInfinity || a.IsZero) return x;
        var r = RoundingCore.Round(fp32, a.Negative, a.Significand * m, a.Exponent + k, false, ctx);
        flags |= r.Flags;
        return r.Code;
    }

    /// <summary>
    /// x·y of two FP32 bit patterns, rounded once to <paramref name="output"/> (IEEE 754 §6: NaN in → NaN, NV for a
    /// signalling NaN or ∞×0; the sign of a zero or infinite product is the XOR of the signs).
    /// </summary>
    public static uint Multiply(uint x, uint y, NumberFormat output, in RoundingContext ctx, ref ExceptionFlags flags)
    {
        var fp32 = StandardFormats.Fp32;
        var a = Codec.Decode(fp32, x);
        var b = Codec.Decode(fp32, y);
        if (a.IsNaN || b.IsNaN)
        {
            if (a.Class == ValueClass.SignalingNaN || b.Class == ValueClass.SignalingNaN) flags |= ExceptionFlags.Invalid;
            return output.CanonicalNanCode;
        }
        bool negative = a.Negative ^ b.Negative;
        if ((a.IsInfinity && b.IsZero) || (a.IsZero && b.IsInfinity))
        {
            flags |= ExceptionFlags.Invalid;
            return output.CanonicalNanCode;
        }
        if (a.IsInfinity || b.IsInfinity) return (negative ? output.NegativeZeroCode : 0) | output.InfinityCode;
        if (a.IsZero || b.IsZero) return MxDot.ZeroOf(output, negative);
        var r = RoundingCore.Round(output, negative, a.Significand * b.Significand, a.Exponent + b.Exponent, false, ctx);
        flags |= r.Flags;
        return r.Code;
    }

    private static Int128 Signed(Decoded d) => d.Negative ? -(Int128)d.Significand : (Int128)d.Significand;
}
