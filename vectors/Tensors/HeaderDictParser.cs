using System.Globalization;

namespace MxRef.Vectors.Tensors;

internal enum HeaderValueKind { String, Bool, Tuple }

internal readonly record struct HeaderValue(HeaderValueKind Kind, string Text, bool Bool, long[] Shape);

/// <summary>
/// The Python literal of an <c>.npy</c> header: a dict whose keys are strings and whose values are strings,
/// <c>True</c>/<c>False</c> or tuples of integers (all numpy.lib.format writes). Anything else is an error naming the
/// file and the column.
/// </summary>
internal sealed class HeaderDictParser(string text, string file)
{
    private int _pos;

    public Dictionary<string, HeaderValue> Parse()
    {
        var d = new Dictionary<string, HeaderValue>(StringComparer.Ordinal);
        Skip();
        Expect('{');
        while (true)
        {
            Skip();
            if (Peek() == '}') { _pos++; break; }
            string key = ReadString();
            Skip();
            Expect(':');
            Skip();
            if (!d.TryAdd(key, ReadValue())) throw Error($"key '{key}' appears twice");
            Skip();
            if (Peek() == ',') { _pos++; continue; }
            Skip();
            Expect('}');
            break;
        }
        Skip();
        if (_pos != text.Length) throw Error("text after the closing '}'");
        return d;
    }

    private HeaderValue ReadValue()
    {
        char c = Peek();
        if (c is '\'' or '"') return new HeaderValue(HeaderValueKind.String, ReadString(), false, []);
        if (c == '(') return new HeaderValue(HeaderValueKind.Tuple, "", false, ReadTuple());
        if (Word("True")) return new HeaderValue(HeaderValueKind.Bool, "", true, []);
        if (Word("False")) return new HeaderValue(HeaderValueKind.Bool, "", false, []);
        throw Error("expected a string, True, False or a tuple");
    }

    private long[] ReadTuple()
    {
        Expect('(');
        var dims = new List<long>();
        while (true)
        {
            Skip();
            if (Peek() == ')') { _pos++; break; }
            int start = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
            if (_pos == start || !long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                throw Error("a shape dimension must be a non-negative integer");
            if (_pos < text.Length && text[_pos] == 'L') _pos++; // Python 2 longs, as old numpy wrote them
            dims.Add(n);
            Skip();
            if (Peek() == ',') { _pos++; continue; }
            Expect(')');
            break;
        }
        return [.. dims];
    }

    private string ReadString()
    {
        char q = Peek();
        if (q is not ('\'' or '"')) throw Error("expected a quoted string");
        int end = text.IndexOf(q, _pos + 1);
        if (end < 0) throw Error("unterminated string");
        var s = text[(_pos + 1)..end];
        _pos = end + 1;
        return s;
    }

    private bool Word(string w)
    {
        if (string.CompareOrdinal(text, _pos, w, 0, w.Length) != 0) return false;
        _pos += w.Length;
        return true;
    }

    private char Peek() => _pos < text.Length ? text[_pos] : throw Error("the header dict ends early");

    private void Expect(char c)
    {
        if (Peek() != c) throw Error($"expected '{c}', found '{text[_pos]}'");
        _pos++;
    }

    private void Skip()
    {
        while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r') _pos++;
    }

    private TensorFileException Error(string what) =>
        new(file, $"malformed .npy header at column {_pos + 1}: {what} (header: {text.TrimEnd()})");
}
