using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MxRef.DropBack;

/// <summary>The four 32-bit output words of one Philox4x32 call, in Random123's order (word 0 first).</summary>
public readonly record struct PhiloxWords(uint X0, uint X1, uint X2, uint X3)
{
    public uint this[int i] => i switch { 0 => X0, 1 => X1, 2 => X2, 3 => X3, _ => throw new ArgumentOutOfRangeException(nameof(i)) };
}

/// <summary>
/// Philox4x32-R, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as
/// 1, 2, 3" (SC'11), §4.2, as Random123 implements it: a 128-bit counter (c0, c1, c2, c3) and a 64-bit key (k0, k1)
/// go through R rounds of
/// <code>
///   (hi0, lo0) = M0 × c0,  (hi1, lo1) = M1 × c2      (full 32×32 → 64-bit products)
///   (c0, c1, c2, c3) ← (hi1 ⊕ c1 ⊕ k0, lo1, hi0 ⊕ c3 ⊕ k1, lo0)
/// </code>
/// with the key bumped by the Weyl constants (k0 += W0, k1 += W1, mod 2^32) before every round but the first.
/// The output is a pure function of (counter, key): no state, any counter in any order — exactly what regenerating
/// a forgotten weight needs. R = 10 is the paper's recommended, Crush-resistant "Philox4x32-10".
/// </summary>
public static class Philox4x32
{
    /// <summary>The round multipliers (Random123 PHILOX_M4x32_0 / _1).</summary>
    public const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;

    /// <summary>The key schedule's Weyl increments: the golden ratio and √3 − 1 as 32-bit fractions (PHILOX_W32_0 / _1).</summary>
    public const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    public const int DefaultRounds = 10;

    public static PhiloxWords Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, int rounds = DefaultRounds)
    {
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "Philox needs at least one round");
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        for (int r = 1; r < rounds; r++)
        {
            k0 += W0;
            k1 += W1;
            Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        }
        return new PhiloxWords(c0, c1, c2, c3);
    }

    /// <summary>Philox4x32-10, the ten rounds written out (the regenerator's hot loop; same function as <see cref="Generate"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PhiloxWords Generate10(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        Round(ref c0, ref c1, ref c2, ref c3, k0 += W0, k1 += W1);
        Round(ref c0, ref c1, ref c2, ref c3, k0 += W0, k1 += W1);
        Round(ref c0, ref c1, ref c2, ref c3, k0 += W0, k1 += W1);
        Round(ref c0, ref c1, ref c2, ref c3, k0 += W0, k1 += W1);
        Round(ref c0, ref c1, ref c2, ref c3, k0 += W0, k1 += W1);
        Round(ref c0, ref c1, ref c2, ref c3, k0 += W0, k1 += W1);
        Round(ref c0, ref c1, ref c2, ref c3, k0 += W0, k1 += W1);
        Round(ref c0, ref c1, ref c2, ref c3, k0 += W0, k1 += W1);
        Round(ref c0, ref c1, ref c2, ref c3, k0 += W0, k1 += W1);
        return new PhiloxWords(c0, c1, c2, c3);
    }

    /// <summary>True where <see cref="Generate10x8"/> runs on AVX-512 (else callers use <see cref="Generate10"/>).</summary>
    public static bool EightWide => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Eight Philox4x32-10 calls at once, counters (c0 + j mod 2^32, c1, c2, c3) for j = 0..7, one call per 64-bit lane:
    /// output word i of call j is the low 32 bits of lane j of <c>xi</c>. VPMULUDQ forms the eight 32×32 → 64-bit
    /// products of a round; the rounds are those of <see cref="Generate10"/>.
    /// </summary>
    public static void Generate10x8(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1,
        out Vector512<ulong> x0, out Vector512<ulong> x1, out Vector512<ulong> x2, out Vector512<ulong> x3)
    {
        var low = Vector512.Create(0xFFFF_FFFFUL);
        x0 = (Vector512.Create((ulong)c0) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7)) & low;
        x1 = Vector512.Create((ulong)c1);
        x2 = Vector512.Create((ulong)c2);
        x3 = Vector512.Create((ulong)c3);
        var m0 = Vector512.Create((ulong)M0).AsUInt32();
        var m1 = Vector512.Create((ulong)M1).AsUInt32();
        for (int r = 0; r < DefaultRounds; r++)
        {
            var p0 = Avx512F.Multiply(x0.AsUInt32(), m0); // uses the low 32 bits of each lane
            var p1 = Avx512F.Multiply(x2.AsUInt32(), m1);
            var next0 = (p1 >>> 32) ^ x1 ^ Vector512.Create((ulong)k0);
            var next2 = (p0 >>> 32) ^ x3 ^ Vector512.Create((ulong)k1);
            x1 = p1 & low;
            x3 = p0 & low;
            x0 = next0;
            x2 = next2;
            k0 += W0;
            k1 += W1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        ulong product0 = (ulong)M0 * c0;
        ulong product1 = (ulong)M1 * c2;
        uint next0 = (uint)(product1 >> 32) ^ c1 ^ k0;
        uint next2 = (uint)(product0 >> 32) ^ c3 ^ k1;
        c1 = (uint)product1;
        c3 = (uint)product0;
        c0 = next0;
        c2 = next2;
    }
}
