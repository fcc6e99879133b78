using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Result corners, constructed for the output format O: exact zeros under each sign rule (all +0 terms, all −0 terms,
/// mixed zeros, cancellation against C and inside the block), total cancellation of large terms, cancellation into the
/// subnormal range, underflow (half and three quarters of the smallest subnormal, just below 2^emin), overflow by a
/// little and by far, and the largest finite result reached exactly and by rounding.
/// </summary>
internal sealed class ResultCorners : CornerFamily
{
    private const int Cases = 18;

    public override string Name => "results";

    public override int Variants(ElementCodes a, ElementCodes b) => Cases;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        var o = cell.Output;
        int q = o.QuantumExponent, emin = o.Emin;
        var (maxSig, maxExp) = o.MaxFinite;
        Clear(v, cell);
        switch (variant)
        {
            case 0: break; // every term +0
            case 1: Array.Fill(v.A, cell.A.NegativeZero); v.C = Fp32Values.MinusZero; break; // every term −0
            case 2: v.C = Fp32Values.MinusZero; break; // +0 products, −0 C
            case 3: v.A[0] = cell.A.NegativeZero; v.C = Fp32Values.MinusZero; break;
            case 4: v.A[0] = cell.A.One; v.B[0] = cell.B.One; v.C = 0xBF800000; break; // 1·1 − 1
            case 5:
                v.A[0] = cell.A.One; v.B[0] = cell.B.One;
                if (v.K > 1) { v.A[1] = cell.A.Negate(cell.A.One); v.B[1] = cell.B.One; }
                else v.C = 0xBF800000;
                break;
            case 6: Construct(v, cell, 3, 100, false, Fp32Values.Fp32(true, 3, 100)); break; // total cancellation, large
            case 7: Construct(v, cell, 1, emin + 6, false, Fp32Values.Fp32(true, 511, emin - 3)); break; // → 2^(emin−3)
            case 8: Construct(v, cell, (Int128.One << (emin + 6 - (q - 3))) + 1, q - 3, false, Fp32Values.Fp32(true, 511, emin - 3)); break;
            case 9: Construct(v, cell, 1, q - 1, false, 0); break;  // half the smallest subnormal
            case 10: Construct(v, cell, 3, q - 2, false, 0); break; // three quarters of it
            case 11: Construct(v, cell, 1, q - 2, true, Fp32Values.Fp32(false, 1, emin)); break; // just below 2^emin
            case 12: Construct(v, cell, 1, o.Emax, false, Fp32Values.Fp32(false, maxSig, maxExp)); break; // max + 2^emax
            case 13: Construct(v, cell, 1, o.Emax, true, Fp32Values.Fp32(true, maxSig, maxExp)); break;
            case 14: v.ScaleA = v.ScaleB = (byte)v.Scales.Format.MaxFiniteCode; Array.Fill(v.A, cell.A.MaxNormal); Array.Fill(v.B, cell.B.MaxNormal); break; // far beyond
            case 15: Construct(v, cell, 1, maxExp, false, Fp32Values.Fp32(false, maxSig - 1, maxExp)); break; // = max exactly
            case 16: Construct(v, cell, 1, maxExp - 2, false, Fp32Values.Fp32(false, maxSig, maxExp)); break; // max + ulp/4
            default: Construct(v, cell, 1, maxExp - 1, false, Fp32Values.Fp32(false, maxSig, maxExp)); break; // max + ulp/2
        }
    }

    /// <summary>Products summing to ±t·2^e and the given C; falls back to a single one×one product when the formats cannot.</summary>
    private static void Construct(DotVector v, CornerCell cell, Int128 t, int e, bool negative, uint c)
    {
        v.C = c;
        if (!TrySum(v, cell, t, e, negative)) { v.A[0] = cell.A.One; v.B[0] = cell.B.One; }
    }
}
