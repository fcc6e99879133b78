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

    /// <summary>
    /// Draws the inputs of one vector (formats and mode included) from <paramref name="r"/>, the vector's own stream
    /// (<c>mxref-vectors/4</c>; the draw order is docs/vectors.md's "Random section").
    /// </summary>
    /// <remarks>
    /// The formats come as their <see cref="ElementCodes"/>, and the scales as <paramref name="scales"/> (<c>v.Scales</c>'
    /// powers; all looked up once per run, not per vector). With <paramref name="paired"/> the two lists are the run's
    /// <c>--pairs</c>, A[p] with B[p], and one pick takes a pair. Most decisions are 16-bit fields of a few 64-bit words
    /// (<see cref="VectorRandom.Pick"/>), not one draw each: the picks word (formats, mode, shape), the accumulator's
    /// word (C's kind and alignment distance, its target for a zero sum, the corner injections) and the scales' word.
    /// The generator is one state word passed by value to the helpers (those on the common path inlined), so it stays
    /// in a register.
    /// </remarks>
    public static void Build(DotVector v, ElementCodes[] formatsA, ElementCodes[] formatsB, bool paired, RoundingMode[] modes, NumberFormat output,
        ScalePowers scales, VectorRandom r)
    {
        // The picks word: four 16-bit fields.
        ulong picks = r.NextUInt64();
        int ia = VectorRandom.Pick(picks, formatsA.Length);
        var ea = formatsA[ia];
        var eb = formatsB[paired ? ia : VectorRandom.Pick(picks >> 16, formatsB.Length)];
        v.Rounding = modes[VectorRandom.Pick(picks >> 32, modes.Length)];
        int shape = VectorRandom.Pick(picks >> 48, 100);
        v.SetFormats(ea, eb);
        if (shape >= 92) { NearBoundary(v, ea, eb, output, scales, r); return; }
        FormatTables ta = FormatTables.For(ea), tb = FormatTables.For(eb);

        ulong aux = r.NextUInt64();                                                                // C's word (see Accumulator)
        ulong scaleBits = r.NextUInt64();                                                          // A's scale, then B's
        var scaleCodes = scales.RandomScales;
        v.ScaleA = scaleCodes.Pick(scaleBits);
        v.ScaleB = scaleCodes.Pick(scaleBits >> 32);
        // C's target reads the product sum; the shape says which lanes can hold a non-zero product (a mask, for K ≤ 64).
        var lanes = ProductLanes.Any;
        ulong laneMask = 0;
        if (shape < 46) { r = Fill(v.A, ta, r); r = Fill(v.B, tb, r); }                          // dense (46 %)
        else if (shape < 74) r = Sparse(v.A, v.B, ea, eb, ta, tb, r, out laneMask, out lanes);  // sparse (28 %)
        else if (shape < 86)                                                                       // one product
        {
            Array.Fill(v.A, ea.Zero); Array.Fill(v.B, eb.Zero);
            int i = VectorRandom.Pick(r.NextUInt64(), v.K);
            v.A[i] = Element(ea, r.NextUInt64()); v.B[i] = Element(eb, r.NextUInt64());
            (lanes, laneMask) = i < 64 ? (ProductLanes.Masked, 1UL << i) : (ProductLanes.Any, 0);
        }
        else                                                                                       // all equal
        {
            Array.Fill(v.A, Element(ea, r.NextUInt64())); Array.Fill(v.B, Element(eb, r.NextUInt64()));
            lanes = ProductLanes.AllEqual;
        }

        // Rare special elements: a named code (NaN, Inf, ...) in one slot of an otherwise ordinary block, and half the
        // time its negation in another slot too (infinities of both signs). One block in 64 per operand: 6 bits each.
        if ((aux & 63) == 0 && (ea.NaN is not null || ea.Infinity is not null)) { r = InjectCorner(v.A, ea, r); lanes = ProductLanes.Any; }
        if ((aux >> 6 & 63) == 0 && (eb.NaN is not null || eb.Infinity is not null)) { r = InjectCorner(v.B, eb, r); lanes = ProductLanes.Any; }

        v.C = Accumulator(v, ea, eb, ta, tb, scales, aux, VectorRandom.Pick(aux >> 48, 80) - 40, lanes, laneMask, r);
    }

    /// <summary>
    /// Fills a block from the format's table of weighted codes (<see cref="WeightedCodes"/>), 12 random bits per
    /// element — five elements per 64-bit draw, the lowest bits first; the top 4 bits go unused.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Build, so that the generator stays in registers
    private static VectorRandom Fill(byte[] codes, FormatTables tables, VectorRandom r)
    {
        // Indices are masked to 12 bits, so every read is inside the 4096-entry table, and every write's index is below
        // the block's length (the loop conditions): no bounds checks needed.
        ref byte table = ref MemoryMarshal.GetArrayDataReference(tables.Weighted);
        ref byte c = ref MemoryMarshal.GetArrayDataReference(codes);
        nint n = codes.Length, i = 0;
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
        return r;
    }

    /// <summary>
    /// A sparse pair of blocks: A keeps each lane with probability 1/8, B with 1/2, independently; the other lanes are
    /// zero. Per group of 32 lanes (the last one cut to K): two words of keep bits — B's mask the low half of the first,
    /// A's the AND of its high half and both halves of the second, lane j at bit j — then A's kept lanes' codes and B's,
    /// in lane order, each as the dense fill draws them (12 bits, five per word, a new word for each side). Only the kept
    /// lanes take codes, so the draw costs what the block holds. <paramref name="laneMask"/>: the lanes where both are
    /// kept (K ≤ 64), the only ones whose product can be non-zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Build (see Fill)
    private static VectorRandom Sparse(byte[] a, byte[] b, ElementCodes ea, ElementCodes eb, FormatTables ta, FormatTables tb, VectorRandom r,
        out ulong laneMask, out ProductLanes lanes)
    {
        a.AsSpan().Fill(ea.Zero);
        b.AsSpan().Fill(eb.Zero);
        int n = a.Length;
        laneMask = 0;
        lanes = n <= 64 ? ProductLanes.Masked : ProductLanes.Any;
        for (int g = 0; g < n; g += 32)
        {
            ulong m1 = r.NextUInt64(), m2 = r.NextUInt64();
            uint valid = n - g >= 32 ? uint.MaxValue : (1u << (n - g)) - 1;
            uint keepB = (uint)m1 & valid, keepA = (uint)(m1 >> 32) & (uint)m2 & (uint)(m2 >> 32) & valid;
            r = KeptCodes(a, g, ta, keepA, r);
            r = KeptCodes(b, g, tb, keepB, r);
            if (g < 64) laneMask |= (ulong)(keepA & keepB) << g;
        }
        return r;
    }

    /// <summary>The weighted codes of the lanes g + j for each set bit j of <paramref name="keep"/>, lowest first, five per draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VectorRandom KeptCodes(byte[] codes, int g, FormatTables tables, uint keep, VectorRandom r)
    {
        // Each lane g + j is below the block's length (keep is cut to it), and each index is masked to 12 bits.
        ref byte table = ref MemoryMarshal.GetArrayDataReference(tables.Weighted);
        ref byte c = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(codes), g);
        while (keep != 0)
        {
            ulong word = r.NextUInt64();
            for (int k = 0; k < 5 && keep != 0; k++, word >>= 12)
            {
                Unsafe.Add(ref c, BitOperations.TrailingZeroCount(keep)) = Code(ref table, word);
                keep &= keep - 1;
            }
        }
        return r;
    }

    /// <summary>What C's target knows of the block: nothing, that every lane holds the same product, or a mask of the lanes that may be non-zero.</summary>
    private enum ProductLanes { Any, AllEqual, Masked }

    /// <summary>The table's code at the low 12 bits of <paramref name="bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Code(ref byte table, ulong bits) => Unsafe.Add(ref table, (nint)(bits & (TableSize - 1)));

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

    /// <summary>A named corner code in a random slot, and half the time its negation in the next: one draw, three fields.</summary>
    private static VectorRandom InjectCorner(byte[] codes, ElementCodes e, VectorRandom rng)
    {
        ulong w = rng.NextUInt64();
        byte code = e.Corners[VectorRandom.Pick(w, e.Corners.Count)].Code;
        int i = VectorRandom.Pick(w >> 16, codes.Length);
        codes[i] = code;
        if (codes.Length > 1 && (w >> 63) != 0) codes[(i + 1) % codes.Length] = e.Negate(code);
        return rng;
    }

    /// <summary>
    /// A random rounding boundary (8 % of random vectors): C a random value of the output format at a random normal,
    /// subnormal or top-binade magnitude; the block a power of two placed (by the scales) at half an ulp of C, at one
    /// ulp, or far below the round bit, plus — half the time — a second, random product that moves the exact value a
    /// little off that point. So ties, near ties and sticky-only cases occur at random significands, exponents and signs,
    /// not only at the corner generator's fixed ones.
    /// </summary>
    private static void NearBoundary(DotVector v, ElementCodes ea, ElementCodes eb, NumberFormat o, ScalePowers scales, VectorRandom rng)
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
    private static byte Small(ElementCodes e, ref VectorRandom rng)
    {
        byte code = rng.NextBool() ? e.MinSubnormal : e.MaxSubnormal;
        return rng.NextBool() ? e.Negate(code) : code;
    }

    /// <summary>A positive power-of-two code: mantissa zero, random exponent (INT8: 2^j), or the largest one.</summary>
    private static byte PowerOfTwo(ElementCodes e, bool largest, ref VectorRandom rng)
    {
        var f = e.Format;
        if (f.Kind == FormatKind.Integer) return (byte)(1 << (largest ? 6 : rng.NextInt(0, 7)));
        if (largest) return (byte)(e.MaxNormal & ~((1 << f.MantissaBits) - 1));
        byte code = (byte)(rng.NextInt(1, f.ExponentFieldMax + 1) << f.MantissaBits);
        return (e.Table.Class[code] & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0 ? e.MinNormal : code;
    }

    /// <summary>The kind of scale (an index into the five of <see cref="RandomScaleCodes"/>) for each pick in 0 … 99: 60, 6, 6, 2 and 26 of them.</summary>
    internal static readonly byte[] ScaleKinds =
        [.. Enumerable.Repeat((byte)0, 60), .. Enumerable.Repeat((byte)1, 6), .. Enumerable.Repeat((byte)2, 6), .. Enumerable.Repeat((byte)3, 2), .. Enumerable.Repeat((byte)4, 26)];

    /// <summary>
    /// C from the accumulator's word <paramref name="aux"/> (bits 12..27 the kind, 28..31 and 32..47 the alignment
    /// distance or the special value, 48..63 <paramref name="zeroSumExponent"/>) and, for a C placed against the product sum, one more draw for its significand:
    /// the vector's last draw, so the generator is not handed back. <paramref name="zeroSumExponent"/> is the target
    /// when the product sum is zero; <paramref name="lanes"/> and <paramref name="laneMask"/> say what the block is (see <see cref="ProductSumExponent"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into Build (see there)
    private static uint Accumulator(DotVector v, ElementCodes ea, ElementCodes eb, FormatTables ta, FormatTables tb, ScalePowers scales, ulong aux,
        int zeroSumExponent, ProductLanes lanes, ulong laneMask, VectorRandom rng)
    {
        int sel = VectorRandom.Pick(aux >> 12, 100);
        if (sel < 6) return SpecialCs[VectorRandom.Pick(aux >> 32, SpecialCs.Length)];
        if (sel < 12) return 0;
        if (sel < 20 && Cancelling(v, ea, eb) is { } cancelling) return cancelling;
        // C relative to the product sum's magnitude: alignment distances biased to the datapath's boundaries.
        int baseExp = ProductSumExponent(v, ta, tb, scales, lanes, laneMask) ?? zeroSumExponent;
        // d from bits 28..30 (which of eight), 31 (its sign, for ±1 and ±23..27) and 32..47 (its magnitude): 0, ±1,
        // ±23..27, −160..159, or −30..30 (half the time). A table per kind, not a branch: the kind is random.
        int dsel = (int)(aux >> 28) & 7;
        int sign = 1 - 2 * (int)(aux >> 31 & 1);
        var kind = DistanceKinds[dsel];
        int d = (VectorRandom.Pick(aux >> 32, kind.Count) + kind.First) * (kind.Signed ? sign : 1);
        int e = Math.Clamp(baseExp + d, -149, 127);
        ulong r2 = rng.NextUInt64();
        // The five significand patterns, one picked by index (as in Scale: a random pick, not a branch).
        int k = VectorRandom.Pick(r2 >> 24, 23);
        ReadOnlySpan<uint> patterns = [0, 0x7FFFFF, 1u << k, (0x7FFFFFu << k) & 0x7FFFFF, (uint)r2 & 0x7FFFFF];
        uint sig = patterns[VectorRandom.Pick(r2 >> 40, 5)];
        uint signC = (r2 >> 63) != 0 ? 0x80000000u : 0;
        if (e < -126) return signC | ((sig | 0x800000) >> Math.Min(24, -126 - e)); // subnormal (or zero)
        return signC | ((uint)(e + 127) << 23) | sig;
    }

    /// <summary>C's alignment distance for each of the eight values of its 3-bit kind: First + a pick in [0, Count), negated with the sign bit when Signed.</summary>
    private static readonly (int First, int Count, bool Signed)[] DistanceKinds =
        [(0, 1, false), (1, 1, true), (23, 5, true), (-160, 320, false), (-30, 61, false), (-30, 61, false), (-30, 61, false), (-30, 61, false)];

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
    /// <remarks>
    /// <paramref name="lanes"/>: <see cref="ProductLanes.AllEqual"/>, every lane holds the same product, so the sum is
    /// K·a_0·b_0 (exact: a product has at most 2·8 significant bits, K·a·b at most 16 + 12 for K ≤ 4096, as is every
    /// partial sum of the element-order loop); <see cref="ProductLanes.Masked"/>, only the lanes of
    /// <paramref name="laneMask"/> can be non-zero, summed in element order (adding the other lanes' zeros would change
    /// no partial sum). Both give the double of the element-order sum without a pass over the block.
    /// </remarks>
    private static int? ProductSumExponent(DotVector v, FormatTables da, FormatTables db, ScalePowers powers, ProductLanes lanes, ulong laneMask)
    {
        // The tables have an entry for each of the 256 byte values, so no element code reads outside them.
        ref double fa = ref MemoryMarshal.GetArrayDataReference(da.FixedDoubles);
        ref double fb = ref MemoryMarshal.GetArrayDataReference(db.FixedDoubles);
        ReadOnlySpan<byte> a = v.A, b = v.B.AsSpan(0, a.Length);
        int n = a.Length;
        ref byte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b);
        double sum;
        if (lanes == ProductLanes.AllEqual)
        {
            sum = Unsafe.Add(ref fa, pa) * Unsafe.Add(ref fb, pb) * n;
            goto Formed;
        }
        if (lanes == ProductLanes.Masked)
        {
            // Lanes below 64 and below n (the masks are cut to the block).
            sum = 0;
            for (; laneMask != 0; laneMask &= laneMask - 1)
            {
                int i = BitOperations.TrailingZeroCount(laneMask);
                sum += Unsafe.Add(ref fa, Unsafe.Add(ref pa, i)) * Unsafe.Add(ref fb, Unsafe.Add(ref pb, i));
            }
            goto Formed;
        }
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
    Formed:
        if (sum == 0) return null;
        return (int)Math.Floor(powers.AimLog2(v.ScaleA) + powers.AimLog2(v.ScaleB)) - 2 * ElementTable.FractionBits + Math.ILogB(sum);
    }
}

