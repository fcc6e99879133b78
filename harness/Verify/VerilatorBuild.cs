using System.Security.Cryptography;
using System.Text;

namespace MxRef.Harness.Verify;

/// <summary>
/// What to build: the design's sources, its top module and parameters, and the bench variant: the unit kind's own bench
/// (<see cref="Unit"/>), or <see cref="Bench"/>, a bench generated from a DUT description.
/// </summary>
public sealed record BuildSpec(IReadOnlyList<string> Sources, string Top, IReadOnlyList<(string Name, string Value)> Parameters, int K, bool Trace, IReadOnlyList<string> ExtraFlags)
{
    /// <summary>The kind of unit the design is: its ports and its bench (the dot unit unless said otherwise).</summary>
    public UnitKind Unit { get; init; } = UnitKind.Dot;

    /// <summary>A bench generated from a DUT description (<c>--dut</c>), instead of the unit's own; null: the unit's.</summary>
    public ITestbench? Bench { get; init; }
}

/// <summary>A C++ bench other than a unit kind's own: its file name and text (both in the build hash) and its port check.</summary>
public interface ITestbench
{
    string FileName { get; }
    string Text { get; }
    /// <summary>How the Verilated ports differ from what the bench drives, one message each (empty: they match).</summary>
    IReadOnlyList<string> PortProblems(IReadOnlyList<DutInterface.Port> ports);
    /// <summary>Names the interface the bench expects, for the error message.</summary>
    string Interface { get; }
}

/// <summary>
/// Builds the Verilated design with the unit's testbench (<c>harness/tb/&lt;unit&gt;_tb.cpp</c> and the shared
/// <c>harness/tb/mxtb.h</c>, embedded in the CLI) and caches the
/// binary under <c>BUILD_DIR/&lt;hash&gt;/</c>: the hash covers the Verilator version, the flags, the testbench, the
/// parameters and every source file's path and contents, so an unchanged design starts at once and any change rebuilds.
/// A build goes to a temporary directory that is renamed into place when it succeeds (no half-built cache entries,
/// and concurrent shards of a job array that build the same design do not trip over each other).
/// </summary>
public static partial class VerilatorBuild
{
    public const string Binary = "mxtb";
    /// <summary>The Verilator flags of the issue, plus -O2 for the C++ compile (Verilator's default is -Os).</summary>
    public static readonly string[] Flags = ["--cc", "--exe", "--build", "-O3", "--x-assign", "fast", "--x-initial", "fast", "--noassert"];

    /// <summary>The part of every bench that does not depend on the unit (protocol, clocking, main).</summary>
    public const string SharedHeader = "mxtb.h";

