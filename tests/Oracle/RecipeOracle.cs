using System.Numerics;

namespace MxRef.Tests.Oracle;

/// <summary>
/// The independent oracle of the named recipes (docs/quantization.md), written from each recipe's written rule on exact
/// values (BigInteger · 2^e) and sharing no code with the model: every FP32 operation of a source is an exact product
/// or quotient rounded once by <see cref="ConversionOracle.Round"/> to FP32 (rne, IEEE overflow to Inf); the casts are
/// <see cref="ConversionOracle.Round"/> to the target format. Returns the scale code and element values.
/// </summary>
public static class RecipeOracle
{
    private static readonly OracleFormat Fp32 = OracleFormat.Fp32;
    // IEEE 754 binary64, for the Python / C++ `1.0 / max_pos` that is taken in double before the FP32 conversion.
    private static readonly OracleFormat Fp64 = new("fp64", OracleKind.Float, 64, 11, 52, 1023, true, OracleNan.Ieee,
        (BigInteger.One << 53) - 1, 1023 - 52);
    private static readonly OValue Zero = new(OClass.Finite, false, 0, 0);
    private static readonly OValue One = new(OClass.Finite, false, 1, 0);
    private static readonly OValue NaN = OValue.Nan;

    public static OValue F(uint bits) => ConversionOracle.Decode(Fp32, bits);
    private static OValue Num(BigInteger mag, int exp) => new(OClass.Finite, false, mag, exp);

    /// <summary>An exact value rounded to FP32 (rne, overflow to Inf).</summary>
    public static OValue R32(OValue x) => x.Class != OClass.Finite ? x : ConversionOracle.Round(Fp32, x.Negative, x.Mag, x.Exp, "rne", false).Value;

    public static OValue Mul32(OValue a, OValue b) => R32(MulExact(a, b));

    public static OValue MulExact(OValue a, OValue b)
    {
        if (a.Class == OClass.NaN || b.Class == OClass.NaN) return NaN;
        bool neg = a.Negative ^ b.Negative;
        if (a.Class == OClass.Inf || b.Class == OClass.Inf)
            return a.IsZero || b.IsZero ? NaN : new OValue(OClass.Inf, neg, 0, 0);
        return new OValue(OClass.Finite, neg, a.Mag * b.Mag, a.Exp + b.Exp);
    }

    /// <summary>a / b rounded once to <paramref name="f"/> (FP32 division: f = fp32, rne, no saturation).</summary>
    public static OValue Div(OracleFormat f, OValue a, OValue b, string mode = "rne", bool saturate = false)
    {
        if (a.Class == OClass.NaN || b.Class == OClass.NaN) return NaN;
        bool neg = a.Negative ^ b.Negative;
        if (a.Class == OClass.Inf) return b.Class == OClass.Inf ? NaN : new OValue(OClass.Inf, neg, 0, 0);
        if (b.Class == OClass.Inf) return new OValue(OClass.Finite, neg, 0, 0);
        if (b.IsZero) return a.IsZero ? NaN : new OValue(OClass.Inf, neg, 0, 0);
        if (a.IsZero) return ConversionOracle.Round(f, neg, 0, 0, mode, saturate).Value;
        // 200 extra bits, and an odd last bit standing for a non-zero remainder (a sticky bit).
        var n = a.Mag << 200;
        var q = BigInteger.DivRem(n, b.Mag, out var rem);
        q = q * 2 + (rem.IsZero ? 0 : 1);
        return ConversionOracle.Round(f, neg, q, a.Exp - 200 - b.Exp - 1, mode, saturate).Value;
    }

    private static OValue Cast(OracleFormat f, OValue x, string mode = "rne") => x.Class switch
    {
        OClass.NaN => NaN,
        OClass.Inf => new OValue(OClass.Finite, x.Negative && !f.Unsigned, f.MaxSig, f.MaxExp), // satfinite
        _ => ConversionOracle.Round(f, x.Negative, x.Mag, x.Exp, mode, true).Value,
    };

    private static int Cmp(OValue a, OValue b)
    {
        if (a.Class == OClass.Inf || b.Class == OClass.Inf)
        {
            int ra = a.Class == OClass.Inf ? (a.Negative ? -1 : 1) : 0, rb = b.Class == OClass.Inf ? (b.Negative ? -1 : 1) : 0;
            return ra.CompareTo(rb);
        }
        BigInteger A = a.Negative ? -a.Mag : a.Mag, B = b.Negative ? -b.Mag : b.Mag;
        int e = Math.Min(a.Exp, b.Exp);
        return (A << (a.Exp - e)).CompareTo(B << (b.Exp - e));
    }

