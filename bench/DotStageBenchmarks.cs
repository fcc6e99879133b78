using BenchmarkDotNet.Attributes;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;

namespace MxRef.Bench;

/// <summary>Stages of the fused block dot (k = 32, FP32 out, rne) on DotBenchmarks' inputs. One op = one block.</summary>
public class DotStageBenchmarks
{
    private const int Blocks = 1024, K = 32;
    private readonly byte[] _a = new byte[Blocks * K], _b = new byte[Blocks * K];
    private readonly byte[] _sa = new byte[Blocks], _sb = new byte[Blocks];
    private readonly uint[] _c = new uint[Blocks];
    private readonly Int128[] _sums = new Int128[Blocks];
    private ElementTable _ta = ElementTable.ForCode(0), _tb = ElementTable.ForCode(0);

    [Params("e4m3xe4m3", "e5m2xe5m2")]
    public string Pair { get; set; } = "e4m3xe4m3";

    [GlobalSetup]
    public void Setup()
    {
        var names = Pair.Split('x');
        _ta = ElementTable.For(StandardFormats.TryParse(names[0])!);
        _tb = ElementTable.For(StandardFormats.TryParse(names[1])!);
        var rng = new MxRandom(3);
        for (int i = 0; i < _a.Length; i++)
        {
            _a[i] = (byte)(rng.NextUInt64() & _ta.CodeMask & ~0x40u);
            _b[i] = (byte)(rng.NextUInt64() & _tb.CodeMask & ~0x40u);
        }
        for (int j = 0; j < Blocks; j++)
        {
            _sa[j] = (byte)(127 + rng.NextInt(-8, 8));
            _sb[j] = (byte)(127 + rng.NextInt(-8, 8));
            _c[j] = (uint)(rng.NextUInt64() & 0x807FFFFF) | (uint)(127 + rng.NextInt(-10, 10)) << 23;
            _sums[j] = MxDot.ProductSum(new BlockPair(_ta, _a.AsSpan(j * K, K), _sa[j], _tb, _b.AsSpan(j * K, K), _sb[j])).Sum;
        }
    }

    [Benchmark(OperationsPerInvoke = Blocks)]
    public long ProductSum()
    {
        long acc = 0;
        for (int j = 0; j < Blocks; j++)
            acc += (long)MxDot.ProductSum(new BlockPair(_ta, _a.AsSpan(j * K, K), _sa[j], _tb, _b.AsSpan(j * K, K), _sb[j])).Sum;
        return acc;
    }

    /// <summary>The whole fused dot, for comparison with the stages in the same run.</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public uint Fused()
    {
        uint acc = 0;
        for (int j = 0; j < Blocks; j++)
            acc += MxDot.Fused(new BlockPair(_ta, _a.AsSpan(j * K, K), _sa[j], _tb, _b.AsSpan(j * K, K), _sb[j]), _c[j], RoundingMode.NearestEven, StandardFormats.Fp32).Bits;
        return acc;
    }

    /// <summary>The product sum, then one rounding of it (C left out): the two stages without the glue between them.</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public uint ProductSumAndRound()
    {
        uint acc = 0;
        var ctx = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
        for (int j = 0; j < Blocks; j++)
        {
            long s = (long)MxDot.ProductSum(new BlockPair(_ta, _a.AsSpan(j * K, K), _sa[j], _tb, _b.AsSpan(j * K, K), _sb[j])).Sum;
            acc += RoundingCore.Round(StandardFormats.Fp32, s < 0, (ulong)Math.Abs(s), _sa[j] + _sb[j] - 254 - 32, false, ctx).Code;
        }
        return acc;
    }

    [Benchmark(OperationsPerInvoke = Blocks)]
    public long DecodeC()
    {
        long acc = 0;
        for (int j = 0; j < Blocks; j++) acc += Codec.Decode(StandardFormats.Fp32, _c[j]).Exponent;
        return acc;
    }

    [Benchmark(OperationsPerInvoke = Blocks)]
    public uint AddAndRound()
    {
        uint acc = 0;
        var ctx = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
        for (int j = 0; j < Blocks; j++)
        {
            var cv = Codec.Decode(StandardFormats.Fp32, _c[j]);
            Int128 cTerm = cv.Negative ? -(Int128)cv.Significand : (Int128)cv.Significand;
            var s = ExactSum.Add(_sums[j], _sa[j] + _sb[j] - 254 - 32, cTerm, cv.Exponent);
            acc += s.RoundTo(StandardFormats.Fp32, ctx).Code;
        }
        return acc;
    }

    [Benchmark(OperationsPerInvoke = Blocks)]
    public uint RoundOnly()
    {
        uint acc = 0;
        var ctx = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
        for (int j = 0; j < Blocks; j++)
        {
            long s = (long)_sums[j];
            acc += RoundingCore.Round(StandardFormats.Fp32, s < 0, (ulong)Math.Abs(s), _sa[j] + _sb[j] - 254 - 32, false, ctx).Code;
        }
        return acc;
    }
}
