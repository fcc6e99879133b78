using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MxRef.Dot;

/// <summary>
/// Σ a_i·b_i of a block in the common fixed point (the same integer as <see cref="MxDot.ProductSum"/>), 32 elements per
/// step with AVX-512 (VBMI byte permutes). Each element's fixed-point value is m·2^sh (<see cref="ElementTable.Significand"/>,
/// <see cref="ElementTable.Shift"/>), two bytes looked up in registers from the code; a product is then
/// (m_a·m_b)·2^(sh_a + sh_b), |m_a·m_b| ≤ 2^14 in a 16-bit lane, shifted into a 64-bit lane. The shift s reaches 62
/// (E5M2 × E5M2: a product of up to 2^64 in the fixed point). Each product is shifted by the whole s into one 64-bit
/// accumulator while every s of the block stays at or below the pair's <see cref="ShiftLimit"/>: for every pair but
/// E5M2 × E5M2 at k = 32 any finite block does; E5M2 × E5M2 blocks do while each |a_i·b_i| stays below about 2^20
/// (s ≤ 52). Such a product sum stays below 2^63 whatever the signs, so the 64-bit sum is exact. A block with a larger
/// shift starts again with two exact accumulators (<see cref="TrySumSplit"/>): s &lt; 32 into <c>lo</c> (&lt; 2^45
/// per product) and s ≥ 32 into <c>hi</c> as (m_a·m_b)·2^(s−32) (&lt; 2^32 per product); Σ = hi·2^32 + lo. VPSLLVQ
/// gives 0 for a count of 64 or more, which routes each product to its accumulator without a branch. (One 64-bit
/// accumulator cannot hold every E5M2 × E5M2 block: a single product reaches 2^63.6 in the fixed point, and the
/// smallest is 1.) Any NaN or Inf element sends the block to the scalar loop, which also reports the classes.
/// </summary>
internal static class VectorProductSum
{
    private const int Step = 32;
    /// <summary>Blocks up to this size keep every accumulator lane far below 2^63 (k/8 products of &lt; 2^45 each).</summary>
    private const int MaxLength = 1 << 16;

    public static bool IsSupported => Avx512Vbmi.IsSupported && Avx512BW.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>True when this path serves the pair: AVX-512 VBMI is there, both tables split into bytes, k ≥ 32.</summary>
    public static bool Serves(in BlockPair p) =>
        p.TableA.Vector is not null && p.TableB.Vector is not null && p.Length is >= Step and <= MaxLength;