/// <summary>
/// The random scales of one scale format: within 2^±8 of unity (60 %), the three smallest finite codes (6 %), the
/// three largest (6 %), NaN (2 %), any finite code (26 %) — E8M0 0x77..0x87, 0x00..0x02, 0xFC..0xFE, 0xFF,
/// 0x00..0xFE; UE4M3 2^±8 around 0x38, 0x00..0x02 (zero and subnormals), 0x7C..0x7E (up to 448), 0x7F, 0x00..0x7E.
/// </summary>
/// <remarks>
/// A scale takes 32 bits: its kind ScaleKinds[Pick(low 16, 100)], and the code Pick(high 16, n) of the kind's n
/// codes. The five kinds' codes sit in one array of at most 280 bytes (an earlier 65,536-entry table of codes, one
/// read per scale, took fewer instructions but in verify its random reads compete for the cache with the batches).
/// </remarks>
internal sealed class RandomScaleCodes
{
    private readonly byte[] _codes;
    private readonly int[] _first, _count;

    internal RandomScaleCodes(ScalePowers s)
    {
        int max = s.Max;
        var nearUnity = Enumerable.Range(0, 2 * ScalePowers.NearUnityReach + 1).Select(s.NearUnity);
        byte[][] kinds = [[.. nearUnity], [0, 1, 2], [(byte)(max - 2), (byte)(max - 1), (byte)max], [s.Nan], [.. Enumerable.Range(0, max + 1).Select(c => (byte)c)]];
        _codes = [.. kinds.SelectMany(k => k)];
        _count = [.. kinds.Select(k => k.Length)];
        _first = new int[kinds.Length];
        for (int k = 1; k < kinds.Length; k++) _first[k] = _first[k - 1] + _count[k - 1];
    }

    /// <summary>The scale of the low 32 bits of <paramref name="bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // twice per vector
    public byte Pick(ulong bits)
    {
        int kind = WeightedRandom.ScaleKinds[VectorRandom.Pick(bits, 100)];
        return _codes[_first[kind] + VectorRandom.Pick(bits >> 16, _count[kind])];
    }
}
