using System.Diagnostics;
using System.Runtime.InteropServices;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Tensors;

namespace MxRef.Bench;

/// <summary>
/// Quantization and the quantize data path measured in CPU time per element (<c>make bench-quantize-cpu</c>), for a
/// machine shared with other work: BenchmarkDotNet's wall-clock figures grow with the load, the process's CPU time
/// (<c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>, user + system, every thread) much less. Each case is warmed up
/// until the JIT's tier-1 code runs (one second), then timed in rounds of about 0.2 s of CPU; the median and the
/// minimum round are printed with the wall-clock median beside them. One op = one element (text: one value).
/// </summary>
public static class CpuTimeBench
{
    private const int ProcessCpuClock = 2; // CLOCK_PROCESS_CPUTIME_ID (Linux)

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec ts);

    internal static long CpuNanoseconds() =>
        ClockGetTime(ProcessCpuClock, out var t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds : throw new InvalidOperationException("clock_gettime failed");

    public static int Run(string[] args)
    {
        string filter = args.Length > 0 ? args[0] : "";
        int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9;
        Console.WriteLine($"# CPU time per element (process CPU, all threads); {Environment.ProcessorCount} CPUs; rounds {rounds}; uptime: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"# JIT: Vector512 accelerated {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, AVX-512 VBMI {System.Runtime.Intrinsics.X86.Avx512Vbmi.IsSupported}, AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}");
        Console.WriteLine($"{"case",-36} {"cpu ns/elem median",18} {"min",8} {"M/s/core (median)",18} {"wall ns/elem median",20}");
        foreach (var (name, count, action) in Cases())
            if (name.Contains(filter, StringComparison.OrdinalIgnoreCase)) Measure(name, count, action, rounds);
        Console.WriteLine($"# done; uptime: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static void Measure(string name, long elements, Action action, int rounds)
    {
        var warm = Stopwatch.StartNew();
        int calls = 0;
        long cpu0 = CpuNanoseconds();
        while (warm.ElapsedMilliseconds < 1000 || calls < 3) { action(); calls++; }
        double perCall = (CpuNanoseconds() - cpu0) / (double)calls;
        int repeat = Math.Max(1, (int)(2e8 / Math.Max(perCall, 1)));
        var cpu = new double[rounds];
        var wall = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            long c = CpuNanoseconds();
            long w = Stopwatch.GetTimestamp();
            for (int i = 0; i < repeat; i++) action();
            wall[r] = Stopwatch.GetElapsedTime(w).TotalNanoseconds / (repeat * (double)elements);
            cpu[r] = (CpuNanoseconds() - c) / (repeat * (double)elements);
        }
        Array.Sort(cpu);
        Array.Sort(wall);
        double median = cpu[rounds / 2];
        Console.WriteLine($"{name,-36} {median,18:F2} {cpu[0],8:F2} {1000 / median,18:F0} {wall[rounds / 2],20:F2}");
    }

    private static IEnumerable<(string Name, long Count, Action Action)> Cases()
    {
        // FP32 → MX blocks into preallocated spans (QuantizationBenchmarks' inputs and call).
        const int N = 32 * 256;
        var inputs = new uint[N];
        RecipeBenchmarks.Fill(inputs);
        var elements = new uint[N];
        var scales = new byte[N / 16];
        var micro = new byte[N / 2];
        foreach (var name in new[] { "e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "int8" })
        {
            var f = StandardFormats.TryParse(name)!;
            yield return ($"MxQuantizer {name}", N, () => MxQuantizer.Quantize(f, inputs, 32, QuantizationPolicy.Default, scales, elements));
        }
        foreach (var name in new[] { "mx9", "mx6", "mx4" })
        {
            var f = BlockFormat.TryParse(name)!;
            yield return ($"BdrQuantizer {name}", N, () => BdrQuantizer.Quantize(f, inputs, QuantizationPolicy.Default, scales, micro, elements));
        }

        // BlockQuantizer per recipe, allocating its result (RecipeBenchmarks' inputs and call).
        var recipeInputs = new uint[32 * 1024];
        RecipeBenchmarks.Fill(recipeInputs);
        foreach (var recipe in Recipe.Named)
            foreach (var format in recipe.ForNvfp4 ? [BlockFormat.NvFp4] : new[] { BlockFormat.MxFp8E4M3, BlockFormat.TryParse("mxfp4-e2m1")!, BlockFormat.TryParse("mx6")! })
                if (recipe.Supports(format))
                    yield return ($"recipe {recipe.Name} {format.Name}", recipeInputs.Length, () => BlockQuantizer.Quantize(format, recipe, recipeInputs));

        // make bench-peer's MxRef call on its 3.2 M-value sample tensor (recipe microxcaling, rows of 32): the kernel alone
        // into preallocated buffers, the peer-compare call (result arrays allocated) on 1 and 2 threads, and dequantize.
        const int Big = 3_200_000;
        var sample = SampleTensor.Create(Big, 1);
        foreach (var name in new[] { "e4m3", "e5m2", "e2m1", "int8" })
        {
            var format = BlockFormat.TryParse($"{name}/k32/e8m0")!;
            var job = BlockQuantizer.Prepare(format, Recipe.Microxcaling, sample, new QuantizeOptions { RowLength = 32 });
            var (peerScales, peerElements) = (new byte[job.BlockCount], new byte[job.ElementCount]);
            yield return ($"peer kernel {name}", Big, () => job.QuantizeBlocks(sample, 0, job.BlockCount, peerScales, default, peerElements));
            yield return ($"peer run {name} t2 (buffers given)", Big, () => ParallelQuantize.Run(job, sample, peerScales, default, peerElements, 2));
            yield return ($"peer call {name} t1", Big, () => ParallelQuantize.Quantize(job, sample, 1));
            yield return ($"peer call {name} t2", Big, () => ParallelQuantize.Quantize(job, sample, 2));
            var quantized = ParallelQuantize.Quantize(job, sample, 1);
            var output = new uint[Big];
            yield return ($"peer dequantize {name} t1", Big, () => BlockQuantizer.Dequantize(quantized, output));
            yield return ($"peer dequantize {name} t2", Big, () => ParallelQuantize.Dequantize(quantized, output, 2));
        }

        // The result arrays of a peer call alone (allocated, then every page written once, as the kernel writes them).
        yield return ("peer result arrays", Big, () =>
        {
            var scales = new byte[Big / 32];
            var elements = GC.AllocateUninitializedArray<byte>(Big);
            for (int i = 0; i < elements.Length; i += 4096) elements[i] = 1;
            GC.KeepAlive(scales);
        });

        // The quantize data path in-process on the 3.2 M-value sample tensor (make bench-quantize-io's input).
        var dir = Directory.CreateTempSubdirectory("mxref-cpu-bench").FullName;
        var bits = SampleTensor.Create(Big, 1);
        string npy = Path.Combine(dir, "x.npy"), txt = Path.Combine(dir, "x.txt");
        Npy.WriteFp32(npy, bits, [Big / 32, 32]);
        SampleTensor.WriteText(txt, bits);
        var options = new QuantizeOptions { RowLength = 32 };
        yield return ("io npy open (mapped)", Big, () => { using var x = Fp32Input.Open(npy); });
        yield return ("io npy open+quantize(ocp)+write", Big, () =>
        {
            using var x = Fp32Input.Open(npy);
            QuantizedFiles.Write(Path.Combine(dir, "q"), BlockQuantizer.Prepare(BlockFormat.MxFp8E4M3, Recipe.Ocp, x.Bits, options), x.Bits, x.Shape);
        });
        yield return ("io npy open+quantize(nvfp4)+write", Big, () =>
        {
            using var x = Fp32Input.Open(npy);
            QuantizedFiles.Write(Path.Combine(dir, "n"), BlockQuantizer.Prepare(BlockFormat.NvFp4, Recipe.Nvfp4Torchao, x.Bits, options), x.Bits, x.Shape);
        });
        yield return ("io text open+parse", Big, () => { using var x = Fp32Input.Open(txt); });
        yield return ("io text open+parse+quantize+write", Big, () =>
        {
            using var x = Fp32Input.Open(txt);
            QuantizedFiles.Write(Path.Combine(dir, "t"), BlockQuantizer.Prepare(BlockFormat.MxFp8E4M3, Recipe.Ocp, x.Bits), x.Bits, x.Shape);
        });
        // The decimal parser alone, one thread, on the same tokens: csFastFloat (Fp32Text's choice) against .NET's own
        // UTF-8 float parser (also correctly rounded).
        var text = File.ReadAllBytes(txt);
        var tokens = new List<(int Start, int Length)>();
        for (int i = 0, start = 0; i <= text.Length; i++)
            if (i == text.Length || text[i] == (byte)'\n')
            {
                if (i > start) tokens.Add((start, i - start));
                start = i + 1;
            }
        yield return ("parse csFastFloat (1 thread)", tokens.Count, () =>
        {
            uint sum = 0;
            foreach (var (start, length) in tokens)
                if (csFastFloat.FastFloatParser.TryParseFloat(text.AsSpan(start, length), out int _, out float f)) sum += BitConverter.SingleToUInt32Bits(f);
            GC.KeepAlive(sum);
        });
        yield return ("parse .NET float.TryParse utf8 (1 thread)", tokens.Count, () =>
        {
            uint sum = 0;
            foreach (var (start, length) in tokens)
                if (float.TryParse(text.AsSpan(start, length), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float f))
                    sum += BitConverter.SingleToUInt32Bits(f);
            GC.KeepAlive(sum);
        });
    }
}
