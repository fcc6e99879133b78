using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Slurm;

public enum ShardStatus { Passed, Mismatches, Failed }

/// <summary>What one shard's JSON report says (the fields of mxref-verify-report/1 the bookkeeping needs).</summary>
public sealed record ShardReport(int Shard, int Shards, string Status, long Vectors, long Mismatches, string? Error)
{
    /// <summary>Reads a shard's report; null when the file is absent; a <see cref="FormatException"/> naming the field when it is not a report.</summary>
    public static ShardReport? Read(string path)
    {
        if (!File.Exists(path)) return null;
        JObject o;
        try
        {
            o = JObject.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not a JSON report: {e.Message}");
        }
        T Field<T>(string name) => o[name] is { Type: not JTokenType.Null } t ? MxRef.Vectors.Files.JsonFields.As<T>(t) : throw new FormatException($"{path}: field {name} is missing");
        return new ShardReport(Field<int>("shard"), Field<int>("shards"), Field<string>("status"), Field<long>("vectors"), Field<long>("mismatches"), (string?)o["error"]);
    }
}

/// <summary>The verdict on one shard, with the reason and the log to read when it failed.</summary>
public sealed record ShardOutcome(int Shard, ShardStatus Status, string Detail, string? Log, string? Task)
{
    /// <summary>The shard's report can go into the merge (it ran to the end; its mismatches or simulation error count).</summary>
    public bool HasReport { get; init; }
}

/// <summary>
/// Shard bookkeeping: a shard counts as run only when its own report (the right shard of the right count) says
/// pass or fail. Everything else (no report because the task timed out, was cancelled, lost its node or never
/// started; a report of another shard; a simulation error) is a failed shard, named with its Slurm state and log,
/// and is what <c>--resume</c> resubmits. Pure: unit-tested in tests/Slurm.
/// </summary>
public static class ShardLedger
{
    /// <param name="report">The shard's report, or null when there is none.</param>
    /// <param name="reportProblem">Why the report could not be read (null when it could or there is none).</param>
    /// <param name="task">Slurm's last word on the shard's task, or null when the scheduler has forgotten it.</param>
    public static ShardOutcome Classify(int shard, int shards, ShardReport? report, string? reportProblem, SlurmTaskState? task, string? log)
    {
        string? taskName = task is null ? null : $"job {task.JobId}_{task.Task}";
        string slurm = task is null ? "no state from Slurm" : $"{taskName} {task.Describe()}{(task.Node is null ? "" : $" on {task.Node}")}";
        if (reportProblem is not null) return new ShardOutcome(shard, ShardStatus.Failed, $"unreadable report ({reportProblem}); {slurm}", log, taskName);
        if (report is null)
        {
            string why = task?.State switch
            {
                "TIMEOUT" => "hit its time limit (--time)",
                "CANCELLED" => "was cancelled (scancel or the administrator)",
                "NODE_FAIL" or "BOOT_FAIL" => "lost its node",
                "OUT_OF_MEMORY" => "ran out of memory",
                "PREEMPTED" => "was preempted",
                "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "REQUEUED" or "SUSPENDED" => "has not finished",
                "UNKNOWN" => "has no record left in the scheduler (an array task cancelled before it started leaves none)",
                null => "did not run or was forgotten by the scheduler",
                _ => "ended without writing its report",
            };
            return new ShardOutcome(shard, ShardStatus.Failed, $"no report: the task {why} ({slurm})", log, taskName);
        }
        if (report.Shard != shard || report.Shards != shards)
            return new ShardOutcome(shard, ShardStatus.Failed, $"its report is of shard {report.Shard}/{report.Shards}, not {shard}/{shards} (left from another run?); {slurm}", log, taskName);
        return report.Status switch
        {
            "pass" => new ShardOutcome(shard, ShardStatus.Passed, $"{report.Vectors:N0} vectors, no mismatch", log, taskName) { HasReport = true },
            "fail" => new ShardOutcome(shard, ShardStatus.Mismatches, $"{report.Vectors:N0} vectors, {report.Mismatches:N0} mismatches", log, taskName) { HasReport = true },
            _ => new ShardOutcome(shard, ShardStatus.Failed, $"the run failed: {report.Error ?? "status " + report.Status} ({slurm})", log, taskName) { HasReport = true },
        };
    }

    /// <summary>The exit status of the whole regression: 2 when a shard failed to run, else the merge's (0 pass, 1 mismatches).</summary>
    public static int ExitStatus(IReadOnlyList<ShardOutcome> shards, int mergeExit) =>
        shards.Any(s => s.Status == ShardStatus.Failed) ? Cli.ExitUsage
        : mergeExit == Cli.ExitOk && shards.Any(s => s.Status == ShardStatus.Mismatches) ? Cli.ExitMismatch
        : mergeExit;

    /// <summary>The shards a resume must run again.</summary>
    public static IReadOnlyList<int> ToResubmit(IReadOnlyList<ShardOutcome> shards) =>
        shards.Where(s => s.Status == ShardStatus.Failed).Select(s => s.Shard).ToArray();

    /// <summary>The commands that rerun just the failed shards: the driver's resume, and the plain sbatch equivalent.</summary>
    public static (string Resume, string Sbatch) ResubmitCommands(SlurmJobSpec spec, IReadOnlyList<int> shards) =>
        ($"{Shell.Quote(spec.Mxref)} verify --slurm --resume --slurm-dir {Shell.Quote(spec.RunDir)}",
         $"sbatch --array={SlurmParse.ArraySpec(shards)} {Shell.Quote(spec.ScriptPath)}");
}
