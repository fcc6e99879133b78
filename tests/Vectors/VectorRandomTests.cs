using MxRef.Formats;
using MxRef.Random;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The random section's per-vector generator and field picks (<c>mxref-vectors/4</c>, docs/vectors.md "The PRNG"):
/// the stream is the documented SplitMix64 formula, a 16-bit pick covers [0, n) as evenly as 2^16 allows, and the
/// scale shares of the draw are the documented ones.
/// </summary>
public class VectorRandomTests
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [Theory]
    [InlineData(1UL, 0UL)]
    [InlineData(1UL, 999_999UL)]
    [InlineData(0xFFFF_FFFF_FFFF_FFFFUL, 1UL << 40)]
    public void StreamIsSplitMix64FromOneMixOfSeedAndIndex(ulong seed, ulong index)
    {
        var r = new VectorRandom(VectorRandom.KeyOf(seed), index);
        ulong x = Mix(Mix(seed) + index * Gamma);
        for (int k = 0; k < 40; k++)
        {
            x += Gamma;
            Assert.Equal(Mix(x), r.NextUInt64());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(255)]
    [InlineData(65536)]
    public void PickGivesEachValueTheFloorOrCeilingOfItsShare(int n)
    {
        var counts = new int[n];
        for (uint f = 0; f < 1u << 16; f++)
        {
            int p = VectorRandom.Pick(f | 0xABCD_0000UL << 16, n); // bits above the field are ignored
            Assert.InRange(p, 0, n - 1);
            counts[p]++;
        }
        int low = (1 << 16) / n, high = ((1 << 16) + n - 1) / n;
        Assert.All(counts, c => Assert.InRange(c, low, high));
    }

    [Fact]
    public void RandomScalesKeepTheirShares()
    {
        // docs/vectors.md "Random section": near unity 60 %, the three smallest 6 %, the three largest 6 %, NaN 2 %,
        // any finite code 26 % (E8M0; the rounding-boundary vectors, 8 %, place their scales themselves and are left out).
        const int n = 100_000;
        var gen = new DotVectorGenerator(DotGeneratorOptions.AllFormatsAndModes(seed: 5, count: n) with { Corners = false });
        var v = new DotVector(gen.Options.Block);
        int counted = 0, nan = 0, nearUnity = 0, smallest = 0, largest = 0;
        for (long i = 0; i < n; i++)
        {
            gen.GenerateInputs(i, v);
            foreach (byte s in new[] { v.ScaleA, v.ScaleB })
            {
                counted++;
                if (s == 0xFF) nan++;
                else if (s is >= 0x77 and <= 0x87) nearUnity++;
                else if (s <= 2) smallest++;
                else if (s >= 0xFC) largest++;
            }
        }
        // The uniform kind adds its share of each range (17, 3, 3 and 0 of its 255 codes); the boundary vectors add
        // scales of their own to the counts (about 8 % of them), so the bounds are loose: a broken pick is far outside.
        double share(int c) => (double)c / counted;
        Assert.InRange(share(nan), 0.016, 0.024);
        Assert.InRange(share(nearUnity), 0.55, 0.70);
        Assert.InRange(share(smallest), 0.045, 0.075);
        Assert.InRange(share(largest), 0.045, 0.075);
    }
}
