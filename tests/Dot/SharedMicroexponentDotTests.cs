using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>A shared-microexponent dot case: the format, both operands (scale, microexponents, sign-magnitude codes), C and mode.</summary>
public sealed record BdrCase(BlockFormat Format, byte Sa, byte[] Ma, uint[] A, byte Sb, byte[] Mb, uint[] B, uint C, int Rm)
{
    public static readonly BlockFormat[] Formats = [BlockFormat.Mx9, BlockFormat.Mx6, BlockFormat.Mx4];

    public MicroexponentDotOracle.Shape Shape => new(Format.MagnitudeBits, Format.Microexponent!.Size);

    public DotResult Model(NumberFormat? output = null) => SharedMicroexponentDot.Fused(Format,
        new MicroexponentBlock(Sa, Ma, A), new MicroexponentBlock(Sb, Mb, B), C, (RoundingMode)Rm, output ?? StandardFormats.Fp32);

    public (uint Bits, int Flags) Oracle(OracleFormat? output = null) =>
        MicroexponentDotOracle.Fused(Shape, Sa, Ma, A, Sb, Mb, B, C, Rm, output ?? OracleFormat.Fp32);

    private static readonly byte[] ScaleCorners = [0x00, 0x01, 0x40, 0x7F, 0x80, 0xBF, 0xFD, 0xFE, 0xFF];
    private static readonly uint[] CCorners = [0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x00000001, 0x80800000, 0x7F7FFFFF, 0xFF7FFFFF,
        0x7F800000, 0xFF800000, 0x7FC00000, 0x7FA00000, 0x4B800001, 0x33800000];

    /// <summary>
    /// A random case of k elements: scales from the corners or anywhere, every microexponent pattern, magnitudes biased to
    /// 0 and the largest code, and C a corner, random, or minus the sum's leading part (to cancel).
    /// </summary>
    public static BdrCase Random(ref MxRandom rng, BlockFormat f, int k, int rm)
    {
        int m = f.MagnitudeBits, subBlocks = (k + f.Microexponent!.Size - 1) / f.Microexponent.Size;
        byte Scale(ref MxRandom r) => r.NextInt(0, 3) == 0 ? ScaleCorners[r.NextInt(0, ScaleCorners.Length)]
            : (byte)(r.NextBool() ? r.NextInt(100, 155) : r.NextInt(0, 256));
        uint Element(ref MxRandom r)
        {
            uint sign = r.NextBool() ? 1u << m : 0;
            return r.NextInt(0, 5) switch { 0 => sign, 1 => sign | ((1u << m) - 1), _ => sign | (uint)r.NextBits(m) };
        }
        byte[] Micro(ref MxRandom r)
        {
            var t = new byte[subBlocks];
            for (int j = 0; j < subBlocks; j++) t[j] = (byte)r.NextBits(f.Microexponent.Bits);
            return t;
        }
        uint[] Elements(ref MxRandom r)
        {
            var e = new uint[k];
            for (int i = 0; i < k; i++) e[i] = Element(ref r);
            return e;
        }
        var sa = Scale(ref rng); var ma = Micro(ref rng); var a = Elements(ref rng);
        var sb = Scale(ref rng); var mb = Micro(ref rng); var b = Elements(ref rng);
        var t0 = new BdrCase(f, sa, ma, a, sb, mb, b, 0, rm);
        uint c = rng.NextInt(0, 3) switch
        {
            0 => CCorners[rng.NextInt(0, CCorners.Length)],
            1 => rng.NextUInt32(),
            _ => t0.Model().Bits ^ 0x80000000u, // −round(Σ): the sum cancels to its rounding error
        };
        return t0 with { C = c };
    }
}

public static class BdrArbitraries
{
    public static Arbitrary<BdrCase> Cases() => Arb.From(
        from seed in Gen.Choose(0, int.MaxValue)
        from f in Gen.Choose(0, 2)
        from rm in Gen.Choose(0, 5)
        select Make(seed, f, rm));

    private static BdrCase Make(int seed, int f, int rm)
    {
        var rng = new MxRandom((ulong)seed);
        return BdrCase.Random(ref rng, BdrCase.Formats[f], 16, rm);
    }
}

