using MxRef.Random;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Verify;

/// <summary>
/// Index-addressable random vectors: vector i is a pure function of (seed, i) through <see cref="MxRandom.ForStream"/>,
/// so a slice of the index range can be produced anywhere, in any order, and a mismatch is re-run from its index alone.
/// Uniform over format pairs, rounding modes and element codes; scales mostly near 2^0 so that most results are finite.
/// </summary>
public sealed class RandomSource(ulong seed, long count, RunSlice slice, long? onlyIndex) : IVectorSource, IVectorOrigins
{
    private long _next = -1, _end;

    public long Total => count;

    public bool Claim(VectorBatch batch)
    {
        if (_next < 0)
        {
            (_next, _end) = onlyIndex is { } i ? (i, i + 1) : slice.Range(count);
            if (onlyIndex is { } j && (j < 0 || j >= count)) throw new UsageException($"--index {j} is outside the run's {count} vectors");
        }
        while (batch.Count < VectorBatch.Capacity && _next < _end) batch.Origin[batch.Count++] = _next++;
        return batch.Count > 0;
    }

    public void Materialize(VectorBatch batch, int i) => Build(seed, batch.Origin[i], batch.Vectors[i]);

    public static void Build(ulong seed, long index, DotVector v)
    {
        var rng = MxRandom.ForStream(seed, (ulong)index);
        v.FormatA = rng.NextInt(0, 6);
        v.FormatB = rng.NextInt(0, 6);
        v.Rounding = rng.NextInt(0, 6);
        v.ScaleA = Scale(ref rng);
        v.ScaleB = Scale(ref rng);
        int wa = DotLine.ElementWidth(v.FormatA), wb = DotLine.ElementWidth(v.FormatB);
        for (int e = 0; e < v.K; e++)
        {
            v.A[e] = (byte)rng.NextBits(wa);
            v.B[e] = (byte)rng.NextBits(wb);
        }
        v.C = rng.NextInt(0, 4) switch
        {
            0 => 0,
            1 => rng.NextUInt32(),
            _ => (rng.NextUInt32() & 0x807FFFFF) | ((uint)rng.NextInt(100, 154) << 23), // magnitudes near the product sum
        };
    }

    private static byte Scale(ref MxRandom rng) => rng.NextInt(0, 8) == 0 ? (byte)rng.NextBits(8) : (byte)rng.NextInt(117, 138);

    public string Describe(string? file, long origin) => $"generated vector #{origin} (seed {seed})";

    public string ReproOptions(string? file, long origin) => $"--seed {seed} --count {count} --index {origin}";

    public void Dispose()
    {
    }
}
