using System.Numerics;
using System.Runtime.CompilerServices;
using MxRef.Formats;

namespace MxRef.Rounding;

/// <summary>
/// The one rounding routine of MxRef. Every conversion, quantization and dot product ends here.
/// <para>
/// Input: an exact value (−1)^negative × (magnitude + ε) × 2^exponent, where ε = 0 when <c>sticky</c> is false and
/// 0 &lt; ε &lt; 1 when bits were already discarded below the magnitude's last bit (the classic sticky bit). A caller
/// that sets <c>sticky</c> must keep at least 32 bits below the target's last bit (see <see cref="RoundWide"/>).
/// </para>
/// Steps, as in SoftFloat's <c>roundPackTo*</c>: pick the result's last-bit position (its quantum), split the value
/// into kept bits, round bit and sticky, decide the increment for the mode, then check overflow, tininess after
/// rounding, and pack the code.
/// </summary>
public static class RoundingCore
{
    /// <summary>Rounds a finite non-zero or zero value; see the class remarks for the meaning of the arguments.</summary>
    public static Rounded Round(NumberFormat f, bool negative, ulong magnitude, int exponent, bool sticky, in RoundingContext ctx)
    {
        if (magnitude == 0 && !sticky) return ExactZero(f, negative);
        // E8M0 and UE4M3 have no sign: a negative value is invalid. (The format is tested first: the sign of a dot
        // product's sum is random, and a branch on it would be mispredicted half the time.)
        if (!f.IsSigned && negative)
            return f.HasNan ? new Rounded(f.CanonicalNanCode, ExceptionFlags.Invalid) : new Rounded(0u, ExceptionFlags.Invalid);

        int msb = magnitude == 0 ? exponent - 1 : exponent + 63 - BitOperations.LeadingZeroCount(magnitude);
        if (f.Kind == FormatKind.Float && f.HasInfinity && magnitude != 0)
        {
            var d = f.Derived; // read once: each of f's derived properties checks the cached record for null again
            if (msb >= d.Emin && msb <= d.Emax) return RoundNormal(f, d, negative, magnitude, exponent, sticky, msb, ctx);
        }
        // Far beyond the largest binade: overflow whatever the rounding (also keeps the shifts below in range).
        if (msb > f.Emax + 1) return Overflowed(f, negative, ctx);

        int quantum = QuantumOf(f, msb);
        var (q, inexact) = RoundAt(negative, magnitude, exponent, sticky, quantum, ctx);

        // A carry out of the top bit moves the value into the next binade.
        if (f.Kind != FormatKind.Integer && q >> f.Precision != 0)
        {
            q >>= 1;
            quantum++;
        }

        if (IsBeyondMax(f, negative, q, quantum, ctx)) return Overflowed(f, negative, ctx);

        var flags = inexact ? ExceptionFlags.Inexact : ExceptionFlags.None;
        if (inexact && (ctx.Tininess == Tininess.AfterRounding
                ? IsTinyAfterRounding(f, negative, magnitude, exponent, sticky, msb, ctx)
                : IsTinyOtherwise(f, q, msb, ctx.Tininess)))
            flags |= ExceptionFlags.Underflow;

        bool subnormal = f.Kind == FormatKind.Float && q != 0 && q >> f.MantissaBits == 0;
        if (ctx.FlushSubnormals && subnormal)
            return new Rounded(negative ? f.NegativeZeroCode : 0, ExceptionFlags.Inexact | ExceptionFlags.Underflow);

        return new Rounded(Pack(f, negative, q, quantum), flags);
    }

