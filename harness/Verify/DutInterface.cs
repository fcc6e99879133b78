using System.Text.RegularExpressions;

namespace MxRef.Harness.Verify;

/// <summary>
/// The port list a design must have to be verified as a unit of some kind (<see cref="UnitKind.Ports"/>; docs/verify.md
/// "The design's interface" and "Units"), checked against the ports Verilator writes into the generated model header
/// (<c>VL_IN8(&amp;fmt_a,2,0);</c>, <c>VL_INW(&amp;a,255,0,8);</c>), so a design that differs is told which port differs
/// and how, instead of a C++ compile error in the testbench.
/// </summary>
public static partial class DutInterface
{
    public sealed record Port(string Name, bool Input, int Width);

    /// <summary>The dot unit's ports (mx_dot's interface).</summary>
    public static IReadOnlyList<Port> Expected(int k) => UnitKind.Dot.Ports(k);

    /// <summary>
    /// Inputs a dot design may have beyond <see cref="Expected"/>: the bench drives them when present. <c>scale_fmt</c>
    /// (1 bit, 0 E8M0, 1 UE4M3) is rtl/mx_dot's block-scale format; a design without it takes E8M0 scales only.
    /// </summary>
    public static IReadOnlyList<Port> Optional => UnitKind.Dot.OptionalPorts;

    public static string Summary => UnitKind.Dot.Summary;

    [GeneratedRegex(@"VL_(IN|OUT|INOUT)(8|16|64|W)?\(&(\w+),(\d+),(\d+)")]
    private static partial Regex PortLine();

    /// <summary>Ports declared in a Verilated model header.</summary>
    public static IReadOnlyList<Port> ReadHeader(string header)
    {
        var ports = new List<Port>();
        foreach (Match m in PortLine().Matches(File.ReadAllText(header)))
        {
            int msb = int.Parse(m.Groups[4].Value), lsb = int.Parse(m.Groups[5].Value);
            ports.Add(new Port(m.Groups[3].Value, m.Groups[1].Value == "IN", Math.Abs(msb - lsb) + 1));
        }
        return ports;
    }

    /// <summary>Every difference between the design's ports and the dot interface, one message each (empty: it matches).</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<Port> actual, int k, string top) => Differences(actual, UnitKind.Dot, k, top);

    /// <summary>Every difference between the design's ports and the interface of <paramref name="kind"/> (empty: it matches).</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<Port> actual, UnitKind kind, int k, string top)
    {
        var problems = new List<string>();
        var byName = actual.ToDictionary(p => p.Name);
        var wider = kind.Ports(k + 1).ToDictionary(p => p.Name, p => p.Width);
        foreach (var want in kind.Ports(k))
        {
            if (!byName.TryGetValue(want.Name, out var got))
                problems.Add($"module {top} has no {(want.Input ? "input" : "output")} port '{want.Name}' ({want.Width} bit{(want.Width == 1 ? "" : "s")})");
            else if (got.Input != want.Input)
                problems.Add($"port '{want.Name}' of {top} is an {(got.Input ? "input" : "output")}, the interface needs an {(want.Input ? "input" : "output")}");
            else if (got.Width != want.Width)
                problems.Add($"port '{want.Name}' of {top} is {got.Width} bits wide, the interface needs {want.Width}" +
                             (wider[want.Name] != want.Width ? $" ({want.Width / k}·K with K = {k}; pass the design's block size with --param K=...)" : ""));
        }
        foreach (var want in kind.OptionalPorts)
            if (byName.TryGetValue(want.Name, out var got) && (got.Input != want.Input || got.Width != want.Width))
                problems.Add($"port '{want.Name}' of {top} must be a {want.Width}-bit {(want.Input ? "input" : "output")} (got a {got.Width}-bit {(got.Input ? "input" : "output")})");
        var known = kind.Ports(k).Concat(kind.OptionalPorts).Select(p => p.Name).ToHashSet();
        foreach (var extra in actual.Where(p => !known.Contains(p.Name)))
            if (extra.Input) problems.Add($"module {top} has an extra input '{extra.Name}' that the testbench cannot drive (it would stay 0); tie it off in a wrapper");
        if (problems.Count > 0)
        {
            // A design of another kind (the wrong --unit or --top) is told which kind it looks like.
            var names = actual.Select(p => p.Name).ToHashSet();
            var like = UnitKind.All.FirstOrDefault(u => u != kind && u.Ports(k).All(p => names.Contains(p.Name)));
            if (like is not null)
                problems.Insert(0, $"module {top} has the ports of a {like.Name} unit, not of a {kind.Name} unit: pass --unit {like.Name} (or the --top of a {kind.Name} design, e.g. {kind.DefaultTop})");
        }
        return problems;
    }
}
