using System.Numerics;

namespace MxRef.Tests.Oracle;

/// <summary>
/// A deliberately simple, independent rounding oracle on exact dyadic values (BigInteger · 2^e), written from the
/// rules in the issue (IEEE 754 §4.3, §7.4, §7.5 for overflow and tininess after rounding; stochastic rounding as
/// floor(δ·2^n) + r ≥ 2^n), sharing no code with the model.
/// </summary>
public static class ConversionOracle
{
    /// <summary>Decodes a code from its bit fields.</summary>
    public static OValue Decode(OracleFormat f, uint code)
    {
        switch (f.Kind)
        {
            case OracleKind.Int:
            {
                int v = code >= 128 ? (int)code - 256 : (int)code;
                return new OValue(OClass.Finite, v < 0, Math.Abs(v), -6);
            }
            case OracleKind.Scale:
                return code == 255 ? OValue.Nan : new OValue(OClass.Finite, false, 1, (int)code - 127);
        }
        bool neg = !f.Unsigned && (code >> (f.Bits - 1)) == 1;
        int exp = (int)((code >> f.M) & ((1u << f.E) - 1));
        uint man = code & ((1u << f.M) - 1);
        bool expAllOnes = exp == (1 << f.E) - 1;
        if (expAllOnes && f.Nan == OracleNan.Ieee) return man == 0 ? new OValue(OClass.Inf, neg, 0, 0) : OValue.Nan;
        if (expAllOnes && f.Nan == OracleNan.AllOnes && man == (1u << f.M) - 1) return OValue.Nan;
        if (exp == 0) return new OValue(OClass.Finite, neg, man, 1 - f.Bias - f.M);
        return new OValue(OClass.Finite, neg, man + (BigInteger.One << f.M), exp - f.Bias - f.M);
    }

    /// <summary>Is this code a signalling NaN (IEEE formats: quiet bit clear)?</summary>
    public static bool IsSignaling(OracleFormat f, uint code) =>
        f.Nan == OracleNan.Ieee && Decode(f, code).Class == OClass.NaN && ((code >> (f.M - 1)) & 1) == 0;

    public const int NX = 1, UF = 2, OF = 4, NV = 16;

    /// <summary>Rounds ±mag·2^exp to the format. mode: rne rtz rdn rup rna rto sr.</summary>
    public static (OValue Value, int Flags) Round(OracleFormat f, bool neg, BigInteger mag, int exp, string mode,
        bool saturate, uint r = 0, int n = 0, bool intFullRange = false)
    {
        if (mag.IsZero)
        {
            if (f.Kind == OracleKind.Scale) return (OValue.Nan, NV);
            return (new OValue(OClass.Finite, neg && f.Kind == OracleKind.Float && !f.Unsigned, 0, 0), 0);
        }
        if ((f.Kind == OracleKind.Scale || f.Unsigned) && neg) return (OValue.Nan, NV); // no sign bit: a negative value is invalid

        int msb = exp + (int)mag.GetBitLength() - 1;
        int ulp = f.Kind switch
        {
            OracleKind.Int => -6,
            OracleKind.Scale => Math.Max(msb, -127),
            _ => Math.Max(msb, f.Emin) - f.M,
        };
        var (k, inexact) = RoundTo(neg, mag, exp, ulp, mode, r, n);
        var result = new OValue(OClass.Finite, neg && !(f.Kind == OracleKind.Int && k.IsZero), k, ulp); // INT8 has no -0

        // Overflow: the rounded value exceeds max finite (INT8 may reach −128/64 when full range is allowed).
        BigInteger maxSig = f.MaxSig + (f.Kind == OracleKind.Int && neg && intFullRange ? 1 : 0);
        if (Greater(k, ulp, maxSig, f.MaxExp))
        {
            var max = new OValue(OClass.Finite, neg && f.Kind != OracleKind.Scale, maxSig, f.MaxExp);
            bool toInfinity = mode switch { "rtz" or "rto" => false, "rup" => !neg, "rdn" => neg, _ => true };
            if (saturate || !toInfinity || f.Kind == OracleKind.Int) return (max, OF | NX);
            if (f.Inf) return (new OValue(OClass.Inf, neg, 0, 0), OF | NX);
            if (f.Nan != OracleNan.None) return (OValue.Nan, OF | NX);
            return (max, OF | NX);
        }
        if (f.Kind == OracleKind.Scale && k.IsZero) result = new OValue(OClass.Finite, false, 1, -127);

        int flags = inexact ? NX : 0;
        if (inexact && f.Kind != OracleKind.Int && msb < f.Emin)
        {
            // Tininess after rounding: round with the same precision but no lower exponent bound.
            int ulpUnbounded = msb - f.M;
            var (k2, _) = RoundTo(neg, mag, exp, ulpUnbounded, mode, r, n);
            if (!Greater(k2, ulpUnbounded, 1, f.Emin) && !(k2 == (BigInteger.One << (f.Emin - ulpUnbounded)))) flags |= UF;
        }
        return (result, flags);
    }

    private static bool Greater(BigInteger a, int ea, BigInteger b, int eb)
    {
        int e = Math.Min(ea, eb);
        return (a << (ea - e)) > (b << (eb - e));
    }

    /// <summary>Rounds mag·2^exp to an integer multiple k of 2^ulp.</summary>
    private static (BigInteger K, bool Inexact) RoundTo(bool neg, BigInteger mag, int exp, int ulp, string mode, uint r, int n)
    {
        if (ulp <= exp) return (mag << (exp - ulp), false);
        int d = ulp - exp;
        BigInteger unit = BigInteger.One << d;
        BigInteger k = mag >> d;
        BigInteger rem = mag - (k << d);
        if (rem.IsZero) return (k, false);
        BigInteger twice = rem * 2;
        bool up = mode switch
        {
            "rne" => twice > unit || (twice == unit && !k.IsEven),
            "rna" => twice >= unit,
            "rtz" => false,
            "rdn" => neg,
            "rup" => !neg,
            "rto" => k.IsEven,
            "sr" => ((rem << n) >> d) + r >= (BigInteger.One << n),
            _ => throw new ArgumentException(mode),
        };
        return (up ? k + 1 : k, true);
    }
}
