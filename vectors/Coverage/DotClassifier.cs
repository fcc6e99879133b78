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

    /// <summary>
    /// A scale code's class id (<c>scale:…</c>), whether it is NaN, its value significand·2^exponent, and log2 of that value
    /// when it is a power of two (<see cref="NoLog2"/> for NaN, zero and other values).
    /// </summary>
    private readonly record struct ScaleEntry(int Id, bool NaN, uint Significand, int Exponent, int Log2);

    /// <summary>
    /// The log2 of a scale that is no power of two: far enough below every real one (|log2| &lt; 2^10) that no sum of two
    /// logs with it is zero.
    /// </summary>
    private const int NoLog2 = -(1 << 20);

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
        else if (sa.Log2 + sb.Log2 == 0) counts[ids.ScaleSumBase + 1]++; // sa·sb = 1 exactly
        else if (v.ScaleA == maxScale && v.ScaleB == maxScale) counts[ids.ScaleSumBase + 2]++;
        if (!_scalesPowerOfTwo) ScaleCodeCoverage.Count(v, scales, counts);

        // C (FP32, IEEE 754 binary32: bias 127, 23 fraction bits) as sign, significand and exponent, with no branch on its
        // class (drawn at random per vector); a NaN or Inf C takes the special path below.
        uint cBits = v.C;
        int cField = (int)(cBits >> 23) & 0xFF;
        bool cNegative = (int)cBits < 0;
        uint cSignificand = (cBits & 0x7FFFFF) | (cField != 0 ? 0x800000u : 0u);
        int cExponent = Math.Max(cField, 1) - 150;
        counts[ids.AccumulatorBase + AccumulatorIndex(cBits)]++;

        // Products, exactly, as the golden model forms them, in one branch-free pass that also collects the element
        // class bits and the operand classes (as bit masks); what only some vectors need is computed when needed.
        var (sum, classes) = ProductSum(v, ea, eb, model, counts, deferOperands, out bool nearMax);
        if ((classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0 || sa.NaN || sb.NaN || cField == 0xFF)
        {
            if ((classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0) CountSpecialOperands(v, ea, eb, counts);
            CountSpecial(v, ta, tb, sa.NaN, sb.NaN, counts);
            return;
        }

        // sa·sb·Σ exactly: a float scale's significands multiply the integer sum (a zero scale zeroes every product).
        // (1 for a power-of-two scale: no 128-bit multiply, which the baseline-x64 CLI does in software)
        uint scaleSignificand = sa.Significand * sb.Significand;
        if (scaleSignificand != 1) sum = Scaled(sum, scaleSignificand);
        int sumExp = sa.Exponent + sb.Exponent - 2 * ElementTable.FractionBits;
        int msbP = sum == 0 ? int.MinValue : sumExp + 127 - (int)UInt128.LeadingZeroCount(Magnitude(sum));
        int msbC = cSignificand == 0 ? int.MinValue : cExponent + 31 - System.Numerics.BitOperations.LeadingZeroCount(cSignificand);
        counts[ids.AlignBase + (msbP == int.MinValue ? 0 : msbC == int.MinValue ? 1 : _alignOfDifference[Math.Min(Math.Max(msbC - msbP, -AlignEnd), AlignEnd) + AlignEnd])]++;
        if (sum != 0 && nearMax && NearMax(v, ea, eb)) Largest(msbC, msbP, cNegative, cSignificand, sum < 0, v.Rounding, counts);
        if (sum != 0 && cSignificand != 0 && msbC - msbP >= CoverageClasses.DominantMin) Dominant(msbC - msbP, cField == 0, counts);
        if (cSignificand == 0 && sum != 0 && ProductSpread(v, ta, tb) >= 20) counts[ids.DominantZeroC]++;

        // The exact value R = C + sa·sb·Σ in ExactSum's window. When both terms fit ExactValue's long path (most vectors),
        // the window's sign, high half and exponent stay in locals: an ExactSum.Sum written field by field and then copied
        // as whole 16-byte words stalls the copy's loads (no store-to-load forwarding from the narrower stores).
        int low = Math.Min(sumExp, cExponent), top = Math.Max(msbP, msbC);
        if (ExactValue.FitsLong(msbP, msbC, low))
        {
            long total = ExactValue.LongTotal(sum, sumExp, cNegative ? -(long)cSignificand : cSignificand, cExponent, low);
            if (total == 0)
            {
                CountExactZero(v, ta, tb, false, cNegative, false, scaleSignificand, counts);
                return;
            }
            int window = top - ExactValue.WindowTop;
            ulong high = ExactValue.HighHalf(total, low, window);
            int msb = window + 127 - System.Numerics.BitOperations.LeadingZeroCount(high);
            Results(v, msb, msbC, msbP, cNegative != (sum < 0), counts);
            BoundaryHigh(high, window, msb, v.Rounding, counts);
            Tiny(new UInt128(high, 0), window, total < 0, false, msb, v.Rounding, counts);
            return;
        }
        var s = ExactValue.Add(sum, sumExp, msbP, cNegative, cSignificand, cExponent, msbC);
        if (s.IsExactZero)
        {
            CountExactZero(v, ta, tb, cSignificand == 0, cNegative, sum == 0, scaleSignificand, counts);
            return;
        }
        int msbR = Msb(s);
        Results(v, msbR, msbC, msbP, cNegative != (sum < 0), counts);
        if (!s.Sticky && (ulong)s.Magnitude == 0) BoundaryHigh((ulong)(s.Magnitude >> 64), s.Exponent, msbR, v.Rounding, counts);
        else Boundary(s, msbR, v.Rounding, counts);
        Tiny(s.Magnitude, s.Exponent, s.Negative, s.Sticky, msbR, v.Rounding, counts);
    }

    /// <summary>The operand classes of the NaN and Inf codes (a block with such an element; out of line).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountSpecialOperands(DotVector v, ElementCodes ea, ElementCodes eb, long[] counts)
    {
        ulong opA = _operandMasks[ea.Index].Special(v.A), opB = _operandMasks[eb.Index].Special(v.B);
        if (ea.Index == eb.Index) { opA |= opB; opB = 0; } // a class of a format that both operands use counts once
        CountBits(opA, _ids.OperandBaseOf(ea.Index), counts);
        CountBits(opB, _ids.OperandBaseOf(eb.Index), counts);
    }

    /// <summary>A NaN or Inf element, a NaN scale or a NaN or Inf C: the special-value classes (rare; out of line).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountSpecial(DotVector v, ElementTable ta, ElementTable tb, bool nanA, bool nanB, long[] counts)
    {
        var ids = _ids;
        if (nanA != nanB) counts[ids.NanScaleSideBase + (nanA ? 0 : 1)]++;
        Specials(v, ta, tb, DecodeFp32(v.C), counts);
        if (IsNaN(v.D)) counts[ids.ResultBase + 0]++;
        else if (IsInfinity(v.D)) counts[ids.ResultBase + 2]++;
        if ((v.Flags & 0x10) != 0) counts[ids.ResultBase + 1]++;
    }

    /// <summary>R = 0 exactly: the zero-sign classes (out of line).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountExactZero(DotVector v, ElementTable ta, ElementTable tb, bool zeroC, bool negativeC, bool zeroSum, uint scaleSignificand, long[] counts)
    {
        var ids = _ids;
        bool negativeZero = (v.D >> (_bits - 1)) != 0;
        bool anyNonZeroProduct = scaleSignificand != 0 && AnyNonZeroProduct(v, ta, tb);
        bool cancel = anyNonZeroProduct || !zeroC;
        counts[ids.ZeroBase + (cancel ? 2 : 0) + (negativeZero ? 1 : 0)]++;
        counts[ids.ResultBase + 9]++; // exact
        if (zeroC && zeroSum) counts[ids.ZeroSum(negativeC, anyNonZeroProduct, v.Rounding)]++;
    }

    /// <summary>sum · (sa's significand · sb's), exact in 128 bits (a float scale; out of line).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Int128 Scaled(Int128 sum, uint scaleSignificand) => sum * scaleSignificand;

    private void Largest(int msbC, int msbP, bool cNegative, uint cSignificand, bool sumNegative, RoundingMode mode, long[] counts)
    {
        int index = 0;
        if (msbC != int.MinValue)
        {
            int d = msbC - msbP;
            index = d switch { < -50 => 1, < -23 => 2, < 0 => 3, 0 => 4, <= 23 => 5, <= 50 => 6, _ => 7 };
            if (cNegative != sumNegative && (cSignificand & (cSignificand - 1)) == 0)
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
    private void Tiny(UInt128 magnitude, int exponent, bool negative, bool sticky, int msb, RoundingMode mode, long[] counts)
    {
        int p = _mantissaBits + 1, q = _quantumExponent;
        int boundary, reference;
        UInt128 whole;
        if (msb == _emin - 1) { boundary = 0; reference = _emin - p; whole = (UInt128.One << p) - 1; }
        else if (msb < q) { boundary = 1; reference = q; whole = UInt128.Zero; }
        else if (msb == q) { boundary = 2; reference = q; whole = UInt128.One; }
        else return;
        int shift = reference - exponent;
        UInt128 integer, rem;
        if (shift <= 0) { integer = shift > -64 ? magnitude << -shift : UInt128.MaxValue; rem = UInt128.Zero; }
        else if (shift >= 128) { integer = UInt128.Zero; rem = magnitude; }
        else { integer = magnitude >> shift; rem = magnitude & ((UInt128.One << shift) - 1); }
        if (integer != whole) return;
        int kind;
        if (rem == UInt128.Zero)
        {
            // Nothing below the p bits: tiny in every mode (below 2^emin only; at the subnormal references R is 0 or 2^q).
            if (!sticky) { if (boundary == 0) counts[_ids.TinyExact(negative, mode)]++; return; }
            kind = 2; // bits only below the window: far below
        }
        else
        {
            int below = reference - (exponent + 127 - (int)UInt128.LeadingZeroCount(rem)); // reference − msb(fraction)
            kind = below switch { 1 => 0, 2 => 1, >= 9 => 2, _ => -1 };
            if (kind < 0) return;
        }
        counts[_ids.Tiny(boundary, kind, negative, mode)]++;
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
        // The finite codes' classes of both operands, A's in the low 16 bits and B's in the high 16 (the NaN and Inf codes'
        // classes are counted on the special path, for the few blocks with such an element).
        uint operands = OperandClassMask.Pair(_operandMasks[ea.Index], a, _operandMasks[eb.Index], b);
        if (v.K != _boundK) UseBlockSize(v.K);
        nearMax = Magnitude(sum) > _nearMaxBound[ea.Index * _formats + eb.Index];
        // A class of a format that both operands use counts once.
        if (ea.Index == eb.Index) operands = (operands | operands >> OperandClassMask.FiniteBits) & 0xFFFF;
        if (deferOperands) _operands.Add(ea.Index * _formats + eb.Index, operands);
        else
        {
            CountBits(operands & 0xFFFF, ids.OperandBaseOf(ea.Index), counts);
            CountBits(operands >> OperandClassMask.FiniteBits, ids.OperandBaseOf(eb.Index), counts);
        }
        return (sum, classes);
    }

    /// <summary>Per element format: its codes' operand classes (<see cref="CoverageClasses.OperandBits"/>) as a block's mask.</summary>
    private readonly OperandClassMask[] _operandMasks = Enumerable.Range(0, StandardFormats.Elements.Count)
        .Select(f => new OperandClassMask(CoverageClasses.OperandBits(f), ElementCodes.At(f).Table)).ToArray();

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
            _scaleEntries[s] = new ScaleEntry(ScaleId(scales, (byte)s), scales.IsNaN(s), scales.Significand(s), scales.Exponent(s), Log2(scales, s));
        _scales = scales;
    }

    private uint _maxScale;
    private bool _scalesPowerOfTwo;

    private int ScaleId(ScaleCodec scales, byte s) => _ids.ScaleBase + (
        s == 0 ? 0 : s == 1 ? 1 : s == scales.UnitCode ? 2 : s == scales.Format.MaxFiniteCode ? 3 : scales.IsNaN(s) ? 4 : 5);

    /// <summary>
    /// log2 of scale code <paramref name="s"/> when its value is a power of two, else <see cref="NoLog2"/>. sa·sb = 1 exactly
    /// when the two logs add up to zero: the product of the two integer significands is a power of two only if each is.
    /// </summary>
    private static int Log2(ScaleCodec scales, uint s)
    {
        uint sig = scales.Significand(s);
        if (scales.IsNaN(s) || sig == 0 || (sig & (sig - 1)) != 0) return NoLog2;
        return scales.Exponent(s) + System.Numerics.BitOperations.Log2(sig);
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

    /// <summary>
    /// C's accumulator class (<see cref="CoverageClasses.Accumulators"/>: +0, −0, subnormal, min normal, normal, max normal,
    /// +inf, −inf, qNaN, sNaN) from its bits: a table by exponent field and quiet bit, then the exact codes, without the
    /// branches of a switch over C's class (drawn at random per vector).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int AccumulatorIndex(uint bits)
    {
        uint magnitude = bits & 0x7FFFFFFF;
        int negative = (int)(bits >> 31);
        int index = _accumulatorOfTop[magnitude >> 22];
        if (magnitude == 0) index = negative;
        if (magnitude == 0x00800000) index = 3;
        if (magnitude == 0x7F7FFFFF) index = 5;
        if (magnitude == 0x7F800000) index = 6 + negative;
        return index;
    }

    // Per exponent field and quiet bit (a magnitude's top 9 bits): subnormal (2) for field 0, normal (4), and for field
    // 255 qNaN (8) or sNaN (9); AccumulatorIndex corrects the exact codes (zeros, min and max normal, infinities).
    private readonly byte[] _accumulatorOfTop = Enumerable.Range(0, 512)
        .Select(t => (byte)((t >> 1) switch { 0 => 2, 255 => (t & 1) != 0 ? 8 : 9, _ => 4 })).ToArray();

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

    /// <summary>
    /// <see cref="Boundary"/> for an exact value with no sticky bit and a zero low half (the window of
    /// <see cref="ExactValue"/>'s long path, most vectors): <paramref name="high"/> is the magnitude's high half. The same
    /// kinds from 64-bit arithmetic: below the ulp's 2^64 the value has no bits, so the remainder and the half ulp are
    /// whole multiples of 2^64 and each "≤ near" holds exactly when it holds for near rounded down to one.
    /// </summary>
    private void BoundaryHigh(ulong high, int exponent, int msb, RoundingMode mode, long[] counts)
    {
        if (msb > _emax) return;
        int uq = Math.Max(msb - _mantissaBits, _quantumExponent); // exponent of the ulp
        int shift = uq - exponent;                                // fraction bits of the exact value (of the 128)
        int magnitude;
        if (msb < _emin) magnitude = 1;
        else if (msb == _emax && shift >= 0 && shift < 128 && (new UInt128(high, 0) >> shift) >= _maxSignificand) magnitude = 2;
        else magnitude = 0;

        int kind;
        if (shift <= 64) kind = 0; // no bit below the ulp
        else if (shift >= 128)
            kind = msb - uq <= -(NearBits + 1) ? 4 : -1; // the whole value is below half an ulp
        else
        {
            int bits = shift - 64; // 1 … 63 fraction bits in the high half
            ulong rem = high & ((1UL << bits) - 1), half = 1UL << (bits - 1);
            ulong near = bits >= NearBits ? 1UL << (bits - NearBits) : 0; // 2^(shift − NearBits) in units of 2^64, rounded down
            if (rem == 0) kind = 0;
            else if (rem == half) kind = 1;
            else if (rem < half && half - rem <= near) kind = 2;
            else if (rem > half && rem - half <= near) kind = 3;
            else if (rem <= near) kind = 4;
            else if (rem > half && (1UL << bits) - rem <= near) kind = 5;
            else kind = -1;
        }
        if (kind >= 0) counts[_ids.Boundary(kind, magnitude, mode)]++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt128 Magnitude(Int128 x) => (UInt128)(x < 0 ? -x : x);

    private bool IsNaN(uint d) => ((d >> _mantissaBits) & (uint)_exponentFieldMax) == (uint)_exponentFieldMax && (d & ((1u << _mantissaBits) - 1)) != 0;
    private bool IsInfinity(uint d) => ((d >> _mantissaBits) & (uint)_exponentFieldMax) == (uint)_exponentFieldMax && (d & ((1u << _mantissaBits) - 1)) == 0;
}
