using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// What every sectioned vector run takes beside its own formats and modes: the seed of the random blocks, how many,
/// which sets (corners, random) and the shard. The quantize, quantize-bdr and decode generators' options derive from it.
/// </summary>
public abstract record SectionedOptions
{
    public ulong Seed { get; init; } = 1;
    public long Count { get; init; }
    public bool Corners { get; init; }
    public bool Random { get; init; }
    public int ShardIndex { get; init; }
    public int ShardCount { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> for a shard outside 0 ≤ I &lt; N or a negative count.</summary>
    public void CheckRun()
    {
        if (ShardCount < 1 || ShardIndex < 0 || ShardIndex >= ShardCount) throw new ArgumentException("shard I/N needs 0 <= I < N");
        if (Count < 0) throw new ArgumentException("--count must be at least 0");
    }

    /// <summary>The index range [start, end) of this shard of a run of <paramref name="total"/> vectors.</summary>
    public (long Start, long End) ShardOf(long total) => (total * ShardIndex / ShardCount, total * (ShardIndex + 1) / ShardCount);

    /// <summary>The header's <c>shard</c> field (null for an unsharded run).</summary>
    public string? ShardText => ShardCount > 1 ? $"{ShardIndex}/{ShardCount}" : null;
}

/// <summary>A generator whose run is a list of sections, vector i a pure function of the options and i.</summary>
public interface ISectionedGenerator<in TVector>
{
    IReadOnlyList<VectorSection> Sections { get; }
    long ShardStart { get; }
    long ShardEnd { get; }
    void Generate(long index, TVector v);
}

/// <summary>
/// The run loop of the sequential generators (quantize, quantize-bdr, decode: few and cheap vectors next to dot
/// vectors): this shard's part of each section in order, a <c>// class: NAME</c> comment before it, every vector
/// written and classified, the file committed atomically.
/// </summary>
public static class SectionedRun
{
    /// <summary>Writes the shard of <paramref name="gen"/> to <paramref name="path"/> through <paramref name="v"/>; returns the vector count.</summary>
    public static long Write<TVector>(ISectionedGenerator<TVector> gen, MxvHeader header, string path, TVector v,
        Action<MxvWriter, TVector> write, Action<TVector> classify)
    {
        using var writer = MxvWriter.Create(path, header);
        foreach (var section in gen.Sections)
        {
            long start = Math.Max(section.Start, gen.ShardStart), end = Math.Min(section.End, gen.ShardEnd);
            if (end <= start) continue;
            writer.WriteComment("class: " + section.Name);
            for (long i = start; i < end; i++)
            {
                gen.Generate(i, v);
                write(writer, v);
                classify(v);
            }
        }
        writer.Commit();
        return writer.Count;
    }
}
