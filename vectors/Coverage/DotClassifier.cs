using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// Decides the coverage classes of a dot vector from its inputs, its expected result and the exact value of
/// C + sa·sb·Σ a_i·b_i (scales read through the vector's scale codec; placed here with <see cref="ExactSum"/>, not taken
/// from whoever built the vector): a constructed rounding boundary only counts if it really is one. The product sum is
/// the golden model's own (<see cref="MxDot.ProductSum"/>), read from its <see cref="DotOutcome"/> when the caller has
/// one. One instance per thread; no allocation.
/// </summary>
public sealed class DotClassifier(NumberFormat output)
{
    /// <summary>A result within 2^-<see cref="NearBits"/> ulp of a tie (or of a representable value) counts as "near".</summary>
    public const int NearBits = 10;

    // The output format's parameters, read for every vector: fields here, since the format computes some on each read.
    private readonly int _bits = output.Bits, _mantissaBits = output.MantissaBits, _emin = output.Emin, _emax = output.Emax;
    private readonly int _exponentFieldMax = output.ExponentFieldMax, _quantumExponent = output.QuantumExponent;
    private readonly uint _maxFiniteCode = output.MaxFiniteCode;
    private readonly ulong _maxSignificand = output.MaxFinite.Significand;
    // The class ids, read per vector from a field (see CoverageClasses.Ids).
    private readonly CoverageClasses.DotIds _ids = CoverageClasses.Ids;
    // The scale format of the last vector and, per code, what the classifier reads of it (the codec's tables read once
    // per format).
    private ScaleCodec? _scales;
    private readonly ScaleEntry[] _scaleEntries = new ScaleEntry[256];

    /// <summary>A scale code's class id (<c>scale:…</c>), whether it is NaN, and its value significand·2^exponent.</summary>
    private readonly record struct ScaleEntry(int Id, bool NaN, uint Significand, int Exponent);

    /// <summary>Counts the classes of <paramref name="v"/> (its D and Flags set: the golden result, with every flag).</summary>
    public void Classify(DotVector v, long[] counts) => Classify(v, default, counts);

    /// <summary>
    /// <see cref="Classify(DotVector, long[])"/> given the golden model's outcome for <paramref name="v"/>: when the model
    /// formed the exact product sum (<see cref="DotOutcome.HasProductSum"/>), that sum is used instead of forming it
    /// again. The same classes either way.
    /// </summary>
    public void Classify(DotVector v, in DotOutcome model, long[] counts)
    {
        Count(v, model, counts, deferOperands: false);
    }

    /// <summary>
    /// <see cref="Classify(DotVector, in DotOutcome, long[])"/> for a loop over many vectors into one array: the operand
    /// classes (a dozen counters per vector) are added to bit-sliced counters here and reach
    /// <paramref name="counts"/> only at <see cref="Flush"/> (or when a later call passes another array). Call
    /// <see cref="Flush"/> before reading the counts.
    /// </summary>
    public void ClassifyDeferred(DotVector v, in DotOutcome model, long[] counts)
    {
        if (!ReferenceEquals(counts, _pendingCounts)) { Flush(); _pendingCounts = counts; }
        Count(v, model, counts, deferOperands: true);
        if (++_pendingVectors == OperandCounters.Limit) Flush();
    }

    /// <summary>Adds the deferred operand classes (<see cref="ClassifyDeferred"/>) to their counts array.</summary>
    public void Flush()
    {
        if (_pendingCounts is { } counts) _operands.Flush(counts, _ids);
        _pendingVectors = 0;
    }

    // The array the deferred operand classes belong to, and how many vectors they count.
    private long[]? _pendingCounts;
    private int _pendingVectors;
    private readonly OperandCounters _operands = new();

