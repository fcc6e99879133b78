using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.DropBack;

/// <summary>
/// The FP32 multiply and subtract of the DropBack training step (IEEE 754 binary32, round to nearest even, IEEE
/// overflow), each an exact operation on the decoded values followed by one call of the rounding core — the same
/// result as the hardware FPU of the trainer, without relying on it.
/// </summary>
public static class Fp32Arithmetic
{
    public const uint QuietNan = 0x7FC00000;
    private static readonly NumberFormat Fp32 = StandardFormats.Fp32;
    private static readonly RoundingContext Nearest = new(RoundingMode.NearestEven, OverflowPolicy.Ieee);

    /// <summary>RN(a × b): the 48-bit product of the significands is exact in 64 bits.</summary>
    public static uint Multiply(uint a, uint b)
    {
        var x = Codec.Decode(Fp32, a);
        var y = Codec.Decode(Fp32, b);
        bool negative = x.Negative != y.Negative;
        if (x.IsNaN || y.IsNaN) return QuietNan;
        if (x.IsInfinity || y.IsInfinity)
            return x.IsZero || y.IsZero ? QuietNan : Signed(negative, 0x7F800000);
        if (x.IsZero || y.IsZero) return Signed(negative, 0);
        return RoundingCore.Round(Fp32, negative, x.Significand * y.Significand, x.Exponent + y.Exponent, false, Nearest).Code;
    }

    /// <summary>RN(a − b).</summary>
    public static uint Subtract(uint a, uint b) => Add(a, b ^ 0x80000000);

    /// <summary>
    /// RN(a + b). Operands within 64 binades of each other are aligned exactly in 128 bits; a smaller operand further
    /// below lies under 2^(e−40) of the larger one's last bit e and only sets the sticky bit (the rounding core needs
    /// ≥ 32 kept bits below the result's last bit when sticky is set; there are ≥ 39 here).
    /// </summary>
    public static uint Add(uint a, uint b)
    {
        var x = Codec.Decode(Fp32, a);
        var y = Codec.Decode(Fp32, b);
        if (x.IsNaN || y.IsNaN) return QuietNan;
        if (x.IsInfinity || y.IsInfinity)
        {
            if (x.IsInfinity && y.IsInfinity && x.Negative != y.Negative) return QuietNan;
            return Signed(x.IsInfinity ? x.Negative : y.Negative, 0x7F800000);
        }
        // IEEE 754 §6.3: an exact zero sum is +0 under round-to-nearest, unless both operands are −0.
        if (x.IsZero && y.IsZero) return Signed(x.Negative && y.Negative, 0);
        if (x.IsZero) return b;
        if (y.IsZero) return a;
        var (hi, lo) = x.Exponent >= y.Exponent ? (x, y) : (y, x);
        int distance = hi.Exponent - lo.Exponent;
        if (distance <= 64)
        {
            UInt128 high = (UInt128)hi.Significand << distance, low = lo.Significand;
            bool negative;
            UInt128 magnitude;
            if (hi.Negative == lo.Negative) (negative, magnitude) = (hi.Negative, high + low);
            else if (high >= low) (negative, magnitude) = (hi.Negative, high - low);
            else (negative, magnitude) = (lo.Negative, low - high);
            if (magnitude == 0) return 0; // x + (−x) = +0 under round-to-nearest
            return RoundingCore.RoundWide(Fp32, negative, magnitude, lo.Exponent, false, Nearest).Code;
        }
        // hi is normal here (two subnormals share one exponent). The value lies strictly between the two neighbours
        // (hi·2^40 ± 1)·2^(e−40) and hi·2^40·2^(e−40): keep the nearer multiple below and set sticky.
        ulong kept = hi.Significand << 40;
        if (hi.Negative != lo.Negative) kept--;
        return RoundingCore.Round(Fp32, hi.Negative, kept, hi.Exponent - 40, true, Nearest).Code;
    }

    private static uint Signed(bool negative, uint magnitude) => negative ? magnitude | 0x80000000 : magnitude;
}
