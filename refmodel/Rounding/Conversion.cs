using System.Numerics;
using MxRef.Formats;

namespace MxRef.Rounding;

/// <summary>Values to codes: any decoded value, an FP32 pattern or an exact rational, rounded once by the core.</summary>
public static class Conversion
{
    /// <summary>
    /// Converts a decoded value of any format to <paramref name="target"/>. Finite values go through the rounding core.
    /// NaN → the target's canonical NaN (NV if signalling); a target without NaN gets +max finite with NV (as RISC-V
    /// float-to-integer conversions do). ±Inf → ±Inf where the target has it; otherwise NV and, under the IEEE overflow
    /// policy, NaN where the target has one, else ±max finite.
    /// </summary>
    public static Rounded Convert(NumberFormat target, Decoded v, in RoundingContext ctx)
    {
        if (v.IsNaN)
        {
            var nv = v.Class == ValueClass.SignalingNaN ? ExceptionFlags.Invalid : ExceptionFlags.None;
            return target.HasNan
                ? new Rounded(target.CanonicalNanCode, nv)
                : new Rounded(target.MaxFiniteCode, ExceptionFlags.Invalid);
        }
        if (v.IsInfinity)
        {
            if (target.HasInfinity) return new Rounded((v.Negative ? target.NegativeZeroCode : 0) | target.InfinityCode, ExceptionFlags.None);
            if (target.HasNan && (ctx.Overflow == OverflowPolicy.Ieee || (v.Negative && !target.IsSigned)))
                return new Rounded(target.CanonicalNanCode, ExceptionFlags.Invalid);
            return new Rounded(RoundingCore.MaxFiniteCode(target, v.Negative, ctx), ExceptionFlags.Invalid);
        }
        return RoundingCore.Round(target, v.Negative, v.Significand, v.Exponent, false, ctx);
    }

    /// <summary>FP32 bit pattern → target format.</summary>
    public static Rounded FromFp32(NumberFormat target, uint fp32Bits, in RoundingContext ctx)
    {
        uint e = (fp32Bits >> 23) & 0xFF;
        if (e != 0 && e != 0xFF)
        {
            // Fast path for normal FP32 inputs, the common case of every quantizer.
            return RoundingCore.Round(target, (int)fp32Bits < 0, (fp32Bits & 0x7FFFFF) | 0x800000, (int)e - 150, false, ctx);
        }
        return Convert(target, Codec.Decode(StandardFormats.Fp32, fp32Bits), ctx);
    }

    /// <summary>An exact rational num/den (den &gt; 0) → target format, rounded once.</summary>
    public static Rounded FromRational(NumberFormat target, BigInteger num, BigInteger den, in RoundingContext ctx)
    {
        if (den.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(den), "denominator must be positive");
        bool negative = num.Sign < 0;
        var n = BigInteger.Abs(num);
        if (n.IsZero) return RoundingCore.Round(target, negative, 0, 0, false, ctx);
        // Scale so that the integer quotient has about 100 bits; the remainder becomes the sticky bit.
        int shift = 100 - (int)(n.GetBitLength() - den.GetBitLength());
        BigInteger quotient = shift >= 0
            ? BigInteger.DivRem(n << shift, den, out var rem)
            : BigInteger.DivRem(n, den << -shift, out rem);
        return RoundingCore.RoundWide(target, negative, (UInt128)quotient, -shift, !rem.IsZero, ctx);
    }

}