/// <summary>FsCheck properties of the shared-microexponent fused dot product, k1 = 16.</summary>
[Properties(Arbitrary = [typeof(BdrArbitraries)], MaxTest = 2000)]
public class SharedMicroexponentDotProperties
{
    [Property]
    public bool MatchesTheOracle(BdrCase t)
    {
        var got = t.Model();
        var want = t.Oracle();
        return got.Bits == want.Bits && (int)got.Flags == want.Flags;
    }

    [Property]
    public bool MatchesTheOracleInBf16AndFp16(BdrCase t)
    {
        var bf = t.Model(StandardFormats.Bf16);
        var fp = t.Model(StandardFormats.Fp16);
        var wbf = t.Oracle(OracleFormat.Bf16);
        var wfp = t.Oracle(OracleFormat.Fp16);
        return bf.Bits == wbf.Bits && (int)bf.Flags == wbf.Flags && fp.Bits == wfp.Bits && (int)fp.Flags == wfp.Flags;
    }

    [Property]
    public bool SwappingAAndBLeavesTheResultUnchanged(BdrCase t) =>
        (t with { Sa = t.Sb, Ma = t.Mb, A = t.B, Sb = t.Sa, Mb = t.Ma, B = t.A }).Model() == t.Model();

    /// <summary>Swapping two whole sub-blocks (elements with their microexponents) reorders the sum only.</summary>
    [Property]
    public bool SwappingSubBlocksLeavesTheResultUnchanged(BdrCase t, int seed)
    {
        var rng = new MxRandom((ulong)seed);
        int n = t.Ma.Length, x = rng.NextInt(0, n), y = rng.NextInt(0, n), k2 = t.Format.Microexponent!.Size;
        T[] Swap<T>(T[] v, int size)
        {
            var c = (T[])v.Clone();
            for (int i = 0; i < size; i++) (c[x * size + i], c[y * size + i]) = (c[y * size + i], c[x * size + i]);
            return c;
        }
        var s = t with { Ma = Swap(t.Ma, 1), Mb = Swap(t.Mb, 1), A = Swap(t.A, k2), B = Swap(t.B, k2) };
        return s.Model() == t.Model();
    }

    /// <summary>
    /// Negating every A element and C negates the result, with rdn and rup exchanged (IEEE 754's sign symmetry; an
    /// exact zero's sign is excluded: it depends on the mode, not on the sign of the terms alone).
    /// </summary>
    [Property]
    public bool NegatingATermsAndCNegatesTheResult(BdrCase t)
    {
        uint signBit = 1u << t.Format.MagnitudeBits;
        int rm = t.Rm switch { 2 => 3, 3 => 2, var r => r };
        var n = t with { A = t.A.Select(x => x ^ signBit).ToArray(), C = t.C ^ 0x80000000u, Rm = rm };
        var r0 = t.Model();
        var r1 = n.Model();
        var d = Codec.Decode(StandardFormats.Fp32, r0.Bits);
        if (d.IsNaN) return r1.Bits == r0.Bits && r1.Flags == r0.Flags;
        if (d.IsZero) return Codec.Decode(StandardFormats.Fp32, r1.Bits).IsZero && r1.Flags == r0.Flags;
        return r1.Bits == (r0.Bits ^ 0x80000000u) && r1.Flags == r0.Flags;
    }

    /// <summary>chunked:16 is fused; chunked:2 rounds to FP32 after every pair, which the oracle chain reproduces.</summary>
    [Property(MaxTest = 500)]
    public bool ChunkedMatchesAChainOfFusedSteps(BdrCase t)
    {
        var a = new MicroexponentBlock(t.Sa, t.Ma, t.A);
        var b = new MicroexponentBlock(t.Sb, t.Mb, t.B);
        if (SharedMicroexponentDot.Chunked(t.Format, a, b, t.C, (RoundingMode)t.Rm, StandardFormats.Fp32, 16) != t.Model()) return false;
        uint acc = t.C;
        int flags = 0;
        for (int j = 0; j < 8; j++)
        {
            var step = t with { Ma = t.Ma[j..(j + 1)], Mb = t.Mb[j..(j + 1)], A = t.A[(2 * j)..(2 * j + 2)], B = t.B[(2 * j)..(2 * j + 2)], C = acc };
            var (bits, f) = step.Oracle();
            acc = bits;
            flags |= f;
        }
        var got = SharedMicroexponentDot.Chunked(t.Format, a, b, t.C, (RoundingMode)t.Rm, StandardFormats.Fp32, 2);
        return got.Bits == acc && (int)got.Flags == flags;
    }
}

