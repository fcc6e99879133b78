using MxRef.Dot;
using MxRef.Formats;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Verify;

/// <summary>
/// Vectors from <c>.mxv</c> files through <see cref="MxvReader"/>: the header is checked against the design (op, block,
/// output, accumulation: <see cref="CheckHeader"/> for the dot unit, the unit's own check otherwise), every line as the
/// unit parses it (dot lines by <see cref="MxvReader.ReadBlock"/> straight into the batch, the other units' by
/// <see cref="IUnit.Parse"/>, in parallel), and the trailer's count and CRC-32 at the end,
/// so a truncated or altered file is an input error (exit 2) naming file, line and field. The vector at overall
/// position p (counted across the files in order) belongs to this process when the slice owns p; <c>--line</c>
/// selects one line of one file (the re-run of a mismatch).
/// </summary>
public sealed class MxvSource(IReadOnlyList<string> files, RunSlice slice, long? onlyLine, IUnit? unit = null) : IVectorSource, IVectorOrigins
{
    private int _file = -1;
    private MxvReader? _reader;
    private long _position;
    private MxvFormatException? _pending;
    /// <summary>One process and one shard own every line: no ownership test (two 64-bit divisions) per line.</summary>
    private readonly bool _ownsAll = slice is { Shards: 1, Jobs: 1 };
    /// <summary>
    /// Dot vectors are read straight into the batch's vectors (<see cref="MxvReader.ReadBlock"/>), each line parsed while it
    /// is in the cache; the other units (and <c>--line</c>) copy each line's text into the batch and parse it in parallel.
    /// </summary>
    private readonly bool _direct = unit is DotUnit && onlyLine is null;
    /// <summary>The slice's lines are the positions ≡ this (mod Shards · Jobs): <see cref="RunSlice.Owns"/>, one remainder.</summary>
    private readonly long _stride = (long)slice.Shards * slice.Jobs, _remainder = slice.Shard + (long)slice.Shards * slice.Job;

    /// <summary>Reads and checks a file's header; throws <see cref="UsageException"/> when it does not fit the run.</summary>
    public static MxvHeader CheckHeader(string path, int k, AccumulationModel model)
    {
        var h = ReadHeader(path, UnitKind.Dot);
        if (!StandardFormats.Scales.Contains(h.ScaleFormat))
            throw new UsageException($"{path}:1: scale: the file's scales are {h.ScaleFormat.Name}; the mx_dot interface takes {string.Join(" or ", StandardFormats.Scales.Select(s => s.Name))} scales (scale_fmt)");
        if (h.Block != k) throw new UsageException($"{path}:1: block: the file has k = {h.Block}, the design is verified with K = {k}; pass --param K={h.Block}");
        if (AccumulationModel.TryParse(h.Accumulation) != model)
            throw new UsageException($"{path}:1: acc: the file was made for the '{h.Accumulation}' model, the run compares with '{model}'; pass --acc {h.Accumulation}");
        return h;
    }

    /// <summary>A file's header, which must be of the unit's op; throws <see cref="UsageException"/> naming the file.</summary>
    public static MxvHeader ReadHeader(string path, UnitKind unit)
    {
        if (!System.IO.File.Exists(path)) throw new UsageException($"vector file '{path}' does not exist");
        MxvHeader h;
        try
        {
            h = MxvReader.ReadHeader(path);
        }
        catch (MxvFormatException e)
        {
            throw new UsageException(e.Message);
        }
        if (h.Op != unit.Op)
        {
            var other = UnitKind.All.FirstOrDefault(u => u.Op == h.Op);
            throw new UsageException($"{path}:1: op: the file holds '{h.Op}' vectors; the {unit.Name} unit takes '{unit.Op}' vectors" +
                                     (other is null ? "" : $" (verify them with --unit {other.Name})"));
        }
        return h;
    }

