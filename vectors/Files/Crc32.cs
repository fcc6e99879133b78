using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MxRef.Vectors.Files;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF) — the checksum of zlib's
/// <c>crc32</c>, Python's <c>zlib.crc32</c> and most tools, so a bench in any language can recompute a file's trailer.
/// <see cref="Update"/> composes like zlib's: <c>Update(Update(0, x), y) == Update(0, x ++ y)</c>.
/// Carry-less multiply folding 64 bytes per step where the machine has PCLMULQDQ, else table-driven, eight bytes per
/// step ("slicing-by-8"): the writer checksums every byte it writes and the reader every byte it reads.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Table[k·256 + n]: the CRC of byte n followed by k zero bytes.</summary>
    private static uint[] BuildTable()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        for (int n = 0; n < 256; n++)
            for (int k = 1; k < 8; k++)
                t[k * 256 + n] = (t[(k - 1) * 256 + n] >> 8) ^ t[t[(k - 1) * 256 + n] & 0xFF];
        return t;
    }

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        if (data.Length >= 64 && Pclmulqdq.IsSupported && Sse41.IsSupported)
        {
            int folded = data.Length & ~15;
            c = Fold(data[..folded], c);
            data = data[folded..];
        }
        return ~Table8(data, c);
    }

    private static uint Table8(ReadOnlySpan<byte> data, uint c)
    {
        var t = Table;
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ c;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            c = t[7 * 256 + (lo & 0xFF)] ^ t[6 * 256 + ((lo >> 8) & 0xFF)] ^ t[5 * 256 + ((lo >> 16) & 0xFF)] ^ t[4 * 256 + (lo >> 24)]
              ^ t[3 * 256 + (hi & 0xFF)] ^ t[2 * 256 + ((hi >> 8) & 0xFF)] ^ t[256 + ((hi >> 16) & 0xFF)] ^ t[hi >> 24];
            data = data[8..];
        }
        foreach (byte b in data) c = t[(c ^ b) & 0xFF] ^ (c >> 8);
        return c;
    }

    // Folding constants for the reflected polynomial 0xEDB88320 (Gopal et al., "Fast CRC Computation for Generic
    // Polynomials Using PCLMULQDQ Instruction", Intel 2009, bit-reflected constants as in zlib's crc32_simd.c):
    // k1 = x^(4·128+32) mod P, k2 = x^(4·128−32) mod P (fold 64 bytes), k3, k4 likewise for 16 bytes, k5 = x^64 mod P,
    // then P' and μ for the Barrett reduction.
    private static readonly Vector128<ulong> K1K2 = Vector128.Create(0x0154442bd4UL, 0x01c6e41596UL);
    private static readonly Vector128<ulong> K3K4 = Vector128.Create(0x01751997d0UL, 0x00ccaa009eUL);
    private static readonly Vector128<ulong> K5K0 = Vector128.Create(0x0163cd6124UL, 0UL);
    private static readonly Vector128<ulong> Poly = Vector128.Create(0x01db710641UL, 0x01f7011641UL);

    /// <summary>
    /// The CRC state after <paramref name="data"/> (a multiple of 16 bytes, at least 64) from state <paramref name="c"/>
    /// (both inverted, as in <see cref="Table8"/>): four 128-bit lanes folded forward 64 bytes at a time with carry-less
    /// multiplies, folded into one, reduced to 64 bits and then to 32 by Barrett reduction (Gopal et al., §3–4).
    /// </summary>
    private static uint Fold(ReadOnlySpan<byte> data, uint c)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        int n = data.Length;
        var x1 = Vector128.LoadUnsafe(ref p).AsUInt64() ^ Vector128.CreateScalar(c).AsUInt64();
        var x2 = Vector128.LoadUnsafe(ref p, 16).AsUInt64();
        var x3 = Vector128.LoadUnsafe(ref p, 32).AsUInt64();
        var x4 = Vector128.LoadUnsafe(ref p, 48).AsUInt64();
        int i = 64;
        var k = K1K2;
        for (; i + 64 <= n; i += 64)
        {
            x1 = Fold16(x1, k, Vector128.LoadUnsafe(ref p, (nuint)i).AsUInt64());
            x2 = Fold16(x2, k, Vector128.LoadUnsafe(ref p, (nuint)i + 16).AsUInt64());
            x3 = Fold16(x3, k, Vector128.LoadUnsafe(ref p, (nuint)i + 32).AsUInt64());
            x4 = Fold16(x4, k, Vector128.LoadUnsafe(ref p, (nuint)i + 48).AsUInt64());
        }
        k = K3K4;
        x1 = Fold16(x1, k, x2);
        x1 = Fold16(x1, k, x3);
        x1 = Fold16(x1, k, x4);
        for (; i < n; i += 16) x1 = Fold16(x1, k, Vector128.LoadUnsafe(ref p, (nuint)i).AsUInt64());

        // 128 → 64 bits.
        var mask32 = Vector128.Create(0xFFFFFFFFUL, 0xFFFFFFFFUL);
        var x = Sse2.ShiftRightLogical128BitLane(x1, 8) ^ Pclmulqdq.CarrylessMultiply(x1, k, 0x10);
        x = Sse2.ShiftRightLogical128BitLane(x, 4) ^ Pclmulqdq.CarrylessMultiply(x & mask32, K5K0, 0x00);
        // Barrett reduction to 32 bits.
        var t = Pclmulqdq.CarrylessMultiply(x & mask32, Poly, 0x10) & mask32;
        x ^= Pclmulqdq.CarrylessMultiply(t, Poly, 0x00);
        return Sse41.Extract(x.AsUInt32(), 1);
    }

    /// <summary>x folded 128 bits forward (x.lo·k.lo ⊕ x.hi·k.hi) and added to the next 16 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold16(Vector128<ulong> x, Vector128<ulong> k, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11) ^ next;
}
