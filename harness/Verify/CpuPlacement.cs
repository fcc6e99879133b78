using System.Runtime.InteropServices;

namespace MxRef.Harness.Verify;

/// <summary>
/// Where the processes of a run go on the CPUs this process may use (its affinity mask, which <c>taskset</c>, cgroups
/// or a Slurm allocation may have narrowed): simulation process <c>j</c> of <c>n</c> gets a CPU of its own, counted from
/// the top of the mask, and mxref's threads (the preparers, writers and readers) the CPUs below them. So mxref never
/// takes the bench's CPU from under it and the bench never moves away from its warm caches. Only on Linux, only when
/// the mask leaves mxref at least one CPU beside the n benches, and only when asked (<c>MXREF_VERIFY_PIN=1</c>): on a
/// machine shared with other work a pinned bench cannot move to a CPU that happens to be free (docs/PERFORMANCE.md,
/// "Verification harness: the bench's side of the stream").
/// </summary>
public sealed class CpuPlacement
{
    private readonly int _benchCpu;
    private readonly ulong[] _harnessMask;

    private CpuPlacement(int benchCpu, ulong[] harnessMask)
    {
        _benchCpu = benchCpu;
        _harnessMask = harnessMask;
    }

    /// <summary>The variable that turns placement on (<c>1</c>).</summary>
    public const string Variable = "MXREF_VERIFY_PIN";

    /// <summary>The placement of simulation process <paramref name="session"/> of <paramref name="sessions"/>, or null (not asked, not Linux, too few CPUs).</summary>
    public static CpuPlacement? For(int session, int sessions)
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1" || !OperatingSystem.IsLinux()) return null;
        var allowed = AllowedCpus();
        if (allowed.Count < sessions + 1) return null;
        var harness = new ulong[MaskWords];
        foreach (int cpu in allowed.Take(allowed.Count - sessions)) harness[cpu / 64] |= 1UL << (cpu % 64);
        return new CpuPlacement(allowed[allowed.Count - 1 - session], harness);
    }

    /// <summary>The bench's CPU, for the run's log.</summary>
    public int BenchCpu => _benchCpu;

    /// <summary>Keeps the calling thread, and the threads it starts from now on (they inherit the mask), off the benches' CPUs.</summary>
    public void PinHarnessThread() => SchedSetAffinity(0, (nuint)(MaskWords * 8), _harnessMask);

    /// <summary>Puts the bench process on its CPU (best effort: a bench that has already exited is no error).</summary>
    public void PinBench(int pid)
    {
        var mask = new ulong[MaskWords];
        mask[_benchCpu / 64] = 1UL << (_benchCpu % 64);
        SchedSetAffinity(pid, (nuint)(MaskWords * 8), mask);
    }

    private const int MaskWords = 16; // 1,024 CPUs, glibc's cpu_set_t

    private static List<int> AllowedCpus()
    {
        var mask = new ulong[MaskWords];
        var cpus = new List<int>();
        if (SchedGetAffinity(0, (nuint)(MaskWords * 8), mask) != 0) return cpus;
        for (int cpu = 0; cpu < MaskWords * 64; cpu++)
            if ((mask[cpu / 64] >> (cpu % 64) & 1) != 0) cpus.Add(cpu);
        return cpus;
    }

    [DllImport("libc", EntryPoint = "sched_getaffinity")]
    private static extern int SchedGetAffinity(int pid, nuint size, ulong[] mask);

    [DllImport("libc", EntryPoint = "sched_setaffinity")]
    private static extern int SchedSetAffinity(int pid, nuint size, ulong[] mask);
}
