using System.Globalization;
using System.Text;
using MxRef.Formats;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Files;

/// <summary>
/// Reads an <c>.mxv</c> file as a stream, validating as it goes: the header on <see cref="Open"/>, every data line as it
/// is read, and the trailer (<c>// end COUNT CRC32</c>: count and checksum of the data lines) when the end is reached.
/// <see cref="ReadNext"/> returns false only after the trailer has been checked, so a consumer that stops at false has
/// read a complete file; a truncated or corrupted one throws <see cref="MxvFormatException"/> naming file, line and field.
/// </summary>
public sealed class MxvReader : IDisposable
{
    private readonly FileStream _stream;
    /// <summary>The dot lines' one output format; null when each line carries its own (OUT).</summary>
    private readonly NumberFormat? _output;
    private readonly ScaleCodec _scales;
    // The file's bytes are read in large blocks; lines are found with a vectorized search for '\n' and checked, checksummed
    // and parsed as spans of this buffer (no string per line unless the caller asks for one). The header is read with a
    // small buffer (ReadHeader opens every file of a run once for it alone); the first data line grows it to a block.
    private byte[] _buffer = new byte[HeaderBytes];
    private const int HeaderBytes = 4096, BlockBytes = 1 << 20;
    private int _start, _end; // unread bytes: _buffer[_start.._end)
    private bool _endOfFile;
    private uint _crc;
    /// <summary>
    /// Data lines not yet checksummed: _buffer[_crcFrom.._crcTo), each line with its '\n' — the file's own bytes, so one
    /// CRC-32 call covers many lines (folded 64 bytes at a time, where a call per line spent a third of its time on the
    /// line's tail and its newline). Checksummed before the buffer moves and before the trailer is checked.
    /// </summary>
    private int _crcFrom, _crcTo;
    private bool _done;

    public string File { get; }
    public MxvHeader Header { get; }
    /// <summary>The line number (1-based) of the last line read.</summary>
    public long LineNumber { get; private set; }
    /// <summary>Data lines read so far (after the end: the verified total).</summary>
    public long Count { get; private set; }

