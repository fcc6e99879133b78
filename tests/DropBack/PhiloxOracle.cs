namespace MxRef.Tests.DropBack;

/// <summary>
/// Philox4x32-R written again from the definition in Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"
/// (SC'11), §4.2, sharing nothing with the model: the state is a 4-tuple replaced whole each round by
/// (hi(M1·x2) ⊕ x1 ⊕ k0, lo(M1·x2), hi(M0·x0) ⊕ x3 ⊕ k1, lo(M0·x0)), the products come from Math.BigMul, and the
/// key of round r (0-based) is computed directly as k + r·W mod 2^32 instead of being bumped round after round.
/// </summary>
public static class PhiloxOracle
{
    private static readonly uint[] Multipliers = [0xD2511F53u, 0xCD9E8D57u];
    private static readonly uint[] Weyl = [0x9E3779B9u, 0xBB67AE85u];

    public static uint[] Philox4x32(uint[] counter, uint[] key, int rounds)
    {
        var x = (counter[0], counter[1], counter[2], counter[3]);
        for (int r = 0; r < rounds; r++)
        {
            uint key0 = unchecked(key[0] + (uint)r * Weyl[0]);
            uint key1 = unchecked(key[1] + (uint)r * Weyl[1]);
            ulong left = Math.BigMul(Multipliers[0], x.Item1);
            ulong right = Math.BigMul(Multipliers[1], x.Item3);
            x = ((uint)(right >> 32) ^ x.Item2 ^ key0, (uint)(right & 0xFFFFFFFF), (uint)(left >> 32) ^ x.Item4 ^ key1, (uint)(left & 0xFFFFFFFF));
        }
        return [x.Item1, x.Item2, x.Item3, x.Item4];
    }
}
