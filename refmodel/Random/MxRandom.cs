using System.Runtime.CompilerServices;

namespace MxRef.Random;

/// <summary>
/// MxRef's PRNG, so that the same seed gives the same bytes on every machine and .NET version (System.Random's
/// sequence is not guaranteed across versions). The generator is xoshiro256** (Blackman &amp; Vigna, 2018) seeded by
/// SplitMix64: <c>state[i] = SplitMix64(seed)</c> for i = 0..3. <see cref="ForStream"/> derives an independent
/// generator for stream number i of a seed as <c>new MxRandom(SplitMix64Mix(seed) ^ SplitMix64Mix(i + 0x9E3779B97F4A7C15))</c>,
/// so vector number i can be produced without producing the ones before it (sharding, parallel generation). The dot
/// generator's random section uses the lighter per-vector <see cref="VectorRandom"/> instead.
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
    internal static ulong MultiplyHigh(ulong x, ulong n, out ulong low)
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

/// <summary>
/// The per-vector generator of the dot generator's random section (<c>mxref-vectors/4</c>, docs/vectors.md "The
/// PRNG"): a SplitMix64 stream (Steele, Lea, Flood 2014) started at a point chosen by one mix of the run's key and the
/// vector's index. Output k (k = 1, 2, …) of vector i is <c>Mix(x0 + k·γ)</c> with <c>x0 = Mix(key + i·γ)</c>,
/// <c>key = Mix(seed)</c> and γ = 0x9E3779B97F4A7C15.
/// </summary>
/// <remarks>
/// Why this and not <see cref="MxRandom.ForStream"/>'s xoshiro256**: a vector draws about twenty 64-bit words, so the
/// generator's period and its state size buy nothing, while seeding xoshiro per vector costs six SplitMix64 mixes and
/// its four state words crowd the registers of the draw. SplitMix64 passes BigCrush on its own (Steele et al.), keeps
/// one state word, seeds with one mix and draws with an add and a mix. Vector i's stream is the SplitMix64 sequence
/// from the pseudo-random point x0(i); two vectors' streams share a word only if their starting points lie within a few
/// dozen steps of γ of each other, a chance of about 2^-58 per pair of vectors — and then two vectors are merely alike.
/// </remarks>
public struct VectorRandom
{
    /// <summary>SplitMix64's increment: 2^64 divided by the golden ratio, rounded to odd.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private ulong _x;

    /// <summary>The generator of vector <paramref name="index"/> of a run whose key is <paramref name="key"/> (<see cref="KeyOf"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per generated vector
    public VectorRandom(ulong key, ulong index) => _x = MxRandom.Mix(key + index * Gamma);

    /// <summary>A run's key: one mix of its seed, formed once per run.</summary>
    public static ulong KeyOf(ulong seed) => MxRandom.Mix(seed);

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        _x += Gamma;
        return MxRandom.Mix(_x);
    }

    /// <summary>
    /// A uniform integer in [0, n) from a 16-bit field (the low 16 bits of <paramref name="bits"/>) by multiply-shift,
    /// n ≤ 2^16: each value has ⌊2^16/n⌋ or ⌈2^16/n⌉ of the 2^16 field values, a relative bias below n·2^-16 (0.15 % for
    /// n = 100). The random section splits a 64-bit word into such fields to pick formats, mode, shape and more at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Pick(ulong bits, int n) => (int)(((uint)bits & 0xFFFF) * (uint)n >> 16);

    /// <summary>A uniform integer in [0, n) by Lemire's method, as <see cref="MxRandom.NextBelow"/> draws it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextBelow(ulong n)
    {
        if (n == 0) throw new ArgumentOutOfRangeException(nameof(n));
        ulong high = MxRandom.MultiplyHigh(NextUInt64(), n, out ulong low);
        if (low < n)
        {
            ulong threshold = (0 - n) % n;
            while (low < threshold) high = MxRandom.MultiplyHigh(NextUInt64(), n, out low);
        }
        return high;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int minInclusive, int maxExclusive) => minInclusive + (int)NextBelow((ulong)(maxExclusive - minInclusive));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextBool() => (NextUInt64() >> 63) != 0;
}
