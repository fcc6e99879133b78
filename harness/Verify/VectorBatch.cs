namespace MxRef.Harness.Verify;

/// <summary>
/// A run of consecutive vectors on their way through the pipeline: claimed by the source (origins), prepared in
/// parallel (inputs, golden results, binary records, coverage), written to the simulation, compared, then reused
/// (<see cref="BatchRing"/>). The byte parts (records, expected results) are the unit's stream layout; the vectors
/// themselves are typed (<see cref="VectorBatch{T}"/>) and only the unit and its sources look at them.
/// </summary>
public abstract class VectorBatch
{
    /// <summary>
    /// Vectors per batch: large enough that the hand-overs between threads cost little per vector (a few ns at 1,024),
    /// small enough that the ring's batches, allocated and first touched when a run starts, stay small: at 4,096 the
    /// ring (6 batches of vectors, records and model outcomes, ~9 MB) cost ~40 ms of CPU before the first vector, in page
    /// faults, zeroing and a compacting collection of its ~70,000 objects (docs/PERFORMANCE.md, "mxref's CPU per vector
    /// after the classifier, batch and encode work").
    /// </summary>
    public const int Capacity = 1024;

    /// <summary>Where each vector came from: a line number of <see cref="File"/>, or a generator index.</summary>
    public readonly long[] Origin = new long[Capacity];
    /// <summary>
    /// The text of each vector, for sources that parse in parallel (files): the ASCII bytes of line i are
    /// <see cref="Text"/>[<see cref="LineStart"/>[i] .. <see cref="LineStart"/>[i + 1]), copied from the reader's
    /// buffer by <see cref="AddLine"/> — one buffer per batch, reused, so a line costs no string and no garbage.
    /// </summary>
    public byte[] Text = [];
    public readonly int[] LineStart = new int[Capacity + 1];
    /// <summary>The binary records sent to the bench, <see cref="RecordBytes"/> each.</summary>
    public readonly byte[] Records;
    /// <summary>The golden model's result records, <see cref="ResultBytes"/> each, as the bench writes results.</summary>
    public readonly byte[] Expected;
    public readonly int RecordBytes, ResultBytes;
    public readonly long[] Coverage;
    public string? File;
    public int Count;
    /// <summary>Position of the first vector in this simulation's stream.</summary>
    public long FirstSeq;
    /// <summary>The batch's place in the stream (0, 1, ...), its state in the ring, and why preparing it failed.</summary>
    public long Number = -1;
    public bool Ready, Written;
    public Exception? Error;

    protected VectorBatch(IUnit unit)
    {
        RecordBytes = unit.RecordBytes;
        ResultBytes = unit.ResultBytes;
        // Pinned: the writer lends these pages to the bench's stdin pipe (RecordPipe), so the GC must never move them.
        Records = GC.AllocateArray<byte>(Capacity * RecordBytes, pinned: true);
        Expected = new byte[Capacity * ResultBytes];
        Coverage = new long[unit.CoverageNames.Count];
    }

    public Span<byte> Record(int i) => Records.AsSpan(i * RecordBytes, RecordBytes);

    public Span<byte> ExpectedResult(int i) => Expected.AsSpan(i * ResultBytes, ResultBytes);

    /// <summary>The text of vector <paramref name="i"/> (a source that claimed it with <see cref="AddLine"/>).</summary>
    public ReadOnlySpan<byte> Line(int i) => Text.AsSpan(LineStart[i], LineStart[i + 1] - LineStart[i]);

    /// <summary>Appends the next vector's line (valid after the call even when <paramref name="line"/> is not) and its origin.</summary>
    public void AddLine(ReadOnlySpan<byte> line, long origin)
    {
        int start = LineStart[Count], end = start + line.Length;
        if (end > Text.Length) Array.Resize(ref Text, Math.Max(end, 2 * Text.Length));
        line.CopyTo(Text.AsSpan(start));
        LineStart[Count + 1] = end;
        Origin[Count++] = origin;
    }

    public void Reset()
    {
        Count = 0;
        File = null;
        Ready = Written = false;
        Error = null;
    }
}

/// <summary>A batch of the unit's vector type (<c>DotVector</c>, <c>QuantizeVector</c>, <c>RegenVector</c>).</summary>
public class VectorBatch<T> : VectorBatch
{
    public readonly T[] Vectors;

    public VectorBatch(Unit<T> unit) : base(unit)
    {
        Vectors = new T[Capacity];
        for (int i = 0; i < Capacity; i++) Vectors[i] = unit.NewVector();
    }
}