    private MxvReader(string path)
    {
        File = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        LineNumber = 1;
        try
        {
            Header = MxvHeader.Parse(NextLine(out var first) ? Utf8.GetString(first) : null, path);
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
        _output = Header.Op == MxvHeader.OpDot ? Header.LineOutput : StandardFormats.Fp32;
        _scales = Header.Op == MxvHeader.OpDot ? Header.Scales : ScaleCodec.E8M0;
    }

    /// <summary>Opens a file and validates its header (throws <see cref="MxvFormatException"/>, or IOException if unreadable).</summary>
    public static MxvReader Open(string path) => new(path);

    /// <summary>Reads the header only.</summary>
    public static MxvHeader ReadHeader(string path)
    {
        using var r = Open(path);
        return r.Header;
    }

    /// <summary>
    /// Reads the next dot vector into <paramref name="v"/> (which must have k = the header's block) with its expected D
    /// and FLAGS. Returns false at the end, after the trailer's count and checksum have been verified.
    /// </summary>
    public bool ReadNext(DotVector v)
    {
        v.Scales = _scales;
        Span<long> line = stackalloc long[1];
        return ReadBlock(new Span<DotVector>(ref v), line) == 1;
    }

    /// <summary>
    /// Reads the next dot vectors straight into the caller's vectors (the verify batch's), with their expected D and
    /// FLAGS: each data line is parsed right after it is found, checked and checksummed in the read buffer, with no copy
    /// of its text. The data line of index c (0, 1, … in this file) is read into <paramref name="into"/>[n], its line
    /// number into <paramref name="lines"/>[n], when c ≡ <paramref name="phase"/> (mod <paramref name="stride"/>) — one
    /// process's share of the file —, and only checked and checksummed otherwise. Each vector keeps its
    /// <see cref="DotVector.Scales"/>, whose codes SA and SB must be (<see cref="ReadNext(DotVector)"/> sets the header's
    /// first). Returns the vectors read: fewer than
    /// <paramref name="into"/>.Length only at the end, after the trailer's count and checksum have been verified. A
    /// malformed line throws <see cref="MxvFormatException"/> naming file, line and field, as does a truncated or altered
    /// file at its end.
    /// </summary>
    public int ReadBlock(Span<DotVector> into, Span<long> lines, long stride = 1, long phase = 0)
    {
        if (Header.Op != MxvHeader.OpDot) throw new InvalidOperationException($"{File} holds '{Header.Op}' vectors, not dot vectors");
        if (Header.MicroexponentFormat is { } mf) throw new InvalidOperationException($"{File} holds {mf.Name} dot vectors: read them as {nameof(MicroexponentDotVector)}");
        if (lines.Length < into.Length) throw new ArgumentException("fewer line numbers than vectors");
        var output = _output;
        int n = 0;
        while (n < into.Length && NextDataBytes(out var line))
        {
            if (stride != 1 && (Count - 1 - phase) % stride != 0) continue;
            var v = into[n];
            if (v.K != Header.Block) throw new ArgumentException($"the vector has k = {v.K}; {File} has block {Header.Block}");
            try
            {
                DotLine.Parse(line, v, withExpected: true, output);
            }
            catch (FieldException e)
            {
                throw new MxvFormatException(File, LineNumber, e.Field, e.Message);
            }
            lines[n++] = LineNumber;
        }
        return n;
    }

    /// <summary>
    /// Reads the next shared-microexponent dot vector (a dot file whose header names MX9/MX6/MX4 or a <c>bdr-…</c>
    /// shape) with its expected D and FLAGS; false at the end, after the trailer is verified.
    /// </summary>
    public bool ReadNext(MicroexponentDotVector v)
    {
        if (Header.MicroexponentFormat is not { } f)
            throw new InvalidOperationException($"{File} holds no shared-microexponent dot vectors (its header names no such block_format)");
        if (v.K != Header.Block || v.Format != f) throw new ArgumentException($"the vector is {v.Format.Name} with k = {v.K}; {File} has {f.Name}, block {Header.Block}");
        if (!NextDataLine(out var line)) return false;
        try
        {
            MicroexponentDotLine.Parse(line, v, withExpected: true, _output!);
        }
        catch (FieldException e)
        {
            throw new MxvFormatException(File, LineNumber, e.Field, e.Message);
        }
        return true;
    }

    /// <summary>Reads the next quantize vector (header op <c>quantize</c>); false at the end, after the trailer is verified.</summary>
    public bool ReadNext(QuantizeVector q)
    {
        if (Header.Op != MxvHeader.OpQuantize) throw new InvalidOperationException($"{File} holds '{Header.Op}' vectors, not quantize vectors");
        if (q.K != Header.Block) throw new ArgumentException($"the vector has k = {q.K}; {File} has block {Header.Block}");
        if (!NextDataLine(out var line)) return false;
        try
        {
            QuantizeLine.Parse(line, q);
        }
        catch (FieldException e)
        {
            throw new MxvFormatException(File, LineNumber, e.Field, e.Message);
        }
        return true;
    }

    /// <summary>Reads the next decode vector (header op <c>decode</c>) with its expected results; false at the end, after the trailer is verified.</summary>
    public bool ReadNext(DecodeVector v)
    {
        if (Header.Op != MxvHeader.OpDecode) throw new InvalidOperationException($"{File} holds '{Header.Op}' vectors, not decode vectors");
        if (v.K != Header.Block) throw new ArgumentException($"the vector has k = {v.K}; {File} has block {Header.Block}");
        if (!NextDataLine(out var line)) return false;
        v.Scales = Header.Scales;
        try
        {
            DecodeLine.Parse(line, v, withExpected: true, Header.OutputFormat);
        }
        catch (FieldException e)
        {
            throw new MxvFormatException(File, LineNumber, e.Field, e.Message);
        }
        return true;
    }

    /// <summary>Reads the next shared-microexponent quantize vector (header op <c>quantize-bdr</c>); false at the end, after the trailer is verified.</summary>
    public bool ReadNext(BdrQuantizeVector q)
    {
        if (Header.BdrQuantizeFormat is not { } f) throw new InvalidOperationException($"{File} holds '{Header.Op}' vectors, not quantize-bdr vectors");
        if (q.Format != f) throw new ArgumentException($"the vector is {q.Format.Name}; {File} has {f.Name}");
        if (!NextDataLine(out var line)) return false;
        try
        {
            BdrQuantizeLine.Parse(line, q);
        }
        catch (FieldException e)
        {
            throw new MxvFormatException(File, LineNumber, e.Field, e.Message);
        }
        return true;
    }

    /// <summary>Reads the next regen vector (header op <c>regen</c>); false at the end, after the trailer is verified.</summary>
    public bool ReadNext(RegenVector r)
    {
        if (Header.Op != MxvHeader.OpRegen) throw new InvalidOperationException($"{File} holds '{Header.Op}' vectors, not regen vectors");
        if (r.K != Header.Block) throw new ArgumentException($"the vector has k = {r.K}; {File} has block {Header.Block}");
        if (!NextDataLine(out var line)) return false;
        try
        {
            RegenLine.Parse(line, r);
        }
        catch (FieldException e)
        {
            throw new MxvFormatException(File, LineNumber, e.Field, e.Message);
        }
        return true;
    }

    /// <summary>Every dot vector with its line number (a new <see cref="DotVector"/> each); the trailer is checked at the end.</summary>
    public IEnumerable<(long Line, DotVector Vector)> ReadAll()
    {
        while (true)
        {
            var v = new DotVector(Header.Block);
            if (!ReadNext(v)) yield break;
            yield return (LineNumber, v);
        }
    }

    /// <summary>The next data line (checksummed), skipping comments and blank lines; false after a valid trailer.</summary>
    public bool NextDataLine(out string line)
    {
        if (!NextDataBytes(out var bytes)) { line = ""; return false; }
        line = Encoding.ASCII.GetString(bytes); // checked: printable ASCII
        return true;
    }

    /// <summary>
    /// The next data line as its ASCII bytes (checksummed, printable), skipping comments and blank lines; false after a
    /// valid trailer. The span is valid until the next call; <see cref="DotLine.Parse(ReadOnlySpan{byte}, DotVector, bool, NumberFormat)"/>
    /// parses it without a string.
    /// </summary>
    public bool NextDataBytes(out ReadOnlySpan<byte> line)
    {
        line = default;
        if (_done) return false;
        // The common line first: printable ASCII up to a '\n' already in the buffer, not a comment. One scan finds both
        // its end and any byte that is not printable (the first byte outside ' '..'~' must be the '\n'); anything else
        // (a tab, "\r\n", a comment, an empty line, a line not yet read in, a bad byte) takes the general path below.
        var rest = _buffer.AsSpan(_start, _end - _start);
        int n = rest.IndexOfAnyExceptInRange((byte)' ', (byte)'~');
        if (n > 0 && rest[n] == '\n' && rest[0] != '/')
        {
            LineNumber++;
            if (_crcTo != _start)
            {
                ChecksumPending();
                _crcFrom = _start;
            }
            _crcTo = _start + n + 1;
            _start += n + 1;
            Count++;
            line = rest[..n];
            return true;
        }
        ChecksumPending(); // the general path may move the buffer's bytes
        while (true)
        {
            LineNumber++;
            if (!NextLine(out var s))
                throw new MxvFormatException(File, LineNumber, "trailer", $"file ends after {Count} data lines without the trailer '// end COUNT CRC32': truncated");
            if (s.Length == 0) continue;
            if (s.StartsWith("//"u8))
            {
                if (s.StartsWith("// end"u8))
                {
                    CheckTrailer(Utf8.GetString(s));
                    _done = true;
                    return false;
                }
                continue;
            }
            Checksum(s);
            Count++;
            line = s;
            return true;
        }
    }

    private static readonly UTF8Encoding Utf8 = new(false, throwOnInvalidBytes: false);

    /// <summary>
    /// The next line without its terminator ('\n' or "\r\n"), as a span of the buffer valid until the next call; false at
    /// the end of the file.
    /// </summary>
    private bool NextLine(out ReadOnlySpan<byte> line)
    {
        int searched = 0;
        while (true)
        {
            int nl = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf((byte)'\n');
            if (nl >= 0 || (_endOfFile && _start < _end))
            {
                int length = nl >= 0 ? searched + nl : _end - _start;
                line = _buffer.AsSpan(_start, length);
                _start += nl >= 0 ? length + 1 : length;
                if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
                return true;
            }
            if (_endOfFile) { line = default; return false; }
            searched = _end - _start;
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, searched);
                _start = 0;
                _end = searched;
            }
            if (_end == _buffer.Length || (_buffer.Length < BlockBytes && Header is not null))
                Array.Resize(ref _buffer, Math.Max(2 * _buffer.Length, Header is null ? 0 : BlockBytes)); // past the header, or a line longer than the buffer
            int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0) _endOfFile = true;
            else _end += n;
        }
    }

    private void ChecksumPending()
    {
        if (_crcTo > _crcFrom) _crc = Crc32.Update(_crc, _buffer.AsSpan(_crcFrom, _crcTo - _crcFrom));
        _crcFrom = _crcTo = 0;
    }

    private void Checksum(ReadOnlySpan<byte> s)
    {
        // Printable ASCII (and tabs) checked a vector at a time; this runs in order on one thread.
        for (int i = s.IndexOfAnyExceptInRange((byte)' ', (byte)'~'); i >= 0; i = NextOutside(s, i + 1))
        {
            byte ch = s[i];
            if (ch != '\t')
                throw new MxvFormatException(File, LineNumber, "line", ch < 0x80
                    ? $"character U+{ch:X4} at column {i + 1}: data lines are printable ASCII"
                    : $"byte 0x{ch:X2} (not ASCII) at column {i + 1}: data lines are printable ASCII");
        }
        _crc = Crc32.Update(_crc, s);
        _crc = Crc32.Update(_crc, "\n"u8);
    }

    private static int NextOutside(ReadOnlySpan<byte> s, int from) => s[from..].IndexOfAnyExceptInRange((byte)' ', (byte)'~') is var j and >= 0 ? from + j : -1;

    private void CheckTrailer(string s)
    {
        var parts = s.Split(' ');
        if (parts.Length != 4 || parts[0] != "//" || parts[1] != "end")
            throw new MxvFormatException(File, LineNumber, "trailer", $"malformed trailer '{s}': expected '// end COUNT CRC32'");
        if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long count))
            throw new MxvFormatException(File, LineNumber, "trailer.COUNT", $"COUNT '{parts[2]}' is not a decimal number");
        if (parts[3].Length != 8 || !uint.TryParse(parts[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint crc))
            throw new MxvFormatException(File, LineNumber, "trailer.CHECKSUM", $"CHECKSUM '{parts[3]}' is not 8 hex digits");
        if (count != Count)
            throw new MxvFormatException(File, LineNumber, "trailer.COUNT", $"the trailer announces {count} data lines but the file has {Count}: lines lost or added");
        if (crc != _crc)
            throw new MxvFormatException(File, LineNumber, "trailer.CHECKSUM", $"CRC-32 of the data lines is {_crc:x8}, the trailer says {crc:x8}: the file was altered or corrupted");
        while (NextLine(out var rest))
        {
            LineNumber++;
            if (Utf8.GetString(rest).Trim().Length != 0)
                throw new MxvFormatException(File, LineNumber, "trailer", "text after the trailer '// end ...': the trailer must be the last line");
        }
    }

    public void Dispose() => _stream.Dispose();
}
