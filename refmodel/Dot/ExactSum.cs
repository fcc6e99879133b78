using System.Numerics;
using System.Runtime.CompilerServices;
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

    /// <summary>x·2^ex + y·2^ey (the 128-bit terms by reference: a value copy of each was a fifth of a caller's cost).</summary>
    public static Sum Add(in Int128 x, int ex, in Int128 y, int ey)
    {
        if (x == Int128.Zero) return Single(y, ey);
        if (y == Int128.Zero) return Single(x, ex);
        // The common case of a block sum and C of similar magnitude: both terms below 2^62 and, aligned to the lower
        // exponent, still below 2^62, so their sum is exact in a long; it is then placed in the same window as below
        // (callers such as the coverage classifier read the window), with no bit lost and no sticky.
        if (FitsLong(x) && FitsLong(y))
        {
            long a = (long)x, b = (long)y;
            int low = Math.Min(ex, ey), da = ex - low, db = ey - low;
            if (BitLength(a) + da <= 62 && BitLength(b) + db <= 62)
            {
                long total = (a << da) + (b << db);
                int window = Math.Max(ex + BitLength(a) - 1, ey + BitLength(b) - 1) - Top;
                UInt128 magnitude = (UInt128)(ulong)Math.Abs(total) << (low - window);
                return new Sum(total < 0, magnitude, window, false);
            }
        }
        int top = Math.Max(ex + BitLength(x) - 1, ey + BitLength(y) - 1);
        int w = top - Top;
        bool sticky = false;
        Int128 s = Align(x, ex, w, ref sticky) + Align(y, ey, w, ref sticky);
        if (s >= Int128.Zero) return new Sum(false, (UInt128)s, w, sticky);
        return new Sum(true, (UInt128)(-s) - (sticky ? UInt128.One : UInt128.Zero), w, sticky);
    }

    public static Sum Single(in Int128 x, int ex) =>
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

    /// <summary>|v| &lt; 2^63: the high half is the low half's sign extension, and the low half is not −2^63.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FitsLong(in Int128 v)
    {
        ulong low = (ulong)v;
        return (ulong)(v >> 64) == (ulong)((long)low >> 63) && low != 1UL << 63;
    }

    /// <summary>Bit length of |v| (v &gt; long.MinValue).</summary>
    private static int BitLength(long v) => 64 - BitOperations.LeadingZeroCount((ulong)Math.Abs(v));

    private static int BitLength(Int128 v)
    {
        UInt128 m = v < Int128.Zero ? (UInt128)(-v) : (UInt128)v;
        return 128 - (int)UInt128.LeadingZeroCount(m);
    }
}
