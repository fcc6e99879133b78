using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Vectors.Tensors;

namespace MxRef.Bench;

/// <summary>
/// MxRef's in-process quantization side by side with microxcaling's PyTorch CPU path (<c>make bench-peer</c>,
/// scripts/bench-peer.sh; docs/PERFORMANCE.md "Quantization against microxcaling (PyTorch CPU)").
/// <list type="bullet">
/// <item><c>--peer-inputs DIR N…</c> writes the seeded sample tensors (<see cref="SampleTensor"/>, seed 1, shape
/// (N/32, 32)) and the crafted tensor (<see cref="Crafted"/>) as .npy, and their list DIR/inputs.txt.</item>
/// <item>bench/peer/microxcaling_bench.py times <c>quantize_mx_op</c> on them and saves its outputs.</item>
/// <item><c>--peer-compare DIR [ROUNDS]</c> times MxRef on the same tensors, formats and thread counts the same way
/// (a warm-up of at least one call and one second, then the best of ROUNDS: wall clock around the call, and the process's CPU time over all
/// threads), prints one table with the ratio, then compares the recipe <c>microxcaling</c>'s dequantized values with
/// microxcaling's output bit for bit and describes every difference.</item>
/// </list>
/// MxRef's call is what a caller of the library does: <see cref="BlockQuantizer.Prepare"/>, then
/// <see cref="ParallelQuantize.Quantize"/> with the thread count (element codes and scale codes in new arrays). The
/// peer's op returns the dequantized FP32 tensor, so a second MxRef column adds <see cref="BlockQuantizer.Dequantize(QuantizedTensor, Span{uint})"/>
/// (one thread) to give the same output.
/// </summary>
public static class PeerBench
{
    public const int BlockSize = 32;

