namespace MxRef.Vectors.Files;

/// <summary>A malformed, truncated or corrupted <c>.mxv</c> file: names the file, the line (1-based) and the field.</summary>
public sealed class MxvFormatException(string file, long line, string field, string problem)
    : Exception($"{file}:{line}: {field}: {problem}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}
