using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>The sign of an exact-zero dot result (docs/semantics.md, "zero-sign").</summary>
[Flags]
public enum ZeroSignRule
{
    /// <summary>IEEE 754 §6.3: +0, −0 only when every term is −0, or under rdn when terms cancel.</summary>
    Ieee = 0,
    /// <summary>Every exact zero not covered by <see cref="CPassthrough"/> is +0.</summary>
    Positive = 1,
    /// <summary>When the scaled product sum is exactly zero, D = C (a zero C keeps its sign).</summary>
    CPassthrough = 2,
}

/// <summary>The signalling-NaN reading of E5M2 element codes (docs/semantics.md, "snan-elements").</summary>
public enum SignalingElementRule { Quiet, Signal }

/// <summary>What a NaN E8M0 scale (0xFF) means (docs/semantics.md, "nan-scale").</summary>
public enum NanScaleRule { Nan, AsNumber }

/// <summary>How a NaN or infinite C is treated (docs/semantics.md, "special-c").</summary>
public enum SpecialCRule { Ieee, PassthroughWhenDominant }

/// <summary>Which NaN a NaN result is (docs/semantics.md, "nan-result").</summary>
public enum NanResultRule { Canonical, Propagate }

/// <summary>
/// Implementation profile: named switches of the golden dot product, each reproducing one behaviour of real MX units
/// bit-exactly (docs/semantics.md, "Implementation profiles"). They compose with each other and with the accumulation
/// model; <see cref="Default"/> is the reference semantics and leaves every result unchanged.
/// Text form: <c>name=value,name=value</c>, e.g. <c>tininess=on-result,zero-sign=positive+c-passthrough,shortcut=threshold:70</c>.
/// </summary>
public sealed record ImplementationProfile
{
    public Tininess Tininess { get; init; }
    public ZeroSignRule ZeroSign { get; init; }
    /// <summary>0: no shortcut; N ≥ 1: return C with NX when E_C − msb(S) &gt; N (docs/semantics.md, "shortcut").</summary>
    public int ShortcutThreshold { get; init; }
    public SignalingElementRule SignalingElements { get; init; }
    public bool FlushInputs { get; init; }
    public bool FlushC { get; init; }
    public bool FlushResult { get; init; }
    public OverflowPolicy Overflow { get; init; } = OverflowPolicy.Ieee;
    public NanScaleRule NanScale { get; init; }
    public SpecialCRule SpecialC { get; init; }
    public NanResultRule NanResult { get; init; }

    public static readonly ImplementationProfile Default = new();

    public bool IsDefault => Equals(Default);

    /// <summary>Knob names with their valid values, in canonical order.</summary>
    public static readonly IReadOnlyList<(string Name, string Values)> Knobs =
    [
        ("tininess", "after-rounding, before-rounding, on-result"),
        ("zero-sign", "ieee, positive, c-passthrough, positive+c-passthrough"),
        ("shortcut", "none, threshold:N (N >= 1)"),
        ("snan-elements", "quiet, signal"),
        ("flush-inputs", "off, on"),
        ("flush-c", "off, on"),
        ("flush-result", "off, on"),
        ("overflow", "ieee, saturate"),
        ("nan-scale", "nan, as-number"),
        ("special-c", "ieee, passthrough-when-dominant"),
        ("nan-result", "canonical, propagate"),
    ];

    public static string ValidKnobs => string.Join("; ", Knobs.Select(k => $"{k.Name} = {k.Values}"));

