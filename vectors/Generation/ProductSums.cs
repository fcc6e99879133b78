using MxRef.Formats;
using System.Numerics;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Builds a block whose exact product sum Σ a_i·b_i is a chosen integer, in the golden model's fixed-point units
/// (2^-32, see ElementTable): the constructive half of the corner generator. Greedy over the format pair's distinct
/// positive products, largest first; a target needing more than the free slots is refused (the caller falls back).
/// </summary>
public sealed class ProductSums
{
    private readonly Int128[] _values;     // distinct positive products, descending
    private readonly (byte A, byte B)[] _codes;
    public ElementCodes A { get; }
    public ElementCodes B { get; }
    /// <summary>The smallest positive product: every product sum is a multiple of it (a power of two).</summary>
    public Int128 Quantum { get; }
    public int QuantumLog2 { get; }

    private static readonly ProductSums?[] Cache = new ProductSums?[64];

    public static ProductSums For(NumberFormat formatA, NumberFormat formatB)
    {
        ElementCodes a = ElementCodes.For(formatA), b = ElementCodes.For(formatB);
        int i = a.Index * 8 + b.Index;
        return Cache[i] ??= new ProductSums(a, b);
    }

    private ProductSums(ElementCodes a, ElementCodes b)
    {
        A = a; B = b;
        var best = new Dictionary<Int128, (byte, byte)>();
        foreach (var ca in a.PositiveFinite)
            foreach (var cb in b.PositiveFinite)
                best.TryAdd(Math.BigMul(a.Table.Fixed[ca], b.Table.Fixed[cb]), (ca, cb));
        var ordered = best.OrderByDescending(kv => kv.Key).ToArray();
        _values = ordered.Select(kv => kv.Key).ToArray();
        _codes = ordered.Select(kv => kv.Value).ToArray();
        Quantum = _values[^1];
        QuantumLog2 = 127 - (int)UInt128.LeadingZeroCount((UInt128)Quantum);
    }

    /// <summary>
    /// Fills elements [start, k) of A and B so that their products sum to ±<paramref name="target"/> (fixed-point
    /// units); unused slots get zeros. Returns false, leaving the slots zero, when the greedy split needs more slots.
    /// </summary>
    public bool TryFill(Int128 target, bool negative, byte[] a, byte[] b, int start)
    {
        for (int i = start; i < a.Length; i++) { a[i] = A.Zero; b[i] = B.Zero; }
        if (target < Int128.Zero) { target = -target; negative = !negative; }
        Int128 rest = target;
        int slot = start;
        while (rest > Int128.Zero)
        {
            int j = FirstAtMost(rest);
            if (slot >= a.Length || j < 0) return Fail(a, b, start);
            var (ca, cb) = _codes[j];
            a[slot] = negative ? A.Negate(ca) : ca;
            b[slot] = cb;
            rest -= _values[j];
            slot++;
        }
        return true;
    }

    private bool Fail(byte[] a, byte[] b, int start)
    {
        for (int i = start; i < a.Length; i++) { a[i] = A.Zero; b[i] = B.Zero; }
        return false;
    }

    private int FirstAtMost(Int128 x)
    {
        int lo = 0, hi = _values.Length; // values descending: find the first index with value ≤ x
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_values[mid] <= x) hi = mid; else lo = mid + 1;
        }
        return lo < _values.Length ? lo : -1;
    }
}
