namespace MxRef.Rounding;

/// <summary>
/// Rounding modes. The numeric values are the 3-bit codes used in vector files and RTL; they follow RISC-V <c>frm</c>
/// for 0–4, with round-to-odd as 5. <see cref="Stochastic"/> has no hardware code (its random bits travel separately).
/// </summary>
public enum RoundingMode
{
    /// <summary><c>rne</c>: nearest, ties to even (the OCP default).</summary>
    NearestEven = 0,
    /// <summary><c>rtz</c>: toward zero (microxcaling's <c>floor</c>).</summary>
    TowardZero = 1,
    /// <summary><c>rdn</c>: toward −∞.</summary>
    Down = 2,
    /// <summary><c>rup</c>: toward +∞.</summary>
    Up = 3,
    /// <summary><c>rna</c>: nearest, ties away from zero (microxcaling's <c>nearest</c>, RISC-V RMM).</summary>
    NearestAway = 4,
    /// <summary><c>rto</c>: round to odd — an inexact result gets an odd last bit.</summary>
    ToOdd = 5,
    /// <summary><c>sr</c>: stochastic, with explicitly given random bits (reproducible).</summary>
    Stochastic = 8,
}

public static class RoundingModes
{
    /// <summary>The modes with hardware codes, in code order.</summary>
    public static readonly IReadOnlyList<RoundingMode> Deterministic =
        [RoundingMode.NearestEven, RoundingMode.TowardZero, RoundingMode.Down, RoundingMode.Up, RoundingMode.NearestAway, RoundingMode.ToOdd];

    public static readonly IReadOnlyList<RoundingMode> All = [.. Deterministic, RoundingMode.Stochastic];

    public static string ShortName(this RoundingMode mode) => mode switch
    {
        RoundingMode.NearestEven => "rne",
        RoundingMode.TowardZero => "rtz",
        RoundingMode.Down => "rdn",
        RoundingMode.Up => "rup",
        RoundingMode.NearestAway => "rna",
        RoundingMode.ToOdd => "rto",
        RoundingMode.Stochastic => "sr",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static RoundingMode? TryParse(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        foreach (var m in All)
            if (m.ShortName() == n) return m;
        return null;
    }

    /// <summary>The mode with the given 3-bit hardware code (0–5), or null.</summary>
    public static RoundingMode? FromCode(int code) => code is >= 0 and <= 5 ? (RoundingMode)code : null;

    public static string ValidNames => string.Join(", ", All.Select(m => m.ShortName()));
}
