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
            if (FitsLong(msbSum, msbC, low))
            {
                long total = LongTotal(sum, sumExponent, cNegative ? -(long)cSignificand : cSignificand, cExponent, low);
                int window = top - WindowTop;
                return new ExactSum.Sum(total < 0, new UInt128(HighHalf(total, low, window), 0), window, false);
            }
            return ExactSum.Add(sum, sumExponent, cNegative ? -(Int128)cSignificand : cSignificand, cExponent);
        }
        // A zero term: the other alone, unshifted (ExactSum.Single); both zero: C's (a +0).
        if (msbSum == int.MinValue) return new ExactSum.Sum(cNegative && cSignificand != 0, cSignificand, cExponent, false);
        return ExactSum.Single(sum, sumExponent);
    }

    /// <summary>
    /// Both terms non-zero and, aligned to the lower last-bit exponent <paramref name="low"/>, within 62 bits each (each
    /// term's bit length plus its shift ≤ 62, as ExactSum's long path asks): their sum is exact in a long.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool FitsLong(int msbSum, int msbC, int low) =>
        msbSum != int.MinValue && msbC != int.MinValue && Math.Max(msbSum, msbC) - low <= 61;

    /// <summary>The two terms of <see cref="FitsLong"/> added in a long, in units of 2^<paramref name="low"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LongTotal(in Int128 sum, int sumExponent, long cTerm, int cExponent, int low) =>
        ((long)sum << (sumExponent - low)) + (cTerm << (cExponent - low));

    /// <summary>
    /// The high half of the window's magnitude for <see cref="LongTotal"/> (the low half is zero: |total| &lt; 2^62 and
    /// low − window ≥ 64, window = the larger leading-bit exponent − <see cref="WindowTop"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong HighHalf(long total, int low, int window) => (ulong)Math.Abs(total) << (low - window - 64);
}
