using System.Text.RegularExpressions;
using MxRef.Tests.Support;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The vectors library is layered (docs/ARCHITECTURE.md): its namespaces depend on each other one way only, so a
/// change low down (element codes, line codecs) never has to be made in step with the code above it. Read from the
/// sources: a namespace depends on another when one of its files names a type declared there.
/// </summary>
public class NamespaceLayerTests
{
    [Fact]
    public void VectorsNamespacesHaveNoCycle()
    {
        var graph = Dependencies(Path.Combine(Repo.Root, "vectors"));
        foreach (var (from, targets) in graph)
            foreach (var to in targets)
                Assert.False(Reaches(graph, to, from, []), $"namespace cycle: {from} -> {to} -> ... -> {from} (via {Via(graph, to, from)})");
    }

    [Fact]
    public void RefModelNamespacesHaveNoCycle()
    {
        var graph = Dependencies(Path.Combine(Repo.Root, "refmodel"));
        foreach (var (from, targets) in graph)
            foreach (var to in targets)
                Assert.False(Reaches(graph, to, from, []), $"namespace cycle: {from} -> {to} -> ... -> {from} (via {Via(graph, to, from)})");
    }

    [Fact]
    public void FormatsDoNotDependOnRounding()
    {
        // Formats are data and their decoding; every rounding (conversions included) lives in MxRef.Rounding above them.
        var graph = Dependencies(Path.Combine(Repo.Root, "refmodel"));
        Assert.DoesNotContain("MxRef.Rounding", graph.GetValueOrDefault("MxRef.Formats") ?? []);
    }

    [Fact]
    public void CoverageDoesNotDependOnGeneration()
    {
        var graph = Dependencies(Path.Combine(Repo.Root, "vectors"));
        Assert.DoesNotContain("MxRef.Vectors.Generation", graph.GetValueOrDefault("MxRef.Vectors.Coverage") ?? []);
    }

    private static readonly Regex Comment = new(@"//.*|""(?:[^""\\]|\\.)*""", RegexOptions.Compiled);
    private static readonly Regex Namespace = new(@"^namespace\s+([\w.]+)", RegexOptions.Multiline | RegexOptions.Compiled);
    private static readonly Regex Declaration = new(@"\b(?:class|record|struct|interface|enum)\s+(\w+)", RegexOptions.Compiled);

    /// <summary>Namespace → the namespaces (of this source tree) whose types its files name.</summary>
    private static Dictionary<string, HashSet<string>> Dependencies(string root)
    {
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(p => Comment.Replace(File.ReadAllText(p), ""))
            .Select(s => (Ns: Namespace.Match(s).Groups[1].Value, Text: s))
            .Where(f => f.Ns.Length > 0).ToList();
        var declaredIn = new Dictionary<string, HashSet<string>>();
        foreach (var (ns, text) in files)
            foreach (Match m in Declaration.Matches(text))
                (declaredIn.TryGetValue(m.Groups[1].Value, out var set) ? set : declaredIn[m.Groups[1].Value] = []).Add(ns);
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var (ns, text) in files)
        {
            var targets = graph.TryGetValue(ns, out var t) ? t : graph[ns] = [];
            foreach (var (type, namespaces) in declaredIn)
            {
                if (namespaces.Count != 1 || namespaces.Contains(ns)) continue;
                if (Regex.IsMatch(text, $@"\b{type}\b")) targets.Add(namespaces.First());
            }
        }
        return graph;
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> graph, string from, string to, HashSet<string> seen)
    {
        if (from == to) return true;
        if (!seen.Add(from)) return false;
        return (graph.GetValueOrDefault(from) ?? []).Any(next => Reaches(graph, next, to, seen));
    }

    private static string Via(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        foreach (var next in graph.GetValueOrDefault(from) ?? [])
            if (Reaches(graph, next, to, [])) return from + " -> " + next;
        return from;
    }
}
