using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// TestFloat-style weighted random dot vectors (docs/vectors.md): element exponents biased to the ends of the range and
/// to one, significands from patterns (zero, all ones, one bit, a run of ones) as often as uniform, blocks that are
/// dense, sparse, single-element or all-equal, scales mostly near unity with the extremes and NaN mixed in, and C either
/// specially chosen, placed at a biased alignment distance from the product sum, or cancelling it.
/// Every draw comes from the vector's own stream, so vector i does not depend on any other.
/// </summary>
[SkipLocalsInit] // no locals are read before they are written; zeroing the frame's temporaries cost a loop per vector
public static class WeightedRandom
{
    private static readonly uint[] SpecialCs =
    [
        0x00000000, 0x80000000, 0x00000001, 0x807FFFFF, 0x00800000, 0x3F800000, 0x7F7FFFFF, 0xFF7FFFFF,
        0x7F800000, 0xFF800000, 0x7FC00000, 0x7FA00000, 0xFFC00001, 0x7FFFFFFF,
    ];

    /// <summary>Draws the inputs of one vector (formats and mode included) from a copy of <paramref name="stream"/>, the vector's own stream.</summary>
    /// <remarks>
    /// The formats come as their <see cref="ElementCodes"/>, and the scales as <paramref name="scales"/> (<c>v.Scales</c>'
    /// powers; all looked up once per run, not per vector). The draws go
    /// through a local copy of the generator whose address no call takes: the helpers take it by value and return it
    /// (those on the common path inlined). An address-taken generator lives in memory, and each of a vector's ~30 draws
    /// would then pass its four state words through a store and a load.
    /// </remarks>
    public static void Build(DotVector v, ElementCodes[] formatsA, ElementCodes[] formatsB, RoundingMode[] modes, NumberFormat output, ScalePowers scales,
        in MxRandom stream)
    {
        var r = stream;
        var ea = formatsA[formatsA.Length == 1 ? 0 : r.NextInt(0, formatsA.Length)];
        var eb = formatsB[formatsB.Length == 1 ? 0 : r.NextInt(0, formatsB.Length)];
        v.Rounding = modes[modes.Length == 1 ? 0 : r.NextInt(0, modes.Length)];
        v.SetFormats(ea, eb);
        FormatTables ta = FormatTables.For(ea), tb = FormatTables.For(eb);

        ulong shape = r.NextBelow(100);
        if (shape >= 92) { NearBoundary(v, ea, eb, output, scales, r); return; }
        if (shape < 74)
        {
            // Dense (46 %), or sparse (28 %): A keeps 2/16 of its elements, B 8/16.
            bool dense = shape < 46;
            r = Fill(v.A, ea, ta, r, dense ? 16 : 2);
            r = Fill(v.B, eb, tb, r, dense ? 16 : 8);
        }
        else if (shape < 86)                                                                       // one product
        {
            Array.Fill(v.A, ea.Zero); Array.Fill(v.B, eb.Zero);
            int i = r.NextInt(0, v.K);
            v.A[i] = Element(ea, r.NextUInt64()); v.B[i] = Element(eb, r.NextUInt64());
        }
        else { Array.Fill(v.A, Element(ea, r.NextUInt64())); Array.Fill(v.B, Element(eb, r.NextUInt64())); } // all equal

        // Rare special elements: a named code (NaN, Inf, ...) in one slot of an otherwise ordinary block, and half the
        // time its negation in another slot too (infinities of both signs).
        if (r.NextBelow(64) == 0 && (ea.NaN is not null || ea.Infinity is not null)) r = InjectCorner(v.A, ea, r);
        if (r.NextBelow(64) == 0 && (eb.NaN is not null || eb.Infinity is not null)) r = InjectCorner(v.B, eb, r);

        v.ScaleA = Scale(scales, r.NextUInt64());
        v.ScaleB = Scale(scales, r.NextUInt64());
        v.C = Accumulator(v, ea, eb, ta, tb, scales, r);
    }

