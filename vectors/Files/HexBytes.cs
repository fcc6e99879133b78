using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MxRef.Vectors.Files;

/// <summary>
/// Hex digits as ASCII bytes, both ways, without branches on the digits (random data mispredicts "digit or letter?"
/// about a third of the time): 16 digits per step with Vector128 where the machine has it, a 256-entry table otherwise.
/// The fast paths of the <c>.mxv</c> line codecs use these; the general parsers keep their own error reporting.
/// </summary>
internal static class HexBytes
{
    /// <summary>Lowercase digits, as the generator writes them.</summary>
    public static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    private const byte Invalid = 0xFF;

    /// <summary>Value of an ASCII hex digit (either case), or 0xFF.</summary>
    private static readonly byte[] Values = BuildValues();

    private static byte[] BuildValues()
    {
        var t = new byte[256];
        Array.Fill(t, Invalid);
        for (int d = 0; d < 10; d++) t['0' + d] = (byte)d;
        for (int d = 0; d < 6; d++) { t['a' + d] = (byte)(10 + d); t['A' + d] = (byte)(10 + d); }
        return t;
    }

    /// <summary>
    /// The values 0–15 of the hex digits <paramref name="hex"/> into <paramref name="values"/> (same length); false when
    /// a byte is not a hex digit (<paramref name="values"/> then holds garbage).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> hex, Span<byte> values)
    {
        if (values.Length < hex.Length) throw new ArgumentException("the destination is shorter than the digits");
        int n = hex.Length;
        if (!Vector128.IsHardwareAccelerated || n < Vector128<byte>.Count)
        {
            var t = Values;
            int bad = 0;
            for (int i = 0; i < n; i++) bad |= values[i] = t[hex[i]];
            return (bad & 0xF0) == 0;
        }
        ref byte src = ref MemoryMarshal.GetReference(hex);
        ref byte dst = ref MemoryMarshal.GetReference(values);
        var wrong = Vector128<byte>.Zero;
        for (int i = 0; ; i += Vector128<byte>.Count)
        {
            if (i > n - Vector128<byte>.Count) i = n - Vector128<byte>.Count; // the last step overlaps the one before
            Nibbles(Vector128.LoadUnsafe(ref src, (nuint)i), ref wrong).StoreUnsafe(ref dst, (nuint)i);
            if (i == n - Vector128<byte>.Count) break;
        }
        return wrong == Vector128<byte>.Zero;
    }

    /// <summary>The value of exactly <paramref name="hex"/>.Length ≤ 8 digits, or −1 when one is not a hex digit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long TryValue(ReadOnlySpan<byte> hex)
    {
        var t = Values;
        uint v = 0;
        int bad = 0;
        foreach (byte ch in hex)
        {
            uint d = t[ch];
            bad |= (int)d;
            v = (v << 4) | (d & 0xF);
        }
        return (bad & 0xF0) == 0 ? v : -1;
    }