    /// <summary>
    /// The profile the files were made under (their headers' <c>profile</c>): every file must have the same one, and a
    /// profile given on the command line must be it. Returns the run's profile.
    /// </summary>
    public static ImplementationProfile CheckProfile(IReadOnlyList<string> paths, IReadOnlyList<MxvHeader> headers, ImplementationProfile? given)
    {
        ImplementationProfile Of(int i)
        {
            try { return headers[i].ImplementationProfile; }
            catch (ArgumentException e) { throw new UsageException($"{paths[i]}:1: profile: {e.Message}"); }
        }
        var profile = given ?? Of(0);
        for (int i = 0; i < paths.Count; i++)
            if (Of(i) != profile)
                throw new UsageException(given is null
                    ? $"{paths[i]}:1: profile: the file was made under profile '{Of(i)}', {paths[0]} under '{profile}'; verify them in separate runs"
                    : $"{paths[i]}:1: profile: the file was made under profile '{Of(i)}', the run compares with '{profile}'; pass --profile {Of(i)}");
        return profile;
    }

    public bool Claim(VectorBatch batch)
    {
        try
        {
            if (_pending is not null) throw _pending;
            if (_reader is not null) batch.File = files[_file];
            while (true)
            {
                if (_reader is null)
                {
                    if (++_file >= files.Count) return batch.Count > 0;
                    if (batch.Count > 0) { _file--; return true; } // a batch holds vectors of one file
                    _reader = MxvReader.Open(files[_file]);
                    batch.File = files[_file];
                }
                if (_direct)
                {
                    if (ReadDirect((VectorBatch<DotVector>)batch)) return true;
                    continue;
                }
                while (batch.Count < VectorBatch.Capacity)
                {
                    // Only the framing (trailer count, CRC-32) is checked here, in order; the lines are parsed in
                    // parallel by Materialize, which keeps one thread's text parsing from limiting the simulation. A
                    // line's bytes are copied into the batch's one text buffer (no string per line).
                    bool more;
                    ReadOnlySpan<byte> line;
                    try
                    {
                        more = _reader.NextDataBytes(out line);
                    }
                    catch (MxvFormatException e) when (batch.Count > 0)
                    {
                        // Hand out the vectors before the bad spot first: a malformed line among them is the more
                        // precise report than the checksum it breaks at the end of the file.
                        _pending = e;
                        return true;
                    }
                    if (!more)
                    {
                        _reader.Dispose();
                        _reader = null;
                        break;
                    }
                    long position = _position++;
                    if (onlyLine is { } want ? _reader.LineNumber != want : !_ownsAll && !slice.Owns(position)) continue;
                    // The batch's text buffer sized once for a batch of such lines (not grown by doubling: each step
                    // was a large-object allocation and a copy).
                    if (batch.Text.Length == 0) batch.Text = new byte[VectorBatch.Capacity * (line.Length + line.Length / 8 + 16)];
                    batch.AddLine(line, _reader.LineNumber);
                }
                if (batch.Count == VectorBatch.Capacity) return true;
            }
        }
        catch (MxvFormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Fills the batch from the current file; true when it is full, false when the file ended (the reader closed).</summary>
    private bool ReadDirect(VectorBatch<DotVector> batch)
    {
        var reader = _reader!;
        // This file's data line c is at position _position + c of the run.
        long phase = ((_remainder - _position) % _stride + _stride) % _stride;
        int n = reader.ReadBlock(batch.Vectors.AsSpan(batch.Count), batch.Origin.AsSpan(batch.Count), _stride, phase);
        batch.Count += n;
        if (batch.Count == VectorBatch.Capacity) return true;
        _position += reader.Count;
        reader.Dispose();
        _reader = null;
        return false;
    }

    public void Materialize(VectorBatch batch, int from, int to)
    {
        if (_direct) return; // read and parsed by Claim
        (unit ?? throw new InvalidOperationException("an MxvSource that reads vectors needs its unit")).Parse(batch, from, to);
    }

    public string Describe(string? file, long origin) => $"{file} line {origin}";

    public string ReproOptions(string? file, long origin) => $"--vectors {file} --line {origin}";

    public void Dispose() => _reader?.Dispose();
}