    /// <summary>
    /// The exact Σ a_i·b_i, or false when an element is NaN or Inf (the caller then takes the scalar loop). The last
    /// k mod 32 products are added one by one.
    /// </summary>
    public static bool TrySum(in BlockPair p, out Int128 sum)
    {
        var ta = p.TableA.Vector!;
        var tb = p.TableB.Vector!;
        var a = p.A;
        var b = p.B;
        int limit = ShiftLimit(p);
        var acc = Vector512<long>.Zero;
        int i = 0;
        for (; i + Step <= a.Length; i += Step)
        {
            var va = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(a), (nuint)i);
            var vb = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(b), (nuint)i);
            if (!Accumulate(va, vb, ta, tb, (byte)limit, ref acc))
            {
                if (limit < NoLimit) return TrySumSplit(p, out sum); // a shift above the limit, or NaN/Inf (TrySumSplit checks)
                sum = default;
                return false; // a NaN or Inf element
            }
        }
        sum = Vector512.Sum(acc);
        return i == a.Length || TryAddTail(p, i, ref sum);
    }

    /// <summary><see cref="ShiftLimit"/> of a pair whose every finite block fits one accumulator: only NaN and Inf (shift sum ≥ 128) exceed it.</summary>
    private const int NoLimit = 127;

    /// <summary>
    /// The largest shift s = sh_a + sh_b for which k products m_a·m_b·2^s and all their partial sums stay below 2^63:
    /// k·max|m_a|·max|m_b|·2^s &lt; 2^63 (E5M2 × E5M2 at k = 32: 32·7·7 = 1568 &lt; 2^11, so s ≤ 52). <see cref="NoLimit"/>
    /// where the pair's largest values already keep k products below 2^63 (bits of A + bits of B + bits of k ≤ 63: every
    /// pair but E5M2 × E5M2 at k = 32, the bound <see cref="MxDot"/>'s 64-bit scalar loop uses).
    /// </summary>
    private static int ShiftLimit(in BlockPair p)
    {
        if (p.TableA.MagnitudeBits + p.TableB.MagnitudeBits + (32 - BitOperations.LeadingZeroCount((uint)p.Length)) <= 63) return NoLimit;
        ulong bound = (ulong)p.Length * p.TableA.Vector!.MaxSignificand * p.TableB.Vector!.MaxSignificand; // k ≤ 2^16, |m| ≤ 128
        return 63 - (64 - BitOperations.LeadingZeroCount(bound));
    }

    /// <summary><see cref="TrySum"/> with two accumulators, for blocks with a shift above <see cref="ShiftLimit"/> (E5M2 × E5M2 with large products).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TrySumSplit(in BlockPair p, out Int128 sum)
    {
        var ta = p.TableA.Vector!;
        var tb = p.TableB.Vector!;
        var lo = Vector512<long>.Zero;
        var hi = Vector512<long>.Zero;
        var a = p.A;
        var b = p.B;
        int i = 0;
        for (; i + Step <= a.Length; i += Step)
        {
            var va = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(a), (nuint)i);
            var vb = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(b), (nuint)i);
            if (!Accumulate(va, vb, ta, tb, ref lo, ref hi)) { sum = default; return false; }
        }
        sum = ((Int128)Vector512.Sum(hi) << 32) + Vector512.Sum(lo);
        return i == a.Length || TryAddTail(p, i, ref sum);
    }

    /// <summary>The last k mod 32 products, one by one; false for a NaN or Inf element.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryAddTail(in BlockPair p, int i, ref Int128 sum)
    {
        var fa = p.TableA.Fixed; var fb = p.TableB.Fixed;
        var ka = p.TableA.Class; var kb = p.TableB.Class;
        byte ma = p.TableA.CodeMask, mb = p.TableB.CodeMask;
        var a = p.A;
        var b = p.B;
        for (; i < a.Length; i++)
        {
            int ca = a[i] & ma, cb = b[i] & mb;
            if (((ka[ca] | kb[cb]) & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0) return false;
            sum += Math.BigMul(fa[ca], fb[cb]);
        }
        return true;
    }

    /// <summary>
    /// 32 products m_a·m_b·2^(sh_a + sh_b) into one accumulator; false when a shift sum exceeds <paramref name="limit"/>
    /// (<see cref="ShiftLimit"/>) or an element is NaN or Inf: their shift, <see cref="ElementTable.ShiftSpecial"/>,
    /// makes the saturating byte sum 128 or more, so one compare checks both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Accumulate(Vector256<byte> codesA, Vector256<byte> codesB, Tables ta, Tables tb, byte limit, ref Vector512<long> acc)
    {
        var ia = (codesA & ta.Mask).ToVector512(); // upper 32 lanes: code 0, a +0 of shift 0
        var ib = (codesB & tb.Mask).ToVector512();
        var s = Avx512BW.AddSaturate(ta.Shift(ia), tb.Shift(ib));
        if (Vector512.GreaterThanAny(s, Vector512.Create(limit))) return false;
        var s16 = Avx512BW.ConvertToVector512Int16(s.GetLower()).AsUInt16(); // ≤ 62, zero-extended
        var m = Avx512BW.ConvertToVector512Int16(ta.Significand(ia).GetLower().AsSByte())
              * Avx512BW.ConvertToVector512Int16(tb.Significand(ib).GetLower().AsSByte()); // |m_a·m_b| ≤ 2^14
        acc += Shifted(m.GetLower().GetLower(), s16.GetLower().GetLower());
        acc += Shifted(m.GetLower().GetUpper(), s16.GetLower().GetUpper());
        acc += Shifted(m.GetUpper().GetLower(), s16.GetUpper().GetLower());
        acc += Shifted(m.GetUpper().GetUpper(), s16.GetUpper().GetUpper());
        return true;
    }

    /// <summary>Eight products m·2^s in 64-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Shifted(Vector128<short> m, Vector128<ushort> s) =>
        Avx512F.ShiftLeftLogicalVariable(Avx512F.ConvertToVector512Int64(m), Avx512F.ConvertToVector512Int64(s).AsUInt64());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Accumulate(Vector256<byte> codesA, Vector256<byte> codesB, Tables ta, Tables tb, ref Vector512<long> lo, ref Vector512<long> hi)
    {
        var ia = (codesA & ta.Mask).ToVector512(); // upper 32 lanes: code 0, a +0 of shift 0
        var ib = (codesB & tb.Mask).ToVector512();
        var shA = ta.Shift(ia);
        var shB = tb.Shift(ib);
        if ((shA | shB).ExtractMostSignificantBits() != 0) return false; // a NaN or Inf element
        var s = (shA + shB).GetLower();                     // ≤ 62
        var s32 = s & Vector256.Create((byte)32);
        var sLo = (s | (s32 + s32)).ToVector512();          // s < 32: s; else ≥ 64, a zero shift result
        var sHi = (s - Vector256.Create((byte)32)).ToVector512(); // s ≥ 32: s − 32; else ≥ 224, zero
        var m = Avx512BW.ConvertToVector512Int16(ta.Significand(ia).GetLower().AsSByte())
              * Avx512BW.ConvertToVector512Int16(tb.Significand(ib).GetLower().AsSByte()); // |m_a·m_b| ≤ 2^14
        var sLo16 = Avx512BW.ConvertToVector512Int16(sLo.GetLower()).AsUInt16();
        var sHi16 = Avx512BW.ConvertToVector512Int16(sHi.GetLower()).AsUInt16();
        Group(m.GetLower().GetLower(), sLo16.GetLower().GetLower(), sHi16.GetLower().GetLower(), ref lo, ref hi);
        Group(m.GetLower().GetUpper(), sLo16.GetLower().GetUpper(), sHi16.GetLower().GetUpper(), ref lo, ref hi);
        Group(m.GetUpper().GetLower(), sLo16.GetUpper().GetLower(), sHi16.GetUpper().GetLower(), ref lo, ref hi);
        Group(m.GetUpper().GetUpper(), sLo16.GetUpper().GetUpper(), sHi16.GetUpper().GetUpper(), ref lo, ref hi);
        return true;
    }

    /// <summary>Eight products m·2^s, each into lo or hi.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Group(Vector128<short> m, Vector128<ushort> sLo, Vector128<ushort> sHi, ref Vector512<long> lo, ref Vector512<long> hi)
    {
        var m64 = Avx512F.ConvertToVector512Int64(m);
        lo += Avx512F.ShiftLeftLogicalVariable(m64, Avx512F.ConvertToVector512Int64(sLo).AsUInt64());
        hi += Avx512F.ShiftLeftLogicalVariable(m64, Avx512F.ConvertToVector512Int64(sHi).AsUInt64());
    }

    /// <summary>An element table's two 256-entry byte tables as registers' worth (four 64-byte quarters each).</summary>
    internal sealed class Tables
    {
        public readonly Vector256<byte> Mask;
        /// <summary>The largest |m| of the table (E5M2: 7, E4M3: 15, INT8: 127).</summary>
        public readonly uint MaxSignificand;
        private readonly Vector512<byte> _m0, _m1, _m2, _m3, _s0, _s1, _s2, _s3;
        private readonly bool _wide; // codes of 128 and more occur (8-bit formats)

        public Tables(byte codeMask, sbyte[] significand, byte[] shift)
        {
            Mask = Vector256.Create(codeMask);
            MaxSignificand = (uint)significand.Max(v => Math.Abs((int)v));
            _wide = codeMask >= 128;
            var m = MemoryMarshal.AsBytes(significand.AsSpan());
            _m0 = Vector512.Create<byte>(m); _m1 = Vector512.Create<byte>(m[64..]);
            _m2 = Vector512.Create<byte>(m[128..]); _m3 = Vector512.Create<byte>(m[192..]);
            _s0 = Vector512.Create<byte>(shift); _s1 = Vector512.Create<byte>(shift.AsSpan(64));
            _s2 = Vector512.Create<byte>(shift.AsSpan(128)); _s3 = Vector512.Create<byte>(shift.AsSpan(192));
        }

        /// <summary>The tables of a split element table, or null where the machine lacks AVX-512 VBMI.</summary>
        public static Tables? For(byte codeMask, sbyte[]? significand, byte[]? shift) =>
            IsSupported && significand is not null && shift is not null ? new Tables(codeMask, significand, shift) : null;

        public Vector512<byte> Significand(Vector512<byte> codes) => Find(codes, _m0, _m1, _m2, _m3);
        public Vector512<byte> Shift(Vector512<byte> codes) => Find(codes, _s0, _s1, _s2, _s3);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector512<byte> Find(Vector512<byte> codes, Vector512<byte> q0, Vector512<byte> q1, Vector512<byte> q2, Vector512<byte> q3)
        {
            var low = Avx512Vbmi.PermuteVar64x8x2(q0, codes, q1); // entries 0..127 by the code's low 7 bits
            if (!_wide) return low;
            var high = Avx512Vbmi.PermuteVar64x8x2(q2, codes, q3);
            return Vector512.ConditionalSelect(Vector512.LessThan(codes.AsSByte(), Vector512<sbyte>.Zero).AsByte(), high, low);
        }
    }
}
