using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>
/// The NVFP4 block dot product (E2M1 elements, UE4M3 scales, k = 16): D = round(C + sa·sb·Σ a_i·b_i) with one rounding,
/// against the independent oracle's own UE4M3 decoding.
/// </summary>
public class Nvfp4DotTests
{
    private const int E2M1 = 4, K = 16;
    private static readonly ScaleCodec Ue4m3 = BlockFormat.NvFp4.ScaleCodec;

    /// <summary>Element blocks that reach the interesting sums: zeros of both signs, max·max, cancellation, ties, one lsb.</summary>
    private static IEnumerable<(byte[] A, byte[] B)> Blocks()
    {
        byte[] Fill(byte v) => Enumerable.Repeat(v, K).ToArray();
        yield return (Fill(0x0), Fill(0x0));            // +0 · +0
        yield return (Fill(0x8), Fill(0x0));            // −0 · +0: every product −0
        yield return (Fill(0x7), Fill(0x7));            // 6 · 6, the largest sum 576
        var alternate = Enumerable.Range(0, K).Select(i => (byte)(i % 2 == 0 ? 0x7 : 0xF)).ToArray();
        yield return (alternate, Fill(0x7));            // +36 − 36 …: exact cancellation
        var one = Fill(0x0); one[5] = 0x1;              // 0.5 · 0.5 = 0.25 in one slot
        yield return (one, Fill(0x1));
        var mixed = Enumerable.Range(0, K).Select(i => (byte)i).ToArray();
        yield return (mixed, mixed.Reverse().ToArray()); // every code once
    }

    private static readonly uint[] Cs = [0x00000000, 0x80000000, 0x3F800000, 0xC1100000, 0x00000001, 0x7F7FFFFF, 0x7F800000, 0x7FA00000];

    private static DotResult Model(byte[] a, byte sa, byte[] b, byte sb, uint c, int rm, AccumulationModel? model = null, NumberFormat? output = null) =>
        MxDot.Dot(new BlockPair(BlockFormat.NvFp4, a, sa, b, sb), c, (RoundingMode)rm, output ?? StandardFormats.Fp32, model ?? AccumulationModel.Fused);

    private static void Check(byte[] a, byte sa, byte[] b, byte sb, uint c, int rm, DotResult got, (uint Bits, int Flags) want)
    {
        if (got.Bits != want.Bits || (int)got.Flags != want.Flags)
            Assert.Fail($"nvfp4 rm={rm} sa={sa:x2} sb={sb:x2} c={c:x8} a=[{string.Join(',', a)}] b=[{string.Join(',', b)}]: " +
                        $"model {got.Bits:x8}/{(int)got.Flags:x2}, oracle {want.Bits:x8}/{want.Flags:x2}");
    }

    [Fact]
    public void EveryScalePairMatchesTheOracle()
    {
        var blocks = Blocks().ToArray();
        int i = 0;
        for (int sa = 0; sa <= 0x7F; sa++)
            for (int sb = 0; sb <= 0x7F; sb++, i++)
            {
                var (a, b) = blocks[i % blocks.Length];
                uint c = Cs[i % Cs.Length];
                int rm = i % 6;
                Check(a, (byte)sa, b, (byte)sb, c, rm, Model(a, (byte)sa, b, (byte)sb, c, rm),
                    DotOracle.Fused(E2M1, a, sa, E2M1, b, sb, c, rm, OracleFormat.Fp32, "ue4m3"));
            }
    }

    [Fact]
    [Trait("Category", "Long")]
    public void EveryScalePairEveryBlockEveryModeMatchesTheOracle()
    {
        foreach (var (a, b) in Blocks())
            for (int sa = 0; sa <= 0x7F; sa++)
                for (int sb = 0; sb <= 0x7F; sb++)
                    for (int rm = 0; rm < 6; rm++)
                        foreach (uint c in Cs)
                            Check(a, (byte)sa, b, (byte)sb, c, rm, Model(a, (byte)sa, b, (byte)sb, c, rm),
                                DotOracle.Fused(E2M1, a, sa, E2M1, b, sb, c, rm, OracleFormat.Fp32, "ue4m3"));
    }

    /// <summary>Scale corners (zero, subnormals, 1.0, 448, NaN) with random blocks and C near the sum, every mode.</summary>
    [Fact]
    public void RandomBlocksMatchTheOracle()
    {
        var rng = new MxRandom(0x4F4);
        for (int n = 0; n < 20000; n++)
        {
            var (a, sa, b, sb, c) = RandomCase(ref rng);
            int rm = n % 6;
            Check(a, sa, b, sb, c, rm, Model(a, sa, b, sb, c, rm), DotOracle.Fused(E2M1, a, sa, E2M1, b, sb, c, rm, OracleFormat.Fp32, "ue4m3"));
        }
    }

