namespace MxRef.Rounding;

/// <summary>Exception flags in Berkeley TestFloat's bit order (softfloat_flag_*), as in vector files and RTL.</summary>
[Flags]
public enum ExceptionFlags : byte
{
    None = 0,
    /// <summary>NX: the result differs from the exact value.</summary>
    Inexact = 1,
    /// <summary>UF: tiny (detected after rounding) and inexact.</summary>
    Underflow = 2,
    /// <summary>OF: the rounded result exceeds the largest finite value.</summary>
    Overflow = 4,
    /// <summary>NV: invalid operation.</summary>
    Invalid = 16,
}

public static class ExceptionFlagNames
{
    /// <summary>Flag names joined with '|' (e.g. <c>NX|UF</c>), or <c>-</c> for none.</summary>
    public static string Format(ExceptionFlags flags)
    {
        if (flags == ExceptionFlags.None) return "-";
        var parts = new List<string>(4);
        if ((flags & ExceptionFlags.Inexact) != 0) parts.Add("NX");
        if ((flags & ExceptionFlags.Underflow) != 0) parts.Add("UF");
        if ((flags & ExceptionFlags.Overflow) != 0) parts.Add("OF");
        if ((flags & ExceptionFlags.Invalid) != 0) parts.Add("NV");
        return string.Join('|', parts);
    }
}

/// <summary>What happens to a finite value beyond the largest finite one.</summary>
public enum OverflowPolicy
{
    /// <summary>Clamp to ±max finite (OCP MX's saturating conversion).</summary>
    Saturate,
    /// <summary>
    /// IEEE 754: ±Inf where the format has it, NaN for E4M3 (OFP8's non-saturating mode), ±max for formats with neither.
    /// Modes that round toward zero for the value's sign (rtz, rto, rdn for positive, rup for negative) keep ±max.
    /// </summary>
    Ieee,
}
