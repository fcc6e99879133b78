using System.Text;
using MxRef.Formats;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Files;

/// <summary>
/// Writes an <c>.mxv</c> file atomically: everything goes to a temporary file beside the target, which is renamed over
/// the target only by <see cref="Commit"/> after the trailer <c>// end COUNT CRC32</c> is written and flushed. A run
/// that fails or is killed leaves no file (or the previous one) under the target name, never a half-written one.
/// </summary>
public sealed class MxvWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _target, _temp;
    private readonly byte[] _line;
    /// <summary>The dot lines' one output format; null when each line carries its own (OUT).</summary>
    private readonly NumberFormat? _output;
    private uint _crc;
    private bool _committed;
    /// <summary>The temporary file's handle (the stream writes through it), for the writeback below.</summary>
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;
    /// <summary>Data bytes written since the last writeback started, and that writeback (one at a time).</summary>
    private long _sinceWriteback;
    private Task? _writeback;
    /// <summary>
    /// Every this many bytes the writer starts the kernel's writeback of what it has written so far on a thread-pool
    /// thread, which waits on the disk while the generator goes on. Otherwise the dirty pages of a large file (hundreds
    /// of MB, far below the kernel's own background threshold on a machine with gigabytes of memory) all go to disk in
    /// <see cref="Commit"/>'s flush, after the last line: a serial tail of a tenth of a second per 100 MB.
    /// </summary>
    private const long WritebackBytes = 32 << 20;
    private static int _writers;

    public MxvHeader Header { get; }
    /// <summary>Data lines written so far.</summary>
    public long Count { get; private set; }

    private MxvWriter(string path, MxvHeader header)
    {
        _target = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(_target)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"output directory '{dir}' does not exist");
        // Unique per process and writer, so concurrent writers of one target never share a temporary file.
        _temp = Path.Combine(dir, $".{Path.GetFileName(_target)}.{Environment.ProcessId}.{Interlocked.Increment(ref _writers)}.tmp");
        _handle = File.OpenHandle(_temp, FileMode.Create, FileAccess.Write, FileShare.None);
        _stream = new FileStream(_handle, FileAccess.Write, 1 << 20);
        Header = header;
        _output = header.Op == MxvHeader.OpDot ? header.LineOutput : StandardFormats.Fp32;
        _line = new byte[MxvLine.MaxLength(header.Block)];
        WriteAscii(header.ToLine() + "\n");
    }

    public static MxvWriter Create(string path, MxvHeader header) => new(path, header);

    /// <summary>A comment line (<c>// text</c>); not part of the checksum.</summary>
    public void WriteComment(string text)
    {
        if (text.Contains('\n')) throw new ArgumentException("a comment is one line");
        if (text.StartsWith("end", StringComparison.Ordinal)) throw new ArgumentException("a comment must not start with 'end': '// end' lines are trailers");
        WriteAscii("// " + text + "\n");
    }

    /// <summary>Writes a dot vector with its expected D and FLAGS.</summary>
    public void WriteDot(DotVector v)
    {
        if (v.K != Header.Block) throw new ArgumentException($"vector has k = {v.K}, the file's block is {Header.Block}");
        int n = MxvLine.FormatDot(v, _output, _line);
        WriteDataLines(_line.AsSpan(0, n), 1);
    }

    /// <summary>Writes a shared-microexponent dot vector (the header names its block format) with its expected D and FLAGS.</summary>
    public void WriteMicroexponentDot(MicroexponentDotVector v)
    {
        if (Header.MicroexponentFormat != v.Format || v.K != Header.Block)
            throw new ArgumentException($"vector is {v.Format.Name} with k = {v.K}; the file is {Header.MicroexponentFormat?.Name ?? "not shared-microexponent"}, block {Header.Block}");
        var bytes = Encoding.ASCII.GetBytes(MicroexponentDotLine.Format(v, _output!) + "\n");
        WriteDataLines(bytes, 1);
    }

    /// <summary>Writes a quantize vector (header op <c>quantize</c>).</summary>
    public void WriteQuantize(QuantizeVector q)
    {
        if (Header.Op != MxvHeader.OpQuantize) throw new InvalidOperationException("the file's op is not quantize");
        if (q.K != Header.Block) throw new ArgumentException($"vector has k = {q.K}, the file's block is {Header.Block}");
        var bytes = Encoding.ASCII.GetBytes(QuantizeLine.Format(q) + "\n");
        WriteDataLines(bytes, 1);
    }

    /// <summary>Writes a shared-microexponent quantize vector (header op <c>quantize-bdr</c>, whose block format it is of).</summary>
    public void WriteBdrQuantize(BdrQuantizeVector q)
    {
        if (Header.BdrQuantizeFormat != q.Format)
            throw new ArgumentException($"vector is {q.Format.Name}; the file is {(Header.Op == MxvHeader.OpQuantizeBdr ? Header.BlockFormat : "not quantize-bdr")}");
        WriteDataLines(Encoding.ASCII.GetBytes(BdrQuantizeLine.Format(q) + "\n"), 1);
    }

    /// <summary>Writes a decode vector with its expected results (header op <c>decode</c>).</summary>
    public void WriteDecode(DecodeVector v)
    {
        if (Header.Op != MxvHeader.OpDecode) throw new InvalidOperationException("the file's op is not decode");
        if (v.K != Header.Block) throw new ArgumentException($"vector has k = {v.K}, the file's block is {Header.Block}");
        WriteDataLines(Encoding.ASCII.GetBytes(DecodeLine.FormatLine(v, Header.OutputFormat) + "\n"), 1);
    }

    /// <summary>Writes a regen vector (header op <c>regen</c>).</summary>
    public void WriteRegen(RegenVector r)
    {
        if (Header.Op != MxvHeader.OpRegen) throw new InvalidOperationException("the file's op is not regen");
        if (r.K != Header.Block) throw new ArgumentException($"vector has k = {r.K}, the file's block is {Header.Block}");
        WriteDataLines(Encoding.ASCII.GetBytes(RegenLine.Format(r) + "\n"), 1);
    }

    /// <summary>
    /// Writes <paramref name="count"/> complete data lines, each ending in '\n' (the generator formats whole batches in
    /// worker threads and hands them over in order).
    /// </summary>
    public void WriteDataLines(ReadOnlySpan<byte> lines, int count)
    {
        _crc = Crc32.Update(_crc, lines);
        _stream.Write(lines);
        Count += count;
        _sinceWriteback += lines.Length;
        if (_sinceWriteback >= WritebackBytes && _writeback is not { IsCompleted: false }) StartWriteback();
    }

    /// <summary>Hands the buffered bytes to the kernel and starts writing the file to disk without waiting for it.</summary>
    private void StartWriteback()
    {
        _writeback?.GetAwaiter().GetResult(); // a failed earlier writeback fails the run here
        _stream.Flush();
        _sinceWriteback = 0;
        var handle = _handle;
        _writeback = Task.Run(() => RandomAccess.FlushToDisk(handle));
    }

    /// <summary>Writes the trailer, flushes to disk and renames the file into place.</summary>
    public void Commit()
    {
        if (_committed) return;
        WriteAscii(Trailer(Count, _crc) + "\n");
        _writeback?.GetAwaiter().GetResult();
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temp, _target, overwrite: true);
        _committed = true;
    }

    public static string Trailer(long count, uint crc) => $"// end {count} {crc:x8}";

    private void WriteAscii(string s) => _stream.Write(Encoding.ASCII.GetBytes(s));

    /// <summary>Without <see cref="Commit"/>, discards the temporary file.</summary>
    public void Dispose()
    {
        if (_committed) return;
        try { _writeback?.Wait(); } catch (AggregateException) { } // the run has failed already; only the file goes
        _stream.Dispose();
        try { File.Delete(_temp); } catch (IOException) { }
    }
}
