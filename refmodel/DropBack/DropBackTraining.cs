namespace MxRef.DropBack;

/// <summary>
/// One parameter tensor of the network: its layer number (the Philox counter word and the tie-break order), its
/// size, its initializer, and whether it is a bias. Biases are always tracked and stored densely outside the k
/// budget: they are a tiny share of the parameters and DropBack prunes the weights only (docs/dropback.md).
/// </summary>
public sealed record DropBackLayer(uint Layer, int Count, Initializer Init, bool IsBias = false);

/// <summary>
/// A DropBack run: the seed of W0, the parameter tensors, k (tracked weights, biases excluded) and the optional step
/// from which the tracked set is frozen (null: never).
/// </summary>
public sealed record DropBackConfig
{
    public ulong Seed { get; }
    public IReadOnlyList<DropBackLayer> Layers { get; }
    public int TrackedCount { get; }
    public int? FreezeAfter { get; }

    public DropBackConfig(ulong seed, IReadOnlyList<DropBackLayer> layers, int trackedCount, int? freezeAfter = null)
    {
        if (trackedCount < 0) throw new ArgumentOutOfRangeException(nameof(trackedCount), trackedCount, "k must be at least 0");
        if (freezeAfter < 0) throw new ArgumentOutOfRangeException(nameof(freezeAfter), freezeAfter, "the freeze step must be at least 0");
        var ids = new HashSet<uint>();
        foreach (var l in layers)
        {
            if (l.Count < 1) throw new ArgumentOutOfRangeException(nameof(layers), $"layer {l.Layer} has {l.Count} weights; at least 1 is needed");
            if (!ids.Add(l.Layer)) throw new ArgumentException($"layer {l.Layer} is listed twice; layer numbers must be distinct", nameof(layers));
        }
        Seed = seed;
        Layers = layers;
        TrackedCount = trackedCount;
        FreezeAfter = freezeAfter;
    }

    /// <summary>Whether the tracked set of step <paramref name="step"/> (0-based) is frozen.</summary>
    public bool IsFrozen(int step) => FreezeAfter is int n && step >= n;
}

/// <summary>
/// The DropBack training step in FP32, bit-exact (Golub, Lemieux, Lis, "DropBack: Continuous Pruning During
/// Training"): every weight reads as its tracked value or, if untracked, its regenerated W0; SGD updates it,
/// <c>W' = RN(W − RN(η × g))</c>; then the k weights with the largest accumulated update <c>s = |RN(W' − W0)|</c>
/// over all (non-bias) layers together are kept — one global threshold, ties broken by the lower (layer, index) —
/// and every other weight is forgotten (reads as W0 again). A weight with s = 0 equals its W0 and is not stored.
/// With the set frozen, only the tracked weights are updated and the set does not change. Biases are always updated
/// and kept. All arithmetic goes through <see cref="Fp32Arithmetic"/> (the rounding core).
/// </summary>
public static class DropBackTraining
{
    /// <summary>The new store after step number <paramref name="step"/> (frozen from <see cref="DropBackConfig.FreezeAfter"/>).</summary>
    public static TrackedStore Step(DropBackConfig config, TrackedStore store, IReadOnlyList<uint[]> gradients, uint learningRate, int step) =>
        Step(config, store, gradients, learningRate, config.IsFrozen(step));

