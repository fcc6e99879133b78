namespace MxRef.Vectors.Files;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF) — the checksum of zlib's
/// <c>crc32</c>, Python's <c>zlib.crc32</c> and most tools, so a bench in any language can recompute a file's trailer.
/// <see cref="Update"/> composes like zlib's: <c>Update(Update(0, x), y) == Update(0, x ++ y)</c>.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        var t = Table;
        foreach (byte b in data) c = t[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    public static uint Update(uint crc, byte b) => Update(crc, [b]);
}
