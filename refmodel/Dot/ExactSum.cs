using System.Numerics;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// Exact addition of two dyadic terms x·2^ex + y·2^ey into a 128-bit window, for the final fusion with C.
/// The larger term's leading bit is placed at bit 125; the smaller term's bits below the window collapse into the
/// sticky bit (floor semantics: the true sum is window + ε, 0 &lt; ε &lt; 1 window units). That is exact for
/// rounding: a term that loses bits is at least 2^25 times smaller than the other, so cancellation removes at most one
/// bit and over 64 bits remain above the sticky — far more than the 24 the output needs.
/// Each term must be below 2^100 in magnitude.
/// </summary>
public static class ExactSum
{
    private const int Top = 125;

    public readonly record struct Sum(bool Negative, UInt128 Magnitude, int Exponent, bool Sticky)
    {
        public bool IsExactZero => Magnitude == UInt128.Zero && !Sticky;

        public Rounded RoundTo(NumberFormat f, in RoundingContext ctx) => RoundingCore.RoundWide(f, Negative, Magnitude, Exponent, Sticky, ctx);
    }

    public static Sum Add(Int128 x, int ex, Int128 y, int ey)
    {
        if (x == Int128.Zero) return Single(y, ey);
        if (y == Int128.Zero) return Single(x, ex);
        int top = Math.Max(ex + BitLength(x) - 1, ey + BitLength(y) - 1);
        int w = top - Top;
        bool sticky = false;
        Int128 s = Align(x, ex, w, ref sticky) + Align(y, ey, w, ref sticky);
        if (s >= Int128.Zero) return new Sum(false, (UInt128)s, w, sticky);
        return new Sum(true, (UInt128)(-s) - (sticky ? UInt128.One : UInt128.Zero), w, sticky);
    }

    public static Sum Single(Int128 x, int ex) =>
        x >= Int128.Zero ? new Sum(false, (UInt128)x, ex, false) : new Sum(true, (UInt128)(-x), ex, false);

    private static Int128 Align(Int128 v, int e, int w, ref bool sticky)
    {
        if (e >= w) return v << (e - w);
        int d = w - e;
        if (d >= 127)
        {
            sticky |= v != Int128.Zero;
            return v < Int128.Zero ? Int128.NegativeOne : Int128.Zero;
        }
        Int128 r = v >> d; // arithmetic shift: floor
        sticky |= v != r << d;
        return r;
    }

    private static int BitLength(Int128 v)
    {
        UInt128 m = v < Int128.Zero ? (UInt128)(-v) : (UInt128)v;
        return 128 - (int)UInt128.LeadingZeroCount(m);
    }
}