public class SharedMicroexponentDotTests
{
    private static void Check(BdrCase t)
    {
        var got = t.Model();
        var want = t.Oracle();
        if (got.Bits != want.Bits || (int)got.Flags != want.Flags)
            Assert.Fail($"{t.Format.Name} rm={t.Rm} sa={t.Sa:x2} ma=[{string.Join(',', t.Ma)}] a=[{string.Join(',', t.A.Select(x => x.ToString("x")))}] " +
                        $"sb={t.Sb:x2} mb=[{string.Join(',', t.Mb)}] b=[{string.Join(',', t.B.Select(x => x.ToString("x")))}] c={t.C:x8}: " +
                        $"model {got.Bits:x8}/{(int)got.Flags:x2}, oracle {want.Bits:x8}/{want.Flags:x2}");
    }

    private static readonly uint[] Cs = [0x00000000, 0x80000000, 0x3F800000, 0xBF000000, 0x00000001, 0x7F7FFFFF, 0xFF800000, 0x7FA00000];
    private static readonly byte[] Scales = [0x00, 0x01, 0x7F, 0xFE, 0xFF, 0x20, 0xE0];

    /// <summary>
    /// One sub-block (k = 2) of MX4 exhaustively: every element code of both operands (3 bits each) and every
    /// microexponent pair, with the scale, C and mode rotating.
    /// </summary>
    [Fact]
    public void Mx4PairExhaustiveMatchesTheOracle()
    {
        var f = BlockFormat.Mx4;
        int i = 0;
        for (int codes = 0; codes < 1 << 12; codes++)
            for (int micro = 0; micro < 4; micro++, i++)
            {
                uint[] a = [(uint)(codes & 7), (uint)(codes >> 3 & 7)], b = [(uint)(codes >> 6 & 7), (uint)(codes >> 9 & 7)];
                Check(new BdrCase(f, Scales[i % Scales.Length], [(byte)(micro & 1)], a, Scales[i / 7 % Scales.Length], [(byte)(micro >> 1)], b,
                    Cs[i % Cs.Length], i % 6));
            }
    }

    /// <summary>Every scale pair with an MX9 block of largest magnitudes, each microexponent pattern and mode rotating.</summary>
    [Fact]
    public void EveryScalePairMatchesTheOracle()
    {
        var rng = new MxRandom(0x9);
        int i = 0;
        for (int sa = 0; sa < 256; sa++)
            for (int sb = 0; sb < 256; sb += 3, i++)
            {
                var t = BdrCase.Random(ref rng, BdrCase.Formats[i % 3], 16, i % 6);
                Check(t with { Sa = (byte)sa, Sb = (byte)sb });
            }
    }

    [Fact]
    [Trait("Category", "Long")]
    public void Mx4PairEveryScaleCAndModeMatchesTheOracle()
    {
        var f = BlockFormat.Mx4;
        for (int codes = 0; codes < 1 << 12; codes++)
            for (int micro = 0; micro < 4; micro++)
                foreach (byte sa in Scales)
                    foreach (uint c in Cs)
                        for (int rm = 0; rm < 6; rm++)
                        {
                            uint[] a = [(uint)(codes & 7), (uint)(codes >> 3 & 7)], b = [(uint)(codes >> 6 & 7), (uint)(codes >> 9 & 7)];
                            Check(new BdrCase(f, sa, [(byte)(micro & 1)], a, 0x7F, [(byte)(micro >> 1)], b, c, rm));
                        }
    }

