using BenchmarkDotNet.Attributes;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Bench;

/// <summary>Stages of the fused block dot (k = 32, FP32 out, rne) on DotBenchmarks' inputs. One op = one block.</summary>
public class DotStageBenchmarks
{
    private const int Blocks = DotInputs.Blocks;
    private DotInputs _in = new("e4m3xe4m3");
    private readonly Int128[] _sums = new Int128[Blocks];

    [Params("e4m3xe4m3", "e5m2xe5m2")]
    public string Pair { get; set; } = "e4m3xe4m3";

    [GlobalSetup]
    public void Setup()
    {
        _in = new DotInputs(Pair);
        for (int j = 0; j < Blocks; j++) _sums[j] = MxDot.ProductSum(_in.Block(j)).Sum;
    }

    [Benchmark(OperationsPerInvoke = Blocks)]
    public long ProductSum()
    {
        long acc = 0;
        for (int j = 0; j < Blocks; j++)
            acc += (long)MxDot.ProductSum(_in.Block(j)).Sum;
        return acc;
    }

    /// <summary>The whole fused dot, for comparison with the stages in the same run.</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public uint Fused()
    {
        uint acc = 0;
        for (int j = 0; j < Blocks; j++)
            acc += MxDot.Fused(_in.Block(j), _in.C[j], RoundingMode.NearestEven, StandardFormats.Fp32).Bits;
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
            long s = (long)MxDot.ProductSum(_in.Block(j)).Sum;
            acc += RoundingCore.Round(StandardFormats.Fp32, s < 0, (ulong)Math.Abs(s), _in.ScaleA[j] + _in.ScaleB[j] - 254 - 32, false, ctx).Code;
        }
        return acc;
    }

    [Benchmark(OperationsPerInvoke = Blocks)]
    public long DecodeC()
    {
        long acc = 0;
        for (int j = 0; j < Blocks; j++) acc += Codec.Decode(StandardFormats.Fp32, _in.C[j]).Exponent;
        return acc;
    }

    [Benchmark(OperationsPerInvoke = Blocks)]
    public uint AddAndRound()
    {
        uint acc = 0;
        var ctx = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
        for (int j = 0; j < Blocks; j++)
        {
            var cv = Codec.Decode(StandardFormats.Fp32, _in.C[j]);
            Int128 cTerm = cv.Negative ? -(Int128)cv.Significand : (Int128)cv.Significand;
            var s = ExactSum.Add(_sums[j], _in.ScaleA[j] + _in.ScaleB[j] - 254 - 32, cTerm, cv.Exponent);
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
            acc += RoundingCore.Round(StandardFormats.Fp32, s < 0, (ulong)Math.Abs(s), _in.ScaleA[j] + _in.ScaleB[j] - 254 - 32, false, ctx).Code;
        }
        return acc;
    }
}
