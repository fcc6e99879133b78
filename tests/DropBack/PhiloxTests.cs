using System.Globalization;
using MxRef.DropBack;
using MxRef.Random;
using Xunit;

namespace MxRef.Tests.DropBack;

public class PhiloxTests
{
    /// <summary>
    /// Random123's known answers, from its kat_vectors file as copied into DEShawResearch/Random123-Boost,
    /// libs/random/test/test_philox.cpp (test_kat_philox4x32): counter c0..c3, key k0 k1, then the four output words.
    /// </summary>
    [Theory]
    [InlineData(7, "00000000 00000000 00000000 00000000 00000000 00000000", "5f6fb709 0d893f64 4f121f81 4f730a48")]
    [InlineData(7, "ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff", "5207ddc2 45165e59 4d8ee751 8c52f662")]
    [InlineData(7, "243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0", "4dfccaba 190a87f0 c47362ba b6b5242a")]
    [InlineData(10, "00000000 00000000 00000000 00000000 00000000 00000000", "6627e8d5 e169c58d bc57ac4c 9b00dbd8")]
    [InlineData(10, "ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff", "408f276d 41c83b0e a20bc7c6 6d5451fd")]
    [InlineData(10, "243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0", "d16cfe09 94fdcceb 5001e420 24126ea1")]
    public void MatchesRandom123KnownAnswers(int rounds, string input, string expected)
    {
        uint[] x = Words(input), want = Words(expected);
        var got = Philox4x32.Generate(x[0], x[1], x[2], x[3], x[4], x[5], rounds);
        Assert.Equal(want, new[] { got.X0, got.X1, got.X2, got.X3 });
        if (rounds == 10) Assert.Equal(got, Philox4x32.Generate10(x[0], x[1], x[2], x[3], x[4], x[5]));
        Assert.Equal(want, PhiloxOracle.Philox4x32(x[..4], x[4..], rounds)); // the oracle itself is anchored too
    }

    /// <summary>10^6 pseudo-random (counter, key) pairs against the independent re-implementation.</summary>
    [Fact]
    public void AgreesWithTheOracleOnAMillionCounters() => CompareWithOracle(1_000_000, 11);

    [Fact]
    [Trait("Category", "Long")]
    public void AgreesWithTheOracleOnAHundredMillionCounters() => CompareWithOracle(100_000_000, 12);

    /// <summary>Consecutive weight counters (index/4, layer, draw, 0), the layout <see cref="WeightStream"/> uses.</summary>
    [Fact]
    public void WeightStreamIsPhiloxOfTheDocumentedCounter()
    {
        const ulong seed = 0x0123456789ABCDEF;
        for (uint index = 0; index < 4096; index++)
            for (uint draw = 0; draw < 3; draw++)
            {
                var words = PhiloxOracle.Philox4x32([index / 4, 7, draw, 0], [0x89ABCDEF, 0x01234567], 10);
                Assert.Equal(words[index % 4], WeightStream.Word(seed, 7, index, draw));
            }
    }

    /// <summary>
    /// The eight-wide AVX-512 Philox (the regenerator's bulk path) against the independent re-implementation, counter
    /// word 0 running across 2^32 − 1 → 0 in some of the eight lanes.
    /// </summary>
    [Fact]
    public void EightWideAgreesWithTheOracle()
    {
        if (!Philox4x32.EightWide) return; // the scalar path serves this machine, and the tests above cover it
        var rng = new MxRandom(13);
        for (int n = 0; n < 20000; n++)
        {
            ulong a = rng.NextUInt64(), b = rng.NextUInt64(), c = rng.NextUInt64();
            uint c0 = n % 4 == 0 ? uint.MaxValue - (uint)(a % 8) : (uint)a;
            Philox4x32.Generate10x8(c0, (uint)(a >> 32), (uint)b, (uint)(b >> 32), (uint)c, (uint)(c >> 32), out var x0, out var x1, out var x2, out var x3);
            for (uint j = 0; j < 8; j++)
            {
                var want = PhiloxOracle.Philox4x32([unchecked(c0 + j), (uint)(a >> 32), (uint)b, (uint)(b >> 32)], [(uint)c, (uint)(c >> 32)], 10);
                Assert.Equal(want, new[] { (uint)x0[(int)j], (uint)x1[(int)j], (uint)x2[(int)j], (uint)x3[(int)j] });
            }
        }
    }

    private static void CompareWithOracle(long count, ulong seed)
    {
        var rng = new MxRandom(seed);
        for (long n = 0; n < count; n++)
        {
            ulong a = rng.NextUInt64(), b = rng.NextUInt64(), c = rng.NextUInt64();
            uint[] counter = [(uint)a, (uint)(a >> 32), (uint)b, (uint)(b >> 32)];
            uint[] key = [(uint)c, (uint)(c >> 32)];
            var got = n % 2 == 0
                ? Philox4x32.Generate(counter[0], counter[1], counter[2], counter[3], key[0], key[1])
                : Philox4x32.Generate10(counter[0], counter[1], counter[2], counter[3], key[0], key[1]);
            var want = PhiloxOracle.Philox4x32(counter, key, 10);
            if (got.X0 != want[0] || got.X1 != want[1] || got.X2 != want[2] || got.X3 != want[3])
                Assert.Fail($"counter {string.Join(' ', counter.Select(w => w.ToString("x8")))} key {key[0]:x8} {key[1]:x8}: model {got}, oracle {string.Join(' ', want.Select(w => w.ToString("x8")))}");
        }
    }

    private static uint[] Words(string s) =>
        s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => uint.Parse(w, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
}
