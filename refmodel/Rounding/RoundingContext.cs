namespace MxRef.Rounding;

/// <summary>Everything that controls one rounding besides the value and the target format.</summary>
public readonly record struct RoundingContext
{
    public RoundingMode Mode { get; init; }
    public OverflowPolicy Overflow { get; init; }

    /// <summary>
    /// For <see cref="RoundingMode.Stochastic"/>: the n random bits r (low <see cref="RandomWidth"/> bits). The value is
    /// rounded away from zero iff floor(δ·2^n) + r ≥ 2^n, δ = the discarded fraction of one ulp.
    /// </summary>
    public uint RandomBits { get; init; }

    /// <summary>n, the number of random bits for stochastic rounding (0..31).</summary>
    public int RandomWidth { get; init; }

    /// <summary>For integer formats: allow the most negative code (−128 for INT8). Off: symmetric range.</summary>
    public bool IntegerFullRange { get; init; }

    /// <summary>Replace subnormal results by a zero of the same sign (raising UF and NX). Off by default.</summary>
    public bool FlushSubnormals { get; init; }

    public RoundingContext(RoundingMode mode, OverflowPolicy overflow = OverflowPolicy.Saturate)
    {
        Mode = mode;
        Overflow = overflow;
    }

    public static RoundingContext Stochastic(uint randomBits, int width, OverflowPolicy overflow = OverflowPolicy.Saturate) =>
        new(RoundingMode.Stochastic, overflow) { RandomBits = randomBits, RandomWidth = width };
}

/// <summary>A rounded code and the exception flags raised while producing it.</summary>
public readonly record struct Rounded(uint Code, ExceptionFlags Flags);
