using System.Globalization;

namespace MxRef.Harness.Slurm;

/// <summary>
/// What Slurm says about one task of an array job: its state (JOB_STATE_CODES of the squeue/sacct manuals, e.g.
/// PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL), the batch script's exit code and the signal
/// that ended it, and the node it ran on.
/// </summary>
public sealed record SlurmTaskState(string JobId, int Task, string State, int ExitCode, int Signal, string? Node)
{
    /// <summary>
    /// States after which the task will not run again by itself (the "job state codes" of sacct(1)), plus UNKNOWN:
    /// the driver's name for a task of a live job that the scheduler no longer lists.
    /// </summary>
    private static readonly HashSet<string> Terminal =
        ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED", "UNKNOWN"];

    /// <summary>True once the task is over; anything else (PENDING, RUNNING, COMPLETING, REQUEUED, SUSPENDED, ...) is still coming.</summary>
    public bool Finished => Terminal.Contains(State);

    public string Describe() =>
        State == "COMPLETED" || (State == "FAILED" && Signal == 0)
            ? $"{State}, exit code {ExitCode}"
            : $"{State}{(Signal != 0 ? $" (signal {Signal})" : "")}{(ExitCode != 0 ? $", exit code {ExitCode}" : "")}";
}

/// <summary>Parsers of the scheduler's answers; pure functions of the text (unit-tested in tests/Slurm).</summary>
public static class SlurmParse
{
    /// <summary>
    /// <c>sacct -X -n -P -j JOB -o JobID,State,ExitCode,NodeList</c>: one line per task, "JOB_TASK|STATE|EXIT:SIGNAL|NODE".
    /// Tasks not started yet are one line for a range, "JOB_[4-7%2]|PENDING|0:0|None assigned". States may carry a
    /// reason ("CANCELLED by 0").
    /// </summary>
    public static IReadOnlyList<SlurmTaskState> Sacct(string text, string jobId)
    {
        var tasks = new List<SlurmTaskState>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var f = line.Split('|');
            if (f.Length < 3) continue;
            var (job, spec) = SplitJobId(f[0]);
            if (job != jobId || spec is null) continue;
            var state = f[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "UNKNOWN";
            var (exit, signal) = ExitCode(f[2]);
            string? node = f.Length > 3 && f[3] is { Length: > 0 } n && n != "None assigned" ? n : null;
            foreach (int t in ArrayTasks(spec)) tasks.Add(new SlurmTaskState(jobId, t, state.TrimEnd('+'), exit, signal, node));
        }
        return tasks;
    }

    /// <summary>
    /// <c>scontrol -o show job JOB</c>: one line per task of "Key=Value" words (ArrayJobId, ArrayTaskId, JobState,
    /// ExitCode, NodeList); the tasks not started yet share one line with a range in ArrayTaskId.
    /// </summary>
    public static IReadOnlyList<SlurmTaskState> Scontrol(string text, string jobId)
    {
        var tasks = new List<SlurmTaskState>();
        foreach (var raw in text.Split('\n'))
        {
            if (raw.Trim().Length == 0) continue;
            var kv = new Dictionary<string, string>();
            foreach (var word in raw.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = word.IndexOf('=');
                if (eq > 0) kv.TryAdd(word[..eq], word[(eq + 1)..]);
            }
            if (!kv.TryGetValue("ArrayJobId", out var job) || job != jobId || !kv.TryGetValue("ArrayTaskId", out var spec)) continue;
            var state = kv.GetValueOrDefault("JobState", "UNKNOWN");
            var (exit, signal) = ExitCode(kv.GetValueOrDefault("ExitCode", "0:0"));
            string? node = kv.GetValueOrDefault("NodeList") is { } n && n != "(null)" ? n : null;
            foreach (int t in ArrayTasks(spec)) tasks.Add(new SlurmTaskState(jobId, t, state, exit, signal, node));
        }
        return tasks;
    }

    /// <summary>"123_4" → ("123", "4"); "123_[4-7]" → ("123", "4-7"); "123" → ("123", null).</summary>
    public static (string Job, string? Tasks) SplitJobId(string id)
    {
        int u = id.IndexOf('_');
        if (u < 0) return (id, null);
        return (id[..u], id[(u + 1)..].Trim('[', ']'));
    }

    /// <summary>An array index specification as sbatch --array takes it and squeue/sacct/scontrol print it: "0-3,5,8-12:2%4".</summary>
    public static IEnumerable<int> ArrayTasks(string spec)
    {
        int pct = spec.IndexOf('%');
        if (pct >= 0) spec = spec[..pct];
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var stepParts = part.Split(':');
            int step = stepParts.Length > 1 ? Int(stepParts[1], spec) : 1;
            var range = stepParts[0].Split('-');
            int lo = Int(range[0], spec), hi = range.Length > 1 ? Int(range[1], spec) : lo;
            for (int t = lo; t <= hi; t += step) yield return t;
        }
    }

    /// <summary>The shortest --array specification of a set of task indices: "0-3,5,7".</summary>
    public static string ArraySpec(IEnumerable<int> tasks)
    {
        var sorted = tasks.Distinct().Order().ToArray();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    /// <summary>"EXIT:SIGNAL" as sacct and scontrol print the ExitCode field.</summary>
    public static (int Exit, int Signal) ExitCode(string text)
    {
        var p = text.Split(':');
        int.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out int exit);
        int signal = 0;
        if (p.Length > 1) int.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out signal);
        return (exit, signal);
    }

    /// <summary>The job id printed by <c>sbatch --parsable</c>: "123" or "123;cluster".</summary>
    public static string? SubmittedJobId(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (line is null) return null;
        var id = line.Split(';')[0];
        return id.Length > 0 && id.All(char.IsAsciiDigit) ? id : null;
    }

    private static int Int(string s, string spec) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : throw new FormatException($"array task specification '{spec}': '{s}' is not a number");
}
