using System.Numerics;

namespace MxRef.Tests.Oracle;

/// <summary>
/// An independent, deliberately simple oracle for the MX block dot product (OCP MX v1.0 §6.1; docs/semantics.md):
/// every product and C as exact BigInteger dyadics, the special-value rules written out case by case, one rounding.
/// Shares no code with refmodel/Dot.
/// </summary>
public static class DotOracle
{
    public static readonly OracleFormat[] ElementByCode = OracleFormat.Elements;
    public static readonly string[] ModeByCode = ["rne", "rtz", "rdn", "rup", "rna", "rto"];

    /// <summary>
    /// A block scale's value as NaN or mag·2^exp, decoded from the specs' words: E8M0 is 2^(code−127) with 0xFF NaN
    /// (OCP MX v1.0 §5.4); NVFP4's UE4M3 is the FP8 E4M3 encoding with the sign bit unused (NVIDIA TransformerEngine
    /// NVFP4 docs): exponent bits 6..3 with bias 7, mantissa bits 2..0, exponent field 0 = subnormal m/8·2^−6,
    /// 0x7F = NaN, largest 0x7E = 1.75·2^8 = 448.
    /// </summary>
    public static (bool Nan, BigInteger Mag, int Exp) ScaleValue(string scale, int code)
    {
        if (scale == "e8m0") return code == 255 ? (true, 0, 0) : (false, 1, code - 127);
        if (scale != "ue4m3" || code < 0 || code > 0x7F) throw new ArgumentException($"{scale} code {code}");
        if (code == 0x7F) return (true, 0, 0);
        int e = code >> 3, m = code & 7;
        return e == 0 ? (false, m, -6 - 3) : (false, 8 + m, e - 7 - 3);
    }

    /// <summary>Returns (result bits in the output format, flags).</summary>
    public static (uint Bits, int Flags) Fused(int fa, byte[] a, int sa, int fb, byte[] b, int sb, uint c, int rm, OracleFormat output) =>
        Fused(fa, a, sa, fb, b, sb, c, rm, output, "e8m0");

    /// <summary>
    /// D = C + sa·sb·Σ a_i·b_i with scales of <paramref name="scale"/> (e8m0 or ue4m3), exactly, rounded once. A zero
    /// scale makes every product a zero of sign sign(a)·sign(b), and an infinite element times it ∞×0.
    /// </summary>
    public static (uint Bits, int Flags) Fused(int fa, byte[] a, int sa, int fb, byte[] b, int sb, uint c, int rm, OracleFormat output, string scale) =>
        Fused(fa, a, sa, fb, b, sb, c, rm, output, scale, OracleKnobs.None);

    /// <summary>
    /// The simple implementation-profile knobs, written from docs/semantics.md's words: zero-sign=positive (every exact
    /// zero +0), overflow=saturate (±max with OF|NX), flush-inputs (a subnormal element code — exponent field 0 — is the
    /// zero of its sign), flush-c (the same for an FP32 C), flush-result (a subnormal rounded result becomes the zero of
    /// its sign with exactly UF|NX).
    /// </summary>
    public readonly record struct OracleKnobs(bool PositiveZero, bool Saturate, bool FlushInputs, bool FlushC, bool FlushResult)
    {
        public static readonly OracleKnobs None = default;
    }

    private static byte FlushCode(OracleFormat f, byte code)
    {
        if (f.Kind != OracleKind.Float) return code;
        int exponentField = (code >> f.M) & ((1 << f.E) - 1);
        return exponentField == 0 ? (byte)(code & (1 << (f.Bits - 1))) : code;
    }

