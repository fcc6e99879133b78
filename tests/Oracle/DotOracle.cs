using System.Numerics;

namespace MxRef.Tests.Oracle;

/// <summary>
/// An independent, deliberately simple oracle for the MX block dot product (issue 4's rules, OCP MX v1.0 §6.1):
/// every product and C as exact BigInteger dyadics, the special-value rules written out case by case, one rounding.
/// Shares no code with refmodel/Dot.
/// </summary>
public static class DotOracle
{
    public static readonly OracleFormat[] ElementByCode = OracleFormat.Elements;
    public static readonly string[] ModeByCode = ["rne", "rtz", "rdn", "rup", "rna", "rto"];

    /// <summary>Returns (result bits in the output format, flags).</summary>
    public static (uint Bits, int Flags) Fused(int fa, byte[] a, int sa, int fb, byte[] b, int sb, uint c, int rm, OracleFormat output)
    {
        var fA = ElementByCode[fa];
        var fB = ElementByCode[fb];
        string mode = ModeByCode[rm];
        var cv = ConversionOracle.Decode(OracleFormat.Fp32, c);
        bool cSignaling = ConversionOracle.IsSignaling(OracleFormat.Fp32, c);

        bool nanInput = sa == 255 || sb == 255 || cv.Class == OClass.NaN;
        bool infTimesZero = false, posInf = false, negInf = false;
        if (cv.Class == OClass.Inf) { if (cv.Negative) negInf = true; else posInf = true; }

        var terms = new List<OValue>();
        for (int i = 0; i < a.Length; i++)
        {
            var x = ConversionOracle.Decode(fA, a[i]);
            var y = ConversionOracle.Decode(fB, b[i]);
            bool neg = x.Negative ^ y.Negative;
            if (x.Class == OClass.NaN || y.Class == OClass.NaN) { nanInput = true; continue; }
            if (x.Class == OClass.Inf || y.Class == OClass.Inf)
            {
                if (x.IsZero || y.IsZero) infTimesZero = true;
                else if (neg) negInf = true;
                else posInf = true;
                continue;
            }
            terms.Add(new OValue(OClass.Finite, neg, x.Mag * y.Mag, x.Exp + y.Exp + sa + sb - 254));
        }
        uint nan = Nan(output);
        if (nanInput || infTimesZero || (posInf && negInf))
        {
            bool nv = cSignaling || infTimesZero || (posInf && negInf && !nanInput);
            return (nan, nv ? ConversionOracle.NV : 0);
        }
        if (posInf) return (Inf(output, false), 0);
        if (negInf) return (Inf(output, true), 0);

        terms.Add(cv);
        int e = terms.Min(t => t.Exp);
        BigInteger sum = 0;
        foreach (var t in terms) sum += (t.Negative ? -t.Mag : t.Mag) << (t.Exp - e);
        if (sum.IsZero)
        {
            bool allNegZero = terms.All(t => t.IsZero && t.Negative);
            bool allPosZero = terms.All(t => t.IsZero && !t.Negative);
            bool negative = mode == "rdn" ? !allPosZero : allNegZero;
            return (negative ? 1u << (output.Bits - 1) : 0u, 0);
        }
        var (v, flags) = ConversionOracle.Round(output, sum.Sign < 0, BigInteger.Abs(sum), e, mode, saturate: false);
        return (Encode(output, v), flags);
    }

    /// <summary>chunked:n — fused over n elements at a time, rounding to FP32 between chunks.</summary>
    public static (uint Bits, int Flags) Chunked(int n, int fa, byte[] a, int sa, int fb, byte[] b, int sb, uint c, int rm, OracleFormat output)
    {
        uint acc = c;
        int flags = 0;
        for (int s = 0; s < a.Length; s += n)
        {
            int len = Math.Min(n, a.Length - s);
            bool last = s + len >= a.Length;
            var (bits, f) = Fused(fa, a[s..(s + len)], sa, fb, b[s..(s + len)], sb, acc, rm, last ? output : OracleFormat.Fp32);
            acc = bits;
            flags |= f;
        }
        return (acc, flags);
    }

    public static uint Nan(OracleFormat f) => f.Bits == 32 ? 0x7FC00000u : f.E == 8 ? 0x7FC0u : 0x7E00u;

    public static uint Inf(OracleFormat f, bool negative) =>
        (negative ? 1u << (f.Bits - 1) : 0) | (((1u << f.E) - 1) << f.M);

    /// <summary>Encodes an oracle value of an IEEE output format into bits.</summary>
    public static uint Encode(OracleFormat f, OValue v)
    {
        uint sign = v.Negative ? 1u << (f.Bits - 1) : 0;
        if (v.Class == OClass.NaN) return Nan(f);
        if (v.Class == OClass.Inf) return Inf(f, v.Negative);
        if (v.Mag.IsZero) return sign;
        var m = v.Mag;
        int e = v.Exp;
        while (m.GetBitLength() < f.M + 1 && e > 1 - f.Bias - f.M) { m <<= 1; e--; }
        while (m.IsEven && m.GetBitLength() > f.M + 1) { m >>= 1; e++; }
        if (m.GetBitLength() <= f.M) return sign | (uint)m; // subnormal: e == 1 − bias − M
        uint biased = (uint)(e + f.M + f.Bias);
        return sign | (biased << f.M) | (uint)(m - (BigInteger.One << f.M));
    }
}
