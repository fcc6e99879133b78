using System.Numerics;
using FsCheck;
using FsCheck.Xunit;
using MxRef.DropBack;
using MxRef.Random;
using Xunit;

namespace MxRef.Tests.DropBack;

public class InitializerTests
{
    private const uint Quarter = 0x3E800000; // 0.25

    [Theory]
    [InlineData(0x3D800000u)] // 1/16
    [InlineData(0x3F800000u)] // 1
    [InlineData(0x3D13CD3Au)] // an arbitrary bound with a full significand
    [InlineData(0x01000000u)] // the smallest a, 2^-125: small products underflow into the subnormals
    [InlineData(0x7F7FFFFFu)] // the largest finite value
    public void UniformAgreesWithTheRationalOracleAndTheFpu(uint a)
    {
        var init = Initializer.Uniform(a);
        var rng = new MxRandom(a);
        float scale = BitConverter.UInt32BitsToSingle(a);
        for (int n = 0; n < 1 << 16; n++)
        {
            uint r = (uint)rng.NextBits(24);
            uint got = init.FromBits(r);
            Assert.Equal(InitialWeightOracle.Scaled(2 * (BigInteger)r + 1 - (1 << 24), a), got);
            // The FPU as a second oracle: c / 2^24 is exact in FP32, then one IEEE multiply.
            float u = ((int)(2 * r + 1) - (1 << 24)) / 16777216f;
            Assert.Equal(BitConverter.SingleToUInt32Bits(u * scale), got);
        }
    }

    [Fact]
    [Trait("Category", "Long")]
    public void UniformIsExhaustivelyRightForEveryDraw()
    {
        foreach (uint a in new[] { 0x3D800000u, 0x3D13CD3Au, 0x01000000u })
        {
            var init = Initializer.Uniform(a);
            float scale = BitConverter.UInt32BitsToSingle(a);
            for (uint r = 0; r < 1 << 24; r++)
            {
                uint got = init.FromBits(r);
                if (got != BitConverter.SingleToUInt32Bits(((int)(2 * r + 1) - (1 << 24)) / 16777216f * scale)
                    || (r % 61 == 0 && got != InitialWeightOracle.Scaled(2 * (BigInteger)r + 1 - (1 << 24), a)))
                    Assert.Fail($"a 0x{a:x8} r 0x{r:x6}");
            }
        }
    }

    [Theory]
    [InlineData(0u, 1, 0x3D800000u)]
    [InlineData(3u, 2, 0x3F800000u)]
    [InlineData(5u, 12, 0x3F000000u)]
    [InlineData(9u, 16, 0x3C23D70Au)]
    public void GeneratedWeightsAgreeWithTheOracle(uint layer, int terms, uint a)
    {
        var init = terms == 1 ? Initializer.Uniform(a) : Initializer.IrwinHall(terms, a);
        const ulong seed = 0xDEADBEEFCAFEF00D;
        var w = new uint[1000];
        uint start = 4_000_000_001; // not a multiple of 4: the first Philox call serves lanes 1..3 only
        WeightRegenerator.Initial(seed, layer, init, start, w);
        for (uint i = 0; i < w.Length; i++)
            Assert.Equal(InitialWeightOracle.Weight(seed, layer, start + i, terms, a), w[i]);
    }

    [Fact]
    public void IrwinHallSumsAreExactAndRoundedOnce()
    {
        var rng = new MxRandom(5);
        for (int n = 0; n < 20000; n++)
        {
            int terms = rng.NextInt(1, 17);
            uint a = (uint)rng.NextInt(0x01000000, 0x70000000);
            var init = Initializer.IrwinHall(terms, a);
            int sum = 0;
            for (int t = 0; t < terms; t++) sum += Initializer.Centered((uint)rng.NextBits(24));
            Assert.Equal(InitialWeightOracle.Scaled(sum, a), init.Value(sum));
        }
    }

    [Fact]
    public void UniformIsIrwinHallWithOneTerm()
    {
        var w1 = new uint[257];
        var w2 = new uint[257];
        WeightRegenerator.Initial(3, 1, Initializer.Uniform(Quarter), 100, w1);
        WeightRegenerator.Initial(3, 1, Initializer.IrwinHall(1, Quarter), 100, w2);
        Assert.Equal(w1, w2);
    }

    /// <summary>The same (seed, layer, index) gives the same weight whichever range it is generated in.</summary>
    [Property(MaxTest = 300)]
    public bool SameCounterSameWeight(ulong seed, uint layer, uint index, byte before, byte after, bool irwinHall)
    {
        var init = irwinHall ? Initializer.IrwinHall(12, 0x3F000000) : Initializer.Uniform(Quarter);
        uint start = index >= before ? index - before : 0;
        int count = (int)Math.Min((ulong)(index - start) + 1 + after, (1UL << 32) - start);
        var w = new uint[count];
        WeightRegenerator.Initial(seed, layer, init, start, w);
        uint single = WeightRegenerator.InitialAt(seed, layer, init, index);
        return w[index - start] == single && single == WeightRegenerator.InitialAt(seed, layer, init, index);
    }

