using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MxRef.Harness.Verify;

namespace MxRef.Harness.Mutation;

/// <summary>The mutants of one run: the unmutated netlist, the list, and one Verilog file per mutant of this shard.</summary>
public sealed record MutantSet(string Directory, string Baseline, IReadOnlyList<YosysMutation> All, IReadOnlyList<(YosysMutation Mutation, string File)> Mutants);

/// <summary>
/// Yosys's mutation engine (the one behind its <c>mcy</c> flow): read the design, set the top's parameters, flatten it
/// with <c>prep</c>, give every cell a stable name (<c>rename -enumerate</c>, so the list's <c>-cell</c> names mean the
/// same cells when the design is read again), sample N mutations with <c>mutate -list N -seed S</c>, then apply each one
/// to a fresh copy of the design and write it back with <c>write_verilog</c>. The mutants are flat netlists of the top
/// module with its parameters fixed, so Verilator builds them without <c>-G</c>.
/// </summary>
public static class MutantGenerator
{
    public const string InstallHint = "install it with 'apt-get update && apt-get install -y yosys' (Debian/Ubuntu; 'make tools' does this)";

    /// <summary>Verilator flags for Yosys's netlists: width-mixed and overlapping-case code it writes is not lint-clean.</summary>
    public static readonly string[] NetlistFlags = ["-Wno-fatal", "-Wno-lint", "-Wno-style", "-Wno-UNOPTFLAT", "-Wno-CASEOVERLAP"];

    public sealed record Setup(IReadOnlyList<string> Sources, string Top, IReadOnlyList<(string Name, string Value)> Parameters, int Count, ulong Seed, int Shard, int Shards, string WorkRoot);

    public static MutantSet Generate(Setup s, TextWriter log)
    {
        var yosys = Tools.Which(Environment.GetEnvironmentVariable("YOSYS") ?? "yosys") ?? throw new UsageException("yosys is not on PATH: " + InstallHint);
        foreach (var src in s.Sources)
            if (!File.Exists(src)) throw new UsageException($"RTL source '{src}' does not exist");
        string prelude = Prelude(s);
        string dir = Path.GetFullPath(Path.Combine(s.WorkRoot, Hash(prelude, s)));
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

        var baseline = Path.Combine(dir, "baseline.v");
        var files = mine.Select(m => Path.Combine(dir, $"mutant_{m.Number:D4}.v")).ToList();
        if (!File.Exists(baseline) || files.Any(f => !File.Exists(f)))
        {
            var script = new StringBuilder(prelude).Append("design -save mxref_base\n").Append($"write_verilog -noattr {Quote(baseline)}\n");
            for (int i = 0; i < mine.Count; i++)
                script.Append("design -load mxref_base\n").Append(mine[i].Command).Append('\n').Append($"write_verilog -noattr {Quote(files[i])}\n");
            log.WriteLine($"mutants: writing {mine.Count} mutant netlists of {s.Top} with Yosys into {dir} ...");
            RunScript(yosys, Path.Combine(dir, $"apply_{s.Shard}_of_{s.Shards}.ys"), script.ToString(), log, "applying mutations");
        }
        return new MutantSet(dir, baseline, all, mine.Zip(files).ToList());
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

    private static string Hash(string prelude, Setup s)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string t) { h.AppendData(Encoding.UTF8.GetBytes(t)); h.AppendData([0]); }
        Add(prelude);
        Add($"{s.Count} {s.Seed}");
        foreach (var src in s.Sources) h.AppendData(File.ReadAllBytes(src));
        return Convert.ToHexString(h.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
