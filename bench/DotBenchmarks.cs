using BenchmarkDotNet.Attributes;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;

namespace MxRef.Bench;

/// <summary>The 32-element block dot product (FP32 out, rne) of four representative pairs. One op = one block dot.</summary>
[MemoryDiagnoser]
public class DotBenchmarks : DotBlocks
{
    [Params("e4m3xe4m3", "e2m1xint8", "e5m2xe3m2", "e5m2xe5m2")]
    public string Pair { get; set; } = "e4m3xe4m3";

    [Params("fused", "chunked:8", "fp32-sum")]
    public string Model { get; set; } = "fused";

    [GlobalSetup]
    public void Setup() => Setup(Pair, Model);
}

/// <summary>
/// The same block dot for every one of the 36 element format pairs, <c>fused</c> and <c>fp32-sum</c> (scripts/bench-speed.sh
/// runs it in CPU time). One op = one block dot.
/// </summary>
public class DotPairBenchmarks : DotBlocks
{
    public static IEnumerable<string> AllPairs =>
        from a in StandardFormats.Elements from b in StandardFormats.Elements select $"{a.Name}x{b.Name}";

    [ParamsSource(nameof(AllPairs))]
    public string Pair { get; set; } = "e4m3xe4m3";

    [Params("fused", "fp32-sum")]
    public string Model { get; set; } = "fused";

    [GlobalSetup]
    public void Setup() => Setup(Pair, Model);
}

/// <summary>
/// 1024 blocks of k = 32 random finite codes (a code's 0x40 bit cleared, so most E4M3/E5M2 NaN and Inf codes become
/// finite ones), scales within 2^±8 of unity and C near the product sum, run through <see cref="MxDot.Dot"/>.
/// </summary>
public abstract class DotBlocks
{
    private const int Blocks = 1024, K = 32;
    private readonly byte[] _a = new byte[Blocks * K], _b = new byte[Blocks * K];
    private readonly byte[] _sa = new byte[Blocks], _sb = new byte[Blocks];
    private readonly uint[] _c = new uint[Blocks];
    private ElementTable _ta = ElementTable.ForCode(0), _tb = ElementTable.ForCode(0);
    private AccumulationModel _model;

    protected void Setup(string pair, string model)
    {
        var names = pair.Split('x');
        _ta = ElementTable.For(StandardFormats.TryParse(names[0])!);
        _tb = ElementTable.For(StandardFormats.TryParse(names[1])!);
        _model = AccumulationModel.TryParse(model)!.Value;
        var rng = new MxRandom(3);
        for (int i = 0; i < _a.Length; i++)
        {
            _a[i] = (byte)(rng.NextUInt64() & _ta.CodeMask & ~0x40u); // finite codes mostly
            _b[i] = (byte)(rng.NextUInt64() & _tb.CodeMask & ~0x40u);
        }
        for (int j = 0; j < Blocks; j++)
        {
            _sa[j] = (byte)(127 + rng.NextInt(-8, 8));
            _sb[j] = (byte)(127 + rng.NextInt(-8, 8));
            _c[j] = (uint)(rng.NextUInt64() & 0x807FFFFF) | (uint)(127 + rng.NextInt(-10, 10)) << 23;
        }
    }

    [Benchmark(OperationsPerInvoke = Blocks)]
    public uint BlockDot32()
    {
        uint acc = 0;
        for (int j = 0; j < Blocks; j++)
        {
            var block = new BlockPair(_ta, _a.AsSpan(j * K, K), _sa[j], _tb, _b.AsSpan(j * K, K), _sb[j]);
            acc += MxDot.Dot(block, _c[j], RoundingMode.NearestEven, StandardFormats.Fp32, _model).Bits;
        }
        return acc;
    }
}