    /// <summary>Parses <c>name=value,...</c> (empty or <c>default</c>: the default profile); null with an error naming the valid knobs or values.</summary>
    public static ImplementationProfile? TryParse(string text, out string? error)
    {
        error = null;
        var profile = Default;
        var t = text.Trim();
        if (t.Length == 0 || t.Equals("default", StringComparison.OrdinalIgnoreCase)) return profile;
        foreach (var part in t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq < 0) { error = $"'{part}' is not name=value; valid knobs: {ValidKnobs}"; return null; }
            profile = profile.With(part[..eq].Trim().ToLowerInvariant(), part[(eq + 1)..].Trim().ToLowerInvariant(), out error);
            if (profile is null) return null;
        }
        return profile;
    }

    /// <summary>This profile with one knob set; null and an error listing the valid knobs or that knob's values.</summary>
    public ImplementationProfile? With(string name, string value, out string? error)
    {
        error = null;
        ImplementationProfile? r = (name, value) switch
        {
            ("tininess", "after-rounding") => this with { Tininess = Tininess.AfterRounding },
            ("tininess", "before-rounding") => this with { Tininess = Tininess.BeforeRounding },
            ("tininess", "on-result") => this with { Tininess = Tininess.OnResult },
            ("zero-sign", "ieee") => this with { ZeroSign = ZeroSignRule.Ieee },
            ("zero-sign", "positive") => this with { ZeroSign = ZeroSignRule.Positive },
            ("zero-sign", "c-passthrough") => this with { ZeroSign = ZeroSignRule.CPassthrough },
            ("zero-sign", "positive+c-passthrough" or "c-passthrough+positive") => this with { ZeroSign = ZeroSignRule.Positive | ZeroSignRule.CPassthrough },
            ("shortcut", "none") => this with { ShortcutThreshold = 0 },
            ("shortcut", _) when value.StartsWith("threshold:", StringComparison.Ordinal)
                && int.TryParse(value.AsSpan(10), out int n) && n >= 1 => this with { ShortcutThreshold = n },
            ("snan-elements", "quiet") => this with { SignalingElements = SignalingElementRule.Quiet },
            ("snan-elements", "signal") => this with { SignalingElements = SignalingElementRule.Signal },
            ("flush-inputs", "on" or "off") => this with { FlushInputs = value == "on" },
            ("flush-c", "on" or "off") => this with { FlushC = value == "on" },
            ("flush-result", "on" or "off") => this with { FlushResult = value == "on" },
            ("overflow", "ieee") => this with { Overflow = OverflowPolicy.Ieee },
            ("overflow", "saturate") => this with { Overflow = OverflowPolicy.Saturate },
            ("nan-scale", "nan") => this with { NanScale = NanScaleRule.Nan },
            ("nan-scale", "as-number") => this with { NanScale = NanScaleRule.AsNumber },
            ("special-c", "ieee") => this with { SpecialC = SpecialCRule.Ieee },
            ("special-c", "passthrough-when-dominant") => this with { SpecialC = SpecialCRule.PassthroughWhenDominant },
            ("nan-result", "canonical") => this with { NanResult = NanResultRule.Canonical },
            ("nan-result", "propagate") => this with { NanResult = NanResultRule.Propagate },
            _ => null,
        };
        if (r is not null) return r;
        var knob = Knobs.FirstOrDefault(k => k.Name == name);
        error = knob.Name is null
            ? $"unknown profile knob '{name}'; valid knobs: {ValidKnobs}"
            : $"unknown value '{value}' for profile knob {name}; valid: {knob.Values}";
        return null;
    }

    /// <summary>Canonical text: the knobs that differ from the default, in <see cref="Knobs"/> order; <c>default</c> when none.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Tininess != Tininess.AfterRounding) parts.Add("tininess=" + (Tininess == Tininess.BeforeRounding ? "before-rounding" : "on-result"));
        if (ZeroSign != ZeroSignRule.Ieee)
            parts.Add("zero-sign=" + ZeroSign switch
            {
                ZeroSignRule.Positive => "positive",
                ZeroSignRule.CPassthrough => "c-passthrough",
                _ => "positive+c-passthrough",
            });
        if (ShortcutThreshold > 0) parts.Add($"shortcut=threshold:{ShortcutThreshold}");
        if (SignalingElements == SignalingElementRule.Signal) parts.Add("snan-elements=signal");
        if (FlushInputs) parts.Add("flush-inputs=on");
        if (FlushC) parts.Add("flush-c=on");
        if (FlushResult) parts.Add("flush-result=on");
        if (Overflow == OverflowPolicy.Saturate) parts.Add("overflow=saturate");
        if (NanScale == NanScaleRule.AsNumber) parts.Add("nan-scale=as-number");
        if (SpecialC == SpecialCRule.PassthroughWhenDominant) parts.Add("special-c=passthrough-when-dominant");
        if (NanResult == NanResultRule.Propagate) parts.Add("nan-result=propagate");
        return parts.Count == 0 ? "default" : string.Join(',', parts);
    }
}
