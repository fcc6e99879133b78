using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>
/// The product sum's fast paths (the AVX-512 byte-table loop where the machine has it, the 64- and 128-bit scalar loops
/// elsewhere) on every product of every element format pair, and on the largest sums.
/// </summary>
public class ProductSumTests
{
    public static TheoryData<int, int> FormatPairs() => DotOracleTests.FormatPairs();

    /// <summary>
    /// k = 1, scales 2^0, C = +0: the result is RN_fp32(a·b), and a·b of two finite element values is exact in binary64
    /// and in FP32 (at most 8 significant bits, between 2^−32 and 2^32), so the FPU gives the expected bits. Every pair
    /// of finite codes, including codes with bits set above the format's width (they are ignored).
    /// </summary>
    [Theory]
    [MemberData(nameof(FormatPairs))]
    public void EveryProductIsExact(int fa, int fb)
    {
        var fA = StandardFormats.Elements[fa];
        var fB = StandardFormats.Elements[fb];
        var ta = ElementTable.ForCode(fa);
        var tb = ElementTable.ForCode(fb);
        var a = new byte[1];
        var b = new byte[1];
        for (int x = 0; x < 256; x++)
        {
            var da = Codec.Decode(fA, (uint)x & fA.CodeMask);
            if (!da.IsFinite) continue;
            for (int y = 0; y < 256; y++)
            {
                var db = Codec.Decode(fB, (uint)y & fB.CodeMask);
                if (!db.IsFinite) continue;
                a[0] = (byte)x; b[0] = (byte)y;
                uint got = MxDot.Fused(new BlockPair(ta, a, 127, tb, b, 127), 0, RoundingMode.NearestEven, StandardFormats.Fp32).Bits;
                uint want = BitConverter.SingleToUInt32Bits((float)(da.ToDouble() * db.ToDouble()) + 0f);
                if (got != want) Assert.Fail($"{fA.Name} 0x{x:x2} × {fB.Name} 0x{y:x2}: got 0x{got:x8}, want 0x{want:x8}");
            }
        }
    }

    /// <summary>
    /// Blocks of k largest-magnitude elements with a sign pattern, k = 1 .. 100: Σ = (number of + products − number of
    /// − products) · max_a · max_b, exact in binary64 (at most 7 + 6 + 7 significant bits), so RN_fp32 of it is the FPU's.
    /// E5M2 × E5M2 products are 2^63.6 in the fixed point: the widest the sum has to carry.
    /// </summary>
    [Theory]
    [MemberData(nameof(FormatPairs))]
    public void LargestProductsSumExactly(int fa, int fb)
    {
        var fA = StandardFormats.Elements[fa];
        var fB = StandardFormats.Elements[fb];
        byte maxA = (byte)fA.MaxFiniteCode, maxB = (byte)fB.MaxFiniteCode;
        double va = Codec.Decode(fA, maxA).ToDouble(), vb = Codec.Decode(fB, maxB).ToDouble();
        for (int k = 1; k <= 100; k++)
        {
            var a = new byte[k];
            var b = new byte[k];
            int net = 0;
            for (int i = 0; i < k; i++)
            {
                bool negative = i % 3 == 1 || i % 7 == 0;
                a[i] = negative ? (byte)(maxA | fA.NegativeZeroCode) : maxA;
                if (fA.Kind == FormatKind.Integer && negative) a[i] = (byte)(-(sbyte)maxA);
                b[i] = maxB;
                net += negative ? -1 : 1;
            }
            var block = new BlockPair(ElementTable.ForCode(fa), a, 127, ElementTable.ForCode(fb), b, 127);
            uint got = MxDot.Fused(block, 0, RoundingMode.NearestEven, StandardFormats.Fp32).Bits;
            uint want = BitConverter.SingleToUInt32Bits((float)(net * va * vb) + 0f);
            Assert.True(got == want, $"{fA.Name} × {fB.Name}, k = {k}: got 0x{got:x8}, want 0x{want:x8}");
        }
    }

