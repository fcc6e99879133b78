using System.CommandLine;
using MxRef.Quantization;

namespace MxRef.Harness.Options;

/// <summary>
/// The quantization policy options (scale rule, specials, MXINT8 range, subnormal inputs), declared once for every
/// command that quantizes (<c>quantize</c>, <c>vectors gen --op quantize</c>): names, help, defaults and parsing into
/// a <see cref="QuantizationPolicy"/>. The element rounding is not here: <c>quantize</c> takes one mode, a vector run
/// a list (the generator set's <c>--rounding</c>).
/// </summary>
public sealed class QuantizationPolicyOptionSet
{
    public Option<string> ScaleRule { get; }
    public Option<string> Specials { get; }
    public Option<string> IntegerRange { get; }
    public Option<bool> FlushSubnormalInputs { get; }

    /// <param name="appliesTo">Prefixed to each description where the options apply to one mode of the command only
    /// (e.g. <c>"quantize"</c> in <c>vectors gen</c>, whose default op is dot).</param>
    public QuantizationPolicyOptionSet(string? appliesTo = null)
    {
        string p = appliesTo is null ? "" : appliesTo + ": ";
        ScaleRule = new("--scale-rule") { Description = p + "floor (default, OCP) or ceil (smallest scale with no saturation).", DefaultValueFactory = _ => "floor" };
        Specials = new("--specials") { Description = p + "NaN/Inf in a block: nan-scale (default, scale 0xFF), preserve, saturate.", DefaultValueFactory = _ => "nan-scale" };
        IntegerRange = new("--int8") { Description = p + "MXINT8 range: symmetric (default, +-127/64) or full (-2 allowed).", DefaultValueFactory = _ => "symmetric" };
        FlushSubnormalInputs = new("--flush-subnormal-inputs") { Description = p + "FP32 subnormal inputs become zeros of the same sign." };
    }

    /// <summary>Adds the options to <paramref name="command"/>, in help order.</summary>
    public void AddTo(Command command)
    {
        command.Add(ScaleRule);
        command.Add(Specials);
        command.Add(IntegerRange);
        command.Add(FlushSubnormalInputs);
    }

    /// <summary>
    /// <paramref name="basis"/> (default: <see cref="QuantizationPolicy.Default"/>) with this set's fields from the
    /// command line. Throws <see cref="UsageException"/> listing the valid names of a bad value.
    /// </summary>
    public QuantizationPolicy Bind(ParseResult r, QuantizationPolicy? basis = null) => (basis ?? QuantizationPolicy.Default) with
    {
        ScaleRule = PolicyNames.ParseScaleRule(r.GetValue(ScaleRule)!) ?? throw new UsageException($"unknown --scale-rule '{r.GetValue(ScaleRule)}'; valid: floor, ceil"),
        Specials = PolicyNames.ParseSpecials(r.GetValue(Specials)!) ?? throw new UsageException($"unknown --specials '{r.GetValue(Specials)}'; valid: nan-scale, preserve, saturate"),
        IntegerRange = PolicyNames.ParseIntegerRange(r.GetValue(IntegerRange)!) ?? throw new UsageException($"unknown --int8 '{r.GetValue(IntegerRange)}'; valid: symmetric, full"),
        FlushSubnormalInputs = r.GetValue(FlushSubnormalInputs),
    };
}
