using MxRef.Dot;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// The operand classes a block's codes hit, as masks (bit i: the format's operand class i, <see
/// cref="CoverageClasses.OperandBits"/>): the OR over the codes of each code's class bit. The classes of finite codes
/// (<see cref="Finite"/>, at most 16 per format) are found for every vector; those of NaN and Inf codes
/// (<see cref="Special"/>) only for a block with such an element, which the golden model's element classes tell.
/// <para>
/// Each finite class is one code (a corner's code), so "code c is class i's code" is "c's high nibble is class i's high
/// nibble and c's low nibble is its low nibble". With a 16-entry table per nibble whose byte has one bit per class of a
/// group of eight (set at the index of that class's nibble), the AND of the two look-ups is c's class bit within the
/// group, and SSSE3's byte shuffle (<c>pshufb</c>) makes the 16 look-ups of a table in one instruction: per 16 codes,
/// two shuffles and an AND per group of eight classes, where the table path reads one 64-bit entry per code. Two groups
/// cover the 16 finite classes; a machine without SSSE3 takes the table path, as does a table with a class of several
/// codes.
/// </para>
/// </summary>
internal sealed class OperandClassMask
{
    /// <summary>The finite classes' bits: the low 16 (<see cref="Pair"/> packs two formats' in 32 bits).</summary>
    public const int FiniteBits = 16;
    private readonly ulong[] _finite, _special;
    // The high-nibble and the low-nibble table of each of the two groups.
    private readonly Vector128<byte> _high0, _low0, _high1, _low1;
    private readonly bool _byNibbles;

