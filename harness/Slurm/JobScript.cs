using System.Text;

namespace MxRef.Harness.Slurm;

/// <summary>
/// The batch script of the array: task <c>$SLURM_ARRAY_TASK_ID</c> runs shard I of N with <c>mxref verify --shard I/N</c>
/// and writes its JSON and JUnit reports. The sbatch settings are #SBATCH lines of the script, so resubmitting one
/// shard by hand is just <c>sbatch --array=I SCRIPT</c>.
/// </summary>
public static class JobScript
{
    public static string Write(SlurmJobSpec s)
    {
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append("# Written by 'mxref verify --slurm' (docs/verify.md, \"Running on Slurm\"): array task I runs shard I of ")
          .Append(s.Shards).Append(" of one regression.\n");
        sb.Append("# Resubmit shards alone with: sbatch --array=I[,J...] ").Append(s.ScriptPath).Append('\n');
        sb.Append("#SBATCH --job-name=").Append(s.JobName).Append('\n');
        // %A is the array's job id and %a the task: a resubmitted shard gets a new log next to the old one.
        sb.Append("#SBATCH --output=").Append(Path.Combine(s.LogDir, "shard-%a.job%A.log")).Append('\n');
        sb.Append("#SBATCH --ntasks=1\n");
        sb.Append("#SBATCH --cpus-per-task=").Append(s.CpusPerTask).Append('\n');
        if (s.Partition is not null) sb.Append("#SBATCH --partition=").Append(s.Partition).Append('\n');
        if (s.Time is not null) sb.Append("#SBATCH --time=").Append(s.Time).Append('\n');
        if (s.Account is not null) sb.Append("#SBATCH --account=").Append(s.Account).Append('\n');
        foreach (var a in s.SbatchArgs) sb.Append("#SBATCH ").Append(a).Append('\n');
        sb.Append("set -u\n");
        sb.Append("if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then echo \"$0: runs as a task of a Slurm job array (sbatch --array=...): SLURM_ARRAY_TASK_ID is not set\" >&2; exit 2; fi\n");
        sb.Append("shard=$SLURM_ARRAY_TASK_ID\n");
        sb.Append("echo \"mxref shard $shard/").Append(s.Shards).Append(" on $(hostname), job ${SLURM_ARRAY_JOB_ID:-?}_$shard, $(date -u +%FT%TZ)\"\n");
        sb.Append("cd ").Append(Shell.Quote(s.WorkDir)).Append(" || exit 2\n");
        // A report left from an earlier attempt must not stand in for this one.
        sb.Append("rm -f ").Append(Shell.Quote(Path.Combine(s.ReportDir, "shard-"))).Append("\"$shard\".json ")
          .Append(Shell.Quote(Path.Combine(s.ReportDir, "shard-"))).Append("\"$shard\".xml\n");
        sb.Append(Shell.Quote(s.Mxref)).Append(" verify");
        foreach (var a in s.VerifyArgs) sb.Append(' ').Append(Shell.Quote(a));
        sb.Append(" \\\n  --shard \"$shard/").Append(s.Shards).Append("\" --build-dir ").Append(Shell.Quote(s.BuildDir));
        sb.Append(" \\\n  --report ").Append(Shell.Quote(Path.Combine(s.ReportDir, "shard-"))).Append("\"$shard\".json");
        sb.Append(" --junit ").Append(Shell.Quote(Path.Combine(s.ReportDir, "shard-"))).Append("\"$shard\".xml");
        sb.Append(" \\\n  --trace-dir ").Append(Shell.Quote(Path.Combine(s.RunDir, "traces", "shard-"))).Append("\"$shard\"\n");
        sb.Append("status=$?\n");
        sb.Append("echo \"mxref shard $shard/").Append(s.Shards).Append(" exit $status, $(date -u +%FT%TZ)\"\n");
        sb.Append("exit $status\n");
        return sb.ToString();
    }
}

/// <summary>POSIX shell quoting for generated scripts and printed commands.</summary>
public static class Shell
{
    /// <summary>The word as is when it has only characters the shell takes literally, else in single quotes.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or '=' or ':' or ',' or '@' or '%')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));
}
