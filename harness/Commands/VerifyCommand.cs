using System.CommandLine;
using System.Globalization;
using MxRef.Dot;
using MxRef.Harness.Verify;
using MxRef.Vectors.Generation;

namespace MxRef.Harness.Commands;

/// <summary><c>mxref verify</c>: build RTL with Verilator and compare it with the golden model (docs/verify.md).</summary>
public static class VerifyCommand
{
    /// <summary>The project's own mx_dot, package first, top last (as in rtl/rtl.mk).</summary>
    public static readonly string[] DefaultRtl =
        ["rtl/mx_pkg.sv", "rtl/mx_lzc.sv", "rtl/mx_mul.sv", "rtl/mx_adder_tree.sv", "rtl/mx_fuse.sv", "rtl/mx_norm.sv", "rtl/mx_round.sv", "rtl/mx_dot.sv"];

    /// <summary><c>verify</c> and its companion <c>report</c> (merging the shards' reports).</summary>
    public static IEnumerable<Command> CreateAll() => [Create(), ReportCommand.Create()];

    public static Command Create()
    {
        var rtl = new Option<string[]>("--rtl") { Description = "RTL source files, package files first (default: the project's rtl/mx_dot and its modules).", AllowMultipleArgumentsPerToken = true };
        var filelist = new Option<string?>("--filelist") { Description = "A file listing RTL sources, one per line (relative to the list; # comments; lines starting with - or + are Verilator options)." };
        var top = new Option<string>("--top") { Description = "Top module (default mx_dot).", DefaultValueFactory = _ => "mx_dot" };
        var param = new Option<string[]>("--param") { Description = "Top-level parameter NAME=VALUE (repeatable); K sets the block size (default 32).", AllowMultipleArgumentsPerToken = true };
        var vflag = new Option<string[]>("--verilator-flag") { Description = "Extra Verilator option (repeatable), e.g. --verilator-flag=-Wno-fatal." };
        var vectors = new Option<string[]>("--vectors") { Description = ".mxv vector files (instead of generated vectors).", AllowMultipleArgumentsPerToken = true };
        var line = new Option<long?>("--line") { Description = "Run only the data line with this line number of the (single) --vectors file (a mismatch's re-run)." };
        var fa = new Option<string>("--a") { Description = "Generated A element formats: comma list of e4m3,e5m2,e3m2,e2m3,e2m1,int8 or 'all' (default).", DefaultValueFactory = _ => "all" };
        var fb = new Option<string>("--b") { Description = "Generated B element formats (as --a).", DefaultValueFactory = _ => "all" };
        var rounding = new Option<string>("--rounding", "-r") { Description = "Generated rounding modes: comma list of rne,rtz,rdn,rup,rna,rto or 'all' (default).", DefaultValueFactory = _ => "all" };
        var corners = new Option<bool>("--corners") { Description = "Generate the corner-case set (every coverage class; docs/vectors.md)." };
        var random = new Option<bool>("--random") { Description = "Generate --count weighted random vectors. Without --corners/--random/--exhaustive: both --corners and --random." };
        var exhaustive = new Option<bool>("--exhaustive") { Description = "Generate every code combination of the block (small K only)." };
        var seed = new Option<string>("--seed", "-s") { Description = "Generator seed (decimal or 0x hex; default 1).", DefaultValueFactory = _ => "1" };
        var count = new Option<long>("--count", "-n") { Description = "Random vectors to generate (default 100000).", DefaultValueFactory = _ => 100_000 };
        var index = new Option<long?>("--index") { Description = "Run only generated vector number INDEX of the run (a mismatch's re-run)." };
        var acc = new Option<string>("--acc") { Description = "Accumulation model of the golden model: " + AccumulationModel.ValidNames + " (default fused).", DefaultValueFactory = _ => "fused" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Simulation processes side by side (default 1).", DefaultValueFactory = _ => 1 };
        var shard = new Option<string>("--shard") { Description = "Run part I of N of the regression (I from 0), e.g. --shard 3/16 in a job array.", DefaultValueFactory = _ => "0/1" };
        var maxMismatches = new Option<int>("--max-mismatches") { Description = "Stop after this many mismatches (default 10).", DefaultValueFactory = _ => 10 };
        var trace = new Option<bool>("--trace") { Description = "Write a VCD of the cycles around each reported mismatch (GTKWave) into --trace-dir." };
        var traceDir = new Option<string>("--trace-dir") { Description = "Where --trace puts the VCDs (default out/verify).", DefaultValueFactory = _ => "out/verify" };
        var buildDir = new Option<string>("--build-dir") { Description = "Build cache (default out/verilator; one directory per design hash).", DefaultValueFactory = _ => "out/verilator" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds without a result before a simulation is declared hung and stopped (default 60).", DefaultValueFactory = _ => 60 };
        var junit = new Option<string?>("--junit") { Description = "Write a JUnit XML report here." };
        var report = new Option<string?>("--report") { Description = "Write the JSON report here (input of 'mxref report merge')." };
        var freeRun = new Option<long?>("--free-run") { Description = "Measure the raw simulation rate: N vectors from the bench's internal table, no I/O or comparison." };
        var cmd = new Command("verify",
            "Build MX RTL with Verilator and compare every result with the golden model. The design must have the mx_dot\n" +
            "interface (docs/RTL.md). Vectors come from --vectors files or are generated (--seed, --count). Exit codes: 0 all\n" +
            "equal, 1 mismatches, 2 usage, input, build or simulation errors. See docs/verify.md.")
        {
            rtl, filelist, top, param, vflag, vectors, line, fa, fb, rounding, corners, random, exhaustive, seed, count, index, acc, jobs, shard, maxMismatches, trace, traceDir, buildDir, timeout, junit, report, freeRun,
        };
        cmd.SetAction(r =>
        {
            var sources = new List<string>(r.GetValue(rtl) ?? []);
            var flags = new List<string>(r.GetValue(vflag) ?? []);
            if (r.GetValue(filelist) is { } fl) ReadFilelist(fl, sources, flags);
            sources = sources.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
            bool defaultRtl = sources.Count == 0;
            if (defaultRtl)
            {
                if (!File.Exists("rtl/mx_dot.sv")) throw new UsageException("no --rtl or --filelist given and rtl/mx_dot.sv is not in the current directory");
                sources.AddRange(DefaultRtl);
            }
            var parameters = new List<(string, string)>();
            int k = 32;
            foreach (var p in r.GetValue(param) ?? [])
            {
                int eq = p.IndexOf('=');
                if (eq <= 0) throw new UsageException($"--param '{p}' must be NAME=VALUE");
                string name = p[..eq], value = p[(eq + 1)..];
                if (name == "K" && (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out k) || k is < 1 or > 1024))
                    throw new UsageException($"--param K={value}: the block size must be 1..1024");
                parameters.Add((name, value));
            }
            var model = AccumulationModel.TryParse(r.GetValue(acc)!) ?? throw new UsageException($"unknown accumulation model '{r.GetValue(acc)}' for --acc; valid: {AccumulationModel.ValidNames}");
            var (si, sn) = ParseShard(r.GetValue(shard)!);
            var files = r.GetValue(vectors) ?? [];
            if (r.GetValue(line) is not null && files.Length != 1) throw new UsageException("--line needs exactly one --vectors file");
            if (r.GetValue(index) is not null && files.Length > 0) throw new UsageException("--index selects a generated vector; with --vectors use --line");
            if (r.GetValue(jobs) is < 1 or > 64) throw new UsageException($"--jobs must be 1..64, got {r.GetValue(jobs)}");
            if (r.GetValue(maxMismatches) < 1) throw new UsageException("--max-mismatches must be at least 1");
            if (r.GetValue(count) < 0) throw new UsageException("--count must be at least 0");
            if (r.GetValue(timeout) <= 0) throw new UsageException("--timeout must be positive");
            var o = new VerifyOptions
            {
                Rtl = sources,
                DefaultRtl = defaultRtl,
                Top = r.GetValue(top)!,
                Parameters = parameters,
                K = k,
                VerilatorFlags = flags,
                Model = model,
                VectorFiles = files,
                Line = r.GetValue(line),
                Generator = files.Length > 0 ? null : Generator(r.GetValue(fa)!, r.GetValue(fb)!, r.GetValue(rounding)!, r.GetValue(corners), r.GetValue(random), r.GetValue(exhaustive), r.GetValue(seed)!, r.GetValue(count), k, model),
                Index = r.GetValue(index),
                Jobs = r.GetValue(jobs),
                Shard = si,
                Shards = sn,
                MaxMismatches = r.GetValue(maxMismatches),
                Trace = r.GetValue(trace),
                TraceDir = r.GetValue(traceDir)!,
                BuildDir = r.GetValue(buildDir)!,
                Timeout = TimeSpan.FromSeconds(r.GetValue(timeout)),
                JUnit = r.GetValue(junit),
                Report = r.GetValue(report),
                FreeRun = r.GetValue(freeRun),
            };
            return VerifyRun.Execute(o, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
        });
        return cmd;
    }

    private static GeneratedVectors Generator(string fa, string fb, string modes, bool corners, bool random, bool exhaustive, string seed, long count, int k, AccumulationModel model)
    {
        if (!corners && !random && !exhaustive) corners = random = true;
        var options = new DotGeneratorOptions
        {
            FormatsA = VectorsCommand.ElementFormats(fa, "--a"), FormatsB = VectorsCommand.ElementFormats(fb, "--b"), Modes = VectorsCommand.Modes(modes),
            Block = k, Model = model, Seed = VectorsCommand.ParseSeed(seed), Count = random ? count : 0,
            Corners = corners, Random = random, Exhaustive = exhaustive,
        };
        if (options.Validate() is { } problem) throw new UsageException(problem);
        return new GeneratedVectors(options, GeneratedVectors.OptionText(options));
    }

    public static (int Index, int Count) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || i >= n)
            throw new UsageException($"--shard '{text}' must be I/N with 0 <= I < N, e.g. 0/4");
        return (i, n);
    }

    private static void ReadFilelist(string path, List<string> sources, List<string> flags)
    {
        if (!File.Exists(path)) throw new UsageException($"--filelist '{path}' does not exist");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        int n = 0;
        foreach (var raw in File.ReadLines(path))
        {
            n++;
            var t = raw.Trim();
            if (t.Length == 0 || t.StartsWith('#') || t.StartsWith("//", StringComparison.Ordinal)) continue;
            if (t[0] is '-' or '+') { flags.Add(t); continue; }
            var full = Path.IsPathRooted(t) ? t : Path.Combine(dir, t);
            if (!File.Exists(full)) throw new UsageException($"{path} line {n}: source '{t}' does not exist");
            sources.Add(full);
        }
    }
}
