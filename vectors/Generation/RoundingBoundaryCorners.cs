using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Constructed rounding boundaries of the output format O: R = B + f·ulp exactly, for f = 0 (on a representable
/// value), ½ (the tie), ½ ∓ 2^-m (one unit of the products' quantum below / above the tie), 2^-m (sticky bits only far
/// below the round bit) and 1 − 2^-m (just below the next value), at a normal, a subnormal and the overflow magnitude
/// (B = max finite), for both signs and with B's last bit even and odd (ties to even go both ways). C carries B, the
/// block carries f·ulp; m is as large as the format pair and block size allow.
/// </summary>
internal sealed class RoundingBoundaryCorners : CornerFamily
{
    public const int Kinds = 6, Magnitudes = 3;
    private static readonly int[] FineSteps = [40, 32, 24, 20, 16, 12, 11, 10, 8, 6, 4, 3, 2];

    public override string Name => "rounding-boundaries";

    public override int Variants(ElementCodes a, ElementCodes b) => Kinds * Magnitudes * 2 * 2;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        int kind = variant % Kinds, mag = variant / Kinds % Magnitudes;
        bool negative = variant / (Kinds * Magnitudes) % 2 == 1;
        int parity = variant / (Kinds * Magnitudes * 2);
        var o = cell.Output;
        ulong sig; int exp; // B = sig·2^exp, ulp 2^exp
        switch (mag)
        {
            case 0: sig = (3UL << (o.MantissaBits - 1)) + (ulong)parity; exp = -o.MantissaBits; break;
            case 1: sig = 4 + (ulong)parity; exp = o.QuantumExponent; break;
            default: (sig, exp) = o.MaxFinite; sig -= (ulong)(1 - parity); break;
        }
        Clear(v, cell);
        if (kind == 0)
        {
            v.C = Fp32Values.Fp32(negative, sig - 1, exp);
            TrySum(v, cell, 1, exp, negative);
            return;
        }
        v.C = Fp32Values.Fp32(negative, sig, exp);
        if (kind == 1) { TrySum(v, cell, 1, exp - 1, negative); return; }
        // Near-boundary kinds need f = ½ ∓ 2^-m, 2^-m or 1 − 2^-m with m > NearBits. First the block carries f·ulp
        // (exercises the product datapath); coarse pairs with small blocks cannot, so then C carries it (below); only
        // if neither can, a coarser m is accepted (the vector then counts under whatever class its exact value has).
        foreach (int m in FineSteps)
            if (m > Coverage.DotClassifier.NearBits && TrySum(v, cell, Fraction(kind, m), exp - m, negative)) return;
        if (CarryInC(v, cell, kind, mag, sig, exp, negative)) return;
        v.C = Fp32Values.Fp32(negative, sig, exp);
        foreach (int m in FineSteps)
            if (m <= Coverage.DotClassifier.NearBits && TrySum(v, cell, Fraction(kind, m), exp - m, negative)) return;
    }

    /// <summary>f·2^m for the near-boundary kinds (2 tie-below, 3 tie-above, 4 sticky-far, 5 near-up).</summary>
    private static Int128 Fraction(int kind, int m) => kind switch
    {
        2 => (Int128.One << (m - 1)) - 1,
        3 => (Int128.One << (m - 1)) + 1,
        4 => 1,
        _ => (Int128.One << m) - 1,
    };

    /// <summary>
    /// The fallback construction: the block is a single power of two 2^E (the bottom of B's binade) and C = B − 2^E + f·ulp
    /// carries the fine bits, which fits C's 24 bits when B sits at the bottom of its binade (B = 2^E or 2^E + ulp).
    /// </summary>
    private static bool CarryInC(DotVector v, CornerCell cell, int kind, int mag, ulong sig, int exp, bool negative)
    {
        var o = cell.Output;
        int e = mag switch { 0 => 0, 1 => o.QuantumExponent + 2, _ => o.Emax };
        ulong b = mag switch
        {
            0 => (1UL << o.MantissaBits) + (sig & 1),      // B = 2^0 (+ ulp when odd)
            1 => sig,                                       // 4 or 5 ulps: already at the binade bottom
            _ => sig,                                       // max or max − ulp
        };
        int shiftE = e - exp;                               // 2^E in ulps
        foreach (int m in FineSteps)
        {
            if (m <= Coverage.DotClassifier.NearBits) break;
            Int128 cUnits = (((Int128)b - (Int128.One << shiftE)) << m) + Fraction(kind, m); // C in units of 2^(exp−m)
            if (cUnits <= 0 || cUnits >= Int128.One << 62) continue;
            if (Fp32Values.Encode(MxRef.Formats.StandardFormats.Fp32, negative, (ulong)cUnits, exp - m) is not { } c) continue;
            if (!TrySum(v, cell, 1, e, negative)) return false;
            v.C = c;
            return true;
        }
        return false;
    }
}
