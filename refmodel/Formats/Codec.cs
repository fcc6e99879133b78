using System.Globalization;

namespace MxRef.Formats;

public enum ValueClass : byte
{
    Zero,
    Subnormal,
    Normal,
    Infinity,
    QuietNaN,
    SignalingNaN,
}

/// <summary>A decoded code: (−1)^Negative × Significand × 2^Exponent for finite classes.</summary>
public readonly record struct Decoded(ValueClass Class, bool Negative, ulong Significand, int Exponent)
{
    public bool IsNaN => Class is ValueClass.QuietNaN or ValueClass.SignalingNaN;
    public bool IsInfinity => Class == ValueClass.Infinity;
    public bool IsFinite => !IsNaN && !IsInfinity;
    public bool IsZero => Class == ValueClass.Zero;

    /// <summary>The value as a double (exact for every format MxRef has: at most 24 significant bits).</summary>
    public double ToDouble() => Class switch
    {
        ValueClass.QuietNaN or ValueClass.SignalingNaN => double.NaN,
        ValueClass.Infinity => Negative ? double.NegativeInfinity : double.PositiveInfinity,
        _ => (Negative ? -1.0 : 1.0) * Math.ScaleB(Significand, Exponent),
    };

    /// <summary>Shortest round-trip decimal text: <c>1.5</c>, <c>-0</c>, <c>inf</c>, <c>-inf</c>, <c>nan</c>, <c>snan</c>.</summary>
    public override string ToString() => Class switch
    {
        ValueClass.QuietNaN => "nan",
        ValueClass.SignalingNaN => "snan",
        ValueClass.Infinity => Negative ? "-inf" : "inf",
        ValueClass.Zero => Negative ? "-0" : "0",
        _ => ToDouble().ToString("R", CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Codes to values, for any <see cref="NumberFormat"/>. Values to codes go through the rounding core
/// (<see cref="MxRef.Rounding.Conversion"/>), so that this namespace does not depend on the rounding one.
/// </summary>
public static class Codec
{
    public static Decoded Decode(NumberFormat f, uint code)
    {
        if (code > f.CodeMask) throw new ArgumentOutOfRangeException(nameof(code), $"0x{code:x} is not a {f.Bits}-bit {f.Name} code");
        switch (f.Kind)
        {
            case FormatKind.Integer:
            {
                long v = ((long)code << (64 - f.Bits)) >> (64 - f.Bits); // sign-extend
                return new Decoded(v == 0 ? ValueClass.Zero : ValueClass.Normal, v < 0, (ulong)Math.Abs(v), f.IntegerScaleExponent);
            }
            case FormatKind.PowerOfTwo:
                return code == f.CanonicalNanCode
                    ? new Decoded(ValueClass.QuietNaN, false, 0, 0)
                    : new Decoded(ValueClass.Normal, false, 1, (int)code - f.Bias);
            default:
            {
                bool negative = f.IsSigned && (code >> f.SignBit) != 0;
                int e = (int)(code >> f.MantissaBits) & f.ExponentFieldMax;
                ulong mant = code & ((1UL << f.MantissaBits) - 1);
                ulong mantMask = (1UL << f.MantissaBits) - 1;
                if (e == f.ExponentFieldMax)
                {
                    if (f.HasInfinity && mant == 0) return new Decoded(ValueClass.Infinity, negative, 0, 0);
                    if (f.Nan == NanEncoding.Ieee && mant != 0)
                        return new Decoded((mant >> (f.MantissaBits - 1)) != 0 ? ValueClass.QuietNaN : ValueClass.SignalingNaN, negative, 0, 0);
                    if (f.Nan == NanEncoding.AllOnes && mant == mantMask) return new Decoded(ValueClass.QuietNaN, negative, 0, 0);
                }
                if (e == 0)
                    return mant == 0
                        ? new Decoded(ValueClass.Zero, negative, 0, 0)
                        : new Decoded(ValueClass.Subnormal, negative, mant, f.QuantumExponent);
                return new Decoded(ValueClass.Normal, negative, mant | (1UL << f.MantissaBits), e - f.Bias - f.MantissaBits);
            }
        }
    }

    /// <summary>Decodes and renders a code as text (see <see cref="Decoded.ToString"/>).</summary>
    public static string Show(NumberFormat f, uint code) => Decode(f, code).ToString();
}
