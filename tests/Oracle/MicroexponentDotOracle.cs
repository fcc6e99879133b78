using System.Numerics;

namespace MxRef.Tests.Oracle;

/// <summary>
/// An independent oracle for the fused dot product of two shared-microexponent blocks, written from the definition in
/// docs/semantics.md ("Shared-microexponent blocks", after Rouhani et al., ISCA 2023, §3), sharing no code with
/// refmodel/Dot: every element is the exact rational (−1)^s · M · 2^(E − τ − (m − 1)), the products and C are summed as
/// one BigInteger and rounded once by <see cref="ConversionOracle.Round"/>.
/// </summary>
public static class MicroexponentDotOracle
{
    /// <summary>The shape: m magnitude bits, k2 elements per microexponent; the scale is E8M0 (OCP MX v1.0 §5.4: 2^(code − 127), 0xFF NaN).</summary>
    public sealed record Shape(int MagnitudeBits, int SubBlock);

    /// <summary>MX9/MX6/MX4 (ISCA 2023 Table 2: k1 16, d1 8, k2 2, d2 1, m 7/4/2).</summary>
    public static readonly Shape Mx9 = new(7, 2), Mx6 = new(4, 2), Mx4 = new(2, 2);

    public static (uint Bits, int Flags) Fused(Shape shape, int sa, byte[] ma, uint[] a, int sb, byte[] mb, uint[] b, uint c, int rm, OracleFormat output)
    {
        string mode = DotOracle.ModeByCode[rm];
        var cv = ConversionOracle.Decode(OracleFormat.Fp32, c);
        bool scaleNan = sa == 0xFF || sb == 0xFF;
        // Rules 1–3 as for the OCP formats; the elements can be neither NaN nor infinite.
        if (scaleNan || cv.Class == OClass.NaN)
            return (DotOracle.Nan(output), ConversionOracle.IsSignaling(OracleFormat.Fp32, c) ? ConversionOracle.NV : 0);
        if (cv.Class == OClass.Inf) return (DotOracle.Inf(output, cv.Negative), 0);

        var terms = new List<OValue> { cv };
        int m = shape.MagnitudeBits;
        for (int i = 0; i < a.Length; i++)
        {
            var x = Element(m, a[i], sa - 127 - ma[i / shape.SubBlock]);
            var y = Element(m, b[i], sb - 127 - mb[i / shape.SubBlock]);
            terms.Add(new OValue(OClass.Finite, x.Negative ^ y.Negative, x.Mag * y.Mag, x.Exp + y.Exp));
        }
        int e = terms.Min(t => t.Exp);
        BigInteger sum = 0;
        foreach (var t in terms) sum += (t.Negative ? -t.Mag : t.Mag) << (t.Exp - e);
        if (sum.IsZero)
        {
            bool allNegativeZero = terms.All(t => t.Mag.IsZero && t.Negative);
            bool allPositiveZero = terms.All(t => t.Mag.IsZero && !t.Negative);
            bool negative = mode == "rdn" ? !allPositiveZero : allNegativeZero;
            return (negative ? 1u << (output.Bits - 1) : 0u, 0);
        }
        var (v, flags) = ConversionOracle.Round(output, sum.Sign < 0, BigInteger.Abs(sum), e, mode, saturate: false);
        return (DotOracle.Encode(output, v), flags);
    }

    /// <summary>A sign-magnitude code (sign at bit m) at the power 2^(exponent − (m − 1)).</summary>
    private static OValue Element(int m, uint code, int exponent) =>
        new(OClass.Finite, (code >> m & 1) != 0, code & ((1u << m) - 1), exponent - (m - 1));
}
