using System.Numerics;

namespace MxRef.Tests.Oracle;

/// <summary>The quantization choices, as plain strings and flags (the oracle does not use the model's policy type).</summary>
public sealed record OraclePolicy(string Mode = "rne", bool Ceil = false, string Specials = "nan-scale", bool FullInt = false,
    bool Flush = false, int SrWidth = 8);

/// <summary>
/// A deliberately simple, independent quantization oracle on exact values (BigInteger · 2^e), written from the issue's
/// description of OCP MX v1.0 §6.3 and of the shared-microexponent formats, sharing no code with the model. It
/// returns values (not codes): the tests compare them with the model's decoded codes.
/// </summary>
public static class QuantizationOracle
{
    /// <summary>emax_elem as listed in issue #3 (OCP MX v1.0 Table 1): e4m3 8, e5m2 15, e3m2 4, e2m3 2, e2m1 2, int8 0.</summary>
    public static int EmaxElem(OracleFormat f) => f.Name switch
    {
        "e4m3" => 8, "e5m2" => 15, "e3m2" => 4, "e2m3" => 2, "e2m1" => 2, "int8" => 0,
        _ => throw new ArgumentException(f.Name),
    };

    /// <summary>One OCP MX block: (E8M0 scale code, k element values). random[i]: the sr bits of input i.</summary>
    public static (uint Scale, OValue[] Elements) QuantizeBlock(OracleFormat f, uint[] block, int k, OraclePolicy p, uint[]? random = null)
    {
        var v = Inputs(block, p.Flush);
        bool nan = v.Any(x => x.Class == OClass.NaN), inf = v.Any(x => x.Class == OClass.Inf);
        bool keep = p.Specials switch
        {
            "preserve" => (!nan || f.Nan != OracleNan.None) && (!inf || f.Inf),
            "saturate" => !nan,
            _ => false,
        };
        var zero = new OValue(OClass.Finite, false, 0, 0);
        if ((nan || inf) && !keep) return (255, Enumerable.Repeat(zero, k).ToArray());

        int s;
        var max = MaxFinite(v);
        if (inf && p.Specials == "saturate") s = 127; // saturate (gfloat compute_scale_amax): log2(Inf) clips to 127
        else if (max.IsZero) s = -127;
        else
        {
            s = FloorLog2(max) - EmaxElem(f);
            // ceil: the smallest s with max / 2^s <= max normal.
            if (p.Ceil && Greater(max.Mag, max.Exp - s, f.MaxSig, f.MaxExp)) s++;
            s = Math.Clamp(s, -127, 127);
        }

        var result = new OValue[k];
        for (int i = 0; i < k; i++)
        {
            if (i >= v.Length) { result[i] = zero; continue; }
            var x = v[i];
            result[i] = x.Class switch
            {
                OClass.NaN => OValue.Nan,
                OClass.Inf when p.Specials == "saturate" =>
                    new OValue(OClass.Finite, x.Negative, f.MaxSig + (f.Kind == OracleKind.Int && x.Negative && p.FullInt ? 1 : 0), f.MaxExp),
                OClass.Inf => x,
                _ => ConversionOracle.Round(f, x.Negative, x.Mag, x.Exp - s, p.Mode, true,
                    random?[i] ?? 0, p.Mode == "sr" ? p.SrWidth : 0, p.FullInt).Value,
            };
        }
        return ((uint)(s + 127), result);
    }

    /// <summary>The value X·P of an oracle element (X = 2^(scale − 127)).</summary>
    public static OValue Scaled(OValue p, uint scale) =>
        scale == 255 ? OValue.Nan : p.Class == OClass.Finite ? p with { Exp = p.Exp + (int)scale - 127 } : p;

