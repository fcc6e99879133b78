using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Harness.Verify;

/// <summary>
/// A run of consecutive vectors on their way through the pipeline: claimed by the source (origins), prepared in
/// parallel (inputs, golden results, binary records, coverage), written to the simulation, compared, then reused
/// (<see cref="BatchRing"/>).
/// </summary>
public sealed class VectorBatch
{
    /// <summary>Vectors per batch: large enough that the hand-overs between threads cost nothing per vector.</summary>
    public const int Capacity = 4096;

    public readonly DotVector[] Vectors;
    /// <summary>Where each vector came from: a line number of <see cref="File"/>, or a generator index.</summary>
    public readonly long[] Origin = new long[Capacity];
    /// <summary>The text of each vector, for sources that parse in parallel (files).</summary>
    public readonly string[] Lines = new string[Capacity];
    public readonly byte[] Records;
    public readonly uint[] ExpectedD = new uint[Capacity];
    public readonly byte[] ExpectedFlags = new byte[Capacity];
    public readonly int RecordBytes;
    public readonly long[] Coverage;
    public string? File;
    public int Count;
    /// <summary>Position of the first vector in this simulation's stream.</summary>
    public long FirstSeq;
    /// <summary>The batch's place in the stream (0, 1, ...), its state in the ring, and why preparing it failed.</summary>
    public long Number = -1;
    public bool Ready, Written;
    public Exception? Error;

    public VectorBatch(int k)
    {
        Vectors = new DotVector[Capacity];
        for (int i = 0; i < Capacity; i++) Vectors[i] = new DotVector(k);
        RecordBytes = StreamProtocol.RecordBytes(k);
        Records = new byte[Capacity * RecordBytes];
        Coverage = new long[CoverageTally.Size];
    }

    public Span<byte> Record(int i) => Records.AsSpan(i * RecordBytes, RecordBytes);

    public void Reset()
    {
        Count = 0;
        File = null;
        Ready = Written = false;
        Error = null;
    }
}
