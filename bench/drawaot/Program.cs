// drawaot [COUNT [ROUNDS]]: CPU time per vector of the generator's random draw (inputs only, no model), NativeAOT.
// Each round draws vectors 0 … COUNT−1 of `--random --seed 1` (all element formats, all deterministic modes, K = 32)
// in batches of 4,096, as mxref verify's preparing threads do, and hashes every vector's fields (FNV-1a over formats,
// mode, scales, C and both blocks): the hash must be the same for every build that keeps the generated stream.
using System.Runtime.InteropServices;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;

long n = args.Length > 0 ? long.Parse(args[0]) : 1_000_000;
int rounds = args.Length > 1 ? int.Parse(args[1]) : 3;
var gen = new DotVectorGenerator(new DotGeneratorOptions
{
    FormatsA = StandardFormats.Elements, FormatsB = StandardFormats.Elements, Modes = RoundingModes.Deterministic,
    Block = 32, Seed = 1, Count = n, Random = true,
});
var batch = new DotVector[4096];
for (int i = 0; i < batch.Length; i++) batch[i] = new DotVector(32);
for (int r = 0; r < rounds; r++)
{
    ulong h = 14695981039346656037UL;
    void Mix(ulong x) => h = (h ^ x) * 1099511628211UL;
    double t0 = ThreadCpu.Seconds();
    for (long i = 0; i < n; i += batch.Length)
    {
        long end = Math.Min(n, i + batch.Length);
        for (long j = i; j < end; j++) gen.GenerateInputs(j, batch[j - i]);
        for (long j = i; j < end; j++)
        {
            var v = batch[j - i];
            Mix(v.C | (ulong)v.ScaleA << 32 | (ulong)v.ScaleB << 40 | (ulong)v.FormatCodeA << 48 | (ulong)v.FormatCodeB << 52 | (ulong)v.Rounding << 56);
            foreach (var x in MemoryMarshal.Cast<byte, ulong>(v.A)) Mix(x);
            foreach (var x in MemoryMarshal.Cast<byte, ulong>(v.B)) Mix(x);
        }
    }
    double t = ThreadCpu.Seconds() - t0;
    Console.WriteLine($"draw {t * 1e9 / n:F1} ns of CPU per vector (incl. the hash)  hash {h:X16}");
}

static class ThreadCpu
{
    [StructLayout(LayoutKind.Sequential)] private struct Timespec { public long Seconds, Nanoseconds; }
    [DllImport("libc", EntryPoint = "clock_gettime")] private static extern int ClockGetTime(int clock, out Timespec t);
    /// <summary>CLOCK_THREAD_CPUTIME_ID (Linux).</summary>
    public static double Seconds() { ClockGetTime(3, out var t); return t.Seconds + t.Nanoseconds * 1e-9; }
}