    /// <summary>
    /// One shared-microexponent block (k1, d1, k2, d2, m): (scale code, microexponents, values of the elements).
    /// E = floor(log2 max) clamped to ±bias; τ_j = min(E − floor(log2 max of sub-block j), 2^d2 − 1) (≥ 0, largest
    /// for an all-zero sub-block); element = round(|v| / 2^(E−τ)) to a multiple of 2^−(m−1), at most 2^m − 1 of them,
    /// with the input's sign.
    /// </summary>
    public static (uint Scale, int[] Micro, OValue[] Elements) QuantizeBdrBlock(int k1, int d1, int k2, int d2, int m,
        uint[] block, OraclePolicy p, uint[]? random = null)
    {
        int bias = (1 << (d1 - 1)) - 1, maxShift = (1 << d2) - 1;
        var v = Inputs(block, p.Flush);
        bool nan = v.Any(x => x.Class == OClass.NaN), inf = v.Any(x => x.Class == OClass.Inf);
        var zero = new OValue(OClass.Finite, false, 0, 0);
        if (nan || (inf && p.Specials != "saturate"))
            return ((1u << d1) - 1, new int[k1 / k2], Enumerable.Repeat(zero, k1).ToArray());

        var max = MaxFinite(v);
        int e = inf ? bias : max.IsZero ? -bias : Math.Clamp(FloorLog2(max), -bias, bias);
        var micro = new int[k1 / k2];
        var result = new OValue[k1];
        // The element grid as an oracle integer format: multiples of 2^-6 up to (2^m − 1)·2^-6; inputs are shifted
        // by 2^(m−1−6) so that the grid 2^−(m−1) lands on 2^-6.
        var grid = new OracleFormat("bdr", OracleKind.Int, m + 1, 0, 0, 0, false, OracleNan.None, (BigInteger.One << m) - 1, -6);
        for (int j = 0; j < k1 / k2; j++)
        {
            var sub = Enumerable.Range(j * k2, k2).Where(i => i < v.Length).Select(i => v[i]).ToArray();
            bool subInf = sub.Any(x => x.Class == OClass.Inf);
            var subMax = MaxFinite(sub);
            int tau = subInf ? 0 : subMax.IsZero ? maxShift : Math.Clamp(e - FloorLog2(subMax), 0, maxShift);
            micro[j] = tau;
            int unit = e - tau - (m - 1); // exponent of the element's last bit
            for (int i = j * k2; i < (j + 1) * k2; i++)
            {
                if (i >= v.Length) { result[i] = zero; continue; }
                var x = v[i];
                if (x.Class == OClass.Inf) { result[i] = new OValue(OClass.Finite, x.Negative, (BigInteger.One << m) - 1, unit); continue; }
                var (r, _) = ConversionOracle.Round(grid, x.Negative, x.Mag, x.Exp - unit - 6, p.Mode, true,
                    random?[i] ?? 0, p.Mode == "sr" ? p.SrWidth : 0);
                result[i] = new OValue(OClass.Finite, x.Negative, r.Mag, r.Exp + 6 + unit);
            }
        }
        return ((uint)(e + bias), micro, result);
    }

    private static OValue[] Inputs(uint[] block, bool flush) => block.Select(b =>
    {
        var x = ConversionOracle.Decode(OracleFormat.Fp32, b);
        // Flush: FP32 subnormals (below 2^-126) become a zero of the same sign.
        if (flush && x.Class == OClass.Finite && !x.Mag.IsZero && FloorLog2(x) < -126) return x with { Mag = 0 };
        return x;
    }).ToArray();

    private static OValue MaxFinite(IEnumerable<OValue> v)
    {
        var max = new OValue(OClass.Finite, false, 0, 0);
        foreach (var x in v)
            if (x.Class == OClass.Finite && !x.Mag.IsZero && (max.IsZero || Greater(x.Mag, x.Exp, max.Mag, max.Exp))) max = x;
        return max;
    }

    public static int FloorLog2(OValue x) => x.Exp + (int)x.Mag.GetBitLength() - 1;

    private static bool Greater(BigInteger a, int ea, BigInteger b, int eb)
    {
        int e = Math.Min(ea, eb);
        return (a << (ea - e)) > (b << (eb - e));
    }
}
