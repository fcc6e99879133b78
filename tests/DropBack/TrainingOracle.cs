using MxRef.DropBack;

namespace MxRef.Tests.DropBack;

/// <summary>
/// The DropBack step written the way a NumPy trainer would: FP32 arithmetic of the machine (w − lr·g, no fused
/// multiply-add), W0 from <see cref="InitialWeightOracle"/>, and the selection as a LINQ sort on
/// (|W' − W0| descending, layer, index). It shares only the data types with the model.
/// </summary>
public static class TrainingOracle
{
    public sealed record Layer(uint Id, int Count, int Terms, uint A, bool IsBias);

    public static List<(uint Layer, uint Index, uint Value)> Step(ulong seed, Layer[] layers, List<(uint Layer, uint Index, uint Value)> store,
        uint[][] gradients, uint learningRate, int k, bool frozen)
    {
        float lr = BitConverter.UInt32BitsToSingle(learningRate);
        var stored = store.ToDictionary(e => (e.Layer, e.Index), e => e.Value);
        var result = new List<(uint Layer, uint Index, uint Value)>();
        var candidates = new List<(uint Layer, uint Index, uint Value, float Score)>();
        for (int j = 0; j < layers.Length; j++)
        {
            var l = layers[j];
            for (uint i = 0; i < l.Count; i++)
            {
                bool tracked = stored.TryGetValue((l.Id, i), out uint current);
                if (!l.IsBias && frozen && !tracked) continue;
                float w0 = F(InitialWeightOracle.Weight(seed, l.Id, i, l.Terms, l.A));
                float w = tracked ? F(current) : w0;
                float product = lr * F(gradients[j][i]);
                float next = w - product;
                if (l.IsBias || frozen) result.Add((l.Id, i, Bits(next)));
                else
                {
                    float score = Math.Abs(next - w0);
                    if (score != 0) candidates.Add((l.Id, i, Bits(next), score));
                }
            }
        }
        result.AddRange(candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Layer).ThenBy(c => c.Index).Take(k)
            .Select(c => (c.Layer, c.Index, c.Value)));
        return [.. result.OrderBy(e => e.Layer).ThenBy(e => e.Index)];
    }

    private static float F(uint bits) => BitConverter.UInt32BitsToSingle(bits);
    private static uint Bits(float f) => BitConverter.SingleToUInt32Bits(f);
}