    /// <param name="table">Per code (every byte): its class bit, or 0 for a code of no class.</param>
    /// <param name="elements">The format's element table: which codes are NaN or Inf.</param>
    public OperandClassMask(ulong[] table, ElementTable elements)
    {
        if (table.Length != 256) throw new ArgumentException("an operand-bits table needs an entry for every byte");
        _finite = new ulong[256];
        _special = new ulong[256];
        var high = new byte[2, 16];
        var low = new byte[2, 16];
        bool byNibbles = Ssse3.IsSupported;
        ulong seen = 0;
        for (int code = 0; code < 256; code++)
        {
            ulong bits = table[code];
            if (bits == 0) continue;
            if (code < elements.Class.Length && (elements.Class[code] & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0)
            {
                _special[code] = bits;
                continue;
            }
            if (bits >> FiniteBits != 0)
                throw new InvalidOperationException($"operand class bit {System.Numerics.BitOperations.Log2(bits)} of a finite code: the classifier packs each format's finite classes in {FiniteBits} bits");
            _finite[code] = bits;
            // One class per code and one code per class: otherwise the AND of the nibble look-ups would not be the code's
            // class bit.
            if ((bits & (bits - 1)) != 0 || (bits & seen) != 0) byNibbles = false;
            seen |= bits;
            int bit = System.Numerics.BitOperations.TrailingZeroCount(bits);
            high[bit / 8, code >> 4] |= (byte)(1 << (bit % 8));
            low[bit / 8, code & 0xF] |= (byte)(1 << (bit % 8));
        }
        _high0 = Row(high, 0); _low0 = Row(low, 0); _high1 = Row(high, 1); _low1 = Row(low, 1);
        _byNibbles = byNibbles;
    }

    private static Vector128<byte> Row(byte[,] t, int g) => Vector128.Create(Enumerable.Range(0, 16).Select(i => t[g, i]).ToArray());

    /// <summary>The OR of the finite classes' bits of <paramref name="codes"/> (below 2^<see cref="FiniteBits"/>).</summary>
    public ulong Finite(byte[] codes) => Table(_finite, codes, 0);

    /// <summary>The OR of the NaN and Inf classes' bits of <paramref name="codes"/>.</summary>
    public ulong Special(byte[] codes) => Table(_special, codes, 0);

    /// <summary>
    /// The finite classes of two operands in one mask: <paramref name="a"/>'s in bits 0–15 and <paramref name="b"/>'s in
    /// bits 16–31 (the two code arrays of one length).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Pair(OperandClassMask ma, byte[] a, OperandClassMask mb, byte[] b) =>
        ma._byNibbles && mb._byNibbles && a.Length >= 16 && a.Length == b.Length
            ? PairByNibbles(ma, a, mb, b)
            : (uint)(ma.Finite(a) | mb.Finite(b) << FiniteBits);

    private static uint PairByNibbles(OperandClassMask ma, byte[] a, OperandClassMask mb, byte[] b)
    {
        var (a0, a1) = ma.Groups(a);
        var (b0, b1) = mb.Groups(b);
        // The OR of each group's 16 bytes, A's groups in bytes 0 and 1 and B's in bytes 2 and 3: interleave the groups
        // byte-wise, then the operands word-wise, OR-ing the halves at each step, and fold the four 32-bit lanes.
        var wa = (Sse2.UnpackLow(a0, a1) | Sse2.UnpackHigh(a0, a1)).AsUInt16();
        var wb = (Sse2.UnpackLow(b0, b1) | Sse2.UnpackHigh(b0, b1)).AsUInt16();
        var d = (Sse2.UnpackLow(wa, wb) | Sse2.UnpackHigh(wa, wb)).AsUInt32();
        d |= Sse2.Shuffle(d, 0b01_00_11_10);
        d |= Sse2.Shuffle(d, 0b10_11_00_01);
        uint mask = d.ToScalar();
        int n = a.Length, whole = n & ~15;
        if (whole != n) mask |= (uint)(Table(ma._finite, a, whole) | Table(mb._finite, b, whole) << FiniteBits);
        return mask;
    }

    /// <summary>Per group of eight classes, the OR over the whole 16-code steps of the codes' class bits (byte-wise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Vector128<byte>, Vector128<byte>) Groups(byte[] codes)
    {
        Vector128<byte> h0 = _high0, l0 = _low0, h1 = _high1, l1 = _low1;
        var nibble = Vector128.Create((byte)0x0F);
        Vector128<byte> g0 = default, g1 = default;
        ref byte c = ref MemoryMarshal.GetArrayDataReference(codes);
        nint n = codes.Length;
        for (nint i = 0; i + 16 <= n; i += 16)
        {
            var v = Vector128.LoadUnsafe(ref c, (nuint)i);
            var hi = Vector128.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & nibble;
            var lo = v & nibble;
            g0 |= Ssse3.Shuffle(h0, hi) & Ssse3.Shuffle(l0, lo);
            g1 |= Ssse3.Shuffle(h1, hi) & Ssse3.Shuffle(l1, lo);
        }
        return (g0, g1);
    }

    /// <summary>
    /// The OR of the table entries of codes[from..]: four codes per step into two running ORs, with a native-sized index
    /// (a code is then a byte load and an OR with its entry, without the loop's counting and index widening per code).
    /// </summary>
    private static ulong Table(ulong[] table, byte[] codes, nint from)
    {
        // The table has an entry for every byte, so a code indexes it without a bounds check.
        ref ulong t = ref MemoryMarshal.GetArrayDataReference(table);
        ref byte c = ref MemoryMarshal.GetArrayDataReference(codes);
        nint n = codes.Length, i = from;
        ulong any0 = 0, any1 = 0;
        for (; i + 4 <= n; i += 4)
        {
            any0 |= Unsafe.Add(ref t, Unsafe.Add(ref c, i)) | Unsafe.Add(ref t, Unsafe.Add(ref c, i + 1));
            any1 |= Unsafe.Add(ref t, Unsafe.Add(ref c, i + 2)) | Unsafe.Add(ref t, Unsafe.Add(ref c, i + 3));
        }
        for (; i < n; i++) any0 |= Unsafe.Add(ref t, Unsafe.Add(ref c, i));
        return any0 | any1;
    }
}
