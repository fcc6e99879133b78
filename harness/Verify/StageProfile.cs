using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MxRef.Harness.Verify;

/// <summary>
/// Where <c>mxref verify</c>'s own CPU time goes, stage by stage, read from each thread's CPU clock
/// (<c>CLOCK_THREAD_CPUTIME_ID</c>) rather than the wall clock, so that the figures stay meaningful on a machine whose
/// cores are shared with other work (docs/PERFORMANCE.md). Off unless <c>MXREF_VERIFY_PROFILE=1</c> or <c>=split</c>
/// (Linux only): the clock is a system call, read a few times per chunk of vectors, never per vector. The dot unit
/// classifies each vector right after its model call, so under <c>=1</c> its coverage is part of the model's row (the
/// run as it is without a profile); <c>=split</c> makes it run the two as separate passes over each chunk, as before,
/// so that each has its own row, at the cost of storing and re-reading each vector's outcome.
/// </summary>
public sealed class StageProfile
{
    public const string Variable = "MXREF_VERIFY_PROFILE";

    public enum Stage { Claim, Inputs, Model, Coverage, Encode, Writer, Reader }

    private const string SplitValue = "split";

    /// <summary>
    /// <c>MXREF_VERIFY_PROFILE=split</c>: units that fuse stages for speed (the dot unit: model and coverage per vector)
    /// run them as separate passes, so that the table charges each stage its own CPU. (Declared before the labels, which
    /// read it: static fields are initialized in textual order.)
    /// </summary>
    public static bool SplitsModelAndCoverage { get; } = Environment.GetEnvironmentVariable(Variable) == SplitValue;

    private static readonly string[] Labels =
    [
        "claim (file: read lines, CRC-32, dot lines parsed; generator: indices)",
        "inputs (generator: draw; file: parse the line, but dot files in claim)",
        SplitsModelAndCoverage ? "golden model (quantize, regen: part of inputs)" : "golden model (+ dot coverage; quantize: in inputs)",
        SplitsModelAndCoverage ? "coverage classification" : "coverage classification (dot: only when =split)",
        "encode the binary records",
        "writer thread (records to the bench's stdin)",
        "reader thread (results from its stdout, compare)",
    ];

    private readonly long[] _ns = new long[Labels.Length], _bytes = new long[Labels.Length], _laps = new long[Labels.Length];
    // Managed allocations and collections from the profile's creation (the start of the run) to its table: a
    // per-vector allocation shows up as bytes per vector, and the collections it causes as "other".
    private readonly long _allocated0 = GC.GetTotalAllocatedBytes(true);
    private readonly int[] _collections0 = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    /// <summary>A profile when <c>MXREF_VERIFY_PROFILE=1</c> or <c>=split</c> on Linux, else null (no clock reads at all).</summary>
    public static StageProfile? FromEnvironment() =>
        Environment.GetEnvironmentVariable(Variable) is "1" or SplitValue && OperatingSystem.IsLinux() ? new StageProfile() : null;

    // The managed bytes this thread had allocated at its last mark (ThreadCpuNs or Lap): each stage is charged its own.
    [ThreadStatic] private static long t_allocatedMark;

    /// <summary>This thread's CPU time in nanoseconds (also the mark from which <see cref="Lap"/> counts the thread's allocations).</summary>
    public static long ThreadCpuNs()
    {
        clock_gettime(ClockThreadCpuTime, out var ts);
        t_allocatedMark = GC.GetAllocatedBytesForCurrentThread();
        return ts.Seconds * 1_000_000_000 + ts.Nanoseconds;
    }

    /// <summary>
    /// Charges the thread CPU time since <paramref name="since"/>, and the bytes the thread allocated since its last
    /// mark, to <paramref name="stage"/>; returns the new mark.
    /// </summary>
    public long Lap(Stage stage, long since)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - t_allocatedMark;
        long now = ThreadCpuNs();
        Interlocked.Add(ref _ns[(int)stage], now - since);
        Interlocked.Add(ref _bytes[(int)stage], allocated);
        Interlocked.Increment(ref _laps[(int)stage]);
        return now;
    }

    /// <summary>
    /// The table of stages in CPU ns per vector; "other" is the process's CPU not charged to any stage. Each stage's
    /// interval between two laps holds one read of the thread's CPU clock (a system call: about 2 µs on a
    /// paravirtualized VM, i.e. ~8 ns per vector per stage at 256-vector chunks), so each row is given without its laps'
    /// reads, at the cost measured here, and the reads have a row of their own.
    /// </summary>
    public string Table(long vectors, double processCpuSeconds)
    {
        if (vectors == 0) return "";
        double lapNs = LapCostNs();
        var sb = new StringBuilder($"verify profile ({Variable}={(SplitsModelAndCoverage ? SplitValue : "1")}): CPU and managed bytes allocated per vector by stage, from the threads' CPU clocks and allocation counters\n");
        double charged = 0, clock = 0;
        for (int s = 0; s < Labels.Length; s++)
        {
            double reads = (double)Interlocked.Read(ref _laps[s]) * lapNs / vectors;
            double ns = (double)Interlocked.Read(ref _ns[s]) / vectors - reads;
            double bytes = (double)Interlocked.Read(ref _bytes[s]) / vectors;
            charged += ns + reads;
            clock += reads;
            sb.Append(CultureInfo.InvariantCulture, $"  {Labels[s],-52} {ns,8:0} ns {bytes,8:0.0} B\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"  {$"the profile's clock reads (~{lapNs:0} ns each)",-52} {clock,8:0} ns\n");
        double total = 1e9 * processCpuSeconds / vectors;
        sb.Append(CultureInfo.InvariantCulture, $"  {"other (thread pool, GC, JIT, timers, waits)",-52} {total - charged,8:0} ns\n");
        sb.Append(CultureInfo.InvariantCulture, $"  {"mxref process total",-52} {total,8:0} ns\n");
        double allocated = (double)(GC.GetTotalAllocatedBytes(true) - _allocated0) / vectors;
        sb.Append(CultureInfo.InvariantCulture,
            $"  managed allocations {allocated:0.0} bytes per vector; collections gen0 {GC.CollectionCount(0) - _collections0[0]}, gen1 {GC.CollectionCount(1) - _collections0[1]}, gen2 {GC.CollectionCount(2) - _collections0[2]}\n");
        return sb.ToString();
    }

    /// <summary>The CPU one lap's reads cost this thread (the allocation counter and the CPU clock), over 64 in a row.</summary>
    private static double LapCostNs()
    {
        const int Reads = 64;
        long t0 = ThreadCpuNs();
        for (int i = 0; i < Reads; i++)
        {
            GC.GetAllocatedBytesForCurrentThread();
            ThreadCpuNs();
        }
        return (double)(ThreadCpuNs() - t0) / Reads;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID (Linux)

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec ts);
}
