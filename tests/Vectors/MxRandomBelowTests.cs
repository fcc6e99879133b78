using System.Numerics;
using MxRef.Random;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// <c>MxRandom.NextBelow</c> forms the 128-bit product x·n in two 64-bit multiplies when n &lt; 2^32: its draws must be
/// those of Lemire's method (Lemire 2019, "Fast random integer generation in an interval", algorithm 5) computed here
/// with a BigInteger product, for bounds on both sides of 2^32 and at the edges.
/// </summary>
public class MxRandomBelowTests
{
    private static ulong Reference(ref MxRandom raw, ulong n)
    {
        while (true)
        {
            var product = (BigInteger)raw.NextUInt64() * n;
            ulong high = (ulong)(product >> 64), low = (ulong)(product & ulong.MaxValue);
            if (low >= n || low >= (0 - n) % n) return high;
        }
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(100UL)]
    [InlineData(4096UL)]
    [InlineData(0xFFFF_FFFFUL)]           // the largest bound of the two-multiply path
    [InlineData(0x1_0000_0000UL)]         // the smallest of Math.BigMul's
    [InlineData(0x8000_0000_0000_0001UL)] // rejections are frequent
    [InlineData(ulong.MaxValue)]
    public void NextBelowDrawsLemiresValues(ulong n)
    {
        for (ulong seed = 0; seed < 20; seed++)
        {
            var fast = MxRandom.ForStream(seed, n);
            var raw = MxRandom.ForStream(seed, n);
            for (int i = 0; i < 500; i++) Assert.Equal(Reference(ref raw, n), fast.NextBelow(n));
        }
    }

    [Fact]
    public void NextBelowDrawsLemiresValuesForRandomBounds()
    {
        var bounds = new MxRandom(42);
        for (int i = 0; i < 20_000; i++)
        {
            ulong n = bounds.NextUInt64() >> (int)bounds.NextBelow(64);
            if (n == 0) continue;
            var fast = MxRandom.ForStream(7, (ulong)i);
            var raw = MxRandom.ForStream(7, (ulong)i);
            Assert.Equal(Reference(ref raw, n), fast.NextBelow(n));
        }
    }
}