    /// <summary>
    /// Fills a block from the format's table of weighted codes (<see cref="WeightedCodes"/>), 12 random bits per
    /// element — five elements per 64-bit draw, which keeps generation well under a microsecond per vector. A sparse
    /// block keeps an element with probability <paramref name="keepOutOf16"/>/16, deciding from 4 more bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Build, so that the generator stays in registers
    private static MxRandom Fill(byte[] codes, ElementCodes e, FormatTables tables, MxRandom r, int keepOutOf16)
    {
        // Indices are masked to 12 bits, so every read is inside the 4096-entry table, and every write's index is below
        // the block's length (the loop conditions): no bounds checks needed.
        ref byte table = ref MemoryMarshal.GetArrayDataReference(tables.Weighted);
        ref byte c = ref MemoryMarshal.GetArrayDataReference(codes);
        nint n = codes.Length, i = 0;
        if (keepOutOf16 >= 16)
        {
            // Five 12-bit table indices per draw, the lowest first; the top 4 bits go unused.
            for (; i + 5 <= n; i += 5)
            {
                ulong word = r.NextUInt64();
                Unsafe.Add(ref c, i) = Code(ref table, word);
                Unsafe.Add(ref c, i + 1) = Code(ref table, word >> 12);
                Unsafe.Add(ref c, i + 2) = Code(ref table, word >> 24);
                Unsafe.Add(ref c, i + 3) = Code(ref table, word >> 36);
                Unsafe.Add(ref c, i + 4) = Code(ref table, word >> 48);
            }
            if (i < n)
            {
                ulong word = r.NextUInt64();
                for (; i < n; i++, word >>= 12) Unsafe.Add(ref c, i) = Code(ref table, word);
            }
        }
        else
        {
            // Four 16-bit draws per word: a table index, then 4 bits for keep-or-zero. Kept when the 4 bits are below
            // keepOutOf16: a mask, not a branch (the choice is a coin flip). Sixteen elements (four words) at a time:
            // their table codes stored as a dense block's are, then keep-or-zero for all sixteen in one vector step on
            // the stored bytes (gathering the codes into a vector register instead spilled them through the stack).
            uint zero = e.Zero;
            var zeros = Vector128.Create((byte)zero);
            var keepBelow = Vector128.Create((short)keepOutOf16);
            for (; i + 16 <= n; i += 16)
            {
                ulong w0 = r.NextUInt64(), w1 = r.NextUInt64();
                StoreCodes4(ref Unsafe.Add(ref c, i), ref table, w0);
                StoreCodes4(ref Unsafe.Add(ref c, i + 4), ref table, w1);
                var keptLow = Vector128.LessThan((Vector128.Create(w0, w1).AsUInt16() >>> 12).AsInt16(), keepBelow);
                ulong w2 = r.NextUInt64(), w3 = r.NextUInt64();
                StoreCodes4(ref Unsafe.Add(ref c, i + 8), ref table, w2);
                StoreCodes4(ref Unsafe.Add(ref c, i + 12), ref table, w3);
                var keptHigh = Vector128.LessThan((Vector128.Create(w2, w3).AsUInt16() >>> 12).AsInt16(), keepBelow);
                var kept = Vector128.Narrow(keptLow, keptHigh).AsByte();
                Vector128.ConditionalSelect(kept, Vector128.LoadUnsafe(ref c, (nuint)i), zeros).StoreUnsafe(ref c, (nuint)i);
            }
            for (; i + 4 <= n; i += 4)
            {
                ulong word = r.NextUInt64();
                Unsafe.Add(ref c, i) = KeptOrZero(ref table, word, keepOutOf16, zero);
                Unsafe.Add(ref c, i + 1) = KeptOrZero(ref table, word >> 16, keepOutOf16, zero);
                Unsafe.Add(ref c, i + 2) = KeptOrZero(ref table, word >> 32, keepOutOf16, zero);
                Unsafe.Add(ref c, i + 3) = KeptOrZero(ref table, word >> 48, keepOutOf16, zero);
            }
            if (i < n)
            {
                ulong word = r.NextUInt64();
                for (; i < n; i++, word >>= 16) Unsafe.Add(ref c, i) = KeptOrZero(ref table, word, keepOutOf16, zero);
            }
        }
        return r;
    }

    /// <summary>The table's code at the low 12 bits of <paramref name="bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Code(ref byte table, ulong bits) => Unsafe.Add(ref table, (nint)(bits & (TableSize - 1)));

