using System.Diagnostics;
using MxRef.Harness.Verify;

namespace MxRef.Harness.Slurm;

/// <summary>
/// <c>mxref verify --slurm</c>: one regression as one Slurm job array. Writes the job script, builds the Verilated
/// bench once into the shared build directory (the shards then find it in the cache), submits the array, waits for
/// every task, merges the shards' reports with <c>mxref report merge</c>, and prints the merged summary and the
/// verdict on every shard. Exit status: 0 pass, 1 mismatches, 2 when a shard failed to run (named, with its log and
/// the command that reruns it alone) or on a usage or scheduler error. The shards are plain
/// <c>mxref verify --shard I/N</c> runs; the driver talks to them only through their command line and reports.
/// </summary>
/// <param name="mxref">Runs the mxref executable (first argument) with the arguments in the working directory (third); returns its exit code and output.</param>
public sealed class SlurmRegression(ISlurmScheduler scheduler, Func<string, IReadOnlyList<string>, string, (int Exit, string Output)> mxref, TextWriter stdout, TextWriter stderr)
{
    /// <summary>How often the scheduler is asked about the tasks.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Where the merged JSON and JUnit reports go (default: merged.json and merged.xml in the run directory).</summary>
    public string? MergedReport { get; init; }
    public string? MergedJUnit { get; init; }

    private readonly Dictionary<(string Job, int Task), SlurmTaskState> _tasks = [];
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    /// <summary>A new run in <see cref="SlurmJobSpec.RunDir"/>: every shard.</summary>
    public int Start(SlurmJobSpec spec)
    {
        if (spec.Problems() is { Count: > 0 } problems) throw new UsageException(string.Join("\n", problems));
        if (File.Exists(spec.StatePath))
        {
            var previous = SlurmRunState.Load(spec.RunDir);
            foreach (var sub in previous.Submissions)
                if (scheduler.Query(sub.JobId) is { } tasks && tasks.Any(t => !t.Finished && sub.Shards.Contains(t.Task)))
                    throw new UsageException($"{spec.RunDir} belongs to a run whose job {sub.JobId} still has unfinished tasks: wait for it and add --resume, " +
                                             $"or 'scancel {sub.JobId}', or choose another --slurm-dir");
        }
        Directory.CreateDirectory(spec.LogDir);
        if (Directory.Exists(spec.ReportDir)) Directory.Delete(spec.ReportDir, true); // reports of an earlier run must not be merged into this one
        Directory.CreateDirectory(spec.ReportDir);
        foreach (var f in new[] { MergedJson(spec), MergedXml(spec) })
            if (File.Exists(f)) File.Delete(f);
        WriteScript(spec);
        var state = new SlurmRunState(spec, []);
        state.Save();
        stderr.WriteLine($"slurm: job script {spec.ScriptPath} ({spec.Shards} shards)");
        BuildOnce(spec);
        state = Submit(state, Enumerable.Range(0, spec.Shards).ToArray());
        return Finish(state);
    }

    /// <summary>Continues the run in <paramref name="runDir"/>: waits for its tasks, resubmits the shards without a valid report, merges.</summary>
    public int Resume(string runDir)
    {
        var state = SlurmRunState.Load(Path.GetFullPath(runDir));
        var spec = state.Spec;
        foreach (var sub in state.Submissions) Wait(sub, patient: false);
        var failed = ShardLedger.ToResubmit(Outcomes(state));
        if (failed.Count == 0)
        {
            stderr.WriteLine($"slurm: every shard of {spec.RunDir} has its report; nothing to resubmit");
            return Finish(state);
        }
        stderr.WriteLine($"slurm: resubmitting shard{(failed.Count == 1 ? "" : "s")} {SlurmParse.ArraySpec(failed)} of {spec.Shards}");
        if (!File.Exists(spec.ScriptPath)) WriteScript(spec); // an existing script is kept: it may have been edited (a longer --time)
        BuildOnce(spec);
        foreach (int s in failed)
        {
            File.Delete(spec.ReportPath(s));
            File.Delete(spec.JUnitPath(s));
        }
        state = Submit(state, failed);
        return Finish(state);
    }