    private static OValue Abs(OValue x) => x with { Negative = false };

    /// <summary>max |x|: NaN when <paramref name="nanPropagates"/> and any input is NaN (torch.amax), else NaN skipped (fmaxf).</summary>
    public static OValue Amax(IEnumerable<uint> block, bool nanPropagates)
    {
        var max = Zero;
        foreach (var b in block)
        {
            var x = F(b);
            if (x.Class == OClass.NaN) { if (nanPropagates) return NaN; continue; }
            if (x.Class == OClass.Inf) { max = new OValue(OClass.Inf, false, 0, 0); continue; }
            if (max.Class == OClass.Finite && Cmp(Abs(x), max) > 0) max = Abs(x);
        }
        return max;
    }

    private static int Log2Floor(OValue x) => x.Exp + (int)x.Mag.GetBitLength() - 1;
    private static bool IsPowerOfTwo(OValue x) => x.Mag.IsPowerOfTwo;

    /// <summary>The element's emax and max_pos, typed in from OCP MX v1.0 Table 1 (torchao's *_MAX_POW2 and *_MAX).</summary>
    public static (int Emax, OValue MaxPos) ElementLimits(OracleFormat f) => f.Name switch
    {
        "e4m3" => (8, Num(448, 0)), "e5m2" => (15, Num(57344, 0)), "e3m2" => (4, Num(28, 0)),
        "e2m3" => (2, Num(15, -1)), "e2m1" => (2, Num(6, 0)),
        _ => throw new ArgumentException(f.Name),
    };

    /// <summary>One MX block under a torchao or TE recipe: (E8M0 code, element values). recipe: torchao-floor … te.</summary>
    public static (uint Scale, OValue[] Elements) MxBlock(string recipe, OracleFormat elem, uint[] block, int k)
    {
        var (emax, maxPos) = ElementLimits(elem);
        bool te = recipe == "te";
        var amax = Amax(block, nanPropagates: !te);
        uint code;
        if (recipe is "torchao-rceil" or "te")
        {
            var rcp = R32(Div(Fp64, One, maxPos));          // fp32(1.0 / max_pos), the division in double
            var d = Mul32(amax, rcp);                         // descale, one FP32 multiply
            code = te ? TeE8m0(d) : RceilE8m0(d);
        }
        else
        {
            if (recipe is "torchao-even" or "amd-quark-even" && amax.Class == OClass.Finite && !amax.IsZero)
            {
                // Round amax half-up to m mantissa bits: add half of the unit at m bits below its leading bit
                // (FP32 subnormals: the unit below 2^-126 is 2^-149), then keep only the power of two.
                int lead = Math.Max(Log2Floor(amax), -126);
                var up = new OValue(OClass.Finite, false, (amax.Mag << 200) + (BigInteger.One << (200 + lead - elem.M - 1 - amax.Exp)), amax.Exp - 200);
                amax = Log2Floor(up) >= 128 ? new OValue(OClass.Inf, false, 0, 0) : up;
            }
            if (amax.Class != OClass.Finite) code = 255;
            else
            {
                // FP32 exponent of amax (−127 for zero and FP32 subnormals).
                int e = amax.IsZero || Log2Floor(amax) < -126 ? -127 : Log2Floor(amax);
                if (recipe == "torchao-ceil" && !amax.IsZero && (!IsPowerOfTwo(amax) || Log2Floor(amax) < -126)) e++;
                int s = Math.Clamp(e - emax, -127, 128);
                code = (uint)(s + 127);
            }
        }
        var elements = new OValue[k];
        for (int i = 0; i < k; i++) elements[i] = Zero;
        if (code == 255) return (code, elements);
        // 2^−s as an FP32 value; TE's exp2f_rcp gives 1 for code 0.
        var inv = te && code == 0 ? One : Num(1, 127 - (int)code);
        for (int i = 0; i < block.Length; i++)
        {
            var x = F(block[i]);
            if (x.Class == OClass.NaN) { elements[i] = elem.Nan != OracleNan.None ? NaN : Zero; continue; }
            elements[i] = Cast(elem, Mul32(x, inv));
        }
        return (code, elements);
    }

    /// <summary>RCEIL: the smallest power of two ≥ d; FP32 subnormals at or below 2^−127 give 2^−127 (code 0); no saturation.</summary>
    private static uint RceilE8m0(OValue d)
    {
        if (d.Class != OClass.Finite) return 255;
        if (d.IsZero) return 0;
        if (Log2Floor(d) < -126) return Cmp(d, Num(1, -127)) > 0 ? 1u : 0u;
        int e = Log2Floor(d) + (IsPowerOfTwo(d) ? 0 : 1);
        return e + 127 >= 255 ? 255 : (uint)(e + 127);
    }

