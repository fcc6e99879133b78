using BenchmarkDotNet.Attributes;
using MxRef.Dot;
using MxRef.Formats;

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

/// <summary>The blocks of <see cref="DotInputs"/> run through <see cref="MxDot.Dot(in BlockPair, uint, RoundingMode, NumberFormat, AccumulationModel)"/>.</summary>
public abstract class DotBlocks
{
    private DotInputs _inputs = new("e4m3xe4m3");
    private AccumulationModel _model;

    protected void Setup(string pair, string model)
    {
        _inputs = new DotInputs(pair);
        _model = AccumulationModel.TryParse(model)!.Value;
    }

    [Benchmark(OperationsPerInvoke = DotInputs.Blocks)]
    public uint BlockDot32() => _inputs.DotAll(_model);
}
