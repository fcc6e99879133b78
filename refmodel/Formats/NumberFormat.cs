using System.Runtime.CompilerServices;

namespace MxRef.Formats;

/// <summary>How a format's codes map to values.</summary>
public enum FormatKind
{
    /// <summary>Sign, biased exponent, fraction; exponent field 0 holds zero and subnormals (IEEE 754 style).</summary>
    Float,
    /// <summary>Two's complement integer times 2^<see cref="NumberFormat.IntegerScaleExponent"/> (MXINT8).</summary>
    Integer,
    /// <summary>Unsigned biased exponent only, no zero (the E8M0 scale, OCP MX v1.0 §5.4).</summary>
    PowerOfTwo,
}

/// <summary>Which codes are NaN.</summary>
public enum NanEncoding
{
    /// <summary>No NaN codes (FP6, FP4, INT8).</summary>
    None,
    /// <summary>Exponent and mantissa all ones, either sign (E4M3: S.1111.111, OCP MX v1.0 Table 1).</summary>
    AllOnes,
    /// <summary>Exponent all ones with a non-zero mantissa (IEEE 754; E5M2 S.11111.{01,10,11}).</summary>
    Ieee,
}

/// <summary>
/// A number format described as data (in the manner of gfloat's FormatInfo): every algorithm in MxRef reads these
/// fields and derives the rest, there is no class per format. Values are exact dyadic numbers.
/// </summary>
public sealed record NumberFormat
{
    public required string Name { get; init; }
    public required FormatKind Kind { get; init; }
    /// <summary>Total width of a code in bits.</summary>
    public required int Bits { get; init; }
    public int ExponentBits { get; init; }
    public int MantissaBits { get; init; }
    public int Bias { get; init; }
    public bool HasInfinity { get; init; }
    public NanEncoding Nan { get; init; }
    /// <summary>For <see cref="FormatKind.Integer"/>: value = code × 2^IntegerScaleExponent (−6 for MXINT8).</summary>
    public int IntegerScaleExponent { get; init; }
    /// <summary>
    /// False for a float format without a sign bit (NVFP4's UE4M3 block scale: an E4M3 with the sign bit dropped);
    /// its codes are <see cref="Bits"/> = exponent + mantissa bits wide and negative values cannot be encoded.
    /// <see cref="FormatKind.PowerOfTwo"/> formats are unsigned whatever this says.
    /// </summary>
    public bool Signed { get; init; } = true;
    /// <summary>Where the format comes from, shown by <c>mxref formats</c>.</summary>
    public string Source { get; init; } = "";

    /// <summary>
    /// Derived parameters, computed once per format (the hot paths read them on every rounding). Internal so that the
    /// rounding core reads the record once per rounding: each property read below checks it for null again.
    /// </summary>
    internal sealed record DerivedParameters(int Precision, int Emax, int Emin, int QuantumExponent, ulong MaxSignificand, int MaxExponent, uint MaxFiniteCode, uint NegativeZeroCode);

    private DerivedParameters? _derived;

    /// <summary>This format's <see cref="ScaleCodec"/> once asked for (the hot paths read it per block; not part of equality).</summary>
    internal ScaleCodec? ScaleCodecCache;

    /// <summary>
    /// <see cref="StandardFormats.ElementCode"/> of this instance plus 2 once asked for, 0 until then (0 because a
    /// record's copy constructor runs no field initializers). Not part of equality (<see cref="Equals(NumberFormat)"/>
    /// lists the describing fields) and not copied by <c>with</c> (the copy constructor below): a copy finds its own.
    /// </summary>
    internal int ElementCodeCache;

    // The read is a field load the compiler inlines into the rounding core; the first read computes (a call of its own,
    // so that the inlined part stays small: the NativeAOT CLI called the whole getter on every read).
    internal DerivedParameters Derived
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _derived ?? ComputeDerived();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private DerivedParameters ComputeDerived() => _derived = new DerivedParameters(ComputePrecision(), ComputeEmax(), ComputeEmin(),
        ComputeQuantumExponent(), ComputeMaxFinite().Significand, ComputeMaxFinite().Exponent, ComputeMaxFiniteCode(), NegativeZeroCode);

    /// <summary>Copies for <c>with</c> expressions: the derived parameters are recomputed for the copy.</summary>
    private NumberFormat(NumberFormat original)
    {
        Name = original.Name; Kind = original.Kind; Bits = original.Bits; ExponentBits = original.ExponentBits;
        MantissaBits = original.MantissaBits; Bias = original.Bias; HasInfinity = original.HasInfinity; Nan = original.Nan;
        IntegerScaleExponent = original.IntegerScaleExponent; Signed = original.Signed; Source = original.Source;
    }

    public NumberFormat() { }

