using System.Runtime.InteropServices;
using MxRef.Bench;
using MxRef.Dot;
using MxRef.Formats;

// dotaot [--model fused|fp32-sum|chunked:N] [PAIR…]: CPU ns per k = 32 block dot (FP32 out, rne) for each pair (default all
// 36), the fastest and the median of 7 batches of about 0.2 s of thread CPU time each, after a warm-up batch.
// dotaot --verify-mix [--split]: the same for the model step of `mxref verify --top mx_dot --param K=32 --random`
// (VerifyMix.cs); --split also times each kind of vector on its own; --once evaluates the mix once, untimed, for an
// instruction count (valgrind --tool=callgrind: the inclusive count of VerifyMix.EvaluateAll, docs/PERFORMANCE.md).
var model = AccumulationModel.TryParse("fused")!.Value;
var pairs = new List<string>();
bool verifyMix = false, split = false, once = false;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--model" && i + 1 < args.Length) model = AccumulationModel.TryParse(args[++i]) ?? throw new ArgumentException($"unknown model {args[i]}");
    else if (args[i] == "--verify-mix") verifyMix = true;
    else if (args[i] == "--split") split = true;
    else if (args[i] == "--once") once = true;
    else pairs.Add(args[i]);
}
if (verifyMix)
{
    Console.WriteLine($"golden model: {MxDot.Implementation}");
    var mix = new VerifyMix();
    if (once)
    {
        Console.WriteLine($"verify mix once: checksum {mix.EvaluateAll():x8}");
        return 0;
    }
    var (f, m) = Measure(mix.EvaluateAll, VerifyMix.Count);
    Console.WriteLine($"verify mix (K = 32, --random, seed 1, {VerifyMix.Count} vectors): {f:F1} {m:F1} CPU ns per vector (fastest / median of 7 batches)");
    if (split)
        foreach (var (name, share, ns) in mix.Split(Measure))
            Console.WriteLine($"  {name,-34} {share,6:P1} of the vectors, {ns,7:F1} ns each");
    return 0;
}
if (pairs.Count == 0) pairs.AddRange(from a in StandardFormats.Elements from b in StandardFormats.Elements select $"{a.Name}x{b.Name}");

Console.WriteLine($"golden model: {MxDot.Implementation}");
Console.WriteLine($"model {model}; CPU ns per block (fastest / median of 7 batches)");
foreach (var pair in pairs)
{
    var inputs = new DotInputs(pair);
    var (fastest, median) = Measure(() => inputs.DotAll(model), DotInputs.Blocks);
    Console.WriteLine($"{pair,-12} {fastest,8:F1} {median,8:F1}");
}
return 0;

static (double Fastest, double Median) Measure(Func<uint> call, int opsPerCall)
{
    long calls = 1;
    while (true)
    {
        double t = Time(call, calls);
        if (t >= 0.05) { calls = Math.Max(1, (long)(calls * 0.2 / t)); break; }
        calls *= 2;
    }
    Time(call, calls);
    var perOp = new double[7];
    for (int r = 0; r < perOp.Length; r++) perOp[r] = Time(call, calls) * 1e9 / (calls * opsPerCall);
    Array.Sort(perOp);
    return (perOp[0], perOp[perOp.Length / 2]);
}

static double Time(Func<uint> call, long calls)
{
    uint sink = 0;
    double start = ThreadCpu.Seconds();
    for (long i = 0; i < calls; i++) sink += call();
    double t = ThreadCpu.Seconds() - start;
    GC.KeepAlive(sink);
    return t;
}

/// <summary>CLOCK_THREAD_CPUTIME_ID (Linux): the CPU time of the calling thread, as bench/CpuTimeRunner.cs reads it.</summary>
internal static partial class ThreadCpu
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double Seconds() =>
        ClockGetTime(3, out var t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : throw new InvalidOperationException("clock_gettime failed");
}
