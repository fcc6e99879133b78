using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MxRef.Harness.Verify;

namespace MxRef.Harness.Mutation;

/// <summary>
/// The mutants of one run: the list, this shard's part of it, and ONE netlist that holds every mutation of the list,
/// each switched on when the control input <c>mutsel</c> equals its number (0: none, the unmutated design). The
/// netlist's top is renamed <c>TOP_mutants</c>; <see cref="Select"/> is a simulation-only wrapper named TOP, with TOP's
/// ports, that drives <c>mutsel</c> from the bench process's environment variable <see cref="MutantGenerator.SelectVariable"/>.
/// </summary>
public sealed record MutantSet(string Directory, string Netlist, string Select, IReadOnlyList<YosysMutation> All, IReadOnlyList<YosysMutation> Mutants)
{
    public IReadOnlyList<string> Sources => [Netlist, Select];
}

/// <summary>
/// Yosys's mutation engine (the one behind its <c>mcy</c> flow): read the design, set the top's parameters, flatten it
/// with <c>prep</c>, give every cell a stable name (<c>rename -enumerate</c>, so the list's <c>-cell</c> names mean the
/// same cells when the design is read again), sample N mutations with <c>mutate -list N -seed S</c>, then apply all of
/// them to one copy of the design, each behind <c>-ctrl mutsel W i</c> (Yosys inserts a multiplexer that takes the
/// mutated bit only when <c>mutsel == i</c>), as mcy's own flow does for its formal checks. One Verilator build then
/// serves every mutant: a mutant differs from the design in one cell, and building each as its own netlist cost a
/// full Verilator C++ build (about 95 s here) against about a second of simulation. Only one mutation is active at a
/// time, so each run sees exactly the mutant <c>mutate -list</c> described (the others' multiplexers pass the
/// original bits through).
/// </summary>
public static class MutantGenerator
{
    public const string InstallHint = "install it with 'apt-get update && apt-get install -y yosys' (Debian/Ubuntu; 'make tools' does this)";

    /// <summary>The environment variable the bench process reads the active mutant's number from (unset or 0: none).</summary>
    public const string SelectVariable = "MXTB_MUTANT";

    /// <summary>The control input Yosys adds to the netlist (<c>mutate -ctrl</c>).</summary>
    public const string ControlPort = "mutsel";

    /// <summary>Verilator flags for Yosys's netlists: width-mixed and overlapping-case code it writes is not lint-clean.</summary>
    public static readonly string[] NetlistFlags = ["-Wno-fatal", "-Wno-lint", "-Wno-style", "-Wno-UNOPTFLAT", "-Wno-CASEOVERLAP"];

    public sealed record Setup(IReadOnlyList<string> Sources, string Top, IReadOnlyList<(string Name, string Value)> Parameters, int Count, ulong Seed, int Shard, int Shards, string WorkRoot);

    public static MutantSet Generate(Setup s, TextWriter log)
    {
        var yosys = Tools.Which(Environment.GetEnvironmentVariable("YOSYS") ?? "yosys") ?? throw new UsageException("yosys is not on PATH: " + InstallHint);
        foreach (var src in s.Sources)
            if (!File.Exists(src)) throw new UsageException($"RTL source '{src}' does not exist");
        string prelude = Prelude(s);
        string dir = Path.GetFullPath(Path.Combine(s.WorkRoot, Hash(prelude, s, Version(yosys))));
        Directory.CreateDirectory(dir);

        var listFile = Path.Combine(dir, "mutations.txt");
        if (!File.Exists(listFile))
        {
            var tmp = listFile + $".tmp-{Environment.ProcessId}";
            RunScript(yosys, Path.Combine(dir, "list.ys"), prelude + $"mutate -list {s.Count} -seed {s.Seed} -o {Quote(tmp)}\n", log, "listing mutations");
            File.Move(tmp, listFile, overwrite: true);
        }
        var all = MutationList.Parse(File.ReadAllText(listFile), listFile);
        var mine = all.Where(m => (m.Number - 1) % s.Shards == s.Shard).ToList();

        // Every shard builds the same netlist (all N mutations), so shards of a job array share one cache entry.
        var netlist = Path.Combine(dir, "mutants.v");
        var select = Path.Combine(dir, "select.v");
        if (!File.Exists(netlist) || !File.Exists(select))
        {
            var tmp = netlist + $".tmp-{Environment.ProcessId}";
            log.WriteLine($"mutants: writing one netlist of {s.Top} with all {all.Count} mutations (selected by {ControlPort}) with Yosys into {dir} ...");
            RunScript(yosys, Path.Combine(dir, "apply.ys"), ApplyScript(prelude, s.Top, all, tmp), log, "applying mutations");
            var text = File.ReadAllText(tmp);
            AtomicFile.WriteAllText(select, SelectWrapper(text, s.Top, ControlWidth(all.Count)));
            File.Move(tmp, netlist, overwrite: true);
        }
        return new MutantSet(dir, netlist, select, all, mine);
    }

