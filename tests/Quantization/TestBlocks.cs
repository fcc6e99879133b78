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

    /// <summary>Draws, for one element, the exponent of the element quantum a tie is placed at (relative to 2^0, the shared scale included).</summary>
    public delegate int QuantumDraw(ref MxRandom rng, int shared);

    /// <summary>
    /// What <see cref="EdgeBlocks"/> aims at for one whole-block kernel: the range of amax exponents around the kernel's
    /// lower limit, the shared exponent an amax gives, where an element's ties lie (<see cref="Ties"/> values
    /// (n + ½)·2^quantum), and how far below amax the small values reach.
    /// </summary>
    public sealed record EdgeShape(int LowLimitFrom, int LowLimitTo, Func<int, int> Shared, QuantumDraw Quantum, int Ties, int FarBelow, int NearBelow);

    /// <summary>
    /// <paramref name="blocks"/> blocks of <paramref name="k"/> values built around a random amax: ties (n + ½)·quantum and
    /// half-quantum steps, their FP32 neighbours (± 1 ulp), far smaller values, zeros, FP32 subnormals, and sometimes a
    /// special; one value per block is the amax itself. Aimed at a whole-block kernel's edges (<paramref name="shape"/>).
    /// </summary>
    public static uint[] EdgeBlocks(EdgeShape shape, ulong seed, int blocks, int k)
    {
        var rng = new MxRandom(seed);
        var x = new uint[blocks * k];
        for (int b = 0; b < blocks; b++)
        {
            int top = rng.NextInt(0, 6) switch
            {
                0 => rng.NextInt(shape.LowLimitFrom, shape.LowLimitTo), // around the kernel's lower limit
                1 => rng.NextInt(120, 128),    // huge: small values' scaled exponents leave FP32's normal range
                2 => rng.NextInt(-130, -120),  // subnormal and tiny amax: the scale clamps at 2^-127
                _ => rng.NextInt(-40, 40),
            };
            int shared = shape.Shared(top);
            for (int i = 0; i < k; i++)
            {
                uint sign = rng.NextBool() ? 0x80000000u : 0u;
                int quantum = shape.Quantum(ref rng, shared);
                float magnitude = rng.NextInt(0, 6) switch
                {
                    // (n + ½)·quantum: a tie (the top one rounding into the next binade, or saturating)
                    0 or 1 => MathF.ScaleB(rng.NextInt(0, shape.Ties) + 0.5f, quantum),
                    2 => MathF.ScaleB(rng.NextInt(0, 2 * shape.Ties) / 2f, quantum),
                    3 => MathF.ScaleB(Significand(ref rng), top - rng.NextInt(0, shape.FarBelow)),
                    4 => BitConverter.UInt32BitsToSingle((uint)rng.NextInt(0, 1 << 23)), // zero or FP32 subnormal
                    _ => MathF.ScaleB(Significand(ref rng), top - rng.NextInt(0, shape.NearBelow)),
                };
                uint bits = BitConverter.SingleToUInt32Bits(magnitude);
                if (bits is > 0 and < 0x7F800000 && rng.NextInt(0, 3) == 0) bits = (uint)(bits + rng.NextInt(-1, 2)); // ± 1 ulp
                x[b * k + i] = Math.Min(bits, 0x7F7FFFFFu) | sign;
            }
            x[b * k + rng.NextInt(0, k)] = BitConverter.SingleToUInt32Bits(MathF.ScaleB(Significand(ref rng), top)) | (rng.NextBool() ? 0x80000000u : 0);
            if (rng.NextInt(0, 25) == 0) x[b * k + rng.NextInt(0, k)] = rng.NextBool() ? 0x7F800000u : 0xFFC00001u;
        }
        return x;
    }

    /// <summary>A random FP32 value in [1, 2).</summary>
    private static float Significand(ref MxRandom rng) => BitConverter.UInt32BitsToSingle(0x3F800000u | (uint)rng.NextInt(0, 1 << 23));
}
