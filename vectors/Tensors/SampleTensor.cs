using System.Globalization;
using System.Text;
using MxRef.Random;

namespace MxRef.Vectors.Tensors;

/// <summary>
/// A deterministic FP32 tensor shaped like activations (a sum of uniforms, roughly normal, scaled per row of 32 by a
/// random power of two), for benchmarks and examples: the same (count, seed) give the same bits everywhere.
/// </summary>
public static class SampleTensor
{
    public static uint[] Create(int count, ulong seed)
    {
        var rng = new MxRandom(seed);
        var bits = new uint[count];
        float rowScale = 1;
        for (int i = 0; i < count; i++)
        {
            if (i % 32 == 0) rowScale = MathF.ScaleB(1, rng.NextInt(-8, 9));
            float u = 0;
            for (int j = 0; j < 4; j++) u += (float)(rng.NextUInt64() >> 40) / (1 << 24);
            bits[i] = BitConverter.SingleToUInt32Bits((u - 2) * rowScale);
        }
        return bits;
    }

    /// <summary>The values as text, one per line, each with the 9 significant digits that give its FP32 bits back.</summary>
    public static void WriteText(string path, uint[] bits)
    {
        AtomicWrite.Bytes(path, s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), 1 << 20);
            foreach (uint b in bits) w.WriteLine(BitConverter.UInt32BitsToSingle(b).ToString("G9", CultureInfo.InvariantCulture));
        });
    }
}
