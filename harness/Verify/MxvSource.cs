using MxRef.Formats;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Verify;

/// <summary>
/// Dot vectors from <c>.mxv</c> files (docs/vector-format.md), read as a stream: <c>//</c> lines (header, class labels,
/// trailer) are skipped, data lines are parsed with <see cref="DotLine.Parse"/>; errors name the file, line and field.
/// The vector at overall position p (counted across the files in order) belongs to this process when the slice owns
/// p; <c>--line</c> selects one line of one file (the repro of a mismatch).
/// </summary>
public sealed class MxvSource(IReadOnlyList<string> files, int k, RunSlice slice, long? onlyLine) : IVectorSource, IVectorOrigins
{
    private int _file = -1;
    private StreamReader? _reader;
    private long _line, _position;

    public bool Claim(VectorBatch batch)
    {
        while (true)
        {
            if (_reader is null)
            {
                if (++_file >= files.Count) return batch.Count > 0;
                _reader = new StreamReader(files[_file], System.Text.Encoding.ASCII, false, 1 << 20);
                _line = 0;
            }
            batch.File ??= files[_file];
            if (batch.File != files[_file]) return true; // a batch holds vectors of one file
            string? text;
            while (batch.Count < VectorBatch.Capacity && (text = _reader.ReadLine()) is not null)
            {
                _line++;
                var span = text.AsSpan().Trim();
                if (span.IsEmpty || span.StartsWith("//")) continue;
                long position = _position++;
                if (onlyLine is { } want ? _line != want : !slice.Owns(position)) continue;
                var v = batch.Vectors[batch.Count];
                try
                {
                    DotLine.Parse(span, v, withExpected: CountFields(span) == 10, StandardFormats.Fp32);
                }
                catch (FieldException e)
                {
                    throw new UsageException($"{files[_file]} line {_line}: field {e.Field}: {e.Message}" +
                                             (e.Field is "A" or "B" ? $" (the design is verified with K = {k}; pass --param K=... to match the file)" : ""));
                }
                batch.Origin[batch.Count++] = _line;
            }
            if (batch.Count == VectorBatch.Capacity) return true;
            _reader.Dispose();
            _reader = null;
            if (batch.Count > 0) return true;
            batch.File = null;
        }
    }

    private static int CountFields(ReadOnlySpan<char> line)
    {
        int n = 0;
        bool inField = false;
        foreach (char ch in line)
        {
            bool sep = ch is ' ' or '\t';
            if (!sep && !inField) n++;
            inField = !sep;
        }
        return n;
    }

    public void Materialize(VectorBatch batch, int i)
    {
        // Claim parsed the inputs already.
    }

    public string Describe(string? file, long origin) => $"{file} line {origin}";

    public string ReproOptions(string? file, long origin) => $"--vectors {file} --line {origin}";

    public void Dispose() => _reader?.Dispose();
}
