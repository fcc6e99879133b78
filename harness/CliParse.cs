using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Harness;

/// <summary>Turns option text into model values, with errors that list what is accepted.</summary>
public static class CliParse
{
    public static NumberFormat Format(string name, string option = "--to") =>
        StandardFormats.TryParse(name) ?? throw new UsageException($"unknown format '{name}' for {option}; valid: {StandardFormats.ValidNames}");

    public static NumberFormat ElementFormat(string name, string option)
    {
        var f = StandardFormats.TryParse(name);
        if (f is null || StandardFormats.ElementCode(f) < 0)
            throw new UsageException($"'{name}' is not an MX element format for {option}; valid: {string.Join(", ", StandardFormats.Elements.Select(e => e.Name))}");
        return f;
    }

    /// <summary>A named block format (nvfp4, mxfp8-e4m3, …) or ELEM/kN/SCALE; unknown names list the valid ones.</summary>
    public static BlockFormat BlockFormat(string name, string option) =>
        Formats.BlockFormat.TryParse(name) ?? throw new UsageException($"unknown block format '{name}' for {option}; valid: {Formats.BlockFormat.ValidNames}");

    public static RoundingMode Rounding(string name, string option = "--rounding") =>
        RoundingModes.TryParse(name) ?? throw new UsageException($"unknown rounding mode '{name}' for {option}; valid: {RoundingModes.ValidNames}");

    public static OverflowPolicy Overflow(string name) => name.Trim().ToLowerInvariant() switch
    {
        "saturate" => OverflowPolicy.Saturate,
        "ieee" => OverflowPolicy.Ieee,
        _ => throw new UsageException($"unknown overflow policy '{name}' for --overflow; valid: saturate, ieee"),
    };
}
