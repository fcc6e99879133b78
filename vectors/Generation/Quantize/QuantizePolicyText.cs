using MxRef.Quantization;

namespace MxRef.Vectors.Generation.Quantize;

/// <summary>
/// The header's <c>quantization</c> field: the policy of a quantize file except the rounding mode (which is per line),
/// as <c>scale-rule=floor,specials=nan-scale,int8=symmetric,flush-subnormal-inputs=false</c> (docs/vector-format.md).
/// </summary>
public static class QuantizePolicyText
{
    public static string Format(QuantizationPolicy p) =>
        $"scale-rule={p.ScaleRule.Name()},specials={p.Specials.Name()},int8={p.IntegerRange.Name()},flush-subnormal-inputs={(p.FlushSubnormalInputs ? "true" : "false")}";

    /// <summary>Parses the field; null text gives the OCP default. Throws <see cref="FormatException"/> naming the bad item.</summary>
    public static QuantizationPolicy Parse(string? text)
    {
        var p = QuantizationPolicy.Default;
        if (string.IsNullOrWhiteSpace(text)) return p;
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = item.Split('=', 2);
            string key = kv[0], value = kv.Length == 2 ? kv[1] : "";
            p = key switch
            {
                "scale-rule" => p with { ScaleRule = PolicyNames.ParseScaleRule(value) ?? throw Bad(item, "floor, ceil") },
                "specials" => p with { Specials = PolicyNames.ParseSpecials(value) ?? throw Bad(item, "nan-scale, preserve, saturate") },
                "int8" => p with { IntegerRange = PolicyNames.ParseIntegerRange(value) ?? throw Bad(item, "symmetric, full") },
                "flush-subnormal-inputs" => p with { FlushSubnormalInputs = value switch { "true" => true, "false" => false, _ => throw Bad(item, "true, false") } },
                _ => throw new FormatException($"unknown quantization item '{item}'; known: scale-rule, specials, int8, flush-subnormal-inputs"),
            };
        }
        return p;
    }

    private static FormatException Bad(string item, string valid) => new($"bad quantization item '{item}'; valid values: {valid}");
}
