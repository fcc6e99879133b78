using MxRef.Dot;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Vectors.Files;

/// <summary>
/// A JSON implementation profile: one object whose members are knob names with string values, e.g.
/// <c>{ "tininess": "on-result", "zero-sign": "positive+c-passthrough", "shortcut": "threshold:70" }</c>
/// (docs/semantics.md, "Implementation profiles"). Knobs not given keep their default.
/// </summary>
public static class ProfileFile
{
    /// <summary>Reads a profile file; a malformed one throws <see cref="MxvFormatException"/> naming the file and field.</summary>
    public static ImplementationProfile Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new MxvFormatException(path, 0, "profile", $"cannot read the profile file: {e.Message}"); }
        return FromJson(text, path);
    }

    /// <summary>Parses profile JSON; <paramref name="source"/> names the file in errors.</summary>
    public static ImplementationProfile FromJson(string json, string source)
    {
        JToken root;
        try { root = JToken.Parse(json); }
        catch (JsonReaderException e) { throw new MxvFormatException(source, e.LineNumber, "profile", $"not valid JSON: {e.Message}"); }
        if (root is not JObject obj) throw new MxvFormatException(source, 1, "profile", $"a profile is a JSON object of knob names and values; valid knobs: {ImplementationProfile.ValidKnobs}");
        var profile = ImplementationProfile.Default;
        foreach (var member in obj.Properties())
        {
            if (member.Value.Type != JTokenType.String)
                throw new MxvFormatException(source, ((IJsonLineInfo)member).LineNumber, member.Name, $"the value must be a string (e.g. \"threshold:70\"), got {member.Value.Type.ToString().ToLowerInvariant()}");
            profile = profile.With(member.Name.Trim().ToLowerInvariant(), ((string)member.Value!).Trim().ToLowerInvariant(), out string? error)
                ?? throw new MxvFormatException(source, ((IJsonLineInfo)member).LineNumber, member.Name, error!);
        }
        return profile;
    }
}