    public static int Inputs(string[] args)
    {
        string dir = args[0];
        Directory.CreateDirectory(dir);
        var listing = new List<string>();
        foreach (var n in args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)))
        {
            if (n % BlockSize != 0) throw new ArgumentException($"{n} is not a multiple of {BlockSize}");
            string name = $"sample-{n}";
            Npy.WriteFp32(Path.Combine(dir, name + ".npy"), SampleTensor.Create(n, 1), [n / BlockSize, BlockSize]);
            listing.Add($"{name} timed");
        }
        var crafted = Crafted();
        Npy.WriteFp32(Path.Combine(dir, "crafted.npy"), crafted, [crafted.Length / BlockSize, BlockSize]);
        listing.Add("crafted once");
        File.WriteAllLines(Path.Combine(dir, "inputs.txt"), listing);
        Console.WriteLine($"# wrote {string.Join(", ", listing.Select(l => l.Split(' ')[0]))} ({crafted.Length / BlockSize} crafted blocks) to {dir}");
        return 0;
    }

    private sealed record PeerRow(string Input, long Elements, string Format, int Threads, double? WallBest, double? CpuBest, bool Same, string Load,
        double? WallMedian, long? FaultsBest, string Malloc);

    public static int Compare(string[] args)
    {
        string dir = args[0];
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var peer = File.ReadAllLines(Path.Combine(dir, "peer.jsonl")).Select(ParseRow).ToList();
        var tensors = new Dictionary<string, Fp32Tensor>();
        Fp32Tensor Load(string name) => tensors.TryGetValue(name, out var t) ? t : tensors[name] = Npy.ReadFp32(Path.Combine(dir, name + ".npy"));

        Console.WriteLine($"# {Environment.ProcessorCount} CPUs; load (1/5/15 min): {LoadAverage()}; best of {rounds} after a warm-up of at least one call and one second, each side; " +
            $"peer malloc: {peer.FirstOrDefault()?.Malloc ?? "?"}; DOTNET_GCRetainVM={Environment.GetEnvironmentVariable("DOTNET_GCRetainVM") ?? "unset"}, " +
            $"DOTNET_GCLOHThreshold={Environment.GetEnvironmentVariable("DOTNET_GCLOHThreshold") ?? "unset"}");
        Console.WriteLine("| tensor | format | threads | microxcaling M el/s wall best (median) | CPU | MxRef quantize wall best (median) | CPU | ratio (wall) | ratio (CPU) | MxRef quantize+dequantize wall | ratio | page faults, best call: peer / MxRef | load |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in peer.Where(r => r.WallBest is not null))
        {
            var x = Load(row.Input).Bits;
            var format = FormatOf(row.Format);
            var q = Time(rounds, () => Quantize(format, x, row.Threads));
            var output = GC.AllocateUninitializedArray<uint>(x.Length);
            var d = Time(rounds, () => ParallelQuantize.Dequantize(Quantize(format, x, row.Threads), output, row.Threads));
            double n = row.Elements / 1e6;
            double pw = n / row.WallBest!.Value, pc = n / row.CpuBest!.Value, ow = n / q.Wall, oc = n / q.Cpu, od = n / d.Wall;
            string pm = row.WallMedian is { } m ? FormattableString.Invariant($" ({n / m:F1})") : "";
            Console.WriteLine(FormattableString.Invariant(
                $"| {Pretty(row.Input)} | {row.Format} | {row.Threads} | {pw:F1}{pm} | {pc:F1} | {ow:F1} ({n / q.WallMedian:F1}) | {oc:F1} | **{ow / pw:F1}×** | {oc / pc:F1}× | {od:F1} | {od / pw:F1}× | {row.FaultsBest?.ToString(CultureInfo.InvariantCulture) ?? "?"} / {q.FaultsBest} | {row.Load} / {LoadAverage().Split(' ')[0]} |"));
        }
        foreach (var row in peer.Where(r => !r.Same))
            Console.WriteLine($"# microxcaling's output on {row.Input} {row.Format} with {row.Threads} threads (or its last timed call) differs from its first call's");

        Console.WriteLine();
        Console.WriteLine("# bit comparison: recipe microxcaling (quantize, then dequantize to FP32) against quantize_mx_op's output");
        int failures = 0;
        foreach (var (input, fmt) in peer.Select(r => (r.Input, r.Format)).Distinct())
        {
            var x = Load(input).Bits;
            var q = Quantize(FormatOf(fmt), x, 1);
            var ours = BlockQuantizer.Dequantize(q);
            var theirs = Npy.ReadFp32(Path.Combine(dir, $"{input}.{fmt}.peer.npy")).Bits;
            failures += Report(input, fmt, x, q, ours, theirs);
        }
        Console.WriteLine($"# done; load: {LoadAverage()}");
        return failures == 0 ? 0 : 1;
    }

    private static QuantizedTensor Quantize(BlockFormat format, uint[] x, int threads) =>
        ParallelQuantize.Quantize(BlockQuantizer.Prepare(format, Recipe.Microxcaling, x, new QuantizeOptions { RowLength = BlockSize }), x, threads);

    private static BlockFormat FormatOf(string element) => BlockFormat.TryParse($"{element}/k{BlockSize}/e8m0")
        ?? throw new ArgumentException($"unknown element format {element}");

    /// <summary>
    /// Compares two FP32 outputs bit for bit. NaNs compare equal whatever their payload (both sides give NaN for the
    /// whole block under a NaN scale); ±0 are counted apart from other differences. Every block with a value difference
    /// is explained, where it can be, by <see cref="Replica"/>: "log2" when microxcaling's output is the replica's with
    /// floor(torch.log2(amax)) taken in FP32 (MathF.Log2) and not exactly, "+0.5" when it is the replica's with the exact
    /// shared exponent (the FP32 steps of the element rounding). Returns the number of value differences (signed zeros
    /// excluded) and prints the first blocks of each kind.
    /// </summary>
    private static int Report(string input, string fmt, uint[] x, QuantizedTensor q, uint[] ours, uint[] theirs)
    {
        if (ours.Length != theirs.Length) throw new InvalidOperationException($"{input} {fmt}: {ours.Length} values against {theirs.Length}");
        var element = q.Format.Element;
        int zeros = 0, nans = 0;
        var blocks = new SortedDictionary<int, int>();
        for (int i = 0; i < ours.Length; i++)
        {
            uint a = ours[i], b = theirs[i];
            if (a == b) continue;
            if (IsNaN(a) && IsNaN(b)) { nans++; continue; }
            if (((a | b) & 0x7FFFFFFF) == 0) { zeros++; continue; }
            blocks[i / BlockSize] = blocks.GetValueOrDefault(i / BlockSize) + 1;
        }
        int values = blocks.Values.Sum();
        var kinds = new SortedDictionary<string, List<int>>();
        int predicted = 0;
        for (int block = 0; block < q.BlockCount; block++)
        {
            uint amax = 0;
            foreach (uint b in x.AsSpan(block * BlockSize, BlockSize)) amax = Math.Max(amax, b & 0x7FFFFFFF);
            if (amax is > 0 and < 0x7F800000 && Fp32Log2Floor(amax) != BlockFloorLog2(amax)) predicted++;
        }
        foreach (var block in blocks.Keys)
        {
            var v = x.AsSpan(block * BlockSize, BlockSize);
            var peer = theirs.AsSpan(block * BlockSize, BlockSize);
            uint amax = 0;
            foreach (uint b in v) amax = Math.Max(amax, b & 0x7FFFFFFF);
            int exact = q.Scales[block] - 127;
            int fp32 = Math.Clamp(Fp32Log2Floor(amax) - element.Emax, -127, 127);
            string kind = Matches(v, peer, element, fp32) && fp32 != exact ? $"log2: shared exponent {fp32 - exact:+0;-0} (amax 2^e - d ulp)"
                : Matches(v, peer, element, exact) ? "+0.5: element rounding in FP32"
                : "unexplained";
            if (!kinds.TryGetValue(kind, out var list)) kinds[kind] = list = [];
            list.Add(block);
        }
        Console.WriteLine($"{Pretty(input)} {fmt}: {ours.Length:N0} values, {(values == 0 ? "bit-identical" : $"{values} values differ in {blocks.Count} blocks")}" +
            (zeros > 0 ? $"; {zeros} differ only in the sign of zero" : "") + (nans > 0 ? $"; {nans} NaNs with different payloads" : ""));
        Console.WriteLine($"  blocks whose amax has floor(log2f(amax)) != floor(log2 amax) (MathF.Log2, FP32): {predicted}");
        foreach (var (kind, list) in kinds)
        {
            Console.WriteLine($"  {kind}: {list.Count} blocks");
            if (kind.StartsWith("log2", StringComparison.Ordinal))
                foreach (var group in list.Select(b => Distance(x.AsSpan(b * BlockSize, BlockSize))).GroupBy(d => d.Ulps).OrderBy(g => g.Key))
                    Console.WriteLine($"    amax 2^e - {group.Key} ulp: {group.Count()} blocks, e from {group.Min(d => d.E)} to {group.Max(d => d.E)}, |e| ≥ {group.Min(d => Math.Abs(d.E))}");
            foreach (int block in list.Take(kind == "unexplained" ? 12 : 4))
            {
                var v = x.AsSpan(block * BlockSize, BlockSize);
                uint amax = 0;
                foreach (uint b in v) amax = Math.Max(amax, b & 0x7FFFFFFF);
                int first = Enumerable.Range(block * BlockSize, BlockSize).First(i => ours[i] != theirs[i] && ((ours[i] | theirs[i]) & 0x7FFFFFFF) != 0);
                Console.WriteLine(FormattableString.Invariant(
                    $"    block {block}: amax {F(amax)} (0x{amax:X8}, {UlpsFromPowerOfTwo(amax)}); shared exponent {q.Scales[block] - 127}; first difference: x {F(x[first])} (0x{x[first]:X8}) -> MxRef {F(ours[first])}, microxcaling {F(theirs[first])}"));
            }
        }
        // Differences the two explanations above account for are the peer's own FP32 arithmetic (its log2f shared
        // exponent, its FP32 +0.5 element rounding; docs/quantization.md), not a defect of either side: only blocks
        // neither explains fail the comparison.
        return kinds.TryGetValue("unexplained", out var unexplained) ? unexplained.Count : 0;
    }

    private static int Fp32Log2Floor(uint amax) => (int)MathF.Floor(MathF.Log2(BitConverter.UInt32BitsToSingle(amax)));

    private static int BlockFloorLog2(uint a) => a >= 0x00800000 ? (int)(a >> 23) - 127 : 31 - System.Numerics.BitOperations.LeadingZeroCount(a) - 149;

    /// <summary>The block's amax as 2^E − Ulps ulp (the next power of two above it).</summary>
    private static (int E, uint Ulps) Distance(ReadOnlySpan<uint> block)
    {
        uint amax = 0;
        foreach (uint b in block) amax = Math.Max(amax, b & 0x7FFFFFFF);
        uint up = (amax + 0x7FFFFF) & 0x7F800000;
        return ((int)(up >> 23) - 127, up - amax);
    }

    /// <summary>amax as 2^e ± d ulp, d the distance to the nearest power of two in FP32 ulps.</summary>
    private static string UlpsFromPowerOfTwo(uint amax)
    {
        uint up = (amax + 0x7FFFFF) & 0x7F800000, down = amax & 0x7F800000;
        return amax - down <= up - amax
            ? FormattableString.Invariant($"2^{(int)(down >> 23) - 127} + {amax - down} ulp")
            : FormattableString.Invariant($"2^{(int)(up >> 23) - 127} - {up - amax} ulp");
    }

    private static bool Matches(ReadOnlySpan<uint> x, ReadOnlySpan<uint> peer, NumberFormat element, int shared)
    {
        for (int i = 0; i < x.Length; i++)
        {
            uint r = Replica(x[i], shared, element);
            if (r != peer[i] && !(IsNaN(r) && IsNaN(peer[i])) && ((r | peer[i]) & 0x7FFFFFFF) != 0) return false;
        }
        return true;
    }

    /// <summary>
    /// A diagnostic replica of microxcaling's FP32 element step for one finite value, in C# single-precision arithmetic
    /// (mx/mx_ops.py _quantize_mx, mx/elemwise_ops.py _quantize_elemwise_core and _round_mantissa with round="nearest"):
    /// A = x / 2^shared; private_exp = max(floor(log2 |A|), min_exp) (floats only); y = A / 2^private_exp · 2^(mbits−2);
    /// y = sign(y) · floor(|y| + 0.5); out = y / 2^(mbits−2) · 2^private_exp, clamped to ±max_norm, times 2^shared. Each
    /// operation rounds to FP32 as torch's do. Not a model: it only tells which FP32 step explains a difference.
    /// </summary>
    internal static uint Replica(uint xBits, int shared, NumberFormat element)
    {
        float x = BitConverter.UInt32BitsToSingle(xBits);
        if (!float.IsFinite(x)) return MxQuantizer.Fp32QuietNan;
        bool isFloat = element.Kind == FormatKind.Float;
        int mbits = isFloat ? element.MantissaBits + 2 : element.Bits; // microxcaling's "mbits": sign and implicit one included
        var (sig, exp) = element.MaxFinite;
        float maxNorm = MathF.ScaleB(sig, exp);
        float a = x / MathF.ScaleB(1f, shared);
        float y;
        int pexp = 0;
        if (isFloat)
        {
            pexp = Math.Max((int)MathF.Floor(MathF.Log2(MathF.Abs(a) + (a == 0 ? 1f : 0f))), element.Emin);
            y = a / MathF.ScaleB(1f, pexp) * MathF.ScaleB(1f, mbits - 2);
        }
        else y = a * MathF.ScaleB(1f, mbits - 2);
        y = MathF.Sign(y) * MathF.Floor(MathF.Abs(y) + 0.5f);
        float o = isFloat ? y / MathF.ScaleB(1f, mbits - 2) * MathF.ScaleB(1f, pexp) : y / MathF.ScaleB(1f, mbits - 2);
        o = Math.Clamp(o, -maxNorm, maxNorm);
        return BitConverter.SingleToUInt32Bits(o * MathF.ScaleB(1f, shared));
    }

    private static bool IsNaN(uint b) => (b & 0x7FFFFFFF) > 0x7F800000;
    private static string F(uint b) => BitConverter.UInt32BitsToSingle(b).ToString("R", CultureInfo.InvariantCulture);
    private static string Pretty(string input) => input.StartsWith("sample-", StringComparison.Ordinal)
        ? $"sample {int.Parse(input[7..], CultureInfo.InvariantCulture) / 1e6:0.#} M" : input;

    /// <summary>The best and median wall time, the best CPU time and the best call's minor page faults of <paramref name="rounds"/> calls.</summary>
    private static (double Wall, double Cpu, double WallMedian, long FaultsBest) Time(int rounds, Action call)
    {
        // Warm-up for at least a second (the JIT's tier-1 code, first touch of the buffers), then the timed calls.
        var warm = Stopwatch.StartNew();
        do call(); while (warm.ElapsedMilliseconds < 1000);
        var walls = new double[rounds];
        var faults = new long[rounds];
        double cpu = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            long f = MinorFaults();
            long c = CpuTimeBench.CpuNanoseconds();
            long w = Stopwatch.GetTimestamp();
            call();
            walls[r] = Stopwatch.GetElapsedTime(w).TotalSeconds;
            cpu = Math.Min(cpu, (CpuTimeBench.CpuNanoseconds() - c) * 1e-9);
            faults[r] = MinorFaults() - f;
        }
        int best = Array.IndexOf(walls, walls.Min());
        return (walls[best], cpu, walls.Order().ElementAt(rounds / 2), faults[best]);
    }

    /// <summary>The process's minor page faults so far (/proc/self/stat field 10, as getrusage's ru_minflt).</summary>
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static PeerRow ParseRow(string line)
    {
        var e = JsonDocument.Parse(line).RootElement;
        double? Number(string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDouble();
        long? Count(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
        return new PeerRow(e.GetProperty("input").GetString()!, e.GetProperty("elements").GetInt64(), e.GetProperty("format").GetString()!,
            e.GetProperty("threads").GetInt32(), Number("wall_best"), Number("cpu_best"), e.GetProperty("same_as_first_thread_count").GetBoolean(),
            e.GetProperty("load").GetString()!, e.TryGetProperty("wall_median", out _) ? Number("wall_median") : null, Count("faults_best"),
            e.TryGetProperty("malloc", out var malloc) ? malloc.GetString()! : "?");
    }

    /// <summary>
    /// Blocks chosen to find where microxcaling's FP32 arithmetic departs from the exact rule (docs/quantization.md):
    /// <list type="number">
    /// <item>amax at 2^e − d ulp (d = 64, 16, 4, 2, 1), 2^e and 2^e + 1 ulp for every FP32 normal binade e, both signs,
    /// at a random position, the other 31 values below it: torch.log2 in FP32 can round log2(2^e − 1 ulp) up to e.</item>
    /// <item>Elements at 2^j and 2^j ± 1 ulp (j from 0 down to −40) and short-mantissa values ± 1 ulp under amax 1, 1.5,
    /// 0.75 and each format's max normal: element ties and near-ties (floor(|x| + 0.5) is itself an FP32 addition).</item>
    /// <item>Zero, FP32-subnormal, ±Inf and NaN blocks.</item>
    /// </list>
    /// </summary>
    public static uint[] Crafted()
    {
        var rng = new MxRandom(16);
        var blocks = new List<uint[]>();
        uint[] Block(uint amax)
        {
            var block = new uint[BlockSize];
            for (int i = 0; i < BlockSize; i++)
                block[i] = (uint)((amax & 0x7FFFFFFF) - Math.Min(amax & 0x7FFFFFFF, (uint)rng.NextInt(1, 1 << 26))) | ((uint)rng.NextInt(0, 2) << 31);
            block[rng.NextInt(0, BlockSize)] = amax;
            return block;
        }
        foreach (int d in new[] { 64, 16, 4, 2, 1, 0, -1 })
            for (int e = -126; e <= 127; e++)
                for (uint sign = 0; sign < 2; sign++)
                {
                    uint pow2 = (uint)(e + 127) << 23;
                    if (d > 0 && e == -126) continue; // below the smallest normal: a subnormal amax, covered below
                    blocks.Add(Block((uint)(pow2 - d) | sign << 31));
                }
        foreach (float top in new[] { 1f, 1.5f, 0.75f, 448f, 57344f, 6f, 1.984375f, 7.5f })
            for (int r = 0; r < 24; r++)
            {
                var block = new uint[BlockSize];
                block[0] = BitConverter.SingleToUInt32Bits(top);
                for (int i = 1; i < BlockSize; i++)
                {
                    int j = r < 12 ? -((r * 31 + i) % 41) : -rng.NextInt(0, 41);
                    uint v = BitConverter.SingleToUInt32Bits(MathF.ScaleB(r < 12 ? 1f : rng.NextInt(1, 256), j));
                    v = (uint)(v + rng.NextInt(-1, 2)) | ((uint)rng.NextInt(0, 2) << 31);
                    block[i] = BitConverter.SingleToUInt32Bits(MathF.Min(MathF.Abs(BitConverter.UInt32BitsToSingle(v)), top)) | (v & 0x80000000);
                }
                blocks.Add(block);
            }
        blocks.Add(new uint[BlockSize]);
        blocks.Add(Enumerable.Range(0, BlockSize).Select(i => (uint)rng.NextInt(1, 1 << 23) | ((uint)(i & 1) << 31)).ToArray());
        foreach (uint special in new uint[] { 0x7F800000, 0xFF800000, 0x7FC00000 })
        {
            var block = Block(0x3F800000);
            block[rng.NextInt(0, BlockSize)] = special;
            blocks.Add(block);
        }
        return blocks.SelectMany(b => b).ToArray();
    }
}
