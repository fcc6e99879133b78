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
/// <item><c>--peer-compare DIR [ROUNDS [CALLS]] -- PEER-COMMAND…</c> starts bench/peer/microxcaling_bench.py (a server
/// timing <c>quantize_mx_op</c> on request) and times the peer and MxRef on the same tensors, formats and thread counts
/// in alternating rounds within each cell (<see cref="Compare"/>), prints one table with the median ratio of the paired
/// rounds, then compares the recipe <c>microxcaling</c>'s dequantized values with microxcaling's output bit for bit
/// and describes every difference.</item>
/// </list>
/// MxRef's call is what a caller of the library does: <see cref="BlockQuantizer.Prepare"/>, then
/// <see cref="ParallelQuantize.Quantize"/> with the thread count (element codes and scale codes in new arrays). The
/// peer's op returns the dequantized FP32 tensor, so a second MxRef column adds <see cref="BlockQuantizer.Dequantize(QuantizedTensor, Span{uint})"/>
/// (on the same threads) to give the same output.
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

    /// <summary>One side's calls of one round: the best and median wall time, the best CPU time (all threads), the best call's page faults.</summary>
    private readonly record struct Round(double Wall, double WallMedian, double Cpu, long Faults)
    {
        public static Round Of(IReadOnlyList<double> walls, IReadOnlyList<double> cpus, IReadOnlyList<long> faults)
        {
            int best = Enumerable.Range(0, walls.Count).MinBy(i => walls[i]);
            return new Round(walls[best], walls.Order().ElementAt(walls.Count / 2), cpus.Min(), faults[best]);
        }
    }

    /// <summary>
    /// <c>--peer-compare DIR ROUNDS CALLS -- PEER-COMMAND…</c>: starts the peer (bench/peer/microxcaling_bench.py, a
    /// server) and, for each cell (sample tensor, thread count, format), warms both sides up (at least one call and
    /// one second each), then runs ROUNDS rounds, each CALLS calls of the peer followed by CALLS calls of MxRef, so both
    /// sides of a round see the same phase of the machine. A round's ratio is MxRef's best call against the peer's best
    /// call of the same round (wall clock; and CPU time, all threads of each process); the table gives per cell the
    /// median of the rounds' ratios with their range. Every round goes to DIR/rounds.jsonl. Then the bit comparison.
    /// </summary>
    public static int Compare(string[] args)
    {
        int dash = Array.IndexOf(args, "--");
        if (dash < 1 || dash == args.Length - 1) throw new ArgumentException("usage: --peer-compare DIR [ROUNDS [CALLS]] -- PEER-COMMAND...");
        string dir = args[0];
        int rounds = dash > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        int calls = dash > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        string[] formats = (Environment.GetEnvironmentVariable("PEER_FORMATS") ?? "e4m3,e5m2,e2m1,int8").Split(',');
        int[] threadCounts = [.. (Environment.GetEnvironmentVariable("PEER_THREADS") ?? "1,2").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture))];
        var inputs = File.ReadAllLines(Path.Combine(dir, "inputs.txt")).Where(l => l.Trim().Length > 0).Select(l => l.Split(' ')).ToList();
        var tensors = new Dictionary<string, Fp32Tensor>();
        Fp32Tensor Load(string name) => tensors.TryGetValue(name, out var t) ? t : tensors[name] = Npy.ReadFp32(Path.Combine(dir, name + ".npy"));

        using var peer = new PeerProcess(args[(dash + 1)..]);
        Console.WriteLine($"# {Environment.ProcessorCount} CPUs; load (1/5/15 min): {LoadAverage()}; {rounds} rounds per cell, each {calls} peer calls then {calls} MxRef calls, " +
            "after a warm-up of at least one call and one second each side");
        Console.WriteLine($"# peer: {peer.Hello}; MxRef: .NET {Environment.Version}, DOTNET_GCRetainVM={Environment.GetEnvironmentVariable("DOTNET_GCRetainVM") ?? "unset"}, " +
            $"DOTNET_GCLOHThreshold={Environment.GetEnvironmentVariable("DOTNET_GCLOHThreshold") ?? "unset"}");
        Console.WriteLine("| tensor | format | threads | microxcaling M el/s wall, median of rounds (range) | CPU ns/el | MxRef quantize M el/s wall | CPU ns/el | " +
            "**ratio (wall), median of rounds (range)** | ratio (CPU) | MxRef quantize+dequantize ratio | page faults, best calls: peer / MxRef | load |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var saved = new HashSet<(string, string)>();
        bool peerSame = true;
        using var log = new StreamWriter(Path.Combine(dir, "rounds.jsonl"));
        foreach (var input in inputs.Where(i => i[1] == "timed").Select(i => i[0]))
        {
            var x = Load(input).Bits;
            double n = x.Length;
            var output = GC.AllocateUninitializedArray<uint>(x.Length);
            foreach (int threads in threadCounts)
                foreach (string fmt in formats)
                {
                    var format = FormatOf(fmt);
                    Action quantize = () => Quantize(format, x, threads);
                    Action both = () => ParallelQuantize.Dequantize(Quantize(format, x, threads), output, threads);
                    peerSame &= peer.Run(input, fmt, threads, 0, 1.0, saved.Add((input, fmt))).Same;
                    Warm(quantize);
                    Warm(both);
                    var pairs = new List<(Round Peer, Round Ours, Round Both)>();
                    for (int r = 0; r < rounds; r++)
                    {
                        var (p, same) = peer.Run(input, fmt, threads, calls, 0, false);
                        peerSame &= same;
                        var pair = (p, Time(calls, quantize), Time(calls, both));
                        pairs.Add(pair);
                        log.WriteLine(JsonSerializer.Serialize(new
                        {
                            input, format = fmt, threads, round = r + 1, peer_wall = p.Wall, peer_cpu = p.Cpu, peer_faults = p.Faults,
                            mxref_wall = pair.Item2.Wall, mxref_cpu = pair.Item2.Cpu, mxref_faults = pair.Item2.Faults, mxref_dequantize_wall = pair.Item3.Wall,
                            load = LoadAverage().Split(' ')[0],
                        }));
                    }
                    log.Flush();
                    static string Range(IEnumerable<double> v, string unit = "")
                    {
                        var s = v.Order().ToArray();
                        return FormattableString.Invariant($"{s[s.Length / 2]:F1}{unit} ({s[0]:F1}–{s[^1]:F1})");
                    }
                    static double Median(IEnumerable<double> v) { var s = v.Order().ToArray(); return s[s.Length / 2]; }
                    string[] columns =
                    [
                        Pretty(input), fmt, threads.ToString(CultureInfo.InvariantCulture),
                        Range(pairs.Select(q => n / q.Peer.Wall / 1e6)), Median(pairs.Select(q => q.Peer.Cpu / n * 1e9)).ToString("F2", CultureInfo.InvariantCulture),
                        Range(pairs.Select(q => n / q.Ours.Wall / 1e6)), Median(pairs.Select(q => q.Ours.Cpu / n * 1e9)).ToString("F3", CultureInfo.InvariantCulture),
                        $"**{Range(pairs.Select(q => q.Peer.Wall / q.Ours.Wall), "×")}**", Range(pairs.Select(q => q.Peer.Cpu / q.Ours.Cpu), "×"),
                        Median(pairs.Select(q => q.Peer.Wall / q.Both.Wall)).ToString("F1", CultureInfo.InvariantCulture) + "×",
                        FormattableString.Invariant($"{Median(pairs.Select(q => (double)q.Peer.Faults)):F0} / {Median(pairs.Select(q => (double)q.Ours.Faults)):F0}"),
                        LoadAverage().Split(' ')[0],
                    ];
                    Console.WriteLine($"| {string.Join(" | ", columns)} |");
                }
        }
        // The tensors timed only once (the crafted one): the peer's output for the bit comparison.
        foreach (var input in inputs.Where(i => i[1] != "timed").Select(i => i[0]))
            foreach (string fmt in formats)
                peerSame &= peer.Run(input, fmt, threadCounts[0], 0, 0, saved.Add((input, fmt))).Same;
        if (!peerSame)
            Console.WriteLine("# microxcaling's output differed between its calls or thread counts (a call that did not quantize?)");

        Console.WriteLine();
        Console.WriteLine("# bit comparison: recipe microxcaling (quantize, then dequantize to FP32) against quantize_mx_op's output");
        int failures = 0;
        foreach (var (input, fmt) in saved)
        {
            var x = Load(input).Bits;
            var q = Quantize(FormatOf(fmt), x, 1);
            var ours = BlockQuantizer.Dequantize(q);
            var theirs = Npy.ReadFp32(Path.Combine(dir, $"{input}.{fmt}.peer.npy")).Bits;
            failures += Report(input, fmt, x, q, ours, theirs);
        }
        Console.WriteLine($"# done; load: {LoadAverage()}");
        return failures == 0 && peerSame ? 0 : 1;
    }

    /// <summary>The peer as a child process: one JSON request per line on its stdin, one JSON answer per line on its stdout.</summary>
    private sealed class PeerProcess : IDisposable
    {
        private readonly Process _process;
        public string Hello { get; }

        public PeerProcess(string[] command)
        {
            var start = new ProcessStartInfo(command[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string a in command[1..]) start.ArgumentList.Add(a);
            _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
            Hello = ReadLine();
        }

        private string ReadLine() => _process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"the peer ({_process.StartInfo.FileName}) ended (exit code {(_process.WaitForExit(5000) ? _process.ExitCode : -1)}); its error output is above");

        public (Round Round, bool Same) Run(string input, string format, int threads, int calls, double warm, bool save)
        {
            _process.StandardInput.WriteLine(JsonSerializer.Serialize(new { input, format, threads, calls, warm, save }));
            _process.StandardInput.Flush();
            var e = JsonDocument.Parse(ReadLine()).RootElement;
            if (e.GetProperty("threads").GetInt32() != threads)
                throw new InvalidOperationException($"the peer runs {e.GetProperty("threads").GetInt32()} threads, not {threads}");
            bool same = e.GetProperty("same").GetBoolean();
            if (calls == 0) return (default, same);
            double[] Doubles(string name) => [.. e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble())];
            return (Round.Of(Doubles("wall"), Doubles("cpu"), [.. e.GetProperty("faults").EnumerateArray().Select(v => v.GetInt64())]), same);
        }

        public void Dispose()
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000)) _process.Kill();
            _process.Dispose();
        }
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

    /// <summary>Calls <paramref name="call"/> for at least one second, and at least once (the JIT's tier-1 code, first touch of the buffers).</summary>
    private static void Warm(Action call)
    {
        var warm = Stopwatch.StartNew();
        do call(); while (warm.ElapsedMilliseconds < 1000);
    }

    /// <summary>One round of <paramref name="calls"/> timed calls.</summary>
    private static Round Time(int calls, Action call)
    {
        var walls = new double[calls];
        var cpus = new double[calls];
        var faults = new long[calls];
        for (int r = 0; r < calls; r++)
        {
            long f = MinorFaults();
            long c = CpuTimeBench.CpuNanoseconds();
            long w = Stopwatch.GetTimestamp();
            call();
            walls[r] = Stopwatch.GetElapsedTime(w).TotalSeconds;
            cpus[r] = (CpuTimeBench.CpuNanoseconds() - c) * 1e-9;
            faults[r] = MinorFaults() - f;
        }
        return Round.Of(walls, cpus, faults);
    }

    /// <summary>The process's minor page faults so far (/proc/self/stat field 10, as getrusage's ru_minflt).</summary>
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

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
