using System.Globalization;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Harness;

/// <summary>Turns option text into model values, with errors that list what is accepted.</summary>
public static class CliParse
{
    /// <summary>
    /// <c>--profile</c>: an existing file is read as a JSON profile, anything else as <c>name=value,...</c>; both errors
    /// are usage errors (exit 2) naming the file and field or listing the valid knobs.
    /// </summary>
    public static MxRef.Dot.ImplementationProfile Profile(string? text, string option = "--profile")
    {
        if (string.IsNullOrWhiteSpace(text)) return MxRef.Dot.ImplementationProfile.Default;
        if (File.Exists(text))
        {
            try { return MxRef.Vectors.Files.ProfileFile.Read(text); }
            catch (MxRef.Vectors.Files.MxvFormatException e) { throw new UsageException($"{option}: {e.Message}"); }
        }
        return MxRef.Dot.ImplementationProfile.TryParse(text, out string? error) ?? throw new UsageException($"{option}: {error}");
    }

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

    /// <summary>A comma list of MX element formats or <c>all</c>, as element format codes (duplicates dropped).</summary>
    public static int[] ElementFormatCodes(string text, string option)
    {
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return Enumerable.Range(0, StandardFormats.Elements.Count).ToArray();
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => StandardFormats.ElementCode(ElementFormat(n, option))).Distinct().ToArray();
    }

    /// <summary>A comma list of MX element formats or <c>all</c> (duplicates dropped), in element-code order for <c>all</c>.</summary>
    public static NumberFormat[] ElementFormats(string text, string option) =>
        ElementFormatCodes(text, option).Select(c => StandardFormats.Elements[c]).ToArray();

    /// <summary>A comma list of rounding modes or <c>all</c>: the deterministic modes, the ones a vector line can name.</summary>
    public static RoundingMode[] VectorRoundingModes(string text, string option = "--rounding")
    {
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return RoundingModes.Deterministic.ToArray();
        var modes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => Rounding(n, option)).Distinct().ToArray();
        if (modes.Contains(RoundingMode.Stochastic)) throw new UsageException($"{option} sr has no vector code; use rne, rtz, rdn, rup, rna, rto or all");
        return modes;
    }

    /// <summary>A 64-bit seed, decimal or 0x hex.</summary>
    public static ulong Seed(string text, string option = "--seed")
    {
        var t = text.Trim();
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong seed)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out seed);
        return ok ? seed : throw new UsageException($"{option} '{text}' is not a 64-bit unsigned number (decimal or 0x hex)");
    }

    /// <summary>A shard <c>I/N</c> with 0 ≤ I &lt; N, as (index, count).</summary>
    public static (int Index, int Count) Shard(string text, string option = "--shard")
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n)
            return (i, n);
        throw new UsageException($"{option} '{text}' must be I/N with 0 <= I < N, e.g. 0/4");
    }
}