    /// <summary>
    /// E5M2 × E5M2, whose products span 2^0 … 2^63.6 in the fixed point: the vector loop keeps one 64-bit accumulator
    /// while every shift sum sh_a + sh_b of the block is at most 52 at k = 32 (32·7·7·2^52 &lt; 2^63) and starts again
    /// with two accumulators otherwise. Held to Σ Fixed_a·Fixed_b in BigInteger on the extreme sums either side of that
    /// limit (every product at the same shift, one sign or alternating signs, the largest value of each binade) and on
    /// random blocks drawn from the top binades, k = 32, 33, 64 and 96.
    /// </summary>
    [Fact]
    public void E5M2ProductsSumExactlyAcrossTheAccumulatorLimit()
    {
        var t = ElementTable.For(StandardFormats.E5M2);
        var finite = Enumerable.Range(0, 256).Where(c => (t.Class[c] & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) == 0 && t.Fixed[c] != 0).ToArray();
        int ShiftOf(int code) => System.Numerics.BitOperations.TrailingZeroCount(t.Fixed[code]);
        void Check(byte[] a, byte[] b, string what)
        {
            System.Numerics.BigInteger want = 0;
            for (int i = 0; i < a.Length; i++) want += (System.Numerics.BigInteger)t.Fixed[a[i]] * t.Fixed[b[i]];
            var got = MxDot.ProductSum(new BlockPair(t, a, 127, t, b, 127));
            Assert.True(got.Classes == 0 && (System.Numerics.BigInteger)got.Sum == want, $"{what}: got {got.Sum}, want {want}");
        }
        // Every product m·2^s with |m| = 7·7 and s = sh_a + sh_b from 44 to 58 (the largest), one sign and alternating.
        var largestOfShift = finite.Where(c => Math.Abs(t.Fixed[c] >> ShiftOf(c)) == 7 && t.Fixed[c] > 0).ToDictionary(ShiftOf);
        foreach (int k in new[] { 32, 33, 64, 96 })
            for (int s = 44; s <= 58; s++)
                foreach (bool alternate in new[] { false, true })
                {
                    int shA = Math.Min(29, s), shB = s - shA;
                    if (!largestOfShift.ContainsKey(shA) || !largestOfShift.ContainsKey(shB)) continue;
                    var a = new byte[k];
                    var b = new byte[k];
                    for (int i = 0; i < k; i++)
                    {
                        a[i] = (byte)(largestOfShift[shA] | (alternate && i % 2 == 1 ? 0x80 : 0));
                        b[i] = (byte)largestOfShift[shB];
                    }
                    Check(a, b, $"k = {k}, every shift {s}, {(alternate ? "alternating signs" : "all positive")}");
                }
        // Random blocks of the top binades: shifts around the limit, any sign.
        var rng = new MxRef.Random.MxRandom(52);
        foreach (int k in new[] { 32, 33, 64, 96 })
            for (int floor = 18; floor <= 29; floor++)
            {
                var top = finite.Where(c => ShiftOf(c) >= floor).ToArray();
                for (int trial = 0; trial < 200; trial++)
                {
                    var a = new byte[k];
                    var b = new byte[k];
                    for (int i = 0; i < k; i++)
                    {
                        a[i] = (byte)top[rng.NextBelow((ulong)top.Length)];
                        b[i] = (byte)finite[rng.NextBelow((ulong)finite.Length)];
                    }
                    Check(a, b, $"k = {k}, A from shift {floor} up, trial {trial}");
                }
            }
    }

