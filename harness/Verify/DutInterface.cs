using System.Text.RegularExpressions;

namespace MxRef.Harness.Verify;

/// <summary>
/// The port list a design must have to be verified (<c>mx_dot</c>'s interface, docs/verify.md "The design's interface"), checked against the ports
/// Verilator writes into the generated model header (<c>VL_IN8(&amp;fmt_a,2,0);</c>, <c>VL_INW(&amp;a,255,0,8);</c>), so a
/// design that differs is told which port differs and how, instead of a C++ compile error in the testbench.
/// </summary>
public static partial class DutInterface
{
    public sealed record Port(string Name, bool Input, int Width);

    public static IReadOnlyList<Port> Expected(int k) =>
    [
        new("clk", true, 1), new("rst_n", true, 1), new("in_valid", true, 1),
        new("fmt_a", true, 3), new("fmt_b", true, 3), new("rm", true, 3),
        new("scale_a", true, 8), new("scale_b", true, 8),
        new("a", true, 8 * k), new("b", true, 8 * k), new("c", true, 32),
        new("out_valid", false, 1), new("d", false, 32), new("flags", false, 5),
    ];

    /// <summary>
    /// Inputs a design may have beyond <see cref="Expected"/>: the bench drives them when present. <c>scale_fmt</c>
    /// (1 bit, 0 E8M0, 1 UE4M3) is rtl/mx_dot's block-scale format; a design without it takes E8M0 scales only.
    /// </summary>
    public static IReadOnlyList<Port> Optional { get; } = [new("scale_fmt", true, 1)];

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

    /// <summary>Every difference between the design's ports and the interface, one message each (empty: it matches).</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<Port> actual, int k, string top)
    {
        var problems = new List<string>();
        var byName = actual.ToDictionary(p => p.Name);
        foreach (var want in Expected(k))
        {
            if (!byName.TryGetValue(want.Name, out var got))
                problems.Add($"module {top} has no {(want.Input ? "input" : "output")} port '{want.Name}' ({want.Width} bit{(want.Width == 1 ? "" : "s")})");
            else if (got.Input != want.Input)
                problems.Add($"port '{want.Name}' of {top} is an {(got.Input ? "input" : "output")}, the interface needs an {(want.Input ? "input" : "output")}");
            else if (got.Width != want.Width)
                problems.Add($"port '{want.Name}' of {top} is {got.Width} bits wide, the interface needs {want.Width}" +
                             (want.Name is "a" or "b" ? $" (8·K with K = {k}; pass the design's block size with --param K=...)" : ""));
        }
        foreach (var want in Optional)
            if (byName.TryGetValue(want.Name, out var got) && (got.Input != want.Input || got.Width != want.Width))
                problems.Add($"port '{want.Name}' of {top} must be a {want.Width}-bit {(want.Input ? "input" : "output")} (got a {got.Width}-bit {(got.Input ? "input" : "output")})");
        var known = Expected(k).Concat(Optional).Select(p => p.Name).ToHashSet();
        foreach (var extra in actual.Where(p => !known.Contains(p.Name)))
            if (extra.Input) problems.Add($"module {top} has an extra input '{extra.Name}' that the testbench cannot drive (it would stay 0); tie it off in a wrapper");
        return problems;
    }

    public const string Summary =
        "expected interface: input clk, rst_n, in_valid, [2:0] fmt_a, fmt_b, rm, [7:0] scale_a, scale_b, [8*K-1:0] a, b, [31:0] c; " +
        "output out_valid, [31:0] d, [4:0] flags; optional input scale_fmt (0 E8M0, 1 UE4M3) (docs/verify.md)";
}
