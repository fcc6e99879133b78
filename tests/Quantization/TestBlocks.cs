using MxRef.Formats;
using MxRef.Random;

namespace MxRef.Tests.Quantization;

/// <summary>Random FP32 blocks that reach every case a quantizer has: ties, zeros, subnormals, tiny and huge blocks, specials.</summary>
public static class TestBlocks
{
    /// <summary>MX9, MX6, MX4 (the order of the C ABI's bdr_fmt codes).</summary>
    public static readonly BlockFormat[] SharedMicroexponentFormats = [BlockFormat.Mx9, BlockFormat.Mx6, BlockFormat.Mx4];

    /// <summary>
    /// <paramref name="count"/> FP32 bit patterns around a random binade: exponents spread below it, some low mantissa
    /// bits cleared (exact ties), signed zeros, and — with <paramref name="specials"/> — sometimes NaN or ±Inf.
    /// </summary>
    public static uint[] Random(ref MxRandom rng, int count, bool specials = true)
    {
        int top = rng.NextInt(0, 8) switch
        {
            0 => rng.NextInt(0, 12),      // FP32 subnormal and tiny blocks: the scale clamps at 2^-127
            1 => rng.NextInt(240, 255),   // huge blocks
            _ => rng.NextInt(100, 160),
        };
        int spread = rng.NextInt(0, 3) == 0 ? rng.NextInt(0, 40) : rng.NextInt(0, 8);
        bool withSpecials = specials && rng.NextInt(0, 5) == 0;
        var x = new uint[count];
        for (int i = 0; i < count; i++)
        {
            uint sign = rng.NextBool() ? 0x80000000u : 0u;
            int kind = rng.NextInt(0, 40);
            if (kind == 0) { x[i] = sign; continue; }
            if (withSpecials && kind == 1) { x[i] = sign | 0x7F800000u; continue; }
            if (withSpecials && kind == 2) { x[i] = sign | 0x7FC00000u | (uint)rng.NextInt(0, 4); continue; }
            int e = Math.Clamp(top - rng.NextInt(0, spread + 1), 0, 254);
            uint mant = (uint)rng.NextUInt64() & 0x7FFFFF;
            if (rng.NextBool()) mant &= ~((1u << rng.NextInt(0, 23)) - 1); // short significands: exact ties
            x[i] = sign | ((uint)e << 23) | mant;
        }
        return x;
    }

    /// <summary>Normal FP32 values with unbiased exponents in [top − spread, top] and signed zeros.</summary>
    public static uint[] Normal(ref MxRandom rng, int count, int top, int spread)
    {
        var x = new uint[count];
        for (int i = 0; i < count; i++)
        {
            uint sign = rng.NextBool() ? 0x80000000u : 0u;
            if (rng.NextInt(0, 30) == 0) { x[i] = sign; continue; }
            int e = 127 + top - rng.NextInt(0, spread + 1);
            uint mant = (uint)rng.NextUInt64() & 0x7FFFFF;
            if (rng.NextBool()) mant &= ~((1u << rng.NextInt(0, 23)) - 1);
            x[i] = sign | ((uint)e << 23) | mant;
        }
        return x;
    }
}
