using System.Numerics;

namespace MxRef.Tests.Oracle;

public enum OracleKind { Float, Int, Scale }
public enum OracleNan { None, AllOnes, Ieee, Scale }

/// <summary>
/// The test oracle's own description of a format, typed in from the spec tables (OCP MX v1.0 Tables 1–2; IEEE 754
/// for fp32/fp16; bfloat16), deliberately not derived from the model's <c>NumberFormat</c>.
/// MaxFinite is the table's "max normal" as significand × 2^exponent.
/// </summary>
public sealed record OracleFormat(string Name, OracleKind Kind, int Bits, int E, int M, int Bias, bool Inf, OracleNan Nan,
    BigInteger MaxSig, int MaxExp, bool Unsigned = false)
{
    // OCP MX v1.0 Table 1: E4M3 bias 7, max normal 448 = 7·2^6, NaN S.1111.111, no Inf.
    public static readonly OracleFormat E4M3 = new("e4m3", OracleKind.Float, 8, 4, 3, 7, false, OracleNan.AllOnes, 7, 6);
    // OCP MX v1.0 Table 1: E5M2 bias 15, max normal 57344 = 7·2^13, Inf S.11111.00, NaN S.11111.{01,10,11}.
    public static readonly OracleFormat E5M2 = new("e5m2", OracleKind.Float, 8, 5, 2, 15, true, OracleNan.Ieee, 7, 13);
    // OCP MX v1.0 Table 1: E3M2 bias 3, max normal 28 = 7·2^2, no Inf/NaN.
    public static readonly OracleFormat E3M2 = new("e3m2", OracleKind.Float, 6, 3, 2, 3, false, OracleNan.None, 7, 2);
    // OCP MX v1.0 Table 1: E2M3 bias 1, max normal 7.5 = 15·2^-1, no Inf/NaN.
    public static readonly OracleFormat E2M3 = new("e2m3", OracleKind.Float, 6, 2, 3, 1, false, OracleNan.None, 15, -1);
    // OCP MX v1.0 Table 1: E2M1 bias 1, max normal 6 = 3·2^1, no Inf/NaN.
    public static readonly OracleFormat E2M1 = new("e2m1", OracleKind.Float, 4, 2, 1, 1, false, OracleNan.None, 3, 1);
    // OCP MX v1.0 Table 1: INT8 two's complement with implicit scale 2^-6, max 127/64 (1.984375).
    public static readonly OracleFormat Int8 = new("int8", OracleKind.Int, 8, 0, 0, 0, false, OracleNan.None, 127, -6);
    // OCP MX v1.0 Table 2: E8M0 bias 127, max 2^127 (0xFE), min 2^-127 (0x00), NaN 0xFF.
    public static readonly OracleFormat E8M0 = new("e8m0", OracleKind.Scale, 8, 8, 0, 127, false, OracleNan.Scale, 1, 127);
    // NVFP4 block scale (NVIDIA TransformerEngine docs/features/low_precision_training/nvfp4/nvfp4.rst: an "FP8 E4M3"
    // scale that is never negative): unsigned E4M3, 7 bits, bias 7, subnormals, max 448 = 7·2^6, NaN 0x7F, no Inf.
    public static readonly OracleFormat UE4M3 = new("ue4m3", OracleKind.Float, 7, 4, 3, 7, false, OracleNan.AllOnes, 7, 6, Unsigned: true);
    // IEEE 754 binary32: max (2^24−1)·2^104.
    public static readonly OracleFormat Fp32 = new("fp32", OracleKind.Float, 32, 8, 23, 127, true, OracleNan.Ieee, (BigInteger.One << 24) - 1, 104);
    // bfloat16: max (2^8−1)·2^120.
    public static readonly OracleFormat Bf16 = new("bf16", OracleKind.Float, 16, 8, 7, 127, true, OracleNan.Ieee, 255, 120);
    // IEEE 754 binary16: max 65504 = 2047·2^5.
    public static readonly OracleFormat Fp16 = new("fp16", OracleKind.Float, 16, 5, 10, 15, true, OracleNan.Ieee, 2047, 5);

    public static readonly OracleFormat[] Elements = [E4M3, E5M2, E3M2, E2M3, E2M1, Int8];
    public static readonly OracleFormat[] Small = [E4M3, E5M2, E3M2, E2M3, E2M1, Int8, E8M0, UE4M3];
    public static readonly OracleFormat[] All = [E4M3, E5M2, E3M2, E2M3, E2M1, Int8, E8M0, UE4M3, Fp32, Bf16, Fp16];

    public int Emin => Kind == OracleKind.Scale ? -Bias : 1 - Bias;
    public override string ToString() => Name;
}

public enum OClass { Finite, Inf, NaN }

/// <summary>An oracle value: ±Mag·2^Exp (finite), ±Inf or NaN. Zero keeps its sign.</summary>
public readonly record struct OValue(OClass Class, bool Negative, BigInteger Mag, int Exp)
{
    public bool IsZero => Class == OClass.Finite && Mag.IsZero;

    public static OValue Nan => new(OClass.NaN, false, 0, 0);

    /// <summary>True when both denote the same value (NaN equals NaN; zeros compare their signs).</summary>
    public bool SameAs(OValue o)
    {
        if (Class != o.Class) return false;
        if (Class == OClass.NaN) return true;
        if (Negative != o.Negative) return false;
        if (Class == OClass.Inf) return true;
        if (Mag.IsZero || o.Mag.IsZero) return Mag.IsZero && o.Mag.IsZero;
        int e = Math.Min(Exp, o.Exp);
        return (Mag << (Exp - e)) == (o.Mag << (o.Exp - e));
    }

    public override string ToString() => Class switch
    {
        OClass.NaN => "NaN",
        OClass.Inf => Negative ? "-Inf" : "+Inf",
        _ => $"{(Negative ? "-" : "+")}{Mag}*2^{Exp}",
    };
}
