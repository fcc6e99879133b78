using System.Globalization;

namespace MxRef.Harness.Mutation;

/// <summary>
/// <c>--mutant-ids</c>: the mutants of the list to run, as numbers and ranges (<c>1,24,88,160-172</c>). Re-grading a
/// changed regression on the survivors of an earlier grading runs only them: the list is the same (same sources,
/// parameters, N, seed and Yosys version), and a mutant the earlier regression killed stays killed by a regression
/// that contains it (docs/verify.md, "Re-grading the survivors").
/// </summary>
public static class MutantSelection
{
    /// <summary>Parses the option's text; an empty item, a non-number, a number below 1 or a reversed range is a usage error.</summary>
    public static IReadOnlySet<int> Parse(string text)
    {
        var ids = new SortedSet<int>();
        foreach (var raw in text.Split(','))
        {
            var item = raw.Trim();
            int dash = item.IndexOf('-');
            var (lo, hi) = dash > 0 ? (Number(item[..dash], item), Number(item[(dash + 1)..], item)) : (Number(item, item), Number(item, item));
            if (hi < lo) throw new UsageException($"--mutant-ids: range '{item}' runs backwards");
            for (int i = lo; i <= hi; i++) ids.Add(i);
        }
        return ids;
    }

    private static int Number(string s, string item) =>
        int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n : throw new UsageException($"--mutant-ids: '{item}' is not a mutant number (1, 2, ...) or a range of them (12-20)");

    /// <summary>The mutants of <paramref name="mine"/> (this shard's) whose numbers are in <paramref name="ids"/>; an id the list does not have is an error.</summary>
    public static IReadOnlyList<YosysMutation> Select(IReadOnlyList<YosysMutation> all, IReadOnlyList<YosysMutation> mine, IReadOnlySet<int> ids)
    {
        var missing = ids.Where(i => all.All(m => m.Number != i)).ToArray();
        if (missing.Length > 0)
            throw new UsageException($"--mutant-ids: the list has mutants 1..{all.Count}, not {string.Join(", ", missing)}");
        return mine.Where(m => ids.Contains(m.Number)).ToList();
    }
}
