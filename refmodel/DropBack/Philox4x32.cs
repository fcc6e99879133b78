using System.Runtime.CompilerServices;

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
