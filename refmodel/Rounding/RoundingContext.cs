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

    /// <summary>When a binary float result is tiny for UF (IEEE 754 §7.5); the default is IEEE's after-rounding rule.</summary>
    public Tininess Tininess { get; init; }

    public RoundingContext(RoundingMode mode, OverflowPolicy overflow = OverflowPolicy.Saturate)
    {
        Mode = mode;
        Overflow = overflow;
    }

    public static RoundingContext Stochastic(uint randomBits, int width, OverflowPolicy overflow = OverflowPolicy.Saturate) =>
        new(RoundingMode.Stochastic, overflow) { RandomBits = randomBits, RandomWidth = width };
}

/// <summary>How tininess is detected for the underflow flag (docs/semantics.md, "tininess").</summary>
public enum Tininess
{
    /// <summary>IEEE 754 §7.5 after rounding: rounded to the precision with unbounded exponent, below 2^emin (RISC-V, Arm, SoftFloat default).</summary>
    AfterRounding,
    /// <summary>IEEE 754 §7.5 before rounding: the exact value lies below 2^emin (x86 SSE, SoftFloat's beforeRounding).</summary>
    BeforeRounding,
    /// <summary>The result already rounded to the destination (with its subnormal quantum) is subnormal or zero; neither IEEE option.</summary>
    OnResult,
}

/// <summary>
/// A rounded code and the exception flags raised while producing it, in one 64-bit field: the JIT then moves a result as
/// one register rather than writing two fields and copying the struct whole (a load that waits on two stores: no
/// store-to-load forwarding across them).
/// </summary>
public readonly record struct Rounded
{
    private readonly ulong _codeAndFlags;

    public Rounded(uint Code, ExceptionFlags Flags) => _codeAndFlags = Code | (ulong)Flags << 32;

    public uint Code { get => (uint)_codeAndFlags; init => _codeAndFlags = _codeAndFlags & ~0xFFFF_FFFFUL | value; }
    public ExceptionFlags Flags { get => (ExceptionFlags)(_codeAndFlags >> 32); init => _codeAndFlags = (uint)_codeAndFlags | (ulong)value << 32; }

    public void Deconstruct(out uint Code, out ExceptionFlags Flags) => (Code, Flags) = (this.Code, this.Flags);
}
