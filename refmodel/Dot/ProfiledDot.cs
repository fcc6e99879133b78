using System.Numerics;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// The fused and chunked dot product under a non-default <see cref="ImplementationProfile"/>. The default profile never
/// comes here (<see cref="MxDot.Dot(in BlockPair, uint, RoundingMode, NumberFormat, AccumulationModel, ImplementationProfile)"/>
/// calls the reference path), so the reference stays as fast as before. Each step below is one knob; the order is the
/// order a unit applies them: input flushes, special values, the zero-sum and shortcut exits, then the one rounding.
/// Rules: docs/semantics.md, "Implementation profiles".
/// </summary>
public static class ProfiledDot
{
    private const uint Fp32Sign = 0x8000_0000, Fp32ExponentField = 0x7F80_0000;

    public static DotResult Fused(in BlockPair block, uint c, RoundingMode mode, NumberFormat output, ImplementationProfile profile)
    {
        byte[]? fa = null, fb = null;
        var p = profile.FlushInputs ? FlushElements(block, out fa, out fb) : block;
        // flush-c: an FP32 subnormal C (exponent field 0) becomes the zero of its sign.
        if (profile.FlushC && (c & Fp32ExponentField) == 0) c &= Fp32Sign;

        var (sum, classes) = MxDot.ProductSum(p);
        var cv = Codec.Decode(StandardFormats.Fp32, c);
        bool scaleAsNumber = profile.NanScale == NanScaleRule.AsNumber && p.Scales.IsPowerOfTwo;
        bool scaleNaN = p.ScaleIsNaN && !scaleAsNumber;
        bool specialElements = (classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0;
        int sumExponent = scaleAsNumber ? ScaleExponent(p, p.ScaleA) + ScaleExponent(p, p.ScaleB) - 2 * ElementTable.FractionBits : p.SumExponent;
        if (!p.Scales.IsPowerOfTwo && !scaleNaN) sum = MxDot.ScaledSum(p, sum);

        if (!cv.IsFinite && !specialElements && !scaleNaN && profile.SpecialC == SpecialCRule.PassthroughWhenDominant)
        {
            // C read as the number 1.m·2^128 (its exponent field 255 taken literally) dominates when the sum's leading
            // bit lies below 2^128.
            if (sum == Int128.Zero || MsbExponent(sum, sumExponent) < 128) return new DotResult(Passthrough(c, output), ExceptionFlags.None);
            cv = new Decoded(ValueClass.Normal, cv.Negative, (c & 0x7F_FFFF) | 0x80_0000, 128 - 23);
        }
        else if (specialElements || scaleNaN || !cv.IsFinite)
        {
            var special = new SpecialCases();
            if (scaleNaN) special.NaNInput = true;
            special.AddC(cv);
            if (specialElements) special.AddProducts(p);
            if (special.Resolve(output) is { } r)
            {
                var flags = r.Flags;
                if (profile.SignalingElements == SignalingElementRule.Signal && HasSignalingElement(p)) flags |= ExceptionFlags.Invalid;
                uint bits = profile.NanResult == NanResultRule.Propagate && r.Bits == output.CanonicalNanCode ? PropagatedNaN(p, cv, c, output) : r.Bits;
                return new DotResult(bits, flags);
            }
        }

        var ctx = new RoundingContext(mode, profile.Overflow) { Tininess = profile.Tininess, FlushSubnormals = profile.FlushResult };
        if (sum == Int128.Zero && (profile.ZeroSign & ZeroSignRule.CPassthrough) != 0)
            return RoundC(cv, output, ctx, ExceptionFlags.None);
        if (profile.ShortcutThreshold > 0 && sum != Int128.Zero && cv.IsFinite
            && CExponent(c) - MsbExponent(sum, sumExponent) > profile.ShortcutThreshold)
            return RoundC(cv, output, ctx, ExceptionFlags.Inexact);

        Int128 cTerm = cv.Negative ? -(Int128)cv.Significand : (Int128)cv.Significand;
        var s = ExactSum.Add(sum, sumExponent, cTerm, cv.Exponent);
        if (s.IsExactZero)
        {
            bool negative = (profile.ZeroSign & ZeroSignRule.Positive) == 0 && MxDot.ExactZeroIsNegative(p, cv, mode);
            return new DotResult(MxDot.ZeroOf(output, negative), ExceptionFlags.None);
        }
        var rounded = s.RoundTo(output, ctx);
        GC.KeepAlive(fa); GC.KeepAlive(fb);
        return new DotResult(rounded);
    }

    /// <summary>chunked:n under a profile: every chunk step is one profiled fused step (the running FP32 sum is its C).</summary>
    public static DotResult Chunked(in BlockPair p, uint c, RoundingMode mode, NumberFormat output, int n, ImplementationProfile profile)
    {
        uint acc = c;
        var flags = ExceptionFlags.None;
        for (int start = 0; start < p.Length; start += n)
        {
            int len = Math.Min(n, p.Length - start);
            bool last = start + len >= p.Length;
            var r = Fused(p.Slice(start, len), acc, mode, last ? output : StandardFormats.Fp32, profile);
            acc = r.Bits;
            flags |= r.Flags;
        }
        return new DotResult(acc, flags);
    }

    /// <summary>
    /// The shortcut's distance E_C − msb(S) for one block under <paramref name="profile"/>'s input flushes, or null when
    /// no shortcut can apply (S = 0, C not finite, a NaN or infinite element or a NaN scale). The shortcut with
    /// threshold N is taken exactly when the distance exceeds N, so a result explained by it names the thresholds
    /// N &lt; distance (docs/semantics.md, "shortcut").
    /// </summary>
    public static int? ShortcutDistance(in BlockPair block, uint c, ImplementationProfile profile)
    {
        byte[]? fa = null, fb = null;
        var p = profile.FlushInputs ? FlushElements(block, out fa, out fb) : block;
        if (profile.FlushC && (c & Fp32ExponentField) == 0) c &= Fp32Sign;
        if ((c & Fp32ExponentField) == Fp32ExponentField || p.ScaleIsNaN) return null;
        var (sum, classes) = MxDot.ProductSum(p);
        if ((classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0) return null;
        if (!p.Scales.IsPowerOfTwo) sum = MxDot.ScaledSum(p, sum);
        GC.KeepAlive(fa); GC.KeepAlive(fb);
        return sum == Int128.Zero ? null : CExponent(c) - MsbExponent(sum, p.SumExponent);
    }

    /// <summary>
    /// The shortcut's distance uses E_C = max(exponent field of C, 1) − 127, the exponent of C's binade as the unit's
    /// alignment sees it (−126 for a zero or subnormal C), against the exponent of the exact sum's leading bit.
    /// </summary>
    public static int CExponent(uint c) => Math.Max((int)((c & Fp32ExponentField) >> 23), 1) - 127;

    /// <summary>Exponent of the leading bit of sum·2^exponent (sum ≠ 0).</summary>
    public static int MsbExponent(Int128 sum, int exponent)
    {
        UInt128 m = sum < Int128.Zero ? (UInt128)(-sum) : (UInt128)sum;
        return exponent + 127 - (int)UInt128.LeadingZeroCount(m);
    }

    /// <summary>An E8M0 code read as 2^(code − 127), 0xFF included (2^128).</summary>
    private static int ScaleExponent(in BlockPair p, byte code) => code - p.Scales.Format.Bias;

    /// <summary>C (finite) returned as the result: exact in FP32, rounded once for a narrower output, plus <paramref name="extra"/>.</summary>
    private static DotResult RoundC(Decoded cv, NumberFormat output, in RoundingContext ctx, ExceptionFlags extra)
    {
        if (cv.IsZero) return new DotResult(MxDot.ZeroOf(output, cv.Negative), extra);
        var r = RoundingCore.Round(output, cv.Negative, cv.Significand, cv.Exponent, false, ctx);
        return new DotResult(r.Code, r.Flags | extra);
    }

    /// <summary>A non-finite C returned unchanged: its bits for FP32, else Inf or the NaN narrowed as <see cref="NarrowNaN"/>.</summary>
    private static uint Passthrough(uint c, NumberFormat output)
    {
        if (output == StandardFormats.Fp32) return c;
        if ((c & 0x7F_FFFF) == 0) return ((c & Fp32Sign) != 0 ? output.NegativeZeroCode : 0) | output.InfinityCode;
        return NarrowNaN(c, output);
    }

    /// <summary>
    /// nan-result=propagate: a NaN C gives itself, quieted (quiet bit = top mantissa bit set) and narrowed to the output
    /// by keeping its sign and the top mantissa bits; otherwise the first NaN element in the order A_0, B_0, A_1, B_1, …
    /// gives its sign on the canonical quiet NaN; otherwise (NaN scale, invalid operation) the canonical NaN.
    /// </summary>
    public static uint PropagatedNaN(in BlockPair p, Decoded cv, uint c, NumberFormat output)
    {
        if (cv.IsNaN) return NarrowNaN(c, output);
        for (int i = 0; i < p.Length; i++)
        {
            foreach (var cls in (ReadOnlySpan<byte>)[p.TableA.Class[p.A[i] & p.TableA.CodeMask], p.TableB.Class[p.B[i] & p.TableB.CodeMask]])
                if ((cls & ElementTable.ClassNaN) != 0)
                    return ((cls & ElementTable.ClassNegative) != 0 ? output.NegativeZeroCode : 0) | output.CanonicalNanCode;
        }
        return output.CanonicalNanCode;
    }

    private static uint NarrowNaN(uint c, NumberFormat output)
    {
        uint mantissa = ((c & 0x7F_FFFF) | 0x40_0000) >> (23 - output.MantissaBits);
        return ((c & Fp32Sign) != 0 ? output.NegativeZeroCode : 0) | output.InfinityCode | mantissa;
    }

    /// <summary>snan-elements=signal: an element code with an all-ones exponent and the quiet (top mantissa) bit clear — E5M2 0x7D, 0xFD.</summary>
    public static bool HasSignalingElement(in BlockPair p)
    {
        for (int i = 0; i < p.Length; i++)
            if (IsSignaling(p.TableA, p.A[i]) || IsSignaling(p.TableB, p.B[i])) return true;
        return false;
    }

    private static bool IsSignaling(ElementTable t, byte code) =>
        (t.Class[code & t.CodeMask] & ElementTable.ClassNaN) != 0 && Codec.Decode(t.Format, (uint)(code & t.CodeMask)).Class == ValueClass.SignalingNaN;

    /// <summary>flush-inputs: every subnormal element code becomes the zero of its sign (the scale is not applied first).</summary>
    private static BlockPair FlushElements(in BlockPair p, out byte[] a, out byte[] b)
    {
        a = Flushed(p.TableA, p.A);
        b = Flushed(p.TableB, p.B);
        return new BlockPair(p.TableA, a, p.ScaleA, p.TableB, b, p.ScaleB, p.Scales);
    }

    private static byte[] Flushed(ElementTable t, ReadOnlySpan<byte> codes)
    {
        var f = t.Format;
        var r = codes.ToArray();
        if (f.Kind != FormatKind.Float) return r; // INT8 has no subnormals
        uint exponentMask = ((1u << f.ExponentBits) - 1) << f.MantissaBits;
        for (int i = 0; i < r.Length; i++)
        {
            uint code = (uint)(r[i] & t.CodeMask);
            if ((code & exponentMask) == 0) r[i] = (byte)(code & f.NegativeZeroCode);
        }
        return r;
    }
}