    /// <summary>Bits of <c>mutsel</c>: enough for 0 (none) and every mutant number.</summary>
    public static int ControlWidth(int count) => Math.Max(1, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)count));

    /// <summary>The Yosys script that applies every mutation of the list behind <c>-ctrl mutsel W NUMBER</c>.</summary>
    public static string ApplyScript(string prelude, string top, IReadOnlyList<YosysMutation> all, string output)
    {
        int width = ControlWidth(all.Count);
        var sb = new StringBuilder(prelude);
        foreach (var m in all.Where(m => m.Mode != "none"))
            sb.Append(CultureInfo.InvariantCulture, $"mutate -ctrl {ControlPort} {width} {m.Number} {m.Command["mutate ".Length..]}\n");
        sb.Append(CultureInfo.InvariantCulture, $"rename {top} {top}_mutants\n");
        sb.Append(CultureInfo.InvariantCulture, $"write_verilog -noattr {Quote(output)}\n");
        return sb.ToString();
    }

    /// <summary>
    /// A simulation-only wrapper named <paramref name="top"/> with the netlist's ports (all but <c>mutsel</c>), which
    /// instantiates <c>TOP_mutants</c> and ties <c>mutsel</c> to the number in <see cref="SelectVariable"/>, read once
    /// through Verilator's <c>$c</c>. So the bench, its interface check and its build cache are those of any design.
    /// </summary>
    public static string SelectWrapper(string netlist, string top, int width)
    {
        var header = Regex.Match(netlist, $@"^module {Regex.Escape(top)}_mutants\(([^)]*)\);", RegexOptions.Multiline);
        if (!header.Success) throw new UsageException($"Yosys wrote no module {top}_mutants");
        var ports = header.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!ports.Contains(ControlPort)) throw new UsageException($"Yosys's netlist of {top} has no {ControlPort} input (ports: {string.Join(' ', ports)})");
        var body = netlist[header.Index..];
        body = body[..(body.IndexOf("\nendmodule", StringComparison.Ordinal) is var e and >= 0 ? e : body.Length)];
        var decls = Regex.Matches(body, @"^  (?:input|output|inout) (?:signed )?(?:\[[^\]]+\] )?(\S+);$", RegexOptions.Multiline)
            .GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.First().Value.Trim());
        var outer = ports.Where(p => p != ControlPort).ToArray();
        var sb = new StringBuilder();
        sb.Append("// Simulation only (written by mxref verify --mutants): selects the active mutation of ").Append(top).Append("_mutants\n");
        sb.Append("// from the environment variable ").Append(SelectVariable).Append(" of the bench process (unset or 0: none).\n");
        sb.Append(CultureInfo.InvariantCulture, $"module {top}({string.Join(", ", outer)});\n");
        foreach (var p in outer)
            sb.Append("  ").Append(decls.TryGetValue(p, out var d) ? d : throw new UsageException($"no declaration of port {p} in Yosys's netlist of {top}")).Append('\n');
        sb.Append("  reg [31:0] mutant;\n");
        sb.Append("  initial mutant = $c32(\"([]{ const char* s = std::getenv(\\\"").Append(SelectVariable).Append("\\\"); return s ? std::atoi(s) : 0; })()\");\n");
        sb.Append(CultureInfo.InvariantCulture, $"  {top}_mutants u_mutants({string.Join(", ", outer.Select(p => $".{p}({p})"))}, .{ControlPort}(mutant[{width - 1}:0]));\n");
        sb.Append("endmodule\n");
        return sb.ToString();
    }

    /// <summary>Read, parameterise, flatten and name the cells: the same text for listing and for applying.</summary>
    public static string Prelude(Setup s)
    {
        var sb = new StringBuilder();
        sb.Append("read_verilog -sv");
        foreach (var f in s.Sources) sb.Append(' ').Append(Quote(Relative(f)));
        sb.Append('\n');
        foreach (var (n, v) in s.Parameters) sb.Append(CultureInfo.InvariantCulture, $"chparam -set {n} {v} {s.Top}\n");
        sb.Append($"prep -flatten -top {s.Top}\n");
        sb.Append("rename -enumerate -pattern mut_% t:*\n");
        return sb.ToString();
    }

    private static void RunScript(string yosys, string path, string script, TextWriter log, string what)
    {
        File.WriteAllText(path, script);
        var (exit, output) = Tools.Run(yosys, ["-q", "-l", path + ".log", "-s", path], Directory.GetCurrentDirectory());
        if (exit != 0)
            throw new UsageException($"Yosys failed {what} (exit {exit}; script {path}, log {path}.log):\n" +
                                     string.Join('\n', output.Split('\n').Where(l => l.Length > 0).TakeLast(20)));
        _ = log;
    }

    /// <summary>Paths under the current directory are kept relative, so the <c>src</c> attributes read <c>rtl/mx_dot.sv:12</c>.</summary>
    private static string Relative(string path)
    {
        var rel = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.GetFullPath(path));
        return rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel) ? Path.GetFullPath(path) : rel;
    }

    private static string Quote(string s) => s.Contains(' ') ? $"\"{s}\"" : s;

    /// <summary>Names the shape of the files this class writes, so a cache written by another version is not reused.</summary>
    private const string Flow = "one netlist, mutsel from MXTB_MUTANT";

    /// <summary>
    /// <c>yosys -V</c> (e.g. "Yosys 0.23 (git sha1 7ce5011c24b)"): part of the cache key, because another Yosys may
    /// sample other mutations for the same seed or read the RTL differently (0.23 misread <c>-EW'(126)</c>).
    /// </summary>
    public static string Version(string yosys)
    {
        var (exit, output) = Tools.Run(yosys, ["-V"], Directory.GetCurrentDirectory());
        return exit == 0 ? output.Trim() : throw new UsageException($"'{yosys} -V' failed (exit {exit}): {output.Trim()}");
    }

    private static string Hash(string prelude, Setup s, string yosysVersion)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string t) { h.AppendData(Encoding.UTF8.GetBytes(t)); h.AppendData([0]); }
        Add(Flow);
        Add(yosysVersion);
        Add(prelude);
        Add($"{s.Count} {s.Seed}");
        foreach (var src in s.Sources) h.AppendData(File.ReadAllBytes(src));
        return Convert.ToHexString(h.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