    /// <summary>
    /// The new store. <paramref name="gradients"/>[j] holds the FP32 gradient of every parameter of
    /// config.Layers[j] (finite values); <paramref name="learningRate"/> is η as FP32 bits (finite).
    /// </summary>
    public static TrackedStore Step(DropBackConfig config, TrackedStore store, IReadOnlyList<uint[]> gradients, uint learningRate, bool frozen)
    {
        Check(config, store, gradients, learningRate);
        var layers = config.Layers.Select((l, j) => (Layer: l, Gradient: gradients[j])).OrderBy(p => p.Layer.Layer).ToArray();
        var kept = new List<TrackedEntry>();
        var candidates = new List<(TrackedEntry Entry, uint Score)>();
        foreach (var (layer, gradient) in layers)
        {
            var w0 = new uint[layer.Count];
            WeightRegenerator.Initial(config.Seed, layer.Layer, layer.Init, 0, w0);
            var current = (uint[])w0.Clone();
            var tracked = store.Layer(layer.Layer);
            foreach (var e in tracked) current[e.Index] = e.Value;
            if (layer.IsBias)
            {
                for (uint i = 0; i < layer.Count; i++) kept.Add(new(layer.Layer, i, Update(current[i], gradient[i], learningRate, layer, i)));
                continue;
            }
            if (frozen)
            {
                foreach (var e in tracked) kept.Add(e with { Value = Update(e.Value, gradient[e.Index], learningRate, layer, e.Index) });
                continue;
            }
            for (uint i = 0; i < layer.Count; i++)
            {
                uint next = Update(current[i], gradient[i], learningRate, layer, i);
                uint score = Fp32Arithmetic.Subtract(next, w0[i]) & 0x7FFFFFFF; // |RN(W' − W0)|, finite
                if (score != 0) candidates.Add((new TrackedEntry(layer.Layer, i, next), score));
            }
        }
        if (!frozen) kept.AddRange(SelectTopK(candidates, config.TrackedCount));
        kept.Sort(TrackedEntry.ComparePosition);
        return new TrackedStore(kept);
    }

    /// <summary>
    /// The k largest scores, ties to the lower (layer, index). Scores are non-negative finite FP32 bit patterns, whose
    /// unsigned order is their numeric order.
    /// </summary>
    public static IEnumerable<TrackedEntry> SelectTopK(List<(TrackedEntry Entry, uint Score)> candidates, int k)
    {
        candidates.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : TrackedEntry.ComparePosition(a.Entry, b.Entry));
        return candidates.Take(k).Select(c => c.Entry);
    }

    /// <summary>SGD in FP32: W' = RN(W − RN(η × g)); a non-finite result means the run diverged.</summary>
    public static uint Update(uint weight, uint gradient, uint learningRate, DropBackLayer layer, uint index)
    {
        uint next = Fp32Arithmetic.Subtract(weight, Fp32Arithmetic.Multiply(learningRate, gradient));
        if ((next & 0x7F800000) == 0x7F800000)
            throw new ArgumentException($"layer {layer.Layer} index {index}: the update 0x{weight:x8} - lr*0x{gradient:x8} is not finite (0x{next:x8}); training diverged");
        return next;
    }

    private static void Check(DropBackConfig config, TrackedStore store, IReadOnlyList<uint[]> gradients, uint learningRate)
    {
        if ((learningRate & 0x7F800000) == 0x7F800000)
            throw new ArgumentException($"the learning rate 0x{learningRate:x8} is not finite");
        if (gradients.Count != config.Layers.Count)
            throw new ArgumentException($"{gradients.Count} gradient tensors for {config.Layers.Count} layers");
        for (int j = 0; j < gradients.Count; j++)
        {
            var layer = config.Layers[j];
            if (gradients[j].Length != layer.Count)
                throw new ArgumentException($"layer {layer.Layer}: {gradients[j].Length} gradients for {layer.Count} weights");
            for (int i = 0; i < gradients[j].Length; i++)
                if ((gradients[j][i] & 0x7F800000) == 0x7F800000)
                    throw new ArgumentException($"layer {layer.Layer} index {i}: gradient 0x{gradients[j][i]:x8} is not finite");
        }
        var byId = config.Layers.ToDictionary(l => l.Layer);
        int weights = 0;
        foreach (var e in store.Entries)
        {
            if (!byId.TryGetValue(e.Layer, out var layer))
                throw new ArgumentException($"tracked entry {e} names layer {e.Layer}, which is not a layer of the run");
            if (e.Index >= layer.Count)
                throw new ArgumentException($"tracked entry {e} is beyond layer {e.Layer}'s {layer.Count} weights");
            if ((e.Value & 0x7F800000) == 0x7F800000)
                throw new ArgumentException($"tracked entry {e} is not finite");
            if (!layer.IsBias) weights++;
        }
        if (weights > config.TrackedCount)
            throw new ArgumentException($"the tracked store holds {weights} weights, more than k = {config.TrackedCount}");
    }
}