    /// <summary>
    /// <see cref="Round"/> for its most common case: a binary float format with infinities (FP32, BF16, FP16: the dot
    /// product's outputs) and a value in its normal range (2^emin ≤ value &lt; 2^(emax+1)). The same steps, less what
    /// cannot happen there: the quantum is msb − mantissa bits; the value cannot be tiny under any tininess rule, so no
    /// UF and no flush; the largest finite significand is all ones, so only a carry out of the largest binade overflows.
    /// The rounding step itself is the shared <see cref="RoundAt"/>.
    /// </summary>
    private static Rounded RoundNormal(NumberFormat f, NumberFormat.DerivedParameters d, bool negative, ulong magnitude, int exponent, bool sticky, int msb, in RoundingContext ctx)
    {
        int m = f.MantissaBits;
        int quantum = msb - m;
        var (q, inexact) = RoundAt(negative, magnitude, exponent, sticky, quantum, ctx);
        if (q >> d.Precision != 0)
        {
            q >>= 1;
            quantum++;
        }
        if (quantum + m > d.Emax) return Overflowed(f, negative, ctx);
        uint code = SignCode(d.NegativeZeroCode, negative) | (uint)(quantum + m + f.Bias) << m | (uint)q & ((1u << m) - 1);
        return new Rounded(code, inexact ? ExceptionFlags.Inexact : ExceptionFlags.None);
    }

    /// <summary>
    /// Rounds a value whose magnitude needs up to 128 bits: keeps the top 64 bits and jams the rest into the sticky
    /// bit. That is exact for rounding because every format's precision is at most 24 bits, so at least 40 kept bits
    /// stand below the round bit.
    /// </summary>
    public static Rounded RoundWide(NumberFormat f, bool negative, UInt128 magnitude, int exponent, bool sticky, in RoundingContext ctx)
    {
        ulong hi = (ulong)(magnitude >> 64);
        if (hi == 0) return Round(f, negative, (ulong)magnitude, exponent, sticky, ctx);
        int drop = 64 - BitOperations.LeadingZeroCount(hi);
        sticky |= (magnitude & ((UInt128.One << drop) - 1)) != 0;
        return Round(f, negative, (ulong)(magnitude >> drop), exponent + drop, sticky, ctx);
    }

    /// <summary>Position of the result's last bit for a value whose leading bit is at 2^msb.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int QuantumOf(NumberFormat f, int msb) => f.Kind switch
    {
        FormatKind.Integer => f.IntegerScaleExponent,
        FormatKind.PowerOfTwo => Math.Max(msb, f.Emin),
        _ => Math.Max(msb - f.MantissaBits, f.QuantumExponent),
    };

    /// <summary>
    /// Rounds the value to a multiple of 2^quantum: returns the kept integer q (value ≈ q × 2^quantum) and whether
    /// anything non-zero was discarded. This is the rounding step itself: round bit, sticky, and the mode's rule.
    /// The round bit and the bits below it are combined with the non-short-circuit &amp; and |, and q is incremented by
    /// the 0/1 value of the decision: on random data each is a coin toss, and a branch on it would be mispredicted
    /// half the time (the whole rounding then costs several times as much).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ulong Q, bool Inexact) RoundAt(bool negative, ulong magnitude, int exponent, bool sticky, int quantum, in RoundingContext ctx)
    {
        int drop = quantum - exponent; // bits of the magnitude below the result's last bit
        if (drop <= 0)
        {
            if (sticky) throw new InvalidOperationException("sticky bit set with no discarded bits: the caller kept too few bits");
            return (magnitude << -drop, false);
        }

        ulong q = drop >= 64 ? 0 : magnitude >> drop;
        ulong rest = drop >= 64 ? magnitude : magnitude & ((1UL << drop) - 1); // discarded bits, value rest × 2^exponent
        bool roundBit = drop - 1 < 64 && ((magnitude >> (drop - 1)) & 1) != 0;
        bool belowRound = sticky | (drop - 1 >= 64 ? magnitude != 0 : (magnitude & ((1UL << (drop - 1)) - 1)) != 0);
        bool inexact = roundBit | belowRound;

        var mode = ctx.Mode;
        if ((uint)mode > (uint)RoundingMode.ToOdd)
        {
            if (!inexact) return (q, false);
            if (mode != RoundingMode.Stochastic) throw new ArgumentOutOfRangeException(nameof(ctx), mode, "unknown rounding mode");
            return (q + (StochasticUp(rest, drop, sticky, ctx.RandomBits, ctx.RandomWidth) ? 1UL : 0UL), true);
        }
        // The deterministic modes' decisions (IEEE 754 §4.3; round to odd sets the last bit instead), picked by the mode's
        // bit rather than a switch, and nothing changes q when the value is exact (no branch on that either): a vector
        // stream draws the mode at random and many of its sums are exact, and a jump on either would be mispredicted
        // often.
        int bit = 1 << (int)mode;
        bool up = ((bit & 1 << (int)RoundingMode.NearestEven) != 0 & roundBit & (belowRound | (q & 1) != 0))
                | ((bit & 1 << (int)RoundingMode.NearestAway) != 0 & roundBit)
                | ((bit & 1 << (int)RoundingMode.Down) != 0 & negative & inexact)
                | ((bit & 1 << (int)RoundingMode.Up) != 0 & !negative & inexact);
        uint toOdd = (uint)bit >> (int)RoundingMode.ToOdd & (inexact ? 1u : 0u);
        q = (q + (up ? 1UL : 0UL)) | toOdd;
        return (q, inexact);
    }