    [SkipLocalsInit] // every local is written before it is read: no frame zeroing per vector
    private void Count(DotVector v, in DotOutcome model, long[] counts, bool deferOperands)
    {
        var ids = _ids;
        var ea = v.CodesA ?? ElementCodes.For(v.FormatA); // (For throws, naming the format)
        var eb = v.CodesB ?? ElementCodes.For(v.FormatB);
        var ta = ea.Table;
        var tb = eb.Table;
        counts[ids.Pair(ea.Index, eb.Index)]++;
        counts[ids.Mode(v.Rounding)]++;

        var scales = v.Scales;
        if (!ReferenceEquals(scales, _scales)) UseScales(scales);
        // Each scale's class, NaN and value read once, from one entry (the codec's tables are read again after every
        // count's store otherwise).
        var scaleEntries = _scaleEntries;
        ScaleEntry sa = scaleEntries[v.ScaleA], sb = scaleEntries[v.ScaleB];
        counts[sa.Id]++;
        if (v.ScaleB != v.ScaleA) counts[sb.Id]++;
        uint maxScale = _maxScale;
        if (v.ScaleA == 0 && v.ScaleB == 0) counts[ids.ScaleSumBase]++;
        else if (ProductIsOne(sa, sb)) counts[ids.ScaleSumBase + 1]++;
        else if (v.ScaleA == maxScale && v.ScaleB == maxScale) counts[ids.ScaleSumBase + 2]++;
        if (!_scalesPowerOfTwo) ScaleCodeCoverage.Count(v, scales, counts);

        var c = DecodeFp32(v.C);
        counts[ids.AccumulatorBase + AccumulatorIndex(c, v.C)]++;

        // Products, exactly, as the golden model forms them, in one branch-free pass that also collects the element
        // class bits and the operand classes (as bit masks); what only some vectors need is computed when needed.
        var (sum, classes) = ProductSum(v, ea, eb, model, counts, deferOperands, out bool nearMax);
        bool scaleNaN = sa.NaN || sb.NaN;
        if (sa.NaN != sb.NaN) counts[ids.NanScaleSideBase + (sa.NaN ? 0 : 1)]++;
        bool special = (classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0 || scaleNaN || !c.IsFinite;
        if (special)
        {
            Specials(v, ta, tb, c, counts);
            if (IsNaN(v.D)) counts[ids.ResultBase + 0]++;
            else if (IsInfinity(v.D)) counts[ids.ResultBase + 2]++;
            if ((v.Flags & 0x10) != 0) counts[ids.ResultBase + 1]++;
            return;
        }

        // sa·sb·Σ exactly: a float scale's significands multiply the integer sum (a zero scale zeroes every product).
        uint scaleSignificand = sa.Significand * sb.Significand;
        // (1 for a power-of-two scale: no 128-bit multiply, which the baseline-x64 CLI does in software)
        if (scaleSignificand != 1) sum *= scaleSignificand;
        int sumExp = sa.Exponent + sb.Exponent - 2 * ElementTable.FractionBits;
        int msbP = sum == 0 ? int.MinValue : sumExp + 127 - (int)UInt128.LeadingZeroCount(Magnitude(sum));
        int msbC = c.IsZero ? int.MinValue : c.Exponent + 63 - System.Numerics.BitOperations.LeadingZeroCount(c.Significand);
        counts[ids.AlignBase + (msbP == int.MinValue ? 0 : msbC == int.MinValue ? 1 : _alignOfDifference[Math.Min(Math.Max(msbC - msbP, -AlignEnd), AlignEnd) + AlignEnd])]++;
        if (sum != 0 && nearMax && NearMax(v, ea, eb)) Largest(msbC, msbP, c, sum < 0, v.Rounding, counts);
        if (sum != 0 && !c.IsZero && msbC - msbP >= CoverageClasses.DominantMin) Dominant(msbC - msbP, c.Class == ValueClass.Subnormal, counts);
        if (c.IsZero && sum != 0 && ProductSpread(v, ta, tb) >= 20) counts[ids.DominantZeroC]++;

        Int128 cTerm = c.Negative ? -(Int128)c.Significand : (Int128)c.Significand;
        var s = ExactSum.Add(sum, sumExp, cTerm, c.Exponent);
        if (s.IsExactZero)
        {
            bool negativeZero = (v.D >> (_bits - 1)) != 0;
            bool anyNonZeroProduct = scaleSignificand != 0 && AnyNonZeroProduct(v, ta, tb);
            bool cancel = anyNonZeroProduct || !c.IsZero;
            counts[ids.ZeroBase + (cancel ? 2 : 0) + (negativeZero ? 1 : 0)]++;
            counts[ids.ResultBase + 9]++; // exact
            if (c.IsZero && sum == 0) counts[ids.ZeroSum(c.Negative, anyNonZeroProduct, v.Rounding)]++;
            return;
        }
        int msbR = Msb(s);
        Results(v, msbR, msbC, msbP, c.Negative != (sum < 0), counts);
        Boundary(s, msbR, v.Rounding, counts);
        Tiny(s, msbR, v.Rounding, counts);
    }

    private void Largest(int msbC, int msbP, Decoded c, bool sumNegative, RoundingMode mode, long[] counts)
    {
        int index = 0;
        if (msbC != int.MinValue)
        {
            int d = msbC - msbP;
            index = d switch { < -50 => 1, < -23 => 2, < 0 => 3, 0 => 4, <= 23 => 5, <= 50 => 6, _ => 7 };
            if (c.Negative != sumNegative && (c.Significand & (c.Significand - 1)) == 0)
                counts[_ids.LargestOppositeBase + (int)mode]++;
        }
        counts[_ids.LargestBase + index]++;
    }

    private void Dominant(int d, bool subnormal, long[] counts)
    {
        if (subnormal)
            counts[_ids.DominantSubnormalBase + (d <= 25 ? 0 : d <= 50 ? 1 : d <= 90 ? 2 : 3)]++;
        else
            counts[_ids.DominantNormalBase + Math.Min(d, CoverageClasses.DominantMax + 1) - CoverageClasses.DominantMin]++;
    }

    /// <summary>
    /// The underflow boundary bit by bit: R just below 2^emin with its top p bits all ones (whether it is tiny after
    /// rounding depends only on the bits below them), or R within one smallest subnormal 2^q of zero or of 2^q. The
    /// kind is the position of the fraction's leading bit below the reference bit u: u−1 (round), u−2 (sticky next),
    /// u−9 or lower (sticky far).
    /// </summary>
    private void Tiny(in ExactSum.Sum s, int msb, RoundingMode mode, long[] counts)
    {
        int p = _mantissaBits + 1, q = _quantumExponent;
        int boundary, reference;
        UInt128 whole;
        if (msb == _emin - 1) { boundary = 0; reference = _emin - p; whole = (UInt128.One << p) - 1; }
        else if (msb < q) { boundary = 1; reference = q; whole = UInt128.Zero; }
        else if (msb == q) { boundary = 2; reference = q; whole = UInt128.One; }
        else return;
        int shift = reference - s.Exponent;
        UInt128 integer, rem;
        if (shift <= 0) { integer = shift > -64 ? s.Magnitude << -shift : UInt128.MaxValue; rem = UInt128.Zero; }
        else if (shift >= 128) { integer = UInt128.Zero; rem = s.Magnitude; }
        else { integer = s.Magnitude >> shift; rem = s.Magnitude & ((UInt128.One << shift) - 1); }
        if (integer != whole) return;
        int kind;
        if (rem == UInt128.Zero)
        {
            // Nothing below the p bits: tiny in every mode (below 2^emin only; at the subnormal references R is 0 or 2^q).
            if (!s.Sticky) { if (boundary == 0) counts[_ids.TinyExact(s.Negative, mode)]++; return; }
            kind = 2; // bits only below the window: far below
        }
        else
        {
            int below = reference - (s.Exponent + 127 - (int)UInt128.LeadingZeroCount(rem)); // reference − msb(fraction)
            kind = below switch { 1 => 0, 2 => 1, >= 9 => 2, _ => -1 };
            if (kind < 0) return;
        }
        counts[_ids.Tiny(boundary, kind, s.Negative, mode)]++;
    }

    /// <summary>The special-value rules the vector exercises.</summary>
    private void Specials(DotVector v, ElementTable ta, ElementTable tb, Decoded c, long[] counts)
    {
        int sb = _ids.SpecialBase;
        var scales = v.Scales;
        bool scaleNaN = scales.IsNaN(v.ScaleA) || scales.IsNaN(v.ScaleB);
        if (scaleNaN) counts[sb + 0]++;
        bool scaleZero = !scaleNaN && (scales.IsZero(v.ScaleA) || scales.IsZero(v.ScaleB));
        bool nanElement = false, infTimesZero = false, positive = false, negative = false;
        int loneLane = -1; // the lane of the block's only NaN/Inf element; −2: more than one
        for (int i = 0; i < v.K; i++)
        {
            byte ca = ta.Class[v.A[i]], cb = tb.Class[v.B[i]];
            if (((ca | cb) & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0) loneLane = loneLane == -1 && ((ca & cb) & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) == 0 ? i : -2;
            if (((ca | cb) & ElementTable.ClassNaN) != 0) { nanElement = true; continue; }
            if (((ca | cb) & ElementTable.ClassInfinity) == 0) continue;
            if (scaleZero || ((ca | cb) & ElementTable.ClassZero) != 0) { infTimesZero = true; continue; }
            if (((ca ^ cb) & ElementTable.ClassNegative) != 0) negative = true; else positive = true;
        }
        if (nanElement) counts[sb + 1]++;
        if (c.IsNaN) counts[sb + (c.Class == ValueClass.SignalingNaN ? 3 : 2)]++;
        if (infTimesZero) counts[sb + 4]++;
        if (positive || negative) counts[sb + 6]++;
        if (c.IsInfinity) { counts[sb + 7]++; if (c.Negative) negative = true; else positive = true; }
        if (positive && negative) counts[sb + 5]++;
        if (loneLane >= 0 && !scaleNaN && c.IsFinite) LoneSpecial(v, loneLane, counts);
    }

    /// <summary>The block's only NaN/Inf element, at lane 0 or lane k − 1 (scales and C finite).</summary>
    private static void LoneSpecial(DotVector v, int lane, long[] counts)
    {
        var (format, code) = (ElementCodes.For(v.FormatA).Table.Class[v.A[lane]] & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0
            ? (v.FormatA, v.A[lane]) : (v.FormatB, v.B[lane]);
        int id = CoverageClasses.LoneSpecial(ElementCodes.For(format).Index, code);
        if (lane == 0) counts[id]++;
        if (lane == v.K - 1) counts[id + 1]++;
    }

    /// <summary>
    /// Σ a_i·b_i in the elements' common fixed point (the golden model's own exact product sum, vectorized where the
    /// machine allows), whether an element is NaN or Inf (the ClassNaN and ClassInfinity bits of <c>Classes</c>), and
    /// the operand classes counted once per vector: each code's class is a bit of a per-format mask, so the loop has no
    /// branch that random codes would mispredict.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Int128 Sum, int Classes) ProductSum(DotVector v, ElementCodes ea, ElementCodes eb, in DotOutcome model, long[] counts, bool deferOperands, out bool nearMax)
    {
        byte[] a = v.A, b = v.B;
        var (sum, classes) = model.HasProductSum ? (model.ProductSum, model.Classes)
            : MxDot.ProductSum(new BlockPair(ea.Table, a, v.ScaleA, eb.Table, b, v.ScaleB, v.Scales));
        var ids = _ids;
        ulong opA = OperandMask(_codeBits[ea.Index], a), opB = OperandMask(_codeBits[eb.Index], b);
        if (v.K != _boundK) UseBlockSize(v.K);
        nearMax = Magnitude(sum) > _nearMaxBound[ea.Index * _formats + eb.Index];
        // A class of a format that both operands use counts once.
        if (ea.Index == eb.Index) { opA |= opB; opB = 0; }
        if (deferOperands)
        {
            _operands.Add(ea.Index, opA);
            if (opB != 0) _operands.Add(eb.Index, opB);
        }
        else
        {
            CountBits(opA, ids.OperandBaseOf(ea.Index), counts);
            CountBits(opB, ids.OperandBaseOf(eb.Index), counts);
        }
        return (sum, classes);
    }

    /// <summary>
    /// The OR of the codes' entries in <paramref name="table"/> (a row of <see cref="_codeBits"/>: their operand
    /// classes). Four codes per step into two running ORs, with a native-sized index: each code is then a byte load and
    /// an OR with its table entry, without the loop's counting, branching and index widening per code.
    /// </summary>
    private static ulong OperandMask(ulong[] table, byte[] codes)
    {
        // Each row has an entry for every byte, so a code indexes it without a bounds check.
        ref ulong t = ref MemoryMarshal.GetArrayDataReference(table);
        ref byte c = ref MemoryMarshal.GetArrayDataReference(codes);
        nint n = codes.Length, i = 0;
        ulong any0 = 0, any1 = 0;
        for (; i + 4 <= n; i += 4)
        {
            any0 |= Unsafe.Add(ref t, Unsafe.Add(ref c, i)) | Unsafe.Add(ref t, Unsafe.Add(ref c, i + 1));
            any1 |= Unsafe.Add(ref t, Unsafe.Add(ref c, i + 2)) | Unsafe.Add(ref t, Unsafe.Add(ref c, i + 3));
        }
        for (; i < n; i++) any0 |= Unsafe.Add(ref t, Unsafe.Add(ref c, i));
        return any0 | any1;
    }

    /// <summary>Per element format and code (every byte): its operand class bit (<see cref="CoverageClasses.OperandBits"/>).</summary>
    private readonly ulong[][] _codeBits = Enumerable.Range(0, StandardFormats.Elements.Count).Select(CoverageClasses.OperandBits).ToArray();

    /// <summary>
    /// Per format pair (A's index × formats + B's), for blocks of <see cref="_boundK"/> elements: ⌊k·maxA·maxB / 4⌋, with
    /// maxA and maxB the formats' largest normals in the fixed point of <see cref="ElementTable.Fixed"/>. A largest sum
    /// (<see cref="NearMax"/>: every |a_i| above maxA/2, every |b_i| above maxB/2, one sign) has |Σ a_i·b_i| above it, so
    /// a product sum at or below it rules <see cref="NearMax"/> out without reading the lanes again (almost every vector).
    /// </summary>
    private readonly UInt128[] _nearMaxBound = new UInt128[StandardFormats.Elements.Count * StandardFormats.Elements.Count];
    private readonly int _formats = StandardFormats.Elements.Count;
    private int _boundK = -1;

    private void UseBlockSize(int k)
    {
        for (int a = 0; a < _formats; a++)
        for (int b = 0; b < _formats; b++)
        {
            ElementCodes ea = ElementCodes.At(a), eb = ElementCodes.At(b);
            ulong maxA = (ulong)ea.Table.Fixed[ea.MaxNormal], maxB = (ulong)eb.Table.Fixed[eb.MaxNormal];
            _nearMaxBound[a * _formats + b] = (UInt128)(maxA * maxB) * (uint)k >> 2; // (each max is below 2^32)
        }
        _boundK = k;
    }

    private static void CountBits(ulong bits, int firstId, long[] counts)
    {
        for (; bits != 0; bits &= bits - 1) counts[firstId + System.Numerics.BitOperations.TrailingZeroCount(bits)]++;
    }

    /// <summary>
    /// The operand classes of many vectors, counted per element format in bit-sliced counters: plane j holds bit j of
    /// every class's count, so adding a vector's class mask is a ripple-carry add of one bit per class across the
    /// planes (no branch, no loop over the mask's bits, whose count varies from vector to vector and mispredicts).
    /// </summary>
    private sealed class OperandCounters
    {
        private const int Planes = 8;
        /// <summary>Vectors the planes can count before a flush (2^Planes − 1 per class at most).</summary>
        public const int Limit = (1 << Planes) - 1;
        private readonly ulong[] _planes = new ulong[StandardFormats.Elements.Count * Planes];
        private uint _formats; // the formats with counts in their planes

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(int format, ulong mask)
        {
            ref ulong p = ref _planes[format * Planes];
            // Unrolled (Planes = 8): the compiler keeps the loop otherwise, with its counter and branch per plane.
            ulong carry = Step(ref p, mask);
            carry = Step(ref Unsafe.Add(ref p, 1), carry);
            carry = Step(ref Unsafe.Add(ref p, 2), carry);
            carry = Step(ref Unsafe.Add(ref p, 3), carry);
            carry = Step(ref Unsafe.Add(ref p, 4), carry);
            carry = Step(ref Unsafe.Add(ref p, 5), carry);
            carry = Step(ref Unsafe.Add(ref p, 6), carry);
            Unsafe.Add(ref p, 7) ^= carry; // (no carry out: a flush comes first)
            _formats |= 1u << format;
        }

        /// <summary>One plane of the ripple-carry add: the plane takes the incoming bits, the carries go on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Step(ref ulong plane, ulong carry)
        {
            ulong next = plane & carry;
            plane ^= carry;
            return next;
        }

        /// <summary>Adds every counter to its class in <paramref name="counts"/> and clears the planes.</summary>
        public void Flush(long[] counts, CoverageClasses.DotIds ids)
        {
            for (uint formats = _formats; formats != 0; formats &= formats - 1)
            {
                int f = System.Numerics.BitOperations.TrailingZeroCount(formats);
                var planes = _planes.AsSpan(f * Planes, Planes);
                ulong any = 0;
                foreach (ulong plane in planes) any |= plane;
                int first = ids.OperandBaseOf(f);
                for (; any != 0; any &= any - 1)
                {
                    int bit = System.Numerics.BitOperations.TrailingZeroCount(any);
                    long n = 0;
                    for (int j = 0; j < Planes; j++) n |= (long)((planes[j] >> bit) & 1) << j;
                    counts[first + bit] += n;
                }
                planes.Clear();
            }
            _formats = 0;
        }
    }

    /// <summary>
    /// Largest sums: every product near max×max (each factor above half its format's max), all of one sign. (Called only
    /// when the product sum is above the bound such a block exceeds, <see cref="_nearMaxBound"/>.)
    /// </summary>
    private static bool NearMax(DotVector v, ElementCodes ea, ElementCodes eb)
    {
        long[] fa = ea.Table.Fixed, fb = eb.Table.Fixed;
        long maxA = fa[ea.MaxNormal], maxB = fb[eb.MaxNormal];
        int productSigns = 0;
        for (int i = 0; i < v.K; i++)
        {
            long pa = fa[v.A[i]], pb = fb[v.B[i]];
            if (!(2 * Math.Abs(pa) > maxA && 2 * Math.Abs(pb) > maxB)) return false;
            productSigns |= (pa < 0) != (pb < 0) ? 2 : 1;
        }
        return productSigns != 3;
    }

    /// <summary>msb of the largest minus msb of the smallest non-zero |a_i·b_i| (int.MinValue − int.MaxValue when none is).</summary>
    private static long ProductSpread(DotVector v, ElementTable ta, ElementTable tb)
    {
        // The msb is monotonic in the magnitude: the msbs of the largest and the smallest non-zero |a_i·b_i| (each
        // below 2^64: every element's |value| is below 2^32 in the fixed point), found with two bit scans, not k.
        // No branch on a zero product (blocks built for this class have many, at random lanes): its product − 1 wraps to
        // 2^64 − 1, which never lowers the minimum of the products − 1.
        long[] fa = ta.Fixed, fb = tb.Fixed;
        ulong high = 0, lowMinusOne = ulong.MaxValue;
        for (int i = 0; i < v.K; i++)
        {
            long pa = fa[v.A[i]], pb = fb[v.B[i]];
            ulong product = (ulong)((pa ^ (pa >> 63)) - (pa >> 63)) * (ulong)((pb ^ (pb >> 63)) - (pb >> 63));
            high = Math.Max(high, product);
            lowMinusOne = Math.Min(lowMinusOne, product - 1);
        }
        if (high == 0) return (long)int.MinValue - int.MaxValue;
        return System.Numerics.BitOperations.LeadingZeroCount(lowMinusOne + 1) - System.Numerics.BitOperations.LeadingZeroCount(high);
    }

    private static bool AnyNonZeroProduct(DotVector v, ElementTable ta, ElementTable tb)
    {
        for (int i = 0; i < v.K; i++)
            if (ta.Fixed[v.A[i]] != 0 && tb.Fixed[v.B[i]] != 0) return true;
        return false;
    }

    /// <summary>Makes <paramref name="scales"/> the format of <see cref="_scaleEntries"/> and <see cref="_maxScale"/>.</summary>
    private void UseScales(ScaleCodec scales)
    {
        _maxScale = scales.Format.MaxFiniteCode;
        _scalesPowerOfTwo = scales.IsPowerOfTwo;
        Array.Clear(_scaleEntries);
        for (uint s = 0; s <= scales.MaxCode; s++)
            _scaleEntries[s] = new ScaleEntry(ScaleId(scales, (byte)s), scales.IsNaN(s), scales.Significand(s), scales.Exponent(s));
        _scales = scales;
    }

    private uint _maxScale;
    private bool _scalesPowerOfTwo;

    private int ScaleId(ScaleCodec scales, byte s) => _ids.ScaleBase + (
        s == 0 ? 0 : s == 1 ? 1 : s == scales.UnitCode ? 2 : s == scales.Format.MaxFiniteCode ? 3 : scales.IsNaN(s) ? 4 : 5);

    /// <summary>sa·sb = 1 exactly: the significand product is 2^j and the exponents add up to −j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ProductIsOne(in ScaleEntry a, in ScaleEntry b)
    {
        if (a.NaN || b.NaN) return false;
        uint sig = a.Significand * b.Significand;
        return sig != 0 && (sig & (sig - 1)) == 0
            && a.Exponent + b.Exponent + System.Numerics.BitOperations.Log2(sig) == 0;
    }

    /// <summary>
    /// C decoded as <see cref="Codec.Decode"/> decodes an FP32 code (IEEE 754 binary32: bias 127, 23 fraction bits), without
    /// the codec's switch over format kinds and reads of the format's fields: C is FP32 in every dot vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Decoded DecodeFp32(uint bits)
    {
        bool negative = (int)bits < 0;
        int e = (int)(bits >> 23) & 0xFF;
        uint fraction = bits & 0x7FFFFF;
        if (e == 0xFF)
            return fraction == 0 ? new Decoded(ValueClass.Infinity, negative, 0, 0)
                : new Decoded((fraction >> 22) != 0 ? ValueClass.QuietNaN : ValueClass.SignalingNaN, negative, 0, 0);
        if (e == 0)
            return fraction == 0 ? new Decoded(ValueClass.Zero, negative, 0, 0) : new Decoded(ValueClass.Subnormal, negative, fraction, -149);
        return new Decoded(ValueClass.Normal, negative, fraction | 0x800000, e - 150);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AccumulatorIndex(Decoded c, uint bits) => c.Class switch
    {
        ValueClass.Zero => c.Negative ? 1 : 0,
        ValueClass.Subnormal => 2,
        ValueClass.Normal when (bits & 0x7FFFFFFF) == 0x00800000 => 3,
        ValueClass.Normal when (bits & 0x7FFFFFFF) == 0x7F7FFFFF => 5,
        ValueClass.Normal => 4,
        ValueClass.Infinity => c.Negative ? 7 : 6,
        ValueClass.QuietNaN => 8,
        _ => 9,
    };

    /// <summary>d = msb(C) − msb(Σ), both non-zero: which region of a 24-bit-plus-guard alignment shifter C or the product sum lands in.</summary>
    private static int AlignIndex(int d) => d switch
    {
        > 50 => 2, >= 26 => 3, >= 23 => 4, >= 1 => 5, 0 => 6,
        >= -22 => 7, >= -25 => 8, >= -50 => 9, _ => 10,
    };

    // AlignIndex of every d in [−AlignEnd, AlignEnd] (each d beyond has the index of ±AlignEnd), read from a table: d is
    // different in every vector, and the switch's chain of compares mispredicted (a seventh of Classify's own time).
    private const int AlignEnd = 51;
    private readonly byte[] _alignOfDifference = Enumerable.Range(-AlignEnd, 2 * AlignEnd + 1).Select(d => (byte)AlignIndex(d)).ToArray();

    /// <summary>The result classes; <paramref name="msbR"/> is the exact value's msb (<see cref="Msb"/>).</summary>
    private void Results(DotVector v, int msbR, int msbC, int msbP, bool oppositeSigns, long[] counts)
    {
        int rb = _ids.ResultBase;
        uint mag = v.D & ~(1u << (_bits - 1));
        uint expField = mag >> _mantissaBits;
        if ((v.Flags & 0x04) != 0) counts[rb + 3]++;
        if (mag == _maxFiniteCode) counts[rb + 4]++;
        if (expField == (uint)_exponentFieldMax) counts[rb + 2]++;
        else if (expField == 0 && mag != 0) counts[rb + 6]++;
        else if (expField != 0) counts[rb + 5]++;
        if ((v.Flags & 0x02) != 0) counts[rb + 7]++;
        counts[rb + ((v.Flags & 0x01) != 0 ? 10 : 9)]++;
        if (oppositeSigns && msbR < _emin && Math.Max(msbC, msbP) >= _emin) counts[rb + 8]++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Msb(in ExactSum.Sum s) =>
        s.Magnitude == UInt128.Zero ? s.Exponent - 1 : s.Exponent + 127 - (int)UInt128.LeadingZeroCount(s.Magnitude);

    /// <summary>Where the exact value lies between two adjacent output values, at which magnitude (see docs/vectors.md).</summary>
    private void Boundary(in ExactSum.Sum s, int msb, RoundingMode mode, long[] counts)
    {
        int m = _mantissaBits;
        // At 2^(emax+1) and above every mode overflows or saturates whatever the low bits: no rounding boundary there.
        // (Below it the exact sum's window always resolves 2^-NearBits ulp: see ExactSum.)
        if (msb > _emax) return;
        int uq = Math.Max(msb - m, _quantumExponent); // exponent of the ulp
        int shift = uq - s.Exponent;                    // fraction bits of the exact value
        int magnitude;
        if (msb < _emin) magnitude = 1;
        else if (msb == _emax && shift >= 0 && shift < 128 && (s.Magnitude >> shift) >= _maxSignificand) magnitude = 2;
        else magnitude = 0;

        int kind;
        if (shift <= 0) kind = 0;
        else if (shift >= 128)
            kind = msb - uq <= -(NearBits + 1) ? 4 : -1; // the whole value is below half an ulp
        else
        {
            UInt128 rem = s.Magnitude & ((UInt128.One << shift) - 1);
            UInt128 half = UInt128.One << (shift - 1);
            UInt128 near = shift > NearBits ? UInt128.One << (shift - NearBits) : UInt128.Zero;
            bool sticky = s.Sticky;
            if (rem == 0 && !sticky) kind = 0;
            else if (rem == half && !sticky) kind = 1;
            // The exact value is rem + ε (ε = 0, or 0 < ε < 1 when the sticky bit stands for bits below the window):
            // "within near of" is ≤ near for the exact value, which for integers means ≤ near, or < near with a sticky
            // bit above the reference point.
            else if (rem < half && half - rem <= near) kind = 2;
            else if (rem >= half && (rem > half || sticky) && (sticky ? rem - half < near : rem - half <= near)) kind = 3;
            else if (sticky ? rem < near : rem <= near) kind = 4;
            else if (rem > half && (UInt128.One << shift) - rem <= near) kind = 5;
            else kind = -1;
        }
        if (kind >= 0) counts[_ids.Boundary(kind, magnitude, mode)]++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt128 Magnitude(Int128 x) => (UInt128)(x < 0 ? -x : x);

    private bool IsNaN(uint d) => ((d >> _mantissaBits) & (uint)_exponentFieldMax) == (uint)_exponentFieldMax && (d & ((1u << _mantissaBits) - 1)) != 0;
    private bool IsInfinity(uint d) => ((d >> _mantissaBits) & (uint)_exponentFieldMax) == (uint)_exponentFieldMax && (d & ((1u << _mantissaBits) - 1)) == 0;
}