    /// <summary>Blocks generated one by one in a shuffled order equal the blocks of one sequential call.</summary>
    [Property(MaxTest = 100)]
    public bool BlocksDoNotDependOnTheirOrder(ulong seed, uint layer, ulong shuffleSeed, byte format)
    {
        var formats = new[] { "e4m3", "e2m1", "int8", "mx9", "mx4" };
        var f = BlockQuantizerAdapter.TryParse(formats[format % formats.Length])!;
        var init = Initializer.Uniform(0x3D800000);
        const int blocks = 8;
        uint start = (uint)(seed % 1000) * (uint)f.BlockSize;
        var whole = WeightRegenerator.Blocks(seed, layer, init, start, blocks * f.BlockSize, TrackedStore.Empty, f);
        var order = Enumerable.Range(0, blocks).ToArray();
        var rng = new MxRandom(shuffleSeed);
        for (int i = blocks - 1; i > 0; i--)
        {
            int j = rng.NextInt(0, i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        foreach (int b in order)
        {
            var one = WeightRegenerator.Blocks(seed, layer, init, start + (uint)(b * f.BlockSize), f.BlockSize, TrackedStore.Empty, f);
            int m = one.MicroexponentsPerBlock;
            if (one.Scales[0] != whole.Scales[b]
                || !one.Elements.AsSpan().SequenceEqual(whole.Elements.AsSpan(b * f.BlockSize, f.BlockSize))
                || !one.Microexponents.AsSpan().SequenceEqual(whole.Microexponents.AsSpan(b * m, m)))
                return false;
        }
        return true;
    }

    /// <summary>
    /// The binary64-then-convert evaluation of w = RN_fp32(S·2^−24·a) equals the rounding core on the exact product,
    /// for any sum of up to 16 draws and any valid a (subnormal results and the overflow check's Inf included).
    /// </summary>
    [Property(MaxTest = 20000)]
    public bool ValueEqualsTheRoundingCore(int sumBits, uint aBits, byte shift)
    {
        uint a = Math.Clamp(aBits & 0x7FFFFFFF, Initializer.MinScale, 0x7F7FFFFFu);
        var init = Initializer.Uniform(a);
        int sum = (sumBits % (16 << 24)) >> (shift % 29); // |S| < 16·2^24, all magnitudes
        return init.Value(sum) == init.ValueByRoundingCore(sum);
    }

    /// <summary>r and 2^24 − 1 − r give opposite weights; every weight is non-zero and strictly inside (−a, a).</summary>
    [Property(MaxTest = 2000)]
    public bool UniformIsSymmetricAndInsideTheBound(uint r, uint aBits)
    {
        uint a = Math.Clamp(aBits & 0x7FFFFFFF, Initializer.MinScale, 0x7F7FFFFFu); // positive, finite, ≥ 2^-125
        var init = Initializer.Uniform(a);
        r &= 0xFFFFFF;
        uint w = init.FromBits(r), mirror = init.FromBits(0xFFFFFF - r);
        return mirror == (w ^ 0x80000000) && (w & 0x7FFFFFFF) != 0 && (w & 0x7FFFFFFF) < a;
    }

    [Theory]
    [InlineData("gaussian:a=0x3d800000", "unknown initializer 'gaussian'; valid: uniform:a=A, kaiming-uniform:a=A, glorot-uniform:a=A, irwin-hall:n=N,a=A")]
    [InlineData("uniform:a=0x00000000", "a must be a positive, finite FP32 value of at least 2^-125")]
    [InlineData("uniform:a=0xbd800000", "a must be a positive, finite FP32 value of at least 2^-125")]
    [InlineData("uniform:a=0x00000001", "a must be a positive, finite FP32 value of at least 2^-125")]
    [InlineData("uniform:a=0x00800000", "a must be a positive, finite FP32 value of at least 2^-125")]
    [InlineData("uniform:a=0x7f800000", "a must be a positive, finite FP32 value of at least 2^-125")]
    [InlineData("uniform:a=0.25", "is not an FP32 bit pattern")]
    [InlineData("uniform", "missing a=")]
    [InlineData("irwin-hall:a=0x3f800000", "missing n=N")]
    [InlineData("irwin-hall:n=17,a=0x3f800000", "n='17' must be an integer 1..16")]
    [InlineData("irwin-hall:n=16,a=0x7f000000", "n·a overflows FP32")]
    [InlineData("uniform:a=0x3f800000,n=2", "unknown parameter 'n'")]
    public void BadInitializersAreRejectedWithAReason(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => Initializer.Parse(text));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("uniform:a=0x3d800000")]
    [InlineData("kaiming-uniform:a=0x3d13cd3a")]
    [InlineData("glorot-uniform:a=0x3e000000")]
    [InlineData("irwin-hall:n=12,a=0x3f000000")]
    public void ParsingRoundTrips(string text) => Assert.Equal(text, Initializer.Parse(text).ToString());
}