    /// <summary>The text of an embedded bench file (<c>harness/tb/NAME</c>).</summary>
    public static string Testbench(string name)
    {
        string resource = "MxRef.Harness.tb." + name;
        using var s = typeof(VerilatorBuild).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the testbench resource {resource} is missing from the build");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    public sealed record Result(string Executable, string Directory, bool Cached, TimeSpan Time)
    {
        /// <summary>
        /// The generated model reads its clock only as a rising edge (<see cref="ReadsClockOnlyAsRisingEdge"/>, checked
        /// when it was built): the bench may skip the falling edge's eval (<c>--posedge-only</c>, harness/tb/mxtb.h).
        /// </summary>
        public bool PosedgeOnly => File.Exists(Path.Combine(Directory, PosedgeOnlyMarker));

        /// <summary>The bench's options for a run without a trace or code coverage: <c>--posedge-only</c> where it applies.</summary>
        public IReadOnlyList<string> StreamArguments => PosedgeOnly ? ["--posedge-only"] : [];
    }

    /// <summary>A file in the build directory, present when the model reads its clock only as a rising edge.</summary>
    public const string PosedgeOnlyMarker = "posedge-only";

    /// <summary>Builds (or finds in the cache) the bench; throws <see cref="UsageException"/> with the tool's output on failure.</summary>
    public static Result Build(BuildSpec spec, string buildRoot, TextWriter log)
    {
        var verilator = Tools.Which(Environment.GetEnvironmentVariable("VERILATOR") ?? "verilator")
            ?? throw new UsageException("verilator is not on PATH: " + Tools.InstallHint);
        foreach (var tool in new[] { "make", Environment.GetEnvironmentVariable("CXX") ?? "g++" })
            if (Tools.Which(tool) is null)
                throw new UsageException($"{tool} is not on PATH; Verilator needs it to compile the model: install it with 'apt-get update && apt-get install -y make g++' (Debian/Ubuntu)");
        foreach (var src in spec.Sources)
            if (!File.Exists(src)) throw new UsageException($"RTL source '{src}' does not exist");
        var version = VerilatorVersion(verilator, buildRoot);
        var tb = spec.Bench?.Text ?? Testbench(spec.Unit.Testbench);
        var header = Testbench(SharedHeader);
        var pkg = MxPkg.CppHeader(); // rtl/mx_pkg.sv's codes and widths for the bench (#include "mx_pkg.h")
        var args = Arguments(spec, "__DIR__");
        string hash = Hash(version, tb + header + pkg, args, spec);
        string dir = Path.GetFullPath(Path.Combine(buildRoot, hash));
        string exe = Path.Combine(dir, Binary);
        var started = DateTime.UtcNow;
        if (File.Exists(exe)) return new Result(exe, dir, true, TimeSpan.Zero);

        string tmp = dir + $".tmp-{Environment.ProcessId}";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
        Directory.CreateDirectory(tmp);
        File.WriteAllText(Path.Combine(tmp, BenchFile(spec)), tb);
        File.WriteAllText(Path.Combine(tmp, SharedHeader), header);
        File.WriteAllText(Path.Combine(tmp, MxPkg.HeaderFile), pkg);
        var realArgs = Arguments(spec, tmp);
        File.WriteAllText(Path.Combine(tmp, "command.txt"), verilator + " " + string.Join(' ', realArgs.Select(Quote)) + "\n");
        log.WriteLine($"verify: building {spec.Top} ({(spec.Unit == UnitKind.Dot ? "" : spec.Unit.Name + " unit, ")}K={spec.K}{(spec.Trace ? ", trace" : "")}) with {version} in {dir} ...");
        // The ports are checked before the C++ compile (Verilator's XML pass), and again from the generated header.
        var precheck = Path.Combine(tmp, "ports");
        if (PortPrecheck.Ports(verilator, spec, precheck) is { } early) CheckPorts(spec, early);
        Directory.Delete(precheck, true);
        var (exit, output) = Tools.Run(verilator, realArgs, tmp);
        File.WriteAllText(Path.Combine(tmp, "build.log"), output);
        var model = Path.Combine(tmp, "Vdut.h");
        if (File.Exists(model)) CheckPorts(spec, DutInterface.ReadHeader(model));
        if (exit != 0 || !File.Exists(Path.Combine(tmp, Binary)))
        {
            throw new UsageException($"the Verilator build failed (exit {exit}); its output (full log: {Path.Combine(tmp, "build.log")}):\n" +
                                     Interesting(output));
        }
        if (ReadsClockOnlyAsRisingEdge(tmp))
            File.WriteAllText(Path.Combine(tmp, PosedgeOnlyMarker), "the model reads clk only as a rising edge: the bench may skip the falling edge's eval\n");
        try
        {
            Directory.Move(tmp, dir);
        }
        catch (IOException) when (File.Exists(exe))
        {
            Directory.Delete(tmp, true); // another process built the same design first
        }
        return new Result(exe, dir, false, DateTime.UtcNow - started);
    }

    /// <summary>
    /// <c>verilator --version</c>, the first part of every build hash, remembered in the build directory for this
    /// installation (the resolved paths, sizes and modification times of the <c>verilator</c> script and the
    /// <c>verilator_bin</c> it runs, and <c>VERILATOR_ROOT</c>): the script is Perl, and starting it cost more CPU than a
    /// cached run's whole set-up. Another installation, or the same one upgraded, has another key and is asked again.
    /// </summary>
    public static string VerilatorVersion(string verilator, string buildRoot)
    {
        string file = Path.Combine(buildRoot, $"verilator-version-{InstallationKey(verilator)}");
        try
        {
            if (File.Exists(file) && File.ReadAllText(file) is { Length: > 0 } known) return known;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // unreadable: ask Verilator
        }
        var (exit, output) = Tools.Run(verilator, ["--version"]);
        var version = output.Trim();
        if (exit == 0 && version.Length > 0)
        {
            try
            {
                AtomicFile.WriteAllText(file, version);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a read-only cache: the next run asks again
            }
        }
        return version;
    }

    /// <summary>Identifies a Verilator installation by its files' resolved paths, sizes and modification times.</summary>
    private static string InstallationKey(string verilator)
    {
        var root = Environment.GetEnvironmentVariable("VERILATOR_ROOT");
        var files = new List<string> { verilator, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(verilator))!, "verilator_bin") };
        if (!string.IsNullOrEmpty(root)) files.Add(Path.Combine(root, "bin", "verilator_bin"));
        var key = new StringBuilder("VERILATOR_ROOT=").Append(root).Append('\n');
        foreach (var f in files)
        {
            var info = new FileInfo(f);
            try
            {
                if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target) info = target;
            }
            catch (IOException)
            {
                // a link that cannot be followed: the link itself stands for the file
            }
            key.Append(info.FullName);
            if (info.Exists) key.Append(' ').Append(info.Length).Append(' ').Append(info.LastWriteTimeUtc.Ticks);
            key.Append('\n');
        }
        return ShortHex(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())));
    }

    /// <summary>A cache key's file-name part: the first 8 bytes of a SHA-256 digest as 16 lowercase hex digits.</summary>
    private static string ShortHex(byte[] digest) => Convert.ToHexStringLower(digest, 0, 8);

    /// <summary>
    /// True when every read of <c>clk</c> in the generated model (<c>Vdut*.cpp</c> in <paramref name="dir"/>) is one
    /// that Verilator 5 writes for a design whose only clocked logic is on the rising edge: the rising-edge trigger
    /// <c>clk &amp; ~previous clk</c>, the update of that previous value, the reset of the input, its width check and
    /// the model's reference to the port. Any other read — a falling-edge trigger, the clock as data, toggle coverage
    /// or tracing of the clock, another Verilator's code — gives false, and the bench evaluates both edges as before.
    /// </summary>
    public static bool ReadsClockOnlyAsRisingEdge(string dir)
    {
        bool risingEdge = false;
        foreach (var file in System.IO.Directory.EnumerateFiles(dir, "Vdut*.cpp"))
        {
            var text = Whitespace().Replace(File.ReadAllText(file), " ");
            foreach (System.Text.RegularExpressions.Match m in ClockRead().Matches(text))
            {
                var before = text.AsSpan(0, m.Index);
                var after = text.AsSpan(m.Index + m.Length);
                if (m.Value == "vlSelf->clk" && after.StartsWith(") & (~ (IData)(vlSelf->__Vtrigrprev__TOP__clk))")) risingEdge = true;
                else if (m.Value == "vlSelf->clk" && before.EndsWith("vlSelf->__Vtrigrprev__TOP__clk = ") && after.StartsWith(";")) { }
                else if (m.Value == "vlSelf->clk" && (after.StartsWith(" = 0;") || after.StartsWith(" & 0xfeU)"))) { }
                else if (m.Value == "vlSymsp->TOP.clk" && before.EndsWith(", clk{") && after.StartsWith("}")) { }
                else return false;
            }
        }
        return risingEdge;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[A-Za-z_][A-Za-z_0-9]*(->|\.)(TOP\.)?clk\b")]
    private static partial System.Text.RegularExpressions.Regex ClockRead();

    [System.Text.RegularExpressions.GeneratedRegex(@"\s+")]
    private static partial System.Text.RegularExpressions.Regex Whitespace();

    private static void CheckPorts(BuildSpec spec, IReadOnlyList<DutInterface.Port> ports)
    {
        var diffs = spec.Bench?.PortProblems(ports) ?? DutInterface.Differences(ports, spec.Unit, spec.K, spec.Top);
        if (diffs.Count > 0)
            throw new UsageException($"the design does not match the {(spec.Bench is null ? spec.Unit.Name + " unit's " : "")}interface mxref verify drives:\n  {string.Join("\n  ", diffs)}\n{spec.Bench?.Interface ?? spec.Unit.Summary}");
    }

    private static List<string> Arguments(BuildSpec spec, string dir)
    {
        var a = new List<string>(Flags) { "-j", "2", "--prefix", "Vdut", "--top-module", spec.Top, "-Mdir", dir, "-o", Binary };
        foreach (var (n, v) in spec.Parameters) a.Add($"-G{n}={v}");
        a.AddRange(["-CFLAGS", $"-DMXTB_K={spec.K}", "-MAKEFLAGS", "OPT_FAST=-O2"]);
        if (spec.Trace) a.AddRange(["--trace", "-CFLAGS", "-DMXTB_TRACE=1"]);
        a.AddRange(spec.ExtraFlags);
        a.AddRange(spec.Sources.Select(Path.GetFullPath));
        a.Add(Path.Combine(dir, BenchFile(spec)));
        return a;
    }

    private static string BenchFile(BuildSpec spec) => spec.Bench?.FileName ?? spec.Unit.Testbench;

    private static string Hash(string version, string tb, List<string> args, BuildSpec spec)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) { h.AppendData(Encoding.UTF8.GetBytes(s)); h.AppendData([0]); }
        Add(version);
        Add(tb);
        foreach (var a in args) Add(a);
        foreach (var src in spec.Sources) h.AppendData(File.ReadAllBytes(src));
        return ShortHex(h.GetHashAndReset());
    }

    /// <summary>The error and warning lines of a build log (all of it when there are none), at most 60 lines.</summary>
    private static string Interesting(string output)
    {
        var lines = output.Split('\n');
        var keep = lines.Where(l => l.Contains("%Error") || l.Contains("%Warning") || l.Contains("error:") || l.Contains("Error ")).ToList();
        if (keep.Count == 0) keep = lines.TakeLast(60).ToList();
        return string.Join('\n', keep.Take(60));
    }

    private static string Quote(string s) => s.Any(ch => ch is ' ' or '"' or '\'' or '=') && !s.StartsWith('-') ? $"'{s}'" : s;
}