    [Theory]
    [InlineData("bf16")]
    [InlineData("fp16")]
    public void NarrowOutputsMatchTheOracle(string output)
    {
        var f = StandardFormats.TryParse(output)!;
        var o = output == "bf16" ? OracleFormat.Bf16 : OracleFormat.Fp16;
        var rng = new MxRandom(0xBF);
        for (int n = 0; n < 4000; n++)
        {
            var (a, sa, b, sb, c) = RandomCase(ref rng);
            int rm = n % 6;
            Check(a, sa, b, sb, c, rm, Model(a, sa, b, sb, c, rm, output: f), DotOracle.Fused(E2M1, a, sa, E2M1, b, sb, c, rm, o, "ue4m3"));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void ChunkedMatchesTheOracle(int chunk)
    {
        var rng = new MxRandom(0xC0 + (ulong)chunk);
        for (int n = 0; n < 3000; n++)
        {
            var (a, sa, b, sb, c) = RandomCase(ref rng);
            int rm = n % 6;
            Check(a, sa, b, sb, c, rm, Model(a, sa, b, sb, c, rm, AccumulationModel.Chunked(chunk)),
                DotOracle.Chunked(chunk, E2M1, a, sa, E2M1, b, sb, c, rm, OracleFormat.Fp32, "ue4m3"));
        }
    }

    /// <summary>UE4M3 scales with E4M3 and E5M2 elements (spelled-out block formats): NaN/Inf elements meet a zero scale.</summary>
    [Fact]
    public void OtherElementsWithUe4m3ScalesMatchTheOracle()
    {
        var rng = new MxRandom(0xE5);
        for (int n = 0; n < 6000; n++)
        {
            int fa = rng.NextInt(0, 2), fb = rng.NextInt(0, 2); // e4m3, e5m2
            var t = DotCase.Random(ref rng, fa, fb, n % 6, K);
            byte sa = ScaleCorner(ref rng), sb = ScaleCorner(ref rng);
            var got = MxDot.Dot(new BlockPair(ElementTable.ForCode(fa), t.A, sa, ElementTable.ForCode(fb), t.B, sb, Ue4m3),
                t.C, (RoundingMode)t.Rm, StandardFormats.Fp32, AccumulationModel.Fused);
            Check(t.A, sa, t.B, sb, t.C, t.Rm, got, DotOracle.Fused(fa, t.A, sa, fb, t.B, sb, t.C, t.Rm, OracleFormat.Fp32, "ue4m3"));
        }
    }

    /// <summary>DotGeneral over n NVFP4 blocks, chained: each block's result feeds the next as its FP32 C.</summary>
    [Fact]
    public void ChainedDotGeneralMatchesTheOracleBlockByBlock()
    {
        var rng = new MxRandom(0x9E);
        var table = ElementTable.For(StandardFormats.E2M1);
        for (int n = 0; n < 500; n++)
        {
            int blocks = rng.NextInt(1, 5), rm = n % 6;
            var a = new byte[blocks * K]; var b = new byte[blocks * K];
            var sa = new byte[blocks]; var sb = new byte[blocks];
            uint c = 0;
            for (int j = 0; j < blocks; j++)
            {
                var t = RandomCase(ref rng);
                t.A.CopyTo(a, j * K); t.B.CopyTo(b, j * K); sa[j] = t.Sa; sb[j] = t.Sb;
                if (j == 0) c = t.C;
            }
            var got = DotGeneral.Compute(table, a, sa, table, b, sb, K, c, (RoundingMode)rm, StandardFormats.Fp32, AccumulationModel.Fused, chained: true, Ue4m3);
            uint acc = c; int flags = 0;
            for (int j = 0; j < blocks; j++)
            {
                var (bits, f) = DotOracle.Fused(E2M1, a[(j * K)..((j + 1) * K)], sa[j], E2M1, b[(j * K)..((j + 1) * K)], sb[j], acc, rm, OracleFormat.Fp32, "ue4m3");
                acc = bits; flags |= f;
            }
            Assert.Equal((acc, flags), (got.Bits, (int)got.Flags));
        }
    }

    /// <summary>One block of DotGeneral's fused path is the block dot (the wide exact sum reads the same scales).</summary>
    [Fact]
    public void FusedDotGeneralOfOneBlockIsTheBlockDot()
    {
        var rng = new MxRandom(0x1B);
        var table = ElementTable.For(StandardFormats.E2M1);
        for (int n = 0; n < 3000; n++)
        {
            var (a, sa, b, sb, c) = RandomCase(ref rng);
            int rm = n % 6;
            var general = DotGeneral.Compute(table, a, [sa], table, b, [sb], K, c, (RoundingMode)rm, StandardFormats.Fp32, AccumulationModel.Fused, chained: false, Ue4m3);
            Assert.Equal(Model(a, sa, b, sb, c, rm), general);
        }
    }

    /// <summary>
    /// The largest NVFP4 block values (NVIDIA: E2M1 max 6, UE4M3 max 448): 16 products of (6·448)² = 2688² sum to
    /// 115,605,504 exactly, well inside FP32 (one rounding, none needed).
    /// </summary>
    [Fact]
    public void LargestValuesSumExactly()
    {
        var six = Enumerable.Repeat((byte)0x7, K).ToArray();
        var r = Model(six, 0x7E, six, 0x7E, 0, 0);
        Assert.Equal(BitConverter.SingleToUInt32Bits(16f * 2688f * 2688f), r.Bits);
        Assert.Equal(ExceptionFlags.None, r.Flags);
    }

    [Fact]
    public void NanScaleIsRuleOneAndZeroScaleGivesC()
    {
        var six = Enumerable.Repeat((byte)0x7, K).ToArray();
        Assert.Equal(new DotResult(0x7FC00000, ExceptionFlags.None), Model(six, 0x7F, six, 0x38, 0x3F800000, 0));
        Assert.Equal(new DotResult(0x3F800000, ExceptionFlags.None), Model(six, 0x00, six, 0x7E, 0x3F800000, 0));
        // A zero scale with C = −0: every product is +0 (6·6 > 0), so the exact zero is +0 except under rdn (IEEE 754 §6.3).
        Assert.Equal(0u, Model(six, 0x00, six, 0x38, 0x80000000, 0).Bits);
        Assert.Equal(0x80000000u, Model(six, 0x00, six, 0x38, 0x80000000, 2).Bits);
    }

    [Fact]
    public void FusedIsExactForNvfp4AtAnyBlockSize()
    {
        // A spelled-out e2m1/k4096/ue4m3 block still fits the exact 100-bit sum (19 + 19 + 13 + 8 bits).
        var f = BlockFormat.TryParse("e2m1/k4096/ue4m3")!;
        var six = Enumerable.Repeat((byte)0x7, 4096).ToArray();
        var r = MxDot.Dot(new BlockPair(f, six, 0x7E, six, 0x7E), 0, RoundingMode.NearestEven, StandardFormats.Fp32, AccumulationModel.Fused);
        Assert.Equal(BitConverter.SingleToUInt32Bits(4096f * 2688f * 2688f), r.Bits);
    }

    /// <summary>The per-tensor epilogue against the oracle's two IEEE multiplies.</summary>
    [Fact]
    public void TensorScaleEpilogueMatchesTheOracle()
    {
        var rng = new MxRandom(0x7E);
        uint[] corners = [0, 0x80000000, 0x3F800000, 0x00000001, 0x00800000, 0x7F7FFFFF, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7FA00000, 0x3B124925 /* 1/(448·6) */];
        uint Pick(ref MxRandom r) => r.NextInt(0, 3) == 0 ? corners[r.NextInt(0, corners.Length)] : (uint)r.NextUInt64();
        for (int n = 0; n < 20000; n++)
        {
            uint d = Pick(ref rng), ta = Pick(ref rng), tb = Pick(ref rng);
            int rm = n % 6;
            var got = TensorScaleEpilogue.Apply(d, ta, tb, (RoundingMode)rm);
            var want = DotOracle.TensorScale(d, ta, tb, rm);
            if (got.Bits != want.Bits || (int)got.Flags != want.Flags)
                Assert.Fail($"d={d:x8} ta={ta:x8} tb={tb:x8} rm={rm}: model {got.Bits:x8}/{(int)got.Flags:x2}, oracle {want.Bits:x8}/{want.Flags:x2}");
        }
    }

    private static byte ScaleCorner(ref MxRandom rng) => rng.NextInt(0, 8) switch
    {
        0 => 0x00,       // zero
        1 => (byte)rng.NextInt(1, 8), // subnormal
        2 => 0x7E,       // 448
        3 => 0x7F,       // NaN
        4 => 0x38,       // 1.0
        _ => (byte)rng.NextInt(0, 0x80),
    };

    private static (byte[] A, byte Sa, byte[] B, byte Sb, uint C) RandomCase(ref MxRandom rng)
    {
        var a = new byte[K]; var b = new byte[K];
        int density = rng.NextInt(0, 3);
        for (int i = 0; i < K; i++)
        {
            a[i] = density == 0 && rng.NextInt(0, 4) != 0 ? (byte)0 : (byte)rng.NextInt(0, 16);
            b[i] = (byte)rng.NextInt(0, 16);
        }
        byte sa = ScaleCorner(ref rng), sb = ScaleCorner(ref rng);
        // C near the scaled sum (the scales' binades around 2^(e−7)), anything, or a zero.
        int eScale = (sa >> 3) + (sb >> 3) - 14;
        uint c = rng.NextInt(0, 6) switch
        {
            0 => 0,
            1 => 0x80000000,
            2 => (uint)rng.NextUInt64(),
            _ => (uint)(rng.NextUInt64() & 0x807FFFFF) | ((uint)Math.Clamp(eScale + 127 + rng.NextInt(-28, 28), 0, 254) << 23),
        };
        return (a, sa, b, sb, c);
    }
}
