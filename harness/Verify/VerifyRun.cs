using System.Diagnostics;
using System.Text;

namespace MxRef.Harness.Verify;

/// <summary>
/// <c>mxref verify</c> end to end: build (or reuse) the Verilated bench, run <c>--jobs</c> simulation processes on this
/// shard's vectors, compare every result with the golden model, then print the summary, the mismatch reports (with
/// re-run commands and, with <c>--trace</c>, VCDs) and write the JSON and JUnit reports.
/// </summary>
public static class VerifyRun
{
    public static int Execute(VerifyOptions o, TextWriter stdout, TextWriter stderr)
    {
        var wall = Stopwatch.StartNew();
        var spec = new BuildSpec(o.Rtl, o.Top, o.Parameters, o.K, false, o.VerilatorFlags)
        {
            Unit = o.Unit,
            Bench = o.Dut is null ? null : new Description.DescribedBench(o.Dut),
        };
        if (o.CodeCoverageDir is not null) spec = spec with { ExtraFlags = [.. spec.ExtraFlags, .. CodeCoverage.BuildFlags] };
        var build = VerilatorBuild.Build(spec, o.BuildDir, stderr);
        // Code coverage counts every eval, so a coverage run evaluates both clock edges as it always did; a described
        // unit's bench (its own control ports) always evaluates both.
        var benchArguments = o.CodeCoverageDir is null && o.Dut is null ? build.StreamArguments : [];
        string edges = benchArguments.Count > 0 ? "; rising clock edges only (the model reads clk only as a rising edge)" : "";
        stderr.WriteLine(build.Cached
            ? $"verify: bench {build.Executable} (cached build){edges}"
            : $"verify: built {build.Executable} in {build.Time.TotalSeconds:0.0} s{edges}");
        if (o.FreeRun is { } n) return FreeRun(build.Executable, benchArguments, n, stdout);

        IVectorOrigins origins;
        Func<RunSlice, IVectorSource> open;
        string regression;
        IReadOnlyList<int> expected;
        IUnit unit;
        if (o.VectorFiles.Count > 0)
        {
            (unit, expected, o) = UnitFiles.Open(o);
            var fileUnit = unit;
            origins = new MxvSource(o.VectorFiles, new RunSlice(0, 1, 0, 1), null);
            open = s => new MxvSource(o.VectorFiles, s, o.Line, fileUnit);
            regression = "files " + string.Join(' ', o.VectorFiles);
        }
        else
        {
            var g = o.Generator ?? throw new UsageException("no vectors: give --vectors FILE... or generator options");
            unit = o.Golden ?? (o.Unit == UnitKind.Dot ? new DotUnit(o.K, o.Model, o.Profile, o.Dut?.FlagMask ?? DotUnit.AllFlags) : throw new UsageException($"the {o.Unit.Name} unit needs its golden settings"));
            origins = g.Origins;
            expected = g.ExpectedCoverage;
            open = s => g.Open(s, o.Index);
            regression = g.Describe();
        }
        var profile = o.Profile ?? MxRef.Dot.ImplementationProfile.Default;
        if (unit is DotUnit && !profile.IsDefault && o.Model.Kind == MxRef.Dot.AccumulationKind.Fp32Sum)
            throw new UsageException($"--profile applies to the fused and chunked:N accumulation models, not {o.Model}");
        regression = $"{(o.Dut is null ? $"{o.Top} K={o.K}{string.Concat(o.Parameters.Where(p => p.Name != "K").Select(p => $" {p.Name}={p.Value}"))}" : Description.DescribedRun.Design(o.Dut))} {unit.Settings}; {regression}";
        var ctx = new RunContext(unit, o.MaxMismatches, o.Timeout, origins, o.StopAfter, o.ExamplesPerClass);
        int jobs = o.Line is not null || o.Index is not null ? 1 : o.Jobs;
        int preparers = Preparers(Environment.ProcessorCount, jobs);
        var sessions = Enumerable.Range(0, jobs)
            .Select(j => new SimSession(build.Executable, () => open(new RunSlice(o.Shard, o.Shards, j, jobs)), ctx, o.K, jobs == 1 ? "simulation" : $"simulation {j + 1}/{jobs}",
                preparers, benchArguments))
            .ToArray();
        stderr.WriteLine($"verify: {regression}; shard {o.Shard}/{o.Shards}, {jobs} simulation process{(jobs == 1 ? "" : "es")}");

        string? coverageParts = o.CodeCoverageDir is null ? null : CodeCoverage.PartsDirectory(o.CodeCoverageDir);
        if (coverageParts is not null) Environment.SetEnvironmentVariable(CodeCoverage.DirVariable, coverageParts); // inherited by the simulation processes
        var sim = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var errors = new Exception?[jobs];
        using var progress = new Timer(_ => stderr.WriteLine($"verify: {Interlocked.Read(ref ctx.Compared):N0} vectors compared, {ctx.MismatchCount} mismatches, {sim.Elapsed.TotalSeconds:0} s"),
            null, 10_000, 10_000);
        var threads = sessions.Select((s, j) => new Thread(() =>
        {
            try { s.Run(); }
            catch (Exception e) { errors[j] = e; ctx.Stop(); }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        progress.Change(Timeout.Infinite, Timeout.Infinite);
        double simSeconds = sim.Elapsed.TotalSeconds;
        double harnessCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        if (ctx.Stages is { } stages) stderr.Write(stages.Table(sessions.Sum(s => s.Vectors), harnessCpu));
        CodeCoverageReport? codeCoverage = null;
        if (coverageParts is not null)
        {
            Environment.SetEnvironmentVariable(CodeCoverage.DirVariable, null);
            var parts = Directory.GetFiles(coverageParts, "cov-*.dat").Order(StringComparer.Ordinal).ToArray();
            // A run stopped early (mismatch limit, simulation failure) may have no counts; its mismatches still count.
            if (parts.Length > 0 && errors.All(e => e is null)) codeCoverage = CodeCoverage.Write(parts, o.CodeCoverageDir!, stderr);
            else stderr.WriteLine("verify: --code-coverage: the run stopped early, so no code coverage was written");
            Directory.Delete(coverageParts, true);
        }

        var result = new VerifyResult
        {
            Regression = regression,
            Top = o.Top,
            Unit = unit.Kind.Name,
            CoverageNames = unit.CoverageNames,
            K = o.K,
            Shard = o.Shard,
            Shards = o.Shards,
            Jobs = jobs,
            Latency = sessions.Max(s => s.Latency),
            Vectors = sessions.Sum(s => s.Vectors),
            MismatchCount = ctx.MismatchCount,
            LimitReached = ctx.LimitReached,
            SimSeconds = simSeconds,
            BenchCpuSeconds = sessions.Sum(s => s.BenchCpuSeconds),
            HarnessCpuSeconds = harnessCpu,
            Coverage = Sum(sessions.Select(s => s.Coverage)),
            ExpectedCoverage = expected.Select(id => unit.CoverageNames[id]).ToArray(),
            Mismatches = ctx.Mismatches,
            Profile = profile.ToString(),
            ExamplesPerClass = o.ExamplesPerClass,
            CodeCoverage = codeCoverage,
            Described = o.Dut is null ? null : Description.DescribedRun.Summary(o.Dut, o.Model),
            Design = o.Dut is null ? null : Description.DescribedRun.Design(o.Dut),
        };
        var error = errors.FirstOrDefault(e => e is not null);
        if (error is UsageException) throw error;
        if (error is not null and not SimFailure) throw new AggregateException(error);
        result.Error = error?.Message;

        string design = DesignOptions(o);
        foreach (var m in ctx.AllKept())
        {
            m.ReproCommand = $"mxref verify {design} {origins.ReproOptions(m.File, m.Origin)}";
            m.ModelOptions = unit.Options;
            unit.Annotate(m);
        }
        if (o.Trace && result.Mismatches.Count > 0) Traces(o, spec, unit, result.Mismatches, stderr);
        result.WallSeconds = wall.Elapsed.TotalSeconds;
        // The class rows are made after the repro commands (their examples carry them) and the traces.
        result.Classes = ctx.Classes.Rows.Select(r => MismatchClassReport.From(r, o.Waivers)).ToArray();

        foreach (var m in result.Mismatches) stdout.Write(m.ToText());
        stdout.Write(result.Summary());
        if (o.Report is not null) AtomicFile.WriteAllText(o.Report, result.ToJson());
        if (o.JUnit is not null) AtomicFile.WriteAllText(o.JUnit, result.ToJUnit());
        if (result.Error is not null)
        {
            stderr.WriteLine($"mxref verify: {result.Error}");
            return Cli.ExitUsage;
        }
        return result.FailingCount > 0 ? Cli.ExitMismatch : Cli.ExitOk;
    }

    /// <summary>
    /// Preparing threads per simulation process: the machine's cores shared among the <paramref name="jobs"/>
    /// simulations (at least one each), so on 2 cores with one simulation mxref runs two. Where the bench is the
    /// bottleneck (mx_dot K = 32) the second costs about 1 % of the wall rate; where mxref is (the dot-bdr unit: the
    /// bench takes ~0.25 µs per vector, mxref ~2 µs) it is 1.46× faster, because a preparer then also uses the time
    /// the bench's core waits (docs/PERFORMANCE.md, "Quiet figures after the model, generator, …").
    /// </summary>
    internal static int Preparers(int cores, int jobs) => Math.Max(1, cores / jobs);

    private static int FreeRun(string exe, IReadOnlyList<string> benchArguments, long n, TextWriter stdout)
    {
        var (exit, output) = Tools.Run(exe, ["--free-run", n.ToString(System.Globalization.CultureInfo.InvariantCulture), .. benchArguments]);
        stdout.Write(output);
        if (exit != 0) throw new UsageException($"the free-running bench failed (exit {exit})");
        return Cli.ExitOk;
    }

    private static long[] Sum(IEnumerable<long[]> counts)
    {
        var total = new long[counts.First().Length];
        foreach (var c in counts)
            for (int i = 0; i < total.Length; i++) total[i] += c[i];
        return total;
    }

    /// <summary>The options that rebuild the same bench (everything but the vectors).</summary>
    public static string DesignOptions(VerifyOptions o)
    {
        var sb = new StringBuilder();
        if (!o.DefaultRtl) sb.Append("--rtl ").Append(string.Join(' ', o.Rtl)).Append(' ');
        if (o.Unit != UnitKind.Dot) sb.Append($"--unit {o.Unit.Name} ");
        if (o.Dut is not null) // module, parameters and K come from the description
            sb.Append($"--dut {o.Dut.File}").Append(o.Dut.StallFromCommandLine ? FormattableString.Invariant($" --stall-rate {o.Dut.StallRate} --stall-seed {o.Dut.StallSeed}") : "");
        else
        {
            sb.Append($"--top {o.Top}");
            foreach (var (n, v) in o.Parameters) sb.Append($" --param {n}={v}");
        }
        foreach (var f in o.VerilatorFlags) sb.Append($" --verilator-flag={f}");
        if (o.Model != MxRef.Dot.AccumulationModel.Fused) sb.Append($" --acc {o.Model}");
        if (o.Profile is { IsDefault: false } p) sb.Append($" --profile {p}");
        return sb.ToString();
    }

    /// <summary>Re-runs the vectors around each mismatch on the trace build of the bench and keeps the VCDs.</summary>
    private static void Traces(VerifyOptions o, BuildSpec spec, IUnit unit, IReadOnlyList<Mismatch> mismatches, TextWriter log)
    {
        var build = VerilatorBuild.Build(spec with { Trace = true }, o.BuildDir, log);
        Directory.CreateDirectory(o.TraceDir);
        foreach (var m in mismatches)
        {
            var vcd = Path.Combine(o.TraceDir, $"mismatch-{m.Number}.vcd");
            var psi = new ProcessStartInfo(build.Executable) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            var partial = vcd + $".tmp-{Environment.ProcessId}"; // renamed when complete
            psi.ArgumentList.Add("--trace");
            psi.ArgumentList.Add(partial);
            using var p = Process.Start(psi)!;
            var errTask = p.StandardError.ReadToEndAsync();
            var outTask = Task.Run(() => { using var ms = new MemoryStream(); p.StandardOutput.BaseStream.CopyTo(ms); return ms.ToArray(); });
            p.StandardInput.BaseStream.Write(m.Neighbourhood);
            p.StandardInput.Close();
            if (!p.WaitForExit((int)o.Timeout.TotalMilliseconds)) Tools.Terminate(p);
            var bytes = outTask.Result;
            var err = errTask.Result;
            var match = System.Text.RegularExpressions.Regex.Match(err, @"VCD time (\d+)");
            if (p.ExitCode != 0 || !match.Success || bytes.Length < StreamProtocol.HelloBytes)
            {
                m.TraceNote = $"trace run failed (exit {p.ExitCode}): {err.Trim()}";
                if (File.Exists(partial)) File.Delete(partial);
                continue;
            }
            File.Move(partial, vcd, overwrite: true);
            var hello = StreamProtocol.ReadHello(bytes, unit.Kind);
            long t0 = long.Parse(match.Groups[1].Value);
            long tIn = t0 + 10 * m.NeighbourIndex, tOut = t0 + 10 * (m.NeighbourIndex + hello.Latency - 1);
            int at = StreamProtocol.HelloBytes + m.NeighbourIndex * unit.ResultBytes;
            var got = bytes.AsSpan(at, Math.Min(unit.ResultBytes, Math.Max(0, bytes.Length - at)));
            bool reproduced = got.SequenceEqual(m.Actual);
            m.TraceFile = vcd;
            m.TraceNote = $"vector sampled at the rising edge at time {tIn}, result on d/flags after the edge at {tOut}; " +
                          (reproduced ? "mismatch reproduced" : $"NOT reproduced in isolation (got {Convert.ToHexString(got).ToLowerInvariant()}): the design depends on earlier vectors");
        }
    }
}
