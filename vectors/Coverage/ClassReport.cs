using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Vectors.Coverage;

/// <summary>The text and JSON report of a named-class coverage count (quantize and regen classes), grouped by name prefix.</summary>
public static class ClassReport
{
    public static string Format(IReadOnlyList<string> names, long[] counts, long vectors, IReadOnlyList<int> expected, bool json)
    {
        var missing = expected.Where(i => counts[i] == 0).Select(i => names[i]).ToArray();
        var shown = Enumerable.Range(0, names.Count).Where(i => counts[i] > 0 || expected.Contains(i)).ToArray();
        if (json)
        {
            var classes = new JObject();
            foreach (int i in shown) classes[names[i]] = counts[i];
            return new JObject { ["vectors"] = vectors, ["classes"] = classes, ["never_hit"] = new JArray(missing) }.ToString(Formatting.Indented) + "\n";
        }
        var sb = new StringBuilder($"coverage: {vectors} vectors, {expected.Count(i => counts[i] > 0)}/{expected.Count} expected classes hit\n");
        string group = "";
        foreach (int i in shown)
        {
            var g = names[i][..names[i].IndexOf(':')];
            if (g != group) { sb.Append($"[{g}]\n"); group = g; }
            sb.Append($"  {names[i],-34} {counts[i],12}\n");
        }
        sb.Append(missing.Length == 0 ? "never hit: none\n" : $"never hit ({missing.Length}): {string.Join(' ', missing)}\n");
        return sb.ToString();
    }
}