    /// <summary>
    /// The packed hex number of 8-bit or 4-bit codes (element i in bits [i·w, i·w + w), most significant digit first:
    /// the codes in reverse order, two digits or one digit each), 16 codes per step; false when the machine has no
    /// Vector128 or the code count is not a multiple of 16 (the caller then writes them one by one).
    /// </summary>
    public static bool TryWriteReversed(ReadOnlySpan<byte> codes, int width, Span<byte> dest)
    {
        int k = codes.Length;
        if (!Vector128.IsHardwareAccelerated || k % 16 != 0 || dest.Length < k * width / 4) return false;
        ref byte src = ref MemoryMarshal.GetReference(codes);
        ref byte dst = ref MemoryMarshal.GetReference(dest);
        for (int e = k - 16, o = 0; e >= 0; e -= 16)
        {
            // The 16 codes reversed by two 64-bit byte swaps (BSWAP is in every x86-64; a byte shuffle needs SSSE3, which
            // the baseline-x86-64 NativeAOT CLI does not assume, and runs element by element without it).
            var c = Vector128.Create(BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, e + 8))),
                                     BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, e)))).AsByte();
            if (width == 4)
            {
                Ascii(c & Vector128.Create((byte)0xF)).StoreUnsafe(ref dst, (nuint)o);
                o += 16;
                continue;
            }
            // Each code's two digits, high nibble first, as one 16-bit lane (little-endian: the first byte is the low one).
            var (lower, upper) = Vector128.Widen(c);
            Ascii(((lower >> 4) | ((lower & Vector128.Create((ushort)0xF)) << 8)).AsByte()).StoreUnsafe(ref dst, (nuint)o);
            Ascii(((upper >> 4) | ((upper & Vector128.Create((ushort)0xF)) << 8)).AsByte()).StoreUnsafe(ref dst, (nuint)o + 16);
            o += 32;
        }
        return true;
    }

    /// <summary>
    /// The inverse of <see cref="TryWriteReversed"/>: the <paramref name="codes"/>.Length 8-bit or 4-bit codes of a packed
    /// hex number of exactly k·width/4 digits (element i in bits [i·w, i·w + w), most significant digit first), 16 codes
    /// per step with no digit buffer between. Returns 1 when decoded, 0 when a byte is not a hex digit (the codes then
    /// hold garbage), −1 when the machine has no Vector128 or k is not a multiple of 16 (the caller decodes them one by one).
    /// </summary>
    public static int TryReadReversed(ReadOnlySpan<byte> hex, int width, Span<byte> codes)
    {
        int k = codes.Length;
        if (!Vector128.IsHardwareAccelerated || k % 16 != 0 || hex.Length != k * width / 4) return -1;
        ref byte src = ref MemoryMarshal.GetReference(hex);
        ref byte dst = ref MemoryMarshal.GetReference(codes);
        var wrong = Vector128<byte>.Zero;
        // Codes e − 16 … e − 1 come from the digits at the end of the number not yet read; each step reads them forwards
        // (code e − 1 first) and stores them reversed by two 64-bit byte swaps, as TryWriteReversed writes them.
        for (int e = k, o = 0; e > 0; e -= 16)
        {
            Vector128<byte> c;
            if (width == 4)
            {
                c = Nibbles(Vector128.LoadUnsafe(ref src, (nuint)o), ref wrong);
                o += 16;
            }
            else
            {
                // Two digits per code, high nibble first: as 16-bit lanes (little-endian), high digit in the low byte.
                var hi = Nibbles(Vector128.LoadUnsafe(ref src, (nuint)o), ref wrong).AsUInt16();
                var lo = Nibbles(Vector128.LoadUnsafe(ref src, (nuint)o + 16), ref wrong).AsUInt16();
                c = Vector128.Narrow(((hi & Vector128.Create((ushort)0xF)) << 4) | (hi >> 8), ((lo & Vector128.Create((ushort)0xF)) << 4) | (lo >> 8));
                o += 32;
            }
            var q = c.AsUInt64();
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, e - 16), BinaryPrimitives.ReverseEndianness(q.GetElement(1)));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, e - 8), BinaryPrimitives.ReverseEndianness(q.GetElement(0)));
        }
        return wrong == Vector128<byte>.Zero ? 1 : 0;
    }

    /// <summary>ASCII hex digits to their values 0–15; the lanes that are not hex digits are marked in <paramref name="wrong"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Nibbles(Vector128<byte> c, ref Vector128<byte> wrong)
    {
        var digit = c - Vector128.Create((byte)'0');                                   // '0'..'9' → 0..9, the rest wraps above
        var letter = (c | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'); // 'a'..'f', 'A'..'F' → 0..5
        var isDigit = Vector128.LessThan(digit, Vector128.Create((byte)10));
        wrong |= ~(isDigit | Vector128.LessThan(letter, Vector128.Create((byte)6)));
        return Vector128.ConditionalSelect(isDigit, digit, letter + Vector128.Create((byte)10));
    }

    /// <summary>Values 0–15 to '0'–'9', 'a'–'f'.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Ascii(Vector128<byte> n) =>
        n + Vector128.Create((byte)'0') + (Vector128.GreaterThan(n, Vector128.Create((byte)9)) & Vector128.Create((byte)('a' - '0' - 10)));

    /// <summary>Writes the low <paramref name="digits"/> hex digits of <paramref name="value"/>, most significant first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(uint value, int digits, Span<byte> dest)
    {
        var hex = Digits;
        for (int i = digits - 1; i >= 0; i--) { dest[i] = hex[(int)(value & 0xF)]; value >>= 4; }
    }
}
