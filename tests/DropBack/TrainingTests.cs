using MxRef.DropBack;
using MxRef.Random;
using Xunit;

namespace MxRef.Tests.DropBack;

public class TrainingTests
{
    private static readonly TrainingOracle.Layer[] Net =
    [
        new(2, 300, 1, 0x3D800000, false),  // weights, U(−1/16, 1/16)
        new(0, 200, 12, 0x3D000000, false), // weights, Irwin–Hall n = 12; listed out of order on purpose
        new(1, 20, 1, 0x3C800000, true),    // a bias
    ];

    private static DropBackConfig Config(int k, int? freezeAfter = null) => new(
        0xC0FFEE, Net.Select(l => new DropBackLayer(l.Id, l.Count,
            l.Terms == 1 ? Initializer.Uniform(l.A) : Initializer.IrwinHall(l.Terms, l.A), l.IsBias)).ToArray(), k, freezeAfter);

    /// <summary>
    /// Ten steps of the model against the oracle, with coarse gradients (a few values) so that many accumulated
    /// updates tie and the (layer, index) tie-break decides; the mask freezes after step 6.
    /// </summary>
    [Theory]
    [InlineData(40, null)]
    [InlineData(40, 6)]
    [InlineData(0, null)]
    [InlineData(1000, null)]
    public void StepsAgreeWithTheOracle(int k, int? freezeAfter)
    {
        var config = Config(k, freezeAfter);
        var rng = new MxRandom(9);
        var store = TrackedStore.Empty;
        var oracle = new List<(uint Layer, uint Index, uint Value)>();
        uint lr = 0x3D800000; // 1/16
        for (int step = 0; step < 10; step++)
        {
            var gradients = Net.Select(l => Enumerable.Range(0, l.Count).Select(_ => Gradient(ref rng)).ToArray()).ToArray();
            store = DropBackTraining.Step(config, store, gradients, lr, step);
            oracle = TrainingOracle.Step(config.Seed, Net, oracle, gradients, lr, k, config.IsFrozen(step));
            Assert.Equal(oracle, store.Entries.ToArray().Select(e => (e.Layer, e.Index, e.Value)).ToList());
            Assert.True(store.Entries.ToArray().Count(e => e.Layer != 1) <= k);
        }
    }

    [Fact]
    public void TheFrozenMaskKeepsItsPositions()
    {
        var config = Config(25, freezeAfter: 2);
        var rng = new MxRandom(4);
        var store = TrackedStore.Empty;
        string[] positions = [];
        for (int step = 0; step < 6; step++)
        {
            var gradients = Net.Select(l => Enumerable.Range(0, l.Count).Select(_ => Gradient(ref rng)).ToArray()).ToArray();
            store = DropBackTraining.Step(config, store, gradients, 0x3D800000, step);
            var now = store.Entries.ToArray().Select(e => $"{e.Layer}:{e.Index}").ToArray();
            if (step >= 2) Assert.Equal(positions, now);
            positions = now;
        }
    }

    [Fact]
    public void TiesGoToTheLowerLayerThenIndex()
    {
        // All gradients equal: every weight moves by the same lr·g; equal scores are common, and with k = 3 the
        // winners among equal scores must be the lowest positions. Checked against a direct sort.
        var config = new DropBackConfig(1, [new DropBackLayer(5, 64, Initializer.Uniform(0x3A800000)), new DropBackLayer(4, 64, Initializer.Uniform(0x3A800000))], 3);
        uint[][] g = [Enumerable.Repeat(0x3F800000u, 64).ToArray(), Enumerable.Repeat(0x3F800000u, 64).ToArray()];
        var store = DropBackTraining.Step(config, TrackedStore.Empty, g, 0x3F800000, 0);
        var expected = TrainingOracle.Step(1, [new(5, 64, 1, 0x3A800000, false), new(4, 64, 1, 0x3A800000, false)], [], g, 0x3F800000, 3, false);
        Assert.Equal(expected, store.Entries.ToArray().Select(e => (e.Layer, e.Index, e.Value)).ToList());
        Assert.All(store.Entries.ToArray(), e => Assert.Equal(4u, e.Layer)); // layer 4 wins every tie against layer 5
    }

    [Fact]
    public void UnsortedOrDuplicateStoresAreRejected()
    {
        var unsorted = Assert.Throws<ArgumentException>(() => new TrackedStore([new(1, 5, 0), new(1, 4, 0)]));
        Assert.Contains("entry 1 (layer 1, index 4) comes after entry 0 (layer 1, index 5)", unsorted.Message);
        var duplicate = Assert.Throws<ArgumentException>(() => new TrackedStore([new(0, 9, 0), new(1, 4, 0), new(1, 4, 1)]));
        Assert.Contains("entry 2 (layer 1, index 4) duplicates entry 1", duplicate.Message);
    }

    [Fact]
    public void BadStepInputsAreRejected()
    {
        var config = Config(2);
        uint[][] g = Net.Select(l => new uint[l.Count]).ToArray();
        Assert.Contains("more than k = 2", Assert.Throws<ArgumentException>(() =>
            DropBackTraining.Step(config, new TrackedStore([new(0, 1, 0), new(0, 2, 0), new(2, 3, 0)]), g, 0x3D800000, 0)).Message);
        Assert.Contains("beyond layer 2's 300 weights", Assert.Throws<ArgumentException>(() =>
            DropBackTraining.Step(config, new TrackedStore([new(2, 300, 0)]), g, 0x3D800000, 0)).Message);
        Assert.Contains("not a layer of the run", Assert.Throws<ArgumentException>(() =>
            DropBackTraining.Step(config, new TrackedStore([new(7, 0, 0)]), g, 0x3D800000, 0)).Message);
        g[0][3] = 0x7FC00000;
        Assert.Contains("index 3: gradient 0x7fc00000 is not finite", Assert.Throws<ArgumentException>(() =>
            DropBackTraining.Step(config, TrackedStore.Empty, g, 0x3D800000, 0)).Message);
    }

    [Fact]
    public void TheAccessPathReadsTrackedValuesOverW0()
    {
        var init = Initializer.Uniform(0x3D800000);
        var store = new TrackedStore([new(3, 10, 0x3F800000), new(3, 40, 0xBF800000), new(4, 11, 0x40000000)]);
        var w = new uint[32];
        WeightRegenerator.Weights(5, 3, init, 32, w, store);
        for (uint i = 0; i < 32; i++)
            Assert.Equal(i + 32 == 40 ? 0xBF800000 : InitialWeightOracle.Weight(5, 3, i + 32, 1, 0x3D800000), w[i]);
    }

    /// <summary>A few coarse values (ties) and some fine ones, all finite.</summary>
    private static uint Gradient(ref MxRandom rng) => rng.NextInt(0, 4) switch
    {
        0 => 0,
        1 => 0x3F800000u | (uint)rng.NextBits(1) << 31,
        2 => 0x3E000000u | (uint)rng.NextBits(1) << 31,
        _ => (uint)rng.NextBits(1) << 31 | (uint)rng.NextInt(110, 128) << 23 | (uint)rng.NextBits(23),
    };
}