    /// <summary>Stores the table's codes at the low 12 bits of each 16-bit field of <paramref name="word"/> at <paramref name="to"/> … +3, the lowest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreCodes4(ref byte to, ref byte table, ulong word)
    {
        to = Code(ref table, word);
        Unsafe.Add(ref to, 1) = Code(ref table, word >> 16);
        Unsafe.Add(ref to, 2) = Code(ref table, word >> 32);
        Unsafe.Add(ref to, 3) = Code(ref table, word >> 48);
    }

    /// <summary>The table's code at the low 12 bits, or <paramref name="zero"/> unless bits 12..15 are below <paramref name="keepOutOf16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte KeptOrZero(ref byte table, ulong bits, int keepOutOf16, uint zero)
    {
        uint keep = (uint)(((int)(bits >> 12 & 15) - keepOutOf16) >> 31); // all ones when kept
        return (byte)(zero ^ ((Code(ref table, bits) ^ zero) & keep));
    }

    private const int TableSize = 4096;

    /// <summary>
    /// 4096 codes drawn once, with a fixed seed, from <see cref="Element"/>'s weighted distribution: a uniform pick from
    /// this table follows the TestFloat-style weights (to within sampling error) at the cost of a table lookup.
    /// </summary>
    public static byte[] WeightedCodes(ElementCodes e) => FormatTables.For(e).Weighted;

    /// <summary>What the draw reads of an element format, built once per format and found with one look-up per vector.</summary>
    private sealed class FormatTables
    {
        /// <summary><see cref="WeightedCodes"/>.</summary>
        public readonly byte[] Weighted;
        /// <summary>The element table's fixed-point values converted to double (each below 2^32, so exactly).</summary>
        public readonly double[] FixedDoubles;
        /// <summary>
        /// Bits from the lowest set bit of any non-zero value to the top of the largest: every value is a multiple of
        /// 2^z below 2^(z + Span).
        /// </summary>
        public readonly int Span;

        private FormatTables(ElementCodes e)
        {
            Weighted = new byte[TableSize];
            var rng = new MxRandom(0x5EED_0000UL + (ulong)e.Index);
            for (int i = 0; i < Weighted.Length; i++) Weighted[i] = Element(e, rng.NextUInt64());
            var t = e.Table;
            FixedDoubles = Array.ConvertAll(t.Fixed, x => (double)x);
            Span = t.MagnitudeBits - t.Fixed.Where(x => x != 0).Min(x => (int)long.TrailingZeroCount(x));
        }

        private static readonly FormatTables?[] Cache = new FormatTables?[8];

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // twice per vector
        public static FormatTables For(ElementCodes e) => Cache[e.Index] ?? (Cache[e.Index] = new FormatTables(e));
    }

