namespace MxRef.Vectors.Files;

/// <summary>
/// The fields of a hex data line in order (one or more spaces between them, a tab ends a field, trailing blanks and CR
/// allowed), with the line codecs' errors: a missing field names the fields the line needs, text after the last field
/// is shown. Used by the decode, shared-microexponent dot and quantize-bdr codecs.
/// </summary>
public ref struct LineFields(ReadOnlySpan<char> line, string[] names, int count)
{
    private readonly ReadOnlySpan<char> _line = line;
    private int _pos;

    /// <summary>Field <paramref name="index"/> (0-based, in order); throws <see cref="FieldException"/> when the line ends before it.</summary>
    public ReadOnlySpan<char> Next(int index)
    {
        while (_pos < _line.Length && _line[_pos] == ' ') _pos++;
        if (_pos >= _line.Length)
            throw new FieldException(names[index], $"missing field {names[index]} (expected {count} fields: {string.Join(' ', names.Take(count))})");
        int start = _pos;
        while (_pos < _line.Length && _line[_pos] != ' ' && _line[_pos] != '\t') _pos++;
        return _line[start.._pos];
    }

    /// <summary>Throws <see cref="FieldException"/> when anything but blanks follows the last field.</summary>
    public void End()
    {
        while (_pos < _line.Length && (_line[_pos] == ' ' || _line[_pos] == '\t' || _line[_pos] == '\r')) _pos++;
        if (_pos < _line.Length) throw new FieldException("end", $"unexpected text after the last field: '{_line[_pos..].ToString()}'");
    }

    /// <summary>Longest line the codecs' byte overloads widen on the stack (longer ones on the heap).</summary>
    public const int MaxStackLine = 4096;
}
