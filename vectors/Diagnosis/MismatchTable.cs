namespace MxRef.Vectors.Diagnosis;

/// <summary>One class of mismatches: how many, the spread of their ulp distances and shortcut distances, and examples.</summary>
public sealed class MismatchClassRow<T>(string name, MismatchDiagnosis first)
{
    private readonly List<(long Order, T Example)> _examples = [];

    public string Name { get; } = name;
    public IReadOnlyList<string> Explanations { get; } = first.Explanations;
    public long Count { get; private set; }
    public long? UlpsMin { get; private set; }
    public long? UlpsMax { get; private set; }
    /// <summary>The smallest shortcut distance seen: every threshold below it explains the whole class.</summary>
    public int? ShortcutMin { get; private set; }
    /// <summary>Every part that differed in some mismatch of the class.</summary>
    public SortedSet<string> Parts { get; } = new(StringComparer.Ordinal);
    /// <summary>The examples with the smallest order keys (the earliest vectors), at most the table's limit.</summary>
    public IReadOnlyList<T> Examples => _examples.Select(e => e.Example).ToArray();

    internal void Add(MismatchDiagnosis d, long order, Func<T> example, int limit)
    {
        Count++;
        if (d.Ulps is { } u)
        {
            UlpsMin = UlpsMin is { } lo ? Math.Min(lo, u) : u;
            UlpsMax = UlpsMax is { } hi ? Math.Max(hi, u) : u;
        }
        if (d.ShortcutDistance is { } s) ShortcutMin = ShortcutMin is { } m ? Math.Min(m, s) : s;
        Parts.UnionWith(d.Parts);
        if (_examples.Count >= limit && order >= _examples[^1].Order) return;
        int at = _examples.FindIndex(e => e.Order > order);
        _examples.Insert(at < 0 ? _examples.Count : at, (order, example()));
        if (_examples.Count > limit) _examples.RemoveAt(_examples.Count - 1);
    }
}

/// <summary>
/// Mismatches counted by class, each class keeping at most <see cref="ExamplesPerClass"/> examples (the ones with the
/// smallest order keys), so a run where half of 10^6 vectors mismatch still reports kilobytes. Thread-safe.
/// </summary>
public sealed class MismatchTable<T>(int examplesPerClass)
{
    private readonly Dictionary<string, MismatchClassRow<T>> _rows = new(StringComparer.Ordinal);

    public int ExamplesPerClass { get; } = examplesPerClass;

    /// <summary>Counts a mismatch; <paramref name="example"/> is called only when the example is kept.</summary>
    public void Add(MismatchDiagnosis d, long order, Func<T> example)
    {
        lock (_rows)
        {
            if (!_rows.TryGetValue(d.Class, out var row)) _rows[d.Class] = row = new MismatchClassRow<T>(d.Class, d);
            row.Add(d, order, example, ExamplesPerClass);
        }
    }

    public long Total
    {
        get { lock (_rows) return _rows.Values.Sum(r => r.Count); }
    }

    /// <summary>The classes, the largest first (ties by name).</summary>
    public IReadOnlyList<MismatchClassRow<T>> Rows
    {
        get { lock (_rows) return _rows.Values.OrderByDescending(r => r.Count).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray(); }
    }
}
