using System.Runtime.CompilerServices;

namespace MxRef.Random;

/// <summary>
/// MxRef's PRNG, so that the same seed gives the same bytes on every machine and .NET version (System.Random's
/// sequence is not guaranteed across versions). The generator is xoshiro256** (Blackman &amp; Vigna, 2018) seeded by
/// SplitMix64: <c>state[i] = SplitMix64(seed)</c> for i = 0..3. <see cref="ForStream"/> derives an independent
/// generator for stream number i of a seed as <c>new MxRandom(SplitMix64Mix(seed) ^ SplitMix64Mix(i + 0x9E3779B97F4A7C15))</c>,
/// so vector number i can be produced without producing the ones before it (sharding, parallel generation).
/// </summary>
public struct MxRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public MxRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The generator for stream <paramref name="stream"/> of <paramref name="seed"/> (see the class remarks).</summary>
    public static MxRandom ForStream(ulong seed, ulong stream) =>
        new(Mix(seed) ^ Mix(stream + 0x9E3779B97F4A7C15UL));

    /// <summary>SplitMix64's output function (Steele, Lea, Flood 2014).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // six calls seed each generated vector's stream
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    /// <summary>The next 64 random bits (xoshiro256**).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a handful of instructions, drawn several times per generated vector
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>The top <paramref name="bits"/> bits of the next output (0..64).</summary>
    public ulong NextBits(int bits) => bits == 0 ? 0 : NextUInt64() >> (64 - bits);

    /// <summary>A uniform integer in [0, n), n &gt; 0, by Lemire's multiply-shift with rejection (unbiased).</summary>
    /// <remarks>
    /// Inlined, so that a caller's local generator stays in registers. A draw whose low half of the product is at least
    /// n is accepted without computing Lemire's threshold (2^64 mod n ≤ n − 1): for the generators' n &lt; 2^32 that
    /// is all but a 2^-32 share of draws, and the division is left out of the common path.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextBelow(ulong n)
    {
        if (n == 0) ThrowZeroBound();
        ulong high = MultiplyHigh(NextUInt64(), n, out ulong low);
        if (low < n)
        {
            ulong threshold = (0 - n) % n;
            while (low < threshold) high = MultiplyHigh(NextUInt64(), n, out low);
        }
        return high;
    }

    private static void ThrowZeroBound() => throw new ArgumentOutOfRangeException("n");

    /// <summary>
    /// The 128-bit product x·n as (high, low). For n &lt; 2^32 (every draw of the generators) two 64-bit multiplies of
    /// x's halves give it exactly: x·n = x_hi·n·2^32 + x_lo·n, each partial product below 2^64. Wider n take
    /// <see cref="Math.BigMul(ulong, ulong, out ulong)"/>, which without BMI2 (the baseline-x86-64 NativeAOT CLI) runs a
    /// four-multiply software fallback.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyHigh(ulong x, ulong n, out ulong low)
    {
        if (n > uint.MaxValue) return Math.BigMul(x, n, out low);
        ulong lowPart = (x & uint.MaxValue) * n;
        ulong highPart = (x >> 32) * n + (lowPart >> 32);
        low = (highPart << 32) | (lowPart & uint.MaxValue);
        return highPart >> 32;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int minInclusive, int maxExclusive) => minInclusive + (int)NextBelow((ulong)(maxExclusive - minInclusive));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextBool() => (NextUInt64() >> 63) != 0;
}
