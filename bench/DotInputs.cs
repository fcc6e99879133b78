using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;

namespace MxRef.Bench;

/// <summary>
/// The block-dot benchmarks' inputs: 1024 blocks of k = 32 random finite codes of one element format pair (a code's
/// 0x40 bit cleared, so most E4M3/E5M2 NaN and Inf codes become finite ones), E8M0 scales within 2^±8 of unity and C
/// near the product sum. Shared by the BenchmarkDotNet classes and the NativeAOT dot bench (bench/aot), so both time
/// the same blocks.
/// </summary>
public sealed class DotInputs
{
    public const int Blocks = 1024, K = 32;
    public readonly byte[] A = new byte[Blocks * K], B = new byte[Blocks * K];
    public readonly byte[] ScaleA = new byte[Blocks], ScaleB = new byte[Blocks];
    public readonly uint[] C = new uint[Blocks];
    public readonly ElementTable TableA, TableB;

    /// <summary>Inputs of a pair named like <c>e4m3xe5m2</c>.</summary>
    public DotInputs(string pair)
    {
        var names = pair.Split('x');
        TableA = ElementTable.For(StandardFormats.TryParse(names[0])!);
        TableB = ElementTable.For(StandardFormats.TryParse(names[1])!);
        var rng = new MxRandom(3);
        for (int i = 0; i < A.Length; i++)
        {
            A[i] = (byte)(rng.NextUInt64() & TableA.CodeMask & ~0x40u); // finite codes mostly
            B[i] = (byte)(rng.NextUInt64() & TableB.CodeMask & ~0x40u);
        }
        for (int j = 0; j < Blocks; j++)
        {
            ScaleA[j] = (byte)(127 + rng.NextInt(-8, 8));
            ScaleB[j] = (byte)(127 + rng.NextInt(-8, 8));
            C[j] = (uint)(rng.NextUInt64() & 0x807FFFFF) | (uint)(127 + rng.NextInt(-10, 10)) << 23;
        }
    }

    /// <summary>Block j as the model reads it.</summary>
    public BlockPair Block(int j) => new(TableA, A.AsSpan(j * K, K), ScaleA[j], TableB, B.AsSpan(j * K, K), ScaleB[j]);

    /// <summary>Every block through <see cref="MxDot.Dot(in BlockPair, uint, RoundingMode, NumberFormat, AccumulationModel)"/> (FP32 out, rne).</summary>
    public uint DotAll(AccumulationModel model)
    {
        uint acc = 0;
        for (int j = 0; j < Blocks; j++) acc += MxDot.Dot(Block(j), C[j], RoundingMode.NearestEven, StandardFormats.Fp32, model).Bits;
        return acc;
    }
}