    /// <summary>Formats are equal when their describing numbers are (the derived cache does not count).</summary>
    public bool Equals(NumberFormat? other) =>
        other is not null && Name == other.Name && Kind == other.Kind && Bits == other.Bits && ExponentBits == other.ExponentBits
        && MantissaBits == other.MantissaBits && Bias == other.Bias && HasInfinity == other.HasInfinity && Nan == other.Nan
        && IntegerScaleExponent == other.IntegerScaleExponent && Signed == other.Signed;

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Bits, ExponentBits, MantissaBits, Bias, HasInfinity, Nan);

    public int Precision => Derived.Precision;
    public int Emax => Derived.Emax;
    public int Emin => Derived.Emin;
    public int QuantumExponent => Derived.QuantumExponent;
    public (ulong Significand, int Exponent) MaxFinite => (Derived.MaxSignificand, Derived.MaxExponent);
    public uint MaxFiniteCode => Derived.MaxFiniteCode;

    public bool IsSigned => Kind != FormatKind.PowerOfTwo && Signed;
    /// <summary>Position of the sign bit; −1 for an unsigned format.</summary>
    public int SignBit => IsSigned ? Bits - 1 : -1;
    public uint CodeMask => Bits >= 32 ? uint.MaxValue : (1u << Bits) - 1;
    public int ExponentFieldMax => (1 << ExponentBits) - 1;

    /// <summary>Precision p in bits, counting the implicit leading one (1 for E8M0).</summary>
    private int ComputePrecision() => Kind == FormatKind.Integer ? Bits - 1 : MantissaBits + 1;

    /// <summary>Exponent of the largest binade holding a finite value (emax, OCP MX v1.0 Table 1).</summary>
    private int ComputeEmax() => Kind switch
    {
        FormatKind.Integer => Bits - 2 + IntegerScaleExponent,
        FormatKind.PowerOfTwo => ExponentFieldMax - 1 - Bias,
        _ => (HasInfinity || Nan == NanEncoding.Ieee ? ExponentFieldMax - 1 : ExponentFieldMax) - Bias,
    };

    /// <summary>Exponent of the smallest normal binade.</summary>
    private int ComputeEmin() => Kind switch
    {
        FormatKind.Integer => IntegerScaleExponent,
        FormatKind.PowerOfTwo => -Bias,
        _ => 1 - Bias,
    };

    /// <summary>Exponent of the least significant bit of the smallest positive value (min subnormal).</summary>
    private int ComputeQuantumExponent() => Kind switch
    {
        FormatKind.Integer => IntegerScaleExponent,
        FormatKind.PowerOfTwo => -Bias,
        _ => ComputeEmin() - MantissaBits,
    };

    /// <summary>Largest finite magnitude as integer significand × 2^exponent.</summary>
    private (ulong Significand, int Exponent) ComputeMaxFinite() => Kind switch
    {
        FormatKind.Integer => ((1UL << (Bits - 1)) - 1, IntegerScaleExponent),
        FormatKind.PowerOfTwo => (1, ComputeEmax()),
        // E4M3 gives up the all-ones mantissa at emax for NaN, so its largest significand is 1.110.
        _ => (((1UL << ComputePrecision()) - 1) - (Nan == NanEncoding.AllOnes && !HasInfinity ? 1UL : 0UL), ComputeEmax() - MantissaBits),
    };

    /// <summary>Code of +max finite.</summary>
    private uint ComputeMaxFiniteCode() => Kind switch
    {
        FormatKind.Integer => (1u << (Bits - 1)) - 1,
        FormatKind.PowerOfTwo => (uint)(ExponentFieldMax - 1),
        _ => (uint)((ComputeEmax() + Bias) << MantissaBits) | (uint)(ComputeMaxFinite().Significand & ((1UL << MantissaBits) - 1)),
    };

    /// <summary>Code of +Inf (only where <see cref="HasInfinity"/>).</summary>
    public uint InfinityCode => (uint)ExponentFieldMax << MantissaBits;

    /// <summary>The canonical quiet NaN code: positive, quiet bit set (IEEE), all ones (E4M3), 0xFF (E8M0).</summary>
    public uint CanonicalNanCode => Kind == FormatKind.PowerOfTwo
        ? CodeMask
        : Nan switch
        {
            NanEncoding.AllOnes => IsSigned ? CodeMask >> 1 : CodeMask,
            NanEncoding.Ieee => ((uint)ExponentFieldMax << MantissaBits) | (1u << (MantissaBits - 1)),
            _ => throw new InvalidOperationException($"{Name} has no NaN"),
        };

    public bool HasNan => Nan != NanEncoding.None || Kind == FormatKind.PowerOfTwo;

    /// <summary>The sign bit alone (−0 of a signed format); 0 for an unsigned format, whose zero has no sign.</summary>
    public uint NegativeZeroCode => IsSigned ? 1u << SignBit : 0u;

    public override string ToString() => Name;
}