    /// <summary>Round away iff floor(δ·2^n) + r ≥ 2^n, δ = rest / 2^drop the discarded fraction of one ulp.</summary>
    private static bool StochasticUp(ulong rest, int drop, bool sticky, uint random, int n)
    {
        if (n is < 0 or > 31) throw new ArgumentOutOfRangeException(nameof(n), "stochastic rounding takes 0..31 random bits");
        ulong r = random & ((1UL << n) - 1);
        ulong scaled; // floor(δ·2^n)
        if (drop >= n)
            scaled = drop - n >= 64 ? 0 : rest >> (drop - n);
        else
        {
            if (sticky) throw new InvalidOperationException("stochastic rounding needs at least n discarded bits when sticky is set");
            scaled = rest << (n - drop);
        }
        return scaled + r >= 1UL << n;
    }

    private static bool IsBeyondMax(NumberFormat f, bool negative, ulong q, int quantum, in RoundingContext ctx)
    {
        switch (f.Kind)
        {
            case FormatKind.Integer:
                ulong limit = (1UL << (f.Bits - 1)) - (negative && ctx.IntegerFullRange ? 0UL : 1UL);
                return q > limit;
            case FormatKind.PowerOfTwo:
                return quantum > f.Emax;
            default:
                if (q >> f.MantissaBits == 0) return false; // subnormal or zero
                int e = quantum + f.MantissaBits;
                var (maxSig, _) = f.MaxFinite;
                return e > f.Emax || (e == f.Emax && q > maxSig);
        }
    }

    /// <summary>
    /// IEEE 754 tininess after rounding: the value rounded to the format's precision with an unbounded exponent
    /// range lies below the smallest normal magnitude (2^emin). Integers never underflow.
    /// </summary>
    private static bool IsTinyAfterRounding(NumberFormat f, bool negative, ulong magnitude, int exponent, bool sticky, int msb, in RoundingContext ctx)
    {
        if (f.Kind == FormatKind.Integer || msb >= f.Emin) return false;
        if (msb < f.Emin - 1) return true;
        // msb = emin − 1: tiny unless rounding at full precision carries up to exactly 2^emin.
        var (q, _) = RoundAt(negative, magnitude, exponent, sticky, msb - (f.Precision - 1), ctx);
        return q >> f.Precision == 0;
    }

