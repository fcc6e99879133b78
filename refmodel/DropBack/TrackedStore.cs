namespace MxRef.DropBack;

/// <summary>One tracked weight: its position and its current FP32 value (bits).</summary>
public readonly record struct TrackedEntry(uint Layer, uint Index, uint Value)
{
    /// <summary>The (layer, index) order of the store and of DropBack's tie-break.</summary>
    public static int ComparePosition(TrackedEntry a, TrackedEntry b) =>
        a.Layer != b.Layer ? a.Layer.CompareTo(b.Layer) : a.Index.CompareTo(b.Index);

    public override string ToString() => $"(layer {Layer}, index {Index}, 0x{Value:x8})";
}

/// <summary>
/// The only weights DropBack keeps in memory: entries strictly increasing by (layer, index) — so a lookup is a
/// binary search and a layer's entries are one contiguous run. Every other weight reads as its regenerated initial
/// value W0. Construction rejects an unsorted store or a duplicate position, naming the offending entry.
/// </summary>
public sealed class TrackedStore
{
    public static readonly TrackedStore Empty = new([]);

    private readonly TrackedEntry[] _entries;

    public TrackedStore(IEnumerable<TrackedEntry> entries)
    {
        _entries = [.. entries];
        for (int i = 1; i < _entries.Length; i++)
        {
            int order = TrackedEntry.ComparePosition(_entries[i - 1], _entries[i]);
            if (order == 0)
                throw new ArgumentException($"tracked store entry {i} (layer {_entries[i].Layer}, index {_entries[i].Index}) duplicates entry {i - 1}; each position may be tracked once");
            if (order > 0)
                throw new ArgumentException($"tracked store entry {i} (layer {_entries[i].Layer}, index {_entries[i].Index}) comes after entry {i - 1} (layer {_entries[i - 1].Layer}, index {_entries[i - 1].Index}); the store must be sorted by (layer, index)");
        }
    }

    public int Count => _entries.Length;
    public ReadOnlySpan<TrackedEntry> Entries => _entries;

    /// <summary>The contiguous run of entries of one layer.</summary>
    public ReadOnlySpan<TrackedEntry> Layer(uint layer)
    {
        int lo = LowerBound(layer, 0), hi = layer == uint.MaxValue ? _entries.Length : LowerBound(layer + 1, 0);
        return _entries.AsSpan(lo, hi - lo);
    }

    /// <summary>The first entry at or after (layer, index).</summary>
    private int LowerBound(uint layer, uint index)
    {
        var key = new TrackedEntry(layer, index, 0);
        int lo = 0, hi = _entries.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (TrackedEntry.ComparePosition(_entries[mid], key) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
