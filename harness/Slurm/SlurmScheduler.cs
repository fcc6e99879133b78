using MxRef.Harness.Verify;

namespace MxRef.Harness.Slurm;

/// <summary>The scheduler as the driver sees it: submit an array, ask about its tasks.</summary>
public interface ISlurmScheduler
{
    /// <summary>Submits <paramref name="script"/> as an array of the given tasks; returns the job id.</summary>
    string SubmitArray(string script, IReadOnlyList<int> tasks, string workDir);

    /// <summary>The tasks of job <paramref name="jobId"/> the scheduler knows about; null when it does not know the job (any more).</summary>
    IReadOnlyList<SlurmTaskState>? Query(string jobId);
}

/// <summary>
/// sbatch, scontrol and sacct on PATH (they find the cluster the usual way: /etc/slurm/slurm.conf or SLURM_CONF).
/// Task states come from <c>scontrol show job</c> while the controller remembers the job (MinJobAge), else from
/// <c>sacct</c> (which needs the accounting database; without one, a job the controller has forgotten is unknown
/// and its shards are judged by their reports alone).
/// </summary>
public sealed class SlurmCommands : ISlurmScheduler
{
    public string SubmitArray(string script, IReadOnlyList<int> tasks, string workDir)
    {
        var sbatch = Tools.Which("sbatch") ?? throw new UsageException("sbatch is not on PATH: run on a Slurm submit host (docs/verify.md, \"Running on Slurm\")");
        var (exit, output) = Tools.Run(sbatch, ["--parsable", $"--array={SlurmParse.ArraySpec(tasks)}", script], workDir);
        if (exit != 0) throw new UsageException($"sbatch --array={SlurmParse.ArraySpec(tasks)} {script} failed (exit {exit}):\n{output.Trim()}");
        return SlurmParse.SubmittedJobId(output) ?? throw new UsageException($"sbatch printed no job id:\n{output.Trim()}");
    }

    public IReadOnlyList<SlurmTaskState>? Query(string jobId)
    {
        if (Tools.Which("scontrol") is { } scontrol)
        {
            var (exit, output) = Tools.Run(scontrol, ["-o", "show", "job", jobId]);
            if (exit == 0)
            {
                var tasks = SlurmParse.Scontrol(output, jobId);
                if (tasks.Count > 0) return tasks;
            }
        }
        if (Tools.Which("sacct") is { } sacct)
        {
            var (exit, output) = Tools.Run(sacct, ["-X", "-n", "-P", "-j", jobId, "-o", "JobID,State,ExitCode,NodeList"]);
            if (exit == 0)
            {
                var tasks = SlurmParse.Sacct(output, jobId);
                if (tasks.Count > 0) return tasks;
            }
        }
        return null;
    }
}