    public static (uint Bits, int Flags) Fused(int fa, byte[] a, int sa, int fb, byte[] b, int sb, uint c, int rm, OracleFormat output, string scale,
        OracleKnobs knobs)
    {
        if (knobs.FlushC && ((c >> 23) & 0xFF) == 0) c &= 0x80000000u;
        var scaleA = ScaleValue(scale, sa);
        var scaleB = ScaleValue(scale, sb);
        var fA = ElementByCode[fa];
        var fB = ElementByCode[fb];
        string mode = ModeByCode[rm];
        var cv = ConversionOracle.Decode(OracleFormat.Fp32, c);
        bool cSignaling = ConversionOracle.IsSignaling(OracleFormat.Fp32, c);

        bool nanInput = scaleA.Nan || scaleB.Nan || cv.Class == OClass.NaN;
        bool scaleZero = !scaleA.Nan && !scaleB.Nan && (scaleA.Mag.IsZero || scaleB.Mag.IsZero);
        bool infTimesZero = false, posInf = false, negInf = false;
        if (cv.Class == OClass.Inf) { if (cv.Negative) negInf = true; else posInf = true; }

        var terms = new List<OValue>();
        for (int i = 0; i < a.Length; i++)
        {
            var x = ConversionOracle.Decode(fA, knobs.FlushInputs ? FlushCode(fA, a[i]) : a[i]);
            var y = ConversionOracle.Decode(fB, knobs.FlushInputs ? FlushCode(fB, b[i]) : b[i]);
            bool neg = x.Negative ^ y.Negative;
            if (x.Class == OClass.NaN || y.Class == OClass.NaN) { nanInput = true; continue; }
            if (x.Class == OClass.Inf || y.Class == OClass.Inf)
            {
                if (x.IsZero || y.IsZero || scaleZero) infTimesZero = true;
                else if (neg) negInf = true;
                else posInf = true;
                continue;
            }
            if (scaleA.Nan || scaleB.Nan) continue;
            terms.Add(new OValue(OClass.Finite, neg, x.Mag * y.Mag * scaleA.Mag * scaleB.Mag, x.Exp + y.Exp + scaleA.Exp + scaleB.Exp));
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
            bool negative = !knobs.PositiveZero && (mode == "rdn" ? !allPosZero : allNegZero);
            return (negative ? 1u << (output.Bits - 1) : 0u, 0);
        }
        var (v, flags) = ConversionOracle.Round(output, sum.Sign < 0, BigInteger.Abs(sum), e, mode, saturate: knobs.Saturate);
        uint bits = Encode(output, v);
        uint signBit = 1u << (output.Bits - 1);
        bool subnormal = ((bits & ~signBit) >> output.M) == 0 && (bits & ~signBit) != 0;
        if (knobs.FlushResult && subnormal) return (bits & signBit, ConversionOracle.NX | ConversionOracle.UF);
        return (bits, flags);
    }

    /// <summary>chunked:n — fused over n elements at a time, rounding to FP32 between chunks.</summary>
    public static (uint Bits, int Flags) Chunked(int n, int fa, byte[] a, int sa, int fb, byte[] b, int sb, uint c, int rm, OracleFormat output, string scale = "e8m0")
    {
        uint acc = c;
        int flags = 0;
        for (int s = 0; s < a.Length; s += n)
        {
            int len = Math.Min(n, a.Length - s);
            bool last = s + len >= a.Length;
            var (bits, f) = Fused(fa, a[s..(s + len)], sa, fb, b[s..(s + len)], sb, acc, rm, last ? output : OracleFormat.Fp32, scale);
            acc = bits;
            flags |= f;
        }
        return (acc, flags);
    }

    /// <summary>
    /// The NVFP4 per-tensor epilogue written out: alpha = fp32(ta·tb), then D·alpha rounded to FP32, each an IEEE 754
    /// multiply (NaN in → NaN, NV on a signalling NaN or ∞×0).
    /// </summary>
    public static (uint Bits, int Flags) TensorScale(uint d, uint ta, uint tb, int rm)
    {
        var (alpha, f1) = Multiply(ta, tb, rm);
        var (r, f2) = Multiply(d, alpha, rm);
        return (r, f1 | f2);
    }

    private static (uint Bits, int Flags) Multiply(uint x, uint y, int rm)
    {
        var f = OracleFormat.Fp32;
        var a = ConversionOracle.Decode(f, x);
        var b = ConversionOracle.Decode(f, y);
        if (a.Class == OClass.NaN || b.Class == OClass.NaN)
            return (Nan(f), ConversionOracle.IsSignaling(f, x) || ConversionOracle.IsSignaling(f, y) ? ConversionOracle.NV : 0);
        bool neg = a.Negative ^ b.Negative;
        if ((a.Class == OClass.Inf && b.IsZero) || (b.Class == OClass.Inf && a.IsZero)) return (Nan(f), ConversionOracle.NV);
        if (a.Class == OClass.Inf || b.Class == OClass.Inf) return (Inf(f, neg), 0);
        if (a.IsZero || b.IsZero) return (neg ? 0x80000000u : 0u, 0);
        var (v, flags) = ConversionOracle.Round(f, neg, a.Mag * b.Mag, a.Exp + b.Exp, ModeByCode[rm], saturate: false);
        return (Encode(f, v), flags);
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
