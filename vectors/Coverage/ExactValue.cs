using MxRef.Dot;
using MxRef.Formats;
using System.Runtime.CompilerServices;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// The exact value R = C + sa·sb·Σ a_i·b_i in <see cref="ExactSum"/>'s window, for the coverage classifier: the same
/// <see cref="ExactSum.Sum"/> as <see cref="ExactSum.Add"/> (the classes read the window's bits, so it must be that
/// window), formed from the terms' leading-bit positions, which the classifier has already found for its alignment
/// class.
/// </summary>
public static class ExactValue
{
    /// <summary>Bit of the window that the larger term's leading bit lands on (<see cref="ExactSum"/>: 125).</summary>
    public const int WindowTop = 125;

    /// <summary>
    /// <see cref="ExactSum.Add"/>(sum, sumExponent, ±<paramref name="cSignificand"/>, <paramref name="cExponent"/>), C's
    /// significand and exponent as <see cref="Codec.Decode"/> gives them (FP32: 24 bits at most); <paramref name="msbSum"/>
    /// and <paramref name="msbC"/> are the terms' leading-bit exponents (<c>int.MinValue</c> for a zero term): when both
    /// terms, aligned to the lower last-bit exponent, stay within 62 bits (about four vectors in five in verify's random
    /// mix), their sum is exact in a long, and its window is placed here without ExactSum's 128-bit bit-length and
    /// alignment work; otherwise ExactSum forms it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ExactSum.Sum Add(in Int128 sum, int sumExponent, int msbSum, bool cNegative, uint cSignificand, int cExponent, int msbC)
    {
        if (msbSum != int.MinValue && msbC != int.MinValue)
        {
            int low = Math.Min(sumExponent, cExponent), top = Math.Max(msbSum, msbC);
            // Each term's bit length plus its shift to the lower exponent ≤ 62, as ExactSum's long path asks.
            if (top - low <= 61) return Near(sum, sumExponent, cNegative ? -(long)cSignificand : cSignificand, cExponent, low, top);
            return ExactSum.Add(sum, sumExponent, cNegative ? -(Int128)cSignificand : cSignificand, cExponent);
        }
        // A zero term: the other alone, unshifted (ExactSum.Single); both zero: C's (a +0).
        if (msbSum == int.MinValue) return new ExactSum.Sum(cNegative && cSignificand != 0, cSignificand, cExponent, false);
        return ExactSum.Single(sum, sumExponent);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ExactSum.Sum Near(in Int128 sum, int sumExponent, long cTerm, int cExponent, int low, int top)
    {
        long total = ((long)sum << (sumExponent - low)) + (cTerm << (cExponent - low));
        int window = top - WindowTop;
        // |total| < 2^62 and low − window ≥ 64: the magnitude's low half is zero.
        ulong magnitude = (ulong)Math.Abs(total);
        return new ExactSum.Sum(total < 0, new UInt128(magnitude << (low - window - 64), 0), window, false);
    }
}
