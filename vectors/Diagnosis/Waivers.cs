using MxRef.Vectors.Files;

namespace MxRef.Vectors.Diagnosis;

/// <summary>An accepted mismatch class with the reason it is accepted and where the waiver was given.</summary>
public sealed record Waiver(string Class, string Reason, string Source);

/// <summary>
/// Waivers of mismatch classes (docs/verify.md, "Waivers"): <c>CLASS[:reason]</c> as an option or as the lines of a
/// waiver file (<c>#</c> comments, blank lines skipped). A class name contains no ':', so the first ':' starts the
/// reason. A waiver for one knob setting (<c>zero-sign=c-passthrough</c>) covers every class that setting explains,
/// including classes several settings explain; a waiver for an <c>unexplained/…</c> class covers exactly that class.
/// </summary>
public sealed class WaiverSet
{
    private readonly List<Waiver> _waivers = [];

    public IReadOnlyList<Waiver> Waivers => _waivers;

    /// <summary>Adds one <c>CLASS[:reason]</c>; a bad class throws <see cref="MxvFormatException"/> naming the source and line.</summary>
    public void Add(string text, string source, long line)
    {
        var t = text.Trim();
        int colon = t.IndexOf(':');
        string name = (colon < 0 ? t : t[..colon]).Trim(), reason = colon < 0 ? "" : t[(colon + 1)..].Trim();
        if (MismatchClassifier.ValidateClass(name) is { } error) throw new MxvFormatException(source, line, "class", error);
        _waivers.Add(new Waiver(name, reason, line > 0 ? $"{source}:{line}" : source));
    }

    /// <summary>Reads a waiver file: one <c>CLASS[:reason]</c> per line.</summary>
    public void AddFile(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new MxvFormatException(path, 0, "waiver-file", $"cannot read the waiver file: {e.Message}"); }
        for (int i = 0; i < lines.Length; i++)
        {
            var t = lines[i].Trim();
            if (t.Length == 0 || t.StartsWith('#')) continue;
            Add(t, path, i + 1);
        }
    }

    /// <summary>The waiver covering a class (the one given first), or null.</summary>
    public Waiver? For(string className, IReadOnlyList<string> explanations) =>
        _waivers.FirstOrDefault(w => w.Class == className || (!w.Class.Contains('|') && explanations.Contains(w.Class)));
}