    /// <summary>
    /// The scalar loops test a block's codes for NaN and Inf with one bit pattern per format (ElementTable.SpecialMask
    /// and SpecialValue) and then sum plain fixed-point values: the pattern singles out exactly the special codes of each
    /// format (all 256 byte values, bits above the width included), and random blocks of every pair — k = 1 … 40 and 64,
    /// codes of any bits, with and without NaN/Inf — give Σ Fixed_a·Fixed_b and the OR of the NaN/Inf class bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(FormatPairs))]
    public void SpecialCodesAreFoundAndFiniteBlocksSumExactly(int fa, int fb)
    {
        var ta = ElementTable.ForCode(fa);
        var tb = ElementTable.ForCode(fb);
        foreach (var t in new[] { ta, tb })
            for (int c = 0; c < 256; c++)
                Assert.True(((c & t.SpecialMask) == t.SpecialValue) == ((t.Class[c] & ElementTable.TagMask) != 0),
                    $"{t.Format.Name} 0x{c:x2}: special pattern {t.SpecialMask:x2}/{t.SpecialValue:x2}");
        const int special = ElementTable.ClassNaN | ElementTable.ClassInfinity;
        var finiteA = Enumerable.Range(0, 256).Where(c => (ta.Class[c] & special) == 0).ToArray();
        var finiteB = Enumerable.Range(0, 256).Where(c => (tb.Class[c] & special) == 0).ToArray();
        var rng = new MxRef.Random.MxRandom((ulong)(1000 + fa * 6 + fb));
        foreach (int k in Enumerable.Range(1, 40).Append(64))
            for (int trial = 0; trial < 60; trial++)
            {
                var a = new byte[k];
                var b = new byte[k];
                for (int i = 0; i < k; i++)
                {
                    a[i] = (byte)finiteA[rng.NextBelow((ulong)finiteA.Length)];
                    b[i] = (byte)finiteB[rng.NextBelow((ulong)finiteB.Length)];
                }
                if (trial % 3 == 1) a[rng.NextBelow((ulong)k)] = (byte)rng.NextBelow(256); // any code, special or not
                if (trial % 3 == 2) b[rng.NextBelow((ulong)k)] = (byte)rng.NextBelow(256);
                System.Numerics.BigInteger want = 0;
                int wantClasses = 0;
                for (int i = 0; i < k; i++)
                {
                    want += (System.Numerics.BigInteger)ta.Fixed[a[i]] * tb.Fixed[b[i]];
                    wantClasses |= (ta.Class[a[i]] | tb.Class[b[i]]) & special;
                }
                var (sum, classes) = MxDot.ProductSum(new BlockPair(ta, a, 127, tb, b, 127));
                Assert.True((System.Numerics.BigInteger)sum == want || wantClasses != 0,
                    $"{ta.Format.Name} × {tb.Format.Name}, k = {k}, trial {trial}: sum {sum}, want {want}");
                Assert.True((classes & special) == wantClasses,
                    $"{ta.Format.Name} × {tb.Format.Name}, k = {k}, trial {trial}: classes {classes}, want {wantClasses}");
            }
    }
}

/// <summary><c>fp32-sum</c>'s FPU path (rne) gives the rounding core's bits and flags.</summary>
public class Fp32SumFastPathTests
{
    [Theory]
    [MemberData(nameof(DotOracleTests.FormatPairs), MemberType = typeof(DotOracleTests))]
    public void NearestEvenOnTheFpuIsTheRoundingCore(int fa, int fb)
    {
        var rng = new MxRef.Random.MxRandom((ulong)(fa * 8 + fb + 77));
        foreach (int k in new[] { 1, 2, 7, 32, 64 })
            for (int i = 0; i < 400; i++)
            {
                var t = DotCase.Random(ref rng, fa, fb, (int)RoundingMode.NearestEven, k);
                var fast = Fp32SumModel.Dot(t.Block, t.C, RoundingMode.NearestEven, StandardFormats.Fp32);
                var core = Fp32SumModel.ByRoundingCore(t.Block, t.C, RoundingMode.NearestEven, StandardFormats.Fp32);
                Assert.True(fast == core, $"{t}: FPU {fast}, rounding core {core}");
            }
    }
}
