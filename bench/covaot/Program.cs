// covaot [COUNT [ROUNDS [corners]]]: CPU time per vector of the dot unit's coverage classification, NativeAOT.
// Vectors 0 … COUNT−1 of `--random --seed 1` (all element formats, all deterministic modes, K = 32; with `corners`, the
// corner sets first) and the golden model's outcome of each are made once, untimed. Each round then classifies them as
// mxref verify's chunk loop does (DotOutputClassifier.ClassifyDeferred from the outcome, a flush every 256 vectors) into
// a fresh counts array and prints the thread CPU time per vector and a hash (FNV-1a) of the counts: the hash must be the
// same for every build that keeps the classes. Exact instruction counts of the classification alone: `valgrind
// --tool=callgrind out/covaot/covaot 50000 1` and the inclusive count of Loop.ClassifyAll (valgrind cannot read the
// .dbg file's DWARF: give it `objcopy --strip-debug covaot.dbg` beside the binary, and find the function's address
// with `nm` plus the PIE base valgrind loads it at, 0x108000; docs/PERFORMANCE.md).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;

long n = args.Length > 0 ? long.Parse(args[0]) : 300_000;
int rounds = args.Length > 1 ? int.Parse(args[1]) : 3;
bool corners = args.Length > 2 && args[2] == "corners";
var gen = new DotVectorGenerator(new DotGeneratorOptions
{
    FormatsA = StandardFormats.Elements, FormatsB = StandardFormats.Elements, Modes = RoundingModes.Deterministic,
    Block = 32, Seed = 1, Count = n, Random = true, Corners = corners,
});
long total = gen.Total;
var vectors = new DotVector[total];
var outcomes = new DotOutcome[total];
for (long i = 0; i < total; i++)
{
    vectors[i] = new DotVector(32);
    gen.Generate(i, vectors[i], out outcomes[i]);
}
for (int r = 0; r < rounds; r++)
{
    var counts = new long[CoverageClasses.Count];
    double t0 = ThreadCpu.Seconds();
    Loop.ClassifyAll(vectors, outcomes, counts);
    double t = ThreadCpu.Seconds() - t0;
    ulong h = 14695981039346656037UL;
    foreach (long c in counts) h = (h ^ (ulong)c) * 1099511628211UL;
    Console.WriteLine($"coverage {t * 1e9 / total:F1} ns of CPU per vector ({total} vectors)  hash {h:X16}");
}

static class Loop
{
    /// <summary>The vectors classified in chunks of 256, as verify's chunk loop does (one classifier per thread).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ClassifyAll(DotVector[] vectors, DotOutcome[] outcomes, long[] counts)
    {
        var classifier = new DotOutputClassifier();
        for (int from = 0; from < vectors.Length; from += 256)
        {
            int to = Math.Min(vectors.Length, from + 256);
            for (int i = from; i < to; i++) classifier.ClassifyDeferred(vectors[i], outcomes[i], counts);
            classifier.Flush();
        }
    }
}

static class ThreadCpu
{
    [StructLayout(LayoutKind.Sequential)] private struct Timespec { public long Seconds, Nanoseconds; }
    [DllImport("libc", EntryPoint = "clock_gettime")] private static extern int ClockGetTime(int clock, out Timespec t);
    /// <summary>CLOCK_THREAD_CPUTIME_ID (Linux).</summary>
    public static double Seconds() { ClockGetTime(3, out var t); return t.Seconds + t.Nanoseconds * 1e-9; }
}