    /// <summary>
    /// Values worked from the definition (docs/semantics.md): MX9 element code 0x40 is M = 64 = 1.0 at E = 0, τ = 0;
    /// with τ = 1 it is 0.5. 16 × 1.0 × 1.0 = 16 (FP32 0x41800000); the same with every A pair shifted is 8 (0x41000000).
    /// </summary>
    [Fact]
    public void WorkedValues()
    {
        var f = BlockFormat.Mx9;
        var ones = Enumerable.Repeat(0x40u, 16).ToArray();
        var none = new byte[8];
        var all = Enumerable.Repeat((byte)1, 8).ToArray();
        var t = new BdrCase(f, 0x7F, none, ones, 0x7F, none, ones, 0, 0);
        Assert.Equal(new DotResult(0x41800000, ExceptionFlags.None), t.Model());
        Assert.Equal(new DotResult(0x41000000, ExceptionFlags.None), (t with { Ma = all }).Model());
        // Largest MX9 magnitude 127/64 squared ×16 at scales 2^127 each: 16·(127/64)²·2^254 overflows FP32: +Inf, OF|NX.
        var max = Enumerable.Repeat(0x7Fu, 16).ToArray();
        Assert.Equal(new DotResult(0x7F800000, ExceptionFlags.Overflow | ExceptionFlags.Inexact), new BdrCase(f, 0xFE, none, max, 0xFE, none, max, 0, 0).Model());
        // A NaN scale (E8M0 0xFF) gives the canonical NaN without NV; a signalling C adds NV.
        Assert.Equal(new DotResult(0x7FC00000, ExceptionFlags.None), (t with { Sa = 0xFF }).Model());
        Assert.Equal(new DotResult(0x7FC00000, ExceptionFlags.Invalid), (t with { Sa = 0xFF, C = 0x7FA00000 }).Model());
        // −0 elements (sign bit 7 set, M = 0) times +0: every product −0, C −0: the result is −0 (rule 4).
        var negZero = Enumerable.Repeat(0x80u, 16).ToArray();
        Assert.Equal(new DotResult(0x80000000, ExceptionFlags.None), new BdrCase(f, 0x7F, none, negZero, 0x7F, none, new uint[16], 0x80000000, 0).Model());
    }

    /// <summary>The dot of two quantized blocks equals the oracle's dot of the same codes (the quantizer's layout is the dot's).</summary>
    [Fact]
    public void QuantizedBlocksMatchTheOracle()
    {
        var rng = new MxRandom(0x51);
        foreach (var f in BdrCase.Formats)
            for (int n = 0; n < 300; n++)
            {
                var x = new uint[16];
                var y = new uint[16];
                for (int i = 0; i < 16; i++)
                {
                    x[i] = (uint)(rng.NextBits(1) << 31) | (uint)(rng.NextInt(100, 150) << 23) | (uint)rng.NextBits(23);
                    y[i] = (uint)(rng.NextBits(1) << 31) | (uint)(rng.NextInt(100, 150) << 23) | (uint)rng.NextBits(23);
                }
                var qa = BdrQuantizer.Quantize(f, x);
                var qb = BdrQuantizer.Quantize(f, y);
                Check(new BdrCase(f, qa.Scales[0], qa.Microexponents, qa.Elements, qb.Scales[0], qb.Microexponents, qb.Elements, rng.NextUInt32() & 0xBFFFFFFF, n % 6));
            }
    }

    [Fact]
    public void RejectsCodesOutsideTheFormat()
    {
        var f = BlockFormat.Mx6;
        var ok = new uint[16];
        var micro = new byte[8];
        Assert.Throws<ArgumentException>(() => SharedMicroexponentDot.Fused(f, new MicroexponentBlock(0x7F, micro, Enumerable.Repeat(0x20u, 16).ToArray()),
            new MicroexponentBlock(0x7F, micro, ok), 0, RoundingMode.NearestEven, StandardFormats.Fp32));
        Assert.Throws<ArgumentException>(() => SharedMicroexponentDot.Fused(f, new MicroexponentBlock(0x7F, [2, 0, 0, 0, 0, 0, 0, 0], ok),
            new MicroexponentBlock(0x7F, micro, ok), 0, RoundingMode.NearestEven, StandardFormats.Fp32));
        Assert.Throws<ArgumentException>(() => SharedMicroexponentDot.Fused(f, new MicroexponentBlock(0x7F, new byte[7], ok),
            new MicroexponentBlock(0x7F, micro, ok), 0, RoundingMode.NearestEven, StandardFormats.Fp32));
        Assert.Throws<ArgumentException>(() => SharedMicroexponentDot.Fused(BlockFormat.NvFp4, new MicroexponentBlock(0x38, micro, ok),
            new MicroexponentBlock(0x38, micro, ok), 0, RoundingMode.NearestEven, StandardFormats.Fp32));
    }
}