    /// <summary>
    /// A finite element code from one 64-bit draw <paramref name="r"/>: exponent biased to min/max/one, significand from
    /// patterns or uniform.
    /// </summary>
    public static byte Element(ElementCodes e, ulong r)
    {
        var f = e.Format;
        if (f.Kind == FormatKind.Integer)
        {
            int sel = (int)(r & 15);
            sbyte value = sel switch
            {
                < 6 => (sbyte)(r >> 8),                         // uniform
                < 8 => (sbyte)((int)((r >> 8) % 9) - 4),        // small
                8 => 127, 9 => -128, 10 => -127,
                < 13 => (sbyte)((1 << (int)((r >> 8) % 7)) * ((r >> 16 & 1) == 0 ? 1 : -1)), // powers of two
                _ => (sbyte)(((1 << (int)((r >> 8) % 8)) - 1) * ((r >> 16 & 1) == 0 ? 1 : -1)), // runs of ones
            };
            return (byte)value;
        }
        int m = f.MantissaBits, maxField = f.ExponentFieldMax;
        int expSel = (int)(r & 7);
        int field = expSel switch
        {
            0 => 0,                              // zero / subnormal
            1 => maxField,                       // top binade (NaN/Inf codes replaced below)
            2 => 1,                              // smallest normal binade
            3 => f.Bias,                         // around one
            _ => (int)((r >> 3) & (ulong)maxField),  // uniform: the field is maxField + 1 = 2^ExponentBits wide
        };
        int mantSel = (int)((r >> 12) & 7);
        uint mantMask = (1u << m) - 1;
        uint mant = mantSel switch
        {
            0 => 0,
            1 => mantMask,
            2 => m == 0 ? 0 : 1u << (int)((r >> 16) % (ulong)m),                         // one bit
            3 => m == 0 ? 0 : (mantMask << (int)((r >> 16) % (ulong)m)) & mantMask,     // leading run of ones
            _ => (uint)(r >> 20) & mantMask,
        };
        uint code = ((uint)field << m) | mant | ((r >> 63) != 0 ? f.NegativeZeroCode : 0u);
        byte cls = e.Table.Class[code];
        if ((cls & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0)
            code = e.MaxNormal | (code & f.NegativeZeroCode);
        return (byte)code;
    }

    private static MxRandom InjectCorner(byte[] codes, ElementCodes e, MxRandom rng)
    {
        byte code = e.Corners[rng.NextInt(0, e.Corners.Count)].Code;
        int i = rng.NextInt(0, codes.Length);
        codes[i] = code;
        if (codes.Length > 1 && rng.NextBool()) codes[(i + 1) % codes.Length] = e.Negate(code);
        return rng;
    }

    /// <summary>
    /// A random rounding boundary (8 % of random vectors): C a random value of the output format at a random normal,
    /// subnormal or top-binade magnitude; the block a power of two placed (by the scales) at half an ulp of C, at one
    /// ulp, or far below the round bit, plus — half the time — a second, random product that moves the exact value a
    /// little off that point. So ties, near ties and sticky-only cases occur at random significands, exponents and signs,
    /// not only at the corner generator's fixed ones.
    /// </summary>
    private static void NearBoundary(DotVector v, ElementCodes ea, ElementCodes eb, NumberFormat o, ScalePowers scales, MxRandom rng)
    {
        Array.Fill(v.A, ea.Zero); Array.Fill(v.B, eb.Zero);
        // Half the time a second product; half of those from the smallest codes while the first product uses the
        // largest powers of two, so the second is tiny next to the first and the exact value lands just below or above
        // the point (near ties, values just below the next representable value).
        bool second = v.K > 1 && rng.NextBool(), tiny = second && rng.NextBool();
        int i0 = rng.NextInt(0, v.K);
        byte a0 = PowerOfTwo(ea, tiny, ref rng), b0 = PowerOfTwo(eb, tiny, ref rng);
        v.A[i0] = rng.NextBool() ? ea.Negate(a0) : a0;
        v.B[i0] = b0;
        if (second)
        {
            int i1 = (i0 + 1 + rng.NextInt(0, v.K - 1)) % v.K;
            v.A[i1] = tiny ? Small(ea, ref rng) : Element(ea, rng.NextUInt64());
            v.B[i1] = tiny ? Small(eb, ref rng) : Element(eb, rng.NextUInt64());
        }

        // C = ±sig·2^u, u the exponent of its ulp in the output format.
        int m = o.MantissaBits, u;
        ulong sig, r = rng.NextUInt64();
        switch (r % 3)
        {
            case 0: // normal: any binade FP32 can also hold with a full significand
                u = rng.NextInt(Math.Max(o.Emin, -126) - m, o.Emax - m + 1);
                sig = (1UL << m) | (rng.NextUInt64() & ((1UL << m) - 1));
                break;
            case 1: // subnormal
                u = o.QuantumExponent;
                sig = rng.NextUInt64() & ((1UL << m) - 1);
                break;
            default: // top binade, up to max finite
                (sig, u) = o.MaxFinite;
                if (rng.NextBool()) sig -= 1 + rng.NextBelow(3); // else max itself: the overflow threshold is just above
                break;
        }
        bool negativeC = ((r >> 63) & 1) != 0;
        v.C = Fp32Values.Encode(StandardFormats.Fp32, negativeC, sig, u) ?? 0;

        // Place the power-of-two product at 2^(u − offset): ½ ulp (the tie), 1 ulp (exact) or far below (sticky only).
        ulong os = rng.NextBelow(20);
        int offset = os < 9 ? 1 : os < 14 ? 0 : rng.NextInt(2, 41);
        int fixedLog2 = 127 - (int)UInt128.LeadingZeroCount((UInt128)Math.BigMul(Math.Abs(ea.Table.Fixed[a0]), Math.Abs(eb.Table.Fixed[b0])));
        (v.ScaleA, v.ScaleB) = scales.Split(u - offset - fixedLog2 + 2 * ElementTable.FractionBits);
    }

    /// <summary>The min or max subnormal (INT8: ±1 lsb), either sign.</summary>
    private static byte Small(ElementCodes e, ref MxRandom rng)
    {
        byte code = rng.NextBool() ? e.MinSubnormal : e.MaxSubnormal;
        return rng.NextBool() ? e.Negate(code) : code;
    }

    /// <summary>A positive power-of-two code: mantissa zero, random exponent (INT8: 2^j), or the largest one.</summary>
    private static byte PowerOfTwo(ElementCodes e, bool largest, ref MxRandom rng)
    {
        var f = e.Format;
        if (f.Kind == FormatKind.Integer) return (byte)(1 << (largest ? 6 : rng.NextInt(0, 7)));
        if (largest) return (byte)(e.MaxNormal & ~((1 << f.MantissaBits) - 1));
        byte code = (byte)(rng.NextInt(1, f.ExponentFieldMax + 1) << f.MantissaBits);
        return (e.Table.Class[code] & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0 ? e.MinNormal : code;
    }

    /// <summary>
    /// A scale code: mostly within 2^±8 of unity, the three smallest and three largest finite codes, NaN, or any
    /// finite code (E8M0: 0x77..0x87, 0x00..0x02, 0xFC..0xFE, 0xFF; UE4M3: 2^±8 around 0x38, 0x00..0x02 (zero and
    /// subnormals), 0x7C..0x7E (up to 448), 0x7F), from one 64-bit draw <paramref name="r"/>.
    /// </summary>
    private static byte Scale(ScalePowers s, ulong r)
    {
        // All five kinds are formed and one is picked by index: the pick is random, so a branch on it would
        // mispredict often, and the five together cost less than that.
        ulong x = r >> 8;
        uint max = s.Max;
        ReadOnlySpan<byte> kinds = [s.NearUnity((int)(x % (2 * ScalePowers.NearUnityReach + 1))), (byte)(x % 3), (byte)(max - 2 + (uint)(x % 3)), s.Nan, (byte)(x % (max + 1))];
        return kinds[ScaleKinds[(int)(r % 100)]];
    }

    /// <summary>The kind of scale (an index into the five of <see cref="Scale"/>) for each value of r mod 100: 60, 6, 6, 2 and 26 of them.</summary>
    private static readonly byte[] ScaleKinds =
        [.. Enumerable.Repeat((byte)0, 60), .. Enumerable.Repeat((byte)1, 6), .. Enumerable.Repeat((byte)2, 6), .. Enumerable.Repeat((byte)3, 2), .. Enumerable.Repeat((byte)4, 26)];

    /// <summary>C: the vector's last draws, so the generator is not handed back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Build (see there)
    private static uint Accumulator(DotVector v, ElementCodes ea, ElementCodes eb, FormatTables ta, FormatTables tb, ScalePowers scales, MxRandom rng)
    {
        ulong sel = rng.NextBelow(100);
        if (sel < 6) return SpecialCs[rng.NextInt(0, SpecialCs.Length)];
        if (sel < 12) return 0;
        if (sel < 20 && Cancelling(v, ea, eb) is { } cancelling) return cancelling;
        // C relative to the product sum's magnitude: alignment distances biased to the datapath's boundaries.
        int baseExp = ProductSumExponent(v, ta, tb, scales) ?? rng.NextInt(-40, 40);
        ulong dsel = rng.NextBelow(8);
        int d = dsel switch
        {
            0 => 0,
            1 => rng.NextBool() ? 1 : -1,
            2 => (rng.NextBool() ? 1 : -1) * rng.NextInt(23, 28),
            3 => rng.NextInt(-160, 160),
            _ => rng.NextInt(-30, 31),
        };
        int e = Math.Clamp(baseExp + d, -149, 127);
        ulong r2 = rng.NextUInt64();
        // The five significand patterns, one picked by index (as in Scale: a random pick, not a branch).
        int k = (int)((r2 >> 8) % 23);
        ReadOnlySpan<uint> patterns = [0, 0x7FFFFF, 1u << k, (0x7FFFFFu << k) & 0x7FFFFF, (uint)(r2 >> 40) & 0x7FFFFF];
        uint sig = patterns[(int)(r2 % 5)];
        uint sign = (r2 >> 63) != 0 ? 0x80000000u : 0;
        if (e < -126) return sign | ((sig | 0x800000) >> Math.Min(24, -126 - e)); // subnormal (or zero)
        return sign | ((uint)(e + 127) << 23) | sig;
    }

    /// <summary>
    /// Cancellation: C = −fl(Σ), so the exact result is the rounding error of the product sum (or 0); null when fl(Σ) is
    /// not finite.
    /// </summary>
    private static uint? Cancelling(DotVector v, ElementCodes ea, ElementCodes eb)
    {
        var block = new BlockPair(ea.Table, v.A, v.ScaleA, eb.Table, v.B, v.ScaleB, v.Scales);
        var r = MxDot.Fused(block, 0, RoundingMode.NearestEven, StandardFormats.Fp32);
        return (r.Bits & 0x7F800000) != 0x7F800000 ? r.Bits ^ 0x80000000 : null;
    }

    /// <summary>About log2 |Σ a_i·b_i·2^scale| (in double: only a target for C's exponent), or null when the sum is zero.</summary>
    private static int? ProductSumExponent(DotVector v, FormatTables da, FormatTables db, ScalePowers powers)
    {
        // The tables have an entry for each of the 256 byte values, so no element code reads outside them.
        ref double fa = ref MemoryMarshal.GetArrayDataReference(da.FixedDoubles);
        ref double fb = ref MemoryMarshal.GetArrayDataReference(db.FixedDoubles);
        ReadOnlySpan<byte> a = v.A, b = v.B.AsSpan(0, a.Length);
        int n = a.Length;
        ref byte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b);
        double sum;
        // The sum was always formed in element order, one rounding at a time, and its value is part of the generated
        // bytes. When no step can round — every product and partial sum is a multiple of 2^(zA+zB) below
        // k·2^(magA+magB), i.e. an integer of at most SpanA + SpanB + ⌈log2 k⌉ ≤ 53 bits times that power of two (33 of
        // the 36 pairs at k = 32) — every order gives the exact sum, so four running sums give the same double without
        // the 32-step chain of dependent additions.
        if (da.Span + db.Span + (32 - BitOperations.LeadingZeroCount((uint)n - 1)) <= 53)
        {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = 0;
            for (; i + 4 <= n; i += 4) // i + 3 < n: inside both blocks
            {
                s0 += Unsafe.Add(ref fa, Unsafe.Add(ref pa, i)) * Unsafe.Add(ref fb, Unsafe.Add(ref pb, i));
                s1 += Unsafe.Add(ref fa, Unsafe.Add(ref pa, i + 1)) * Unsafe.Add(ref fb, Unsafe.Add(ref pb, i + 1));
                s2 += Unsafe.Add(ref fa, Unsafe.Add(ref pa, i + 2)) * Unsafe.Add(ref fb, Unsafe.Add(ref pb, i + 2));
                s3 += Unsafe.Add(ref fa, Unsafe.Add(ref pa, i + 3)) * Unsafe.Add(ref fb, Unsafe.Add(ref pb, i + 3));
            }
            for (; i < n; i++) s0 += Unsafe.Add(ref fa, a[i]) * Unsafe.Add(ref fb, b[i]);
            sum = (s0 + s1) + (s2 + s3);
        }
        else
        {
            sum = 0;
            for (int i = 0; i < n; i++) sum += Unsafe.Add(ref fa, a[i]) * Unsafe.Add(ref fb, b[i]);
        }
        if (sum == 0) return null;
        return (int)Math.Floor(powers.AimLog2(v.ScaleA) + powers.AimLog2(v.ScaleB)) - 2 * ElementTable.FractionBits + Math.ILogB(sum);
    }
}