    /// <summary>
    /// The two other tininess rules (<see cref="Tininess"/>): before rounding, the exact value's leading bit lies below
    /// 2^emin; on the result, the destination-rounded q is subnormal or zero. A power-of-two scale format uses the before-rounding rule for both.
    /// </summary>
    private static bool IsTinyOtherwise(NumberFormat f, ulong q, int msb, Tininess rule)
    {
        if (f.Kind != FormatKind.Float) return f.Kind != FormatKind.Integer && msb < f.Emin;
        return rule == Tininess.BeforeRounding ? msb < f.Emin : q >> f.MantissaBits == 0;
    }

    private static uint Pack(NumberFormat f, bool negative, ulong q, int quantum)
    {
        switch (f.Kind)
        {
            case FormatKind.Integer:
                return negative ? (uint)(-(long)q) & f.CodeMask : (uint)q;
            case FormatKind.PowerOfTwo:
                // No zero: a value below 2^-127 that rounds to nothing is held at the smallest scale.
                return q == 0 ? 0u : (uint)(quantum + f.Bias);
            default:
                uint sign = SignCode(f, negative);
                if (q >> f.MantissaBits == 0) return sign | (uint)q; // zero or subnormal: exponent field 0
                uint biased = (uint)(quantum + f.MantissaBits + f.Bias);
                return sign | (biased << f.MantissaBits) | (uint)(q & ((1UL << f.MantissaBits) - 1));
        }
    }

    /// <summary>The sign bit of a float code (0 for a positive value or an unsigned format), without a branch on the sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SignCode(NumberFormat f, bool negative) => SignCode(f.NegativeZeroCode, negative);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SignCode(uint negativeZeroCode, bool negative) => (0u - (negative ? 1u : 0u)) & negativeZeroCode;

    private static Rounded ExactZero(NumberFormat f, bool negative) => f.Kind switch
    {
        FormatKind.Float => new Rounded(negative ? f.NegativeZeroCode : 0u, ExceptionFlags.None), // unsigned: +0
        FormatKind.Integer => new Rounded(0u, ExceptionFlags.None),
        _ => new Rounded(f.CanonicalNanCode, ExceptionFlags.Invalid), // E8M0 cannot hold zero
    };

    /// <summary>The result of an overflow under the context's policy and mode (see <see cref="OverflowPolicy"/>).</summary>
    public static Rounded Overflowed(NumberFormat f, bool negative, in RoundingContext ctx)
    {
        const ExceptionFlags flags = ExceptionFlags.Overflow | ExceptionFlags.Inexact;
        uint sign = negative && f.IsSigned ? f.NegativeZeroCode : 0u;
        uint max = MaxFiniteCode(f, negative, ctx);
        if (ctx.Overflow == OverflowPolicy.Saturate || !RoundsAwayOnOverflow(ctx.Mode, negative))
            return new Rounded(max, flags);
        if (f.HasInfinity) return new Rounded(sign | f.InfinityCode, flags);
        if (f.HasNan) return new Rounded(f.Kind == FormatKind.PowerOfTwo ? f.CanonicalNanCode : sign | f.CanonicalNanCode, flags);
        return new Rounded(max, flags);
    }

    /// <summary>IEEE 754 §7.4: which modes carry an overflow to infinity rather than to the largest finite value.</summary>
    public static bool RoundsAwayOnOverflow(RoundingMode mode, bool negative) => mode switch
    {
        RoundingMode.NearestEven or RoundingMode.NearestAway or RoundingMode.Stochastic => true,
        RoundingMode.Up => !negative,
        RoundingMode.Down => negative,
        _ => false, // rtz, rto
    };

    /// <summary>The code of the largest finite value with the given sign.</summary>
    public static uint MaxFiniteCode(NumberFormat f, bool negative, in RoundingContext ctx)
    {
        if (f.Kind == FormatKind.Integer)
            return negative ? (uint)(-(long)(ctx.IntegerFullRange ? 1L << (f.Bits - 1) : (1L << (f.Bits - 1)) - 1)) & f.CodeMask : f.MaxFiniteCode;
        return (negative && f.IsSigned ? f.NegativeZeroCode : 0u) | f.MaxFiniteCode;
    }
}
