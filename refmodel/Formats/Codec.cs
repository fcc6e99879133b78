using System.Globalization;
using System.Numerics;
using MxRef.Rounding;

namespace MxRef.Formats;

public enum ValueClass : byte
{
    Zero,
    Subnormal,
    Normal,
    Infinity,
    QuietNaN,
    SignalingNaN,
}

/// <summary>A decoded code: (−1)^Negative × Significand × 2^Exponent for finite classes.</summary>
public readonly record struct Decoded(ValueClass Class, bool Negative, ulong Significand, int Exponent)
{
    public bool IsNaN => Class is ValueClass.QuietNaN or ValueClass.SignalingNaN;
    public bool IsInfinity => Class == ValueClass.Infinity;
    public bool IsFinite => !IsNaN && !IsInfinity;
    public bool IsZero => Class == ValueClass.Zero;

    /// <summary>The value as a double (exact for every format MxRef has: at most 24 significant bits).</summary>
    public double ToDouble() => Class switch
    {
        ValueClass.QuietNaN or ValueClass.SignalingNaN => double.NaN,
        ValueClass.Infinity => Negative ? double.NegativeInfinity : double.PositiveInfinity,
        _ => (Negative ? -1.0 : 1.0) * Math.ScaleB(Significand, Exponent),
    };

    /// <summary>Shortest round-trip decimal text: <c>1.5</c>, <c>-0</c>, <c>inf</c>, <c>-inf</c>, <c>nan</c>, <c>snan</c>.</summary>
    public override string ToString() => Class switch
    {
        ValueClass.QuietNaN => "nan",
        ValueClass.SignalingNaN => "snan",
        ValueClass.Infinity => Negative ? "-inf" : "inf",
        ValueClass.Zero => Negative ? "-0" : "0",
        _ => ToDouble().ToString("R", CultureInfo.InvariantCulture),
    };
}

/// <summary>Codes to values and values to codes, for any <see cref="NumberFormat"/>.</summary>
public static class Codec
{
    public static Decoded Decode(NumberFormat f, uint code)
    {
        if (code > f.CodeMask) throw new ArgumentOutOfRangeException(nameof(code), $"0x{code:x} is not a {f.Bits}-bit {f.Name} code");
        switch (f.Kind)
        {
            case FormatKind.Integer:
            {
                long v = ((long)code << (64 - f.Bits)) >> (64 - f.Bits); // sign-extend
                return new Decoded(v == 0 ? ValueClass.Zero : ValueClass.Normal, v < 0, (ulong)Math.Abs(v), f.IntegerScaleExponent);
            }
            case FormatKind.PowerOfTwo:
                return code == f.CanonicalNanCode
                    ? new Decoded(ValueClass.QuietNaN, false, 0, 0)
                    : new Decoded(ValueClass.Normal, false, 1, (int)code - f.Bias);
            default:
            {
                bool negative = f.IsSigned && (code >> f.SignBit) != 0;
                int e = (int)(code >> f.MantissaBits) & f.ExponentFieldMax;
                ulong mant = code & ((1UL << f.MantissaBits) - 1);
                ulong mantMask = (1UL << f.MantissaBits) - 1;
                if (e == f.ExponentFieldMax)
                {
                    if (f.HasInfinity && mant == 0) return new Decoded(ValueClass.Infinity, negative, 0, 0);
                    if (f.Nan == NanEncoding.Ieee && mant != 0)
                        return new Decoded((mant >> (f.MantissaBits - 1)) != 0 ? ValueClass.QuietNaN : ValueClass.SignalingNaN, negative, 0, 0);
                    if (f.Nan == NanEncoding.AllOnes && mant == mantMask) return new Decoded(ValueClass.QuietNaN, negative, 0, 0);
                }
                if (e == 0)
                    return mant == 0
                        ? new Decoded(ValueClass.Zero, negative, 0, 0)
                        : new Decoded(ValueClass.Subnormal, negative, mant, f.QuantumExponent);
                return new Decoded(ValueClass.Normal, negative, mant | (1UL << f.MantissaBits), e - f.Bias - f.MantissaBits);
            }
        }
    }

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
        return Convert(target, Decode(StandardFormats.Fp32, fp32Bits), ctx);
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

    /// <summary>Decodes and renders a code as text (see <see cref="Decoded.ToString"/>).</summary>
    public static string Show(NumberFormat f, uint code) => Decode(f, code).ToString();
}