    /// <summary>TE: NaN → 255, Inf → 254, else as RCEIL but a value in [2^127, 2^128) stays at 254 (saturate-finite).</summary>
    private static uint TeE8m0(OValue d)
    {
        if (d.Class == OClass.NaN) return 255;
        if (d.Class == OClass.Inf) return 254;
        if (!d.IsZero && Log2Floor(d) == 127) return 254;
        return RceilE8m0(d);
    }

    // ---- NVFP4 -------------------------------------------------------------------------------------------------

    private static readonly OracleFormat UE4M3 = OracleFormat.UE4M3, E2M1 = OracleFormat.E2M1;
    private static readonly OValue Six = Num(6, 0), Fp8Max = Num(448, 0), Max32 = Num((BigInteger.One << 24) - 1, 104);

    /// <summary>The tensor scale the recipe computes from a global amax (see docs/quantization.md), as an FP32 value.</summary>
    public static OValue TensorScale(string recipe, OValue globalAmax)
    {
        var product = Num(2688, 0); // 448 · 6
        if (recipe == "nvfp4-te")
        {
            if (globalAmax.IsZero) return One;
            var s = Div(Fp32, product, globalAmax);
            if (s.Class == OClass.Inf || s.Class == OClass.NaN || Cmp(s, Max32) > 0) s = Max32; // fminf(·, FLT_MAX)
            return s.IsZero ? One : s; // S_enc
        }
        var t = Div(Fp32, globalAmax, product);
        if (recipe == "nvfp4-cudnn" && (t.Class != OClass.Finite || t.IsZero)) return One;
        return t;
    }

    /// <summary>
    /// One NVFP4 block: (UE4M3 code value, element values). <paramref name="ts"/>: torchao and cuDNN the decode scale,
    /// TE its S_enc. <paramref name="amax"/>: the block's (or 16×16 tile's) amax.
    /// </summary>
    public static (OValue Scale, OValue[] Elements) Nvfp4Block(string recipe, OValue ts, OValue amax, uint[] block)
    {
        var elements = Enumerable.Repeat(Zero, 16).ToArray();
        OValue scale;
        switch (recipe)
        {
            case "nvfp4-torchao":
            {
                var scaled = Div(Fp32, Div(Fp32, amax, Six), ts);
                if (scaled.Class != OClass.NaN) scaled = Cmp(scaled, Num(1, -6)) < 0 ? Num(1, -6) : Cmp(scaled, Fp8Max) > 0 ? Fp8Max : scaled;
                scale = Cast(UE4M3, scaled);
                if (scale.Class == OClass.NaN) return (scale, elements);
                var total = Mul32(ts, scale);
                for (int i = 0; i < block.Length; i++)
                {
                    var y = Div(Fp32, F(block[i]), total);
                    if (y.Class == OClass.NaN) { elements[i] = Zero; continue; }
                    if (Cmp(y, Six) > 0) y = Six;
                    if (Cmp(y, Six with { Negative = true }) < 0) y = Six with { Negative = true };
                    elements[i] = Cast(E2M1, y);
                }
                return (scale, elements);
            }
            case "nvfp4-te":
            {
                var sixth = Div(Fp32, One, Six);
                scale = Cast(UE4M3, Mul32(amax, Mul32(ts, sixth)));
                var sDec = Div(Fp32, One, ts);
                var r = Div(Fp32, One, Mul32(scale, sDec));
                if (r.Class == OClass.Inf || Cmp(r, Max32) > 0) r = Max32;
                for (int i = 0; i < block.Length; i++)
                {
                    var y = Mul32(F(block[i]), r);
                    elements[i] = y.Class == OClass.NaN ? Zero : Cast(E2M1, y);
                }
                return (scale, elements);
            }
            default: // nvfp4-cudnn: exact quotients, one rounding each
            {
                if (amax.Class == OClass.NaN) return (NaN, elements);
                scale = amax.Class == OClass.Inf ? Fp8Max : Div(UE4M3, amax, MulExact(Six, ts), "rup", saturate: true);
                var den = MulExact(ts, scale);
                for (int i = 0; i < block.Length; i++)
                {
                    var x = F(block[i]);
                    elements[i] = x.Class == OClass.Inf ? Cast(E2M1, x)
                        : den.IsZero ? new OValue(OClass.Finite, x.Negative, 0, 0)
                        : Div(E2M1, x, den, "rne", saturate: true);
                }
                return (scale, elements);
            }
        }
    }
}