    private static void WriteScript(SlurmJobSpec spec)
    {
        AtomicFile.WriteAllText(spec.ScriptPath, JobScript.Write(spec));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(spec.ScriptPath, (UnixFileMode)0b111_101_101);
    }

    /// <summary>
    /// Builds the bench once, here, before the array: the same verify options with <c>--free-run 1</c> build (or find)
    /// the design in the shared cache, so the shards start at once instead of all compiling the same model.
    /// </summary>
    private void BuildOnce(SlurmJobSpec spec)
    {
        var args = new List<string> { "verify" };
        args.AddRange(spec.VerifyArgs);
        args.AddRange(["--build-dir", spec.BuildDir, "--free-run", "1"]);
        stderr.WriteLine($"slurm: building the bench once in {spec.BuildDir}: {Shell.Quote(spec.Mxref)} {Shell.Join(args)}");
        var sw = Stopwatch.StartNew();
        var (exit, output) = mxref(spec.Mxref, args, spec.WorkDir);
        if (exit != 0) throw new UsageException($"building the bench before the array failed (exit {exit}); nothing was submitted:\n{output.Trim()}");
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("verify: built", StringComparison.Ordinal) || l.StartsWith("verify: bench", StringComparison.Ordinal))?.Trim();
        stderr.WriteLine($"slurm: {line ?? "bench ready"} ({sw.Elapsed.TotalSeconds:0.0} s)");
    }

    private SlurmRunState Submit(SlurmRunState state, IReadOnlyList<int> shards)
    {
        var spec = state.Spec;
        string job = scheduler.SubmitArray(spec.ScriptPath, shards, spec.WorkDir);
        var sub = new SlurmSubmission(job, shards);
        state = state.With(sub);
        state.Save();
        var (resume, _) = ShardLedger.ResubmitCommands(spec, shards);
        stderr.WriteLine($"slurm: submitted job {job} (array {SlurmParse.ArraySpec(shards)}); logs in {spec.LogDir}");
        stderr.WriteLine($"slurm: if this command is interrupted the tasks keep running; pick them up with: {resume}");
        Wait(sub, patient: true);
        return state;
    }

    /// <summary>
    /// Polls until every task of the submission is over. A job the scheduler does not know is taken as over at once
    /// when resuming, and after three polls in a row otherwise (a controller restart or a slow accounting database
    /// can hide a job briefly).
    /// </summary>
    private void Wait(SlurmSubmission sub, bool patient)
    {
        int unknown = 0;
        string last = "";
        var absent = new HashSet<int>();
        while (true)
        {
            var tasks = scheduler.Query(sub.JobId);
            if (tasks is null)
            {
                if (!patient || ++unknown >= 3)
                {
                    stderr.WriteLine($"slurm: job {sub.JobId} is unknown to the scheduler; its shards are judged by their reports");
                    return;
                }
            }
            else
            {
                unknown = 0;
                foreach (var t in tasks) _tasks[(t.JobId, t.Task)] = t;
                // Pending tasks are listed as a range, so a task missing from a known job is gone: Slurm keeps no
                // record of an array task cancelled before it started. Twice in a row, to be sure it is not a race.
                foreach (int s in sub.Shards.Where(s => tasks.All(t => t.Task != s)))
                    if (!absent.Add(s) && _tasks.GetValueOrDefault((sub.JobId, s)) is not { Finished: true })
                        _tasks[(sub.JobId, s)] = new SlurmTaskState(sub.JobId, s, "UNKNOWN", 0, 0, null);
                var mine = sub.Shards.Select(s => _tasks.GetValueOrDefault((sub.JobId, s))).ToArray();
                var counts = string.Join(", ", mine.GroupBy(t => t?.State ?? "UNKNOWN").OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}"));
                if (counts != last) stderr.WriteLine($"slurm: job {sub.JobId}: {counts} ({_wall.Elapsed.TotalSeconds:0} s)");
                last = counts;
                if (mine.All(t => t is { Finished: true })) return;
            }
            Thread.Sleep(Poll);
        }
    }

    private List<ShardOutcome> Outcomes(SlurmRunState state)
    {
        var spec = state.Spec;
        var outcomes = new List<ShardOutcome>();
        for (int s = 0; s < spec.Shards; s++)
        {
            var sub = state.LastFor(s);
            var task = sub is null ? null : _tasks.GetValueOrDefault((sub.JobId, s));
            string? log = sub is null ? null : spec.LogPath(s, sub.JobId);
            ShardReport? report = null;
            string? problem = null;
            try
            {
                report = ShardReport.Read(spec.ReportPath(s));
            }
            catch (FormatException e)
            {
                problem = e.Message;
            }
            outcomes.Add(ShardLedger.Classify(s, spec.Shards, report, problem, task, log));
        }
        return outcomes;
    }

    private int Finish(SlurmRunState state)
    {
        var spec = state.Spec;
        var outcomes = Outcomes(state);
        var withReport = outcomes.Where(o => o.HasReport).Select(o => spec.ReportPath(o.Shard)).ToList();
        int mergeExit = Cli.ExitUsage;
        if (withReport.Count > 0)
        {
            // --allow-partial: the shards that ran are still merged and shown, and the merge itself marks the result
            // as an error naming the shards without a report, so a missing shard is never counted as passed.
            var args = new List<string> { "report", "merge" };
            args.AddRange(withReport);
            args.AddRange(["-o", MergedJson(spec), "--junit", MergedXml(spec), "--allow-partial"]);
            var (exit, output) = mxref(spec.Mxref, args, spec.WorkDir);
            stdout.Write(output);
            mergeExit = exit;
        }
        else stdout.WriteLine($"no shard wrote a report; nothing to merge");

        var failed = outcomes.Where(o => o.Status == ShardStatus.Failed).ToList();
        stdout.WriteLine($"slurm: {spec.Shards} shards: {outcomes.Count(o => o.Status == ShardStatus.Passed)} passed, " +
                         $"{outcomes.Count(o => o.Status == ShardStatus.Mismatches)} with mismatches, {failed.Count} failed to run; " +
                         $"{_wall.Elapsed.TotalSeconds:0.0} s");
        foreach (var o in outcomes.Where(o => o.Status == ShardStatus.Mismatches))
            stdout.WriteLine($"  shard {o.Shard}/{spec.Shards}: {o.Detail}; report {spec.ReportPath(o.Shard)}");
        foreach (var o in failed)
        {
            stdout.WriteLine($"  shard {o.Shard}/{spec.Shards} FAILED: {o.Detail}");
            if (o.Log is null) continue;
            stdout.WriteLine($"    log {o.Log}{(File.Exists(o.Log) ? "" : " (absent: the task never started)")}");
            if (File.Exists(o.Log))
                foreach (var l in File.ReadLines(o.Log).TakeLast(6)) stdout.WriteLine($"      {l}");
        }
        if (failed.Count > 0)
        {
            var (resume, sbatch) = ShardLedger.ResubmitCommands(spec, failed.Select(f => f.Shard).ToArray());
            stdout.WriteLine($"rerun the failed shard{(failed.Count == 1 ? "" : "s")} alone: {resume}");
            stdout.WriteLine($"  (or by hand: {sbatch}, then {Shell.Quote(spec.Mxref)} report merge {Shell.Quote(spec.ReportDir)}/shard-*.json)");
        }
        if (File.Exists(MergedJson(spec))) stdout.WriteLine($"merged report {MergedJson(spec)}, JUnit {MergedXml(spec)}");
        return ShardLedger.ExitStatus(outcomes, mergeExit);
    }

    private string MergedJson(SlurmJobSpec spec) => MergedReport is { } p ? Path.GetFullPath(p) : Path.Combine(spec.RunDir, "merged.json");
    private string MergedXml(SlurmJobSpec spec) => MergedJUnit is { } p ? Path.GetFullPath(p) : Path.Combine(spec.RunDir, "merged.xml");
}
