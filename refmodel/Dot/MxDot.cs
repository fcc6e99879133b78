using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// The golden block dot product (OCP MX v1.0 §6.1): D = C + sa·sb·Σ a_i·b_i for one block, under an accumulation
/// model. The scales are read through the pair's <see cref="ScaleCodec"/>: E8M0 (sa·sb = 2^(Sa+Sb−2·127)) or a float
/// scale such as NVFP4's UE4M3, whose product sa·sb is formed exactly from the two significands. The reference model
/// <c>fused</c> computes the sum exactly and rounds once; see docs/semantics.md.
/// </summary>
public static class MxDot
{
    /// <summary>One block: C is an FP32 bit pattern; the result is in <paramref name="output"/> (fp32, bf16 or fp16).</summary>
    public static DotResult Dot(in BlockPair block, uint c, RoundingMode mode, NumberFormat output, AccumulationModel model) => model.Kind switch
    {
        AccumulationKind.Fused => Fused(block, c, mode, output),
        AccumulationKind.Chunked => Chunked(block, c, mode, output, model.ChunkSize),
        AccumulationKind.Fp32Sum => Fp32SumModel.Dot(block, c, mode, output),
        _ => throw new ArgumentOutOfRangeException(nameof(model)),
    };

    /// <summary>
    /// One block under an implementation profile (docs/semantics.md, "Implementation profiles"). The default profile is
    /// the reference path above; the others apply to <c>fused</c> and <c>chunked:n</c>.
    /// </summary>
    public static DotResult Dot(in BlockPair block, uint c, RoundingMode mode, NumberFormat output, AccumulationModel model, ImplementationProfile profile)
    {
        if (ReferenceEquals(profile, ImplementationProfile.Default) || profile.IsDefault) return Dot(block, c, mode, output, model);
        return model.Kind switch
        {
            AccumulationKind.Fused => ProfiledDot.Fused(block, c, mode, output, profile),
            AccumulationKind.Chunked => ProfiledDot.Chunked(block, c, mode, output, model.ChunkSize, profile),
            _ => throw new ArgumentException($"implementation profile '{profile}' applies to the fused and chunked:N accumulation models, not {model}"),
        };
    }

    /// <summary>
    /// <see cref="Dot(in BlockPair, uint, RoundingMode, NumberFormat, AccumulationModel, ImplementationProfile)"/>, with
    /// the exact product sum the reference path forms (<see cref="DotOutcome"/>), so that a coverage classifier reads it
    /// instead of forming it again. The same result bits and flags.
    /// </summary>
    public static DotOutcome Evaluate(in BlockPair block, uint c, RoundingMode mode, NumberFormat output, AccumulationModel model, ImplementationProfile profile)
    {
        if (model.Kind != AccumulationKind.Fused || !(ReferenceEquals(profile, ImplementationProfile.Default) || profile.IsDefault))
            return new DotOutcome(Dot(block, c, mode, output, model, profile), Int128.Zero, 0, false);
        var (sum, classes) = ProductSum(block);
        return new DotOutcome(Fused(block, sum, classes, c, mode, output), sum, classes, true);
    }

    /// <summary>The reference semantics: exact sum, one rounding (docs/semantics.md, "fused").</summary>
    public static DotResult Fused(in BlockPair p, uint c, RoundingMode mode, NumberFormat output)
    {
        var (sum, classes) = ProductSum(p);
        return Fused(p, sum, classes, c, mode, output);
    }

    /// <summary>
    /// The common case first, with the same result as <see cref="FusedGeneral(in BlockPair, uint, RoundingMode, NumberFormat)"/>:
    /// finite elements, a power-of-two scale that is not NaN, a finite C, and the product sum and C both within 62 bits
    /// once aligned to the lower of their two last-bit exponents. Their sum is then exact in a long and goes straight to
    /// the rounding core with no sticky bit — the same exact value the general path places in ExactSum's 128-bit window.
    /// The general path takes a NaN or Inf C, an exact zero from zero terms only (its sign follows the zeros' signs,
    /// rule 4) and terms whose leading bits are too close for <see cref="FusedFar"/> yet too far apart to add in a long.
    /// The signs of the sum, of C and of their total are random in a dot product, so nothing here branches on them
    /// (a mispredicted branch costs about as much as the rounding itself): magnitudes and negations are formed from
    /// sign masks. The result is returned, never written through an out parameter: a struct written field by field and
    /// then copied whole stalls the load on store forwarding, which cost a quarter of a block's time.
    /// </summary>
    private static DotResult Fused(in BlockPair p, Int128 productSum, int classes, uint c, RoundingMode mode, NumberFormat output)
    {
        int cField = (int)(c >> 23) & 0xFF; // FP32 (IEEE 754 binary32): 8 exponent bits, 23 fraction bits, bias 127
        long s = (long)productSum;
        if ((classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0 || !p.Scales.IsPowerOfTwo || p.ScaleIsNaN
            || cField == 0xFF || (Int128)s != productSum || s > MaxNearTerm || s < -MaxNearTerm)
            return FusedGeneral(p, productSum, classes, c, mode, output);
        int sumExponent = p.SumExponent;
        long cSign = (int)c >> 31; // 0, or −1 for a negative C
        long cSig = (((c & 0x7FFFFF) | (cField != 0 ? 0x800000L : 0L)) ^ cSign) - cSign;
        int cExponent = Math.Max(cField, 1) - 150;
        long total;
        int exponent;
        if (cSig == 0) { total = s; exponent = sumExponent; }
        else if (s == 0) { total = cSig; exponent = cExponent; }
        else
        {
            exponent = Math.Min(sumExponent, cExponent);
            int ds = sumExponent - exponent, dc = cExponent - exponent;
            if (BitLength(s) + ds > 62 || 24 + dc > 62) return FusedFar(p, productSum, classes, c, s, sumExponent, cSig, cExponent, mode, output);
            total = (s << ds) + (cSig << dc);
        }
        if (total == 0)
        {
            // Non-zero terms that cancel exactly: rule 4 gives −0 under rdn only (ExactZeroIsNegative with a non-zero C).
            // A zero C with a zero sum takes the general path, which looks at the signs of the zero terms.
            if (cSig == 0) return FusedGeneral(p, productSum, classes, c, mode, output);
            return new DotResult(ZeroOf(output, mode == RoundingMode.Down), ExceptionFlags.None);
        }
        var rounded = RoundingCore.Round(output, total < 0, Magnitude(total), exponent, false, new RoundingContext(mode, OverflowPolicy.Ieee));
        return new DotResult(rounded);
    }

    /// <summary>
    /// <see cref="Fused"/> for two non-zero terms too far apart to add exactly in a long (C far above the product
    /// sum or far below it: about a fifth of verify's weighted-random vectors). ExactSum's window, in 64 bits: the larger
    /// term, whose leading bit is at least 2 bits above the other's, is placed with its leading bit at bit 61; the other
    /// is shifted down into the same window, the bits that fall off jammed into the sticky bit (floor: the value is
    /// (total + ε)·2^w with 0 &lt; ε &lt; 1 when sticky). The larger term is at least 2^61 there and the other below 2^60, so
    /// the total's leading bit stays at bit 60 or 61: at least 36 bits stand below an FP32 result's last bit, more than
    /// the 32 the rounding core asks of a caller with a sticky bit, and the rounding sees the same kept bits, round bit
    /// and sticky as from ExactSum's 128-bit window. The general path when the two leading bits are closer.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DotResult FusedFar(in BlockPair p, Int128 productSum, int classes, uint c, long s, int sumExponent, long cSig, int cExponent, RoundingMode mode, NumberFormat output)
    {
        int topS = sumExponent + BitLength(s), topC = cExponent + BitLength(cSig); // one above each leading bit
        bool sumIsLarger = topS > topC;
        long large = sumIsLarger ? s : cSig, small = sumIsLarger ? cSig : s;
        int largeExponent = sumIsLarger ? sumExponent : cExponent, smallExponent = sumIsLarger ? cExponent : sumExponent;
        int top = Math.Max(topS, topC);
        if (top - Math.Min(topS, topC) < 2) return FusedGeneral(p, productSum, classes, c, mode, output);
        int w = top - 62; // the window's last bit: the larger term's leading bit lands on bit 61
        long total = large << (largeExponent - w); // |large| < 2^62, so the shift is 0 … 61
        int r = w - smallExponent;
        bool sticky = false;
        if (r <= 0) total += small << -r; // the smaller term fits whole (a subnormal C): below 2^60 after the shift
        else if (r >= 63) { total += small >> 63; sticky = true; } // floor of a term below one window unit: 0 or −1
        else
        {
            long kept = small >> r; // arithmetic shift: floor
            sticky = kept << r != small;
            total += kept;
        }
        long sign = total >> 63;
        ulong magnitude = (ulong)((total ^ sign) - sign) - (ulong)(sign & (sticky ? 1L : 0L)); // −(total + ε) = −((−total − 1) + (1 − ε))
        var rounded = RoundingCore.Round(output, total < 0, magnitude, w, sticky, new RoundingContext(mode, OverflowPolicy.Ieee));
        return new DotResult(rounded);
    }

    /// <summary>The largest |term| of <see cref="Fused(in BlockPair, Int128, int, uint, RoundingMode, NumberFormat)"/>'s
    /// shortcut: two such terms add without overflow (a constant, so no static-field check in NativeAOT code).</summary>
    private const long MaxNearTerm = (1L << 62) - 1;

    /// <summary>|v| for v &gt; long.MinValue, from the sign mask rather than a branch on the sign.</summary>
    private static ulong Magnitude(long v)
    {
        long sign = v >> 63;
        return (ulong)((v ^ sign) - sign);
    }

    private static int BitLength(long v) => 64 - BitOperations.LeadingZeroCount(Magnitude(v));

    /// <summary>
    /// <see cref="Fused"/> without its common-case shortcut: every block through the special-value rules, ExactSum's
    /// 128-bit window and <see cref="RoundingCore.RoundWide"/>. Public so that the tests can hold the shortcut to it.
    /// </summary>
    public static DotResult FusedGeneral(in BlockPair p, uint c, RoundingMode mode, NumberFormat output)
    {
        var (sum, classes) = ProductSum(p);
        return FusedGeneral(p, sum, classes, c, mode, output);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // the uncommon case: kept out of the shortcut's code
    private static DotResult FusedGeneral(in BlockPair p, Int128 sum, int classes, uint c, RoundingMode mode, NumberFormat output)
    {
        // Products: exact in the common fixed point (2^-32 per product), summed exactly in 128 bits (|Σ| < 2^71 for k ≤ 64,
        // and < 2^(63.7 + log2 k) in general).
        var cv = Codec.Decode(StandardFormats.Fp32, c);
        if ((classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0 || p.ScaleIsNaN || !cv.IsFinite)
        {
            var special = new SpecialCases();
            special.AddScale(p.Scales, p.ScaleA);
            special.AddScale(p.Scales, p.ScaleB);
            special.AddC(cv);
            if ((classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0) special.AddProducts(p);
            if (special.Resolve(output) is { } r) return r;
        }
        // A float scale (UE4M3): sa·sb·Σ is the integer sum times the two scale significands, still exact in 128 bits
        // (ScaledSum checks the width); a power-of-two scale only moves the exponent.
        if (!p.Scales.IsPowerOfTwo) sum = ScaledSum(p, sum);

        var ctx = new RoundingContext(mode, OverflowPolicy.Ieee);
        Int128 cTerm = cv.Negative ? -(Int128)cv.Significand : (Int128)cv.Significand;
        var s = ExactSum.Add(sum, p.SumExponent, cTerm, cv.Exponent);
        if (s.IsExactZero) return new DotResult(ZeroOf(output, ExactZeroIsNegative(p, cv, mode)), ExceptionFlags.None);
        var rounded = s.RoundTo(output, ctx);
        return new DotResult(rounded);
    }

    /// <summary>
    /// Σ·(significand of sa)·(significand of sb), exact. |Σ| &lt; 2^(bits of the largest |a_i·b_i| + ceil(log2 k)) and
    /// each significand has <see cref="ScaleCodec.SignificandBits"/> bits; the product must stay below ExactSum's 2^100
    /// (NVFP4: 19 + 19 + 4 + 4 + 4 = 50 bits at k = 16).
    /// </summary>
    internal static Int128 ScaledSum(in BlockPair p, Int128 sum)
    {
        int bits = SumBits(p) + 2 * p.Scales.SignificandBits;
        if (bits > 100) throw new ArgumentException($"a block of {p.Length} {p.TableA.Format.Name} × {p.TableB.Format.Name} elements with {p.Scales.Format.Name} scales needs {bits} bits; the exact sum holds 100");
        return sum * p.ScaleSignificand;
    }

    /// <summary>Bit length bound of the exact product sum Σ a_i·b_i in the fixed point.</summary>
    private static int SumBits(in BlockPair p) =>
        p.TableA.MagnitudeBits + p.TableB.MagnitudeBits + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)p.Length));

    /// <summary>
    /// The product-sum loop this process takes and the instruction sets it detected, for <c>mxref --version</c>: a
    /// NativeAOT executable decides them when it is compiled (its instruction-set target), the JIT on the machine.
    /// </summary>
    public static string Implementation =>
        $"product sum: {(VectorProductSum.IsSupported ? "AVX-512 VBMI byte tables, 32 products per step" : "scalar, 64-bit integers (two 64-bit partial sums where k products can reach 2^63)")}; " +
        $"Vector256 {Accelerated(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)}, Vector512 {Accelerated(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)}, " +
        $"AVX2 {Accelerated(System.Runtime.Intrinsics.X86.Avx2.IsSupported)}, AVX-512 VBMI {Accelerated(System.Runtime.Intrinsics.X86.Avx512Vbmi.IsSupported)}, " +
        $"BMI2 {Accelerated(System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported)}";

    private static string Accelerated(bool yes) => yes ? "yes" : "no";

    /// <summary>
    /// Σ a_i·b_i and whether an element is NaN or Inf (the ClassNaN and ClassInfinity bits of <c>Classes</c>; its other
    /// bits are not meaningful), by the cheapest loop that is exact for the pair: 32 products per step with AVX-512
    /// (<see cref="VectorProductSum"/>) where the machine has it and no element is NaN or Inf; else plain 64-bit
    /// arithmetic when k products cannot reach 2^63 (every pair but E5M2 × E5M2 at k = 32), else two 64-bit partial
    /// sums (128-bit ones beyond <see cref="SplitMaxLength"/> elements or for values of 2^32 and more). Public for
    /// the coverage classifier, which forms the same exact sum again.
    /// </summary>
    public static (Int128 Sum, int Classes) ProductSum(in BlockPair p)
    {
        if (VectorProductSum.Serves(p) && VectorProductSum.TrySum(p, out var vectorSum)) return (vectorSum, 0);
        return ScalarProductSum(p);
    }

    /// <summary>The scalar loops of <see cref="ProductSum"/> (also its reference in the tests), with the NaN and Inf class bits.</summary>
    internal static (Int128 Sum, int Classes) ScalarProductSum(in BlockPair p)
    {
        if (SumBits(p) <= 63 && p.TableA.TaggedIsExact && p.TableB.TaggedIsExact) return ProductSum64(p);
        return p.TableA.FitsIn32Bits && p.TableB.FitsIn32Bits && p.Length <= SplitMaxLength ? ProductSumSplit(p) : ProductSumWide(p);
    }

    /// <summary>
    /// Σ a_i·b_i in 64 bits: |a_i·b_i| &lt; 2^(bitsA + bitsB) and k of them stay below 2^63. What the NativeAOT CLI runs
    /// for every pair but E5M2 × E5M2 (its baseline x86-64 has no AVX-512). A block without NaN or Inf codes — found
    /// 16 codes per compare (<see cref="MayHoldSpecials"/>) — is summed from the plain <see cref="ElementTable.Fixed"/>
    /// values, two loads, a multiply and an add per element; the tables are read without bounds checks, since a
    /// byte indexes their 256 entries and each entry already holds the value of the code's low bits (the format's
    /// width). A block with a special code takes <see cref="ProductSum64Tagged"/>, which also reports the classes.
    /// </summary>
    private static (Int128 Sum, int Classes) ProductSum64(in BlockPair p)
    {
        if (MayHoldSpecials(p)) return ProductSum64Tagged(p);
        ref long fa = ref MemoryMarshal.GetArrayDataReference(p.TableA.Fixed);
        ref long fb = ref MemoryMarshal.GetArrayDataReference(p.TableB.Fixed);
        ref byte a = ref MemoryMarshal.GetReference(p.A);
        ref byte b = ref MemoryMarshal.GetReference(p.B); // as long as A (BlockPair checks)
        nint n = p.Length, i = 0;
        long sum0 = 0, sum1 = 0; // two chains of adds, four elements per step
        for (; i + 4 <= n; i += 4)
        {
            sum0 += Unsafe.Add(ref fa, (nuint)Unsafe.Add(ref a, i)) * Unsafe.Add(ref fb, (nuint)Unsafe.Add(ref b, i))
                  + Unsafe.Add(ref fa, (nuint)Unsafe.Add(ref a, i + 1)) * Unsafe.Add(ref fb, (nuint)Unsafe.Add(ref b, i + 1));
            sum1 += Unsafe.Add(ref fa, (nuint)Unsafe.Add(ref a, i + 2)) * Unsafe.Add(ref fb, (nuint)Unsafe.Add(ref b, i + 2))
                  + Unsafe.Add(ref fa, (nuint)Unsafe.Add(ref a, i + 3)) * Unsafe.Add(ref fb, (nuint)Unsafe.Add(ref b, i + 3));
        }
        for (; i < n; i++) sum0 += Unsafe.Add(ref fa, (nuint)Unsafe.Add(ref a, i)) * Unsafe.Add(ref fb, (nuint)Unsafe.Add(ref b, i));
        return (sum0 + sum1, 0);
    }

    /// <summary>
    /// True when a code of the block may be NaN or Inf (<see cref="ElementTable.SpecialMask"/>): both operands' codes
    /// tested 16 at a time with SSE2 compares, which every x86-64 has, and one branch for the block.
    /// </summary>
    private static bool MayHoldSpecials(in BlockPair p)
    {
        ref byte a = ref MemoryMarshal.GetReference(p.A);
        ref byte b = ref MemoryMarshal.GetReference(p.B);
        var maskA = p.TableA.SpecialMasks; var valueA = p.TableA.SpecialValues;
        var maskB = p.TableB.SpecialMasks; var valueB = p.TableB.SpecialValues;
        var any = Vector128<byte>.Zero;
        nint n = p.Length, i = 0;
        for (; i + 16 <= n; i += 16)
            any |= Vector128.Equals(Vector128.LoadUnsafe(ref a, (nuint)i) & maskA, valueA)
                 | Vector128.Equals(Vector128.LoadUnsafe(ref b, (nuint)i) & maskB, valueB);
        bool found = any != Vector128<byte>.Zero;
        if (i == n) return found;
        byte ma = p.TableA.SpecialMask, va = p.TableA.SpecialValue, mb = p.TableB.SpecialMask, vb = p.TableB.SpecialValue;
        for (; i < n; i++) found |= (Unsafe.Add(ref a, i) & ma) == va | (Unsafe.Add(ref b, i) & mb) == vb;
        return found;
    }

    /// <summary>
    /// <see cref="ProductSum64"/> for a block that may hold NaN or Inf codes: one table load per element gives both the
    /// value and the NaN/Inf bits (<see cref="ElementTable.Tagged"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // the uncommon case
    private static (Int128 Sum, int Classes) ProductSum64Tagged(in BlockPair p)
    {
        ref long ta = ref MemoryMarshal.GetArrayDataReference(p.TableA.Tagged);
        ref long tb = ref MemoryMarshal.GetArrayDataReference(p.TableB.Tagged);
        byte ma = p.TableA.CodeMask, mb = p.TableB.CodeMask;
        var a = p.A;
        ref byte b = ref MemoryMarshal.GetReference(p.B); // as long as A (BlockPair checks)
        long sum = 0, tagsA = 0, tagsB = 0; // two tag chains: one OR per element on each instead of two on one
        for (int i = 0; i < a.Length; i++)
        {
            long x = Unsafe.Add(ref ta, (nuint)(a[i] & ma)), y = Unsafe.Add(ref tb, (nuint)(Unsafe.Add(ref b, i) & mb));
            tagsA |= x;
            tagsB |= y;
            sum += (x >> ElementTable.TagBits) * (y >> ElementTable.TagBits);
        }
        return (sum, (int)((tagsA | tagsB) & ElementTable.TagMask));
    }

    /// <summary>
    /// Σ a_i·b_i in the common fixed point when every |value| &lt; 2^32 (every MX element format; the E5M2 × E5M2 sum
    /// reaches 2^70) in two 64-bit sums: y = y_h·2^16 + y_l with y_l = y mod 2^16, so x·y = x·y_h·2^16 + x·y_l and each
    /// partial product is below 2^48 in magnitude; up to <see cref="SplitMaxLength"/> of them stay below 2^62. Plain
    /// 64-bit multiplies and adds, where a 128-bit sum per product (Math.BigMul, add with carry) costs twice as much,
    /// more where there is no 64 × 64 → 128-bit multiply instruction (the baseline x86-64 of the NativeAOT CLI).
    /// Also returns the NaN and Inf class bits; as in <see cref="ProductSum64"/>, a block without special codes is
    /// summed from the plain <see cref="ElementTable.Fixed"/> values.
    /// </summary>
    private static (Int128 Sum, int Classes) ProductSumSplit(in BlockPair p)
    {
        if (MayHoldSpecials(p)) return ProductSumSplitTagged(p);
        ref long fa = ref MemoryMarshal.GetArrayDataReference(p.TableA.Fixed);
        ref long fb = ref MemoryMarshal.GetArrayDataReference(p.TableB.Fixed);
        ref byte a = ref MemoryMarshal.GetReference(p.A);
        ref byte b = ref MemoryMarshal.GetReference(p.B);
        nint n = p.Length;
        long high = 0, low = 0;
        for (nint i = 0; i < n; i++)
        {
            long x = Unsafe.Add(ref fa, (nuint)Unsafe.Add(ref a, i)), y = Unsafe.Add(ref fb, (nuint)Unsafe.Add(ref b, i));
            high += x * (y >> 16);
            low += x * (y & 0xFFFF);
        }
        return (((Int128)high << 16) + low, 0);
    }

    /// <summary><see cref="ProductSumSplit"/> for a block that may hold NaN or Inf codes, from <see cref="ElementTable.Tagged"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // the uncommon case
    private static (Int128 Sum, int Classes) ProductSumSplitTagged(in BlockPair p)
    {
        ref long ta = ref MemoryMarshal.GetArrayDataReference(p.TableA.Tagged);
        ref long tb = ref MemoryMarshal.GetArrayDataReference(p.TableB.Tagged);
        byte ma = p.TableA.CodeMask, mb = p.TableB.CodeMask;
        var a = p.A;
        ref byte b = ref MemoryMarshal.GetReference(p.B);
        long high = 0, low = 0, tagsA = 0, tagsB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            long x = Unsafe.Add(ref ta, (nuint)(a[i] & ma)), y = Unsafe.Add(ref tb, (nuint)(Unsafe.Add(ref b, i) & mb));
            tagsA |= x;
            tagsB |= y;
            x >>= ElementTable.TagBits;
            y >>= ElementTable.TagBits;
            high += x * (y >> 16);
            low += x * (y & 0xFFFF);
        }
        return (((Int128)high << 16) + low, (int)((tagsA | tagsB) & ElementTable.TagMask));
    }

    /// <summary>The longest block <see cref="ProductSumSplit"/> takes: 2^14 partial products below 2^48 each.</summary>
    private const int SplitMaxLength = 1 << 14;

    /// <summary>
    /// Σ a_i·b_i with full 64 × 64 → 128-bit products, for element tables with values of 2^32 or more (and any table
    /// whose values are too wide for <see cref="ElementTable.Tagged"/>).
    /// </summary>
    private static (Int128 Sum, int Classes) ProductSumWide(in BlockPair p)
    {
        var fa = p.TableA.Fixed; var fb = p.TableB.Fixed;
        var ka = p.TableA.Class; var kb = p.TableB.Class;
        byte ma = p.TableA.CodeMask, mb = p.TableB.CodeMask;
        var a = p.A; var b = p.B;
        Int128 sum = Int128.Zero;
        int classes = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int ca = a[i] & ma, cb = b[i] & mb;
            classes |= ka[ca] | kb[cb];
            sum += Math.BigMul(fa[ca], fb[cb]);
        }
        return (sum, classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity));
    }

    /// <summary>
    /// Rule 4, the sign of an exact zero: −0 only when every term (each product a_i·b_i, and C) is a zero of negative
    /// sign, or when terms cancel or mixed-sign zeros meet under rdn (IEEE 754 §6.3); otherwise +0.
    /// </summary>
    public static bool ExactZeroIsNegative(in BlockPair p, Decoded c, RoundingMode mode)
    {
        // Under rdn the zero is −0 unless every term is +0; in the other modes it is −0 only if every term is −0.
        bool sign = mode != RoundingMode.Down; // the sign whose zeros decide
        bool everyTermIsSuchZero = c.IsZero && c.Negative == sign && EveryProductIsZeroOfSign(p, sign);
        return mode == RoundingMode.Down ? !everyTermIsSuchZero : everyTermIsSuchZero;
    }

    /// <summary>
    /// True when every scaled product sa·sb·a_i·b_i of the block is a zero of the given sign (sign(a) XOR sign(b); the
    /// scales are unsigned): an element is zero, or a scale is (UE4M3 0x00).
    /// </summary>
    internal static bool EveryProductIsZeroOfSign(in BlockPair p, bool negative)
    {
        bool scaleZero = p.ScaleIsZero;
        for (int i = 0; i < p.Length; i++)
        {
            byte ca = p.TableA.Class[p.A[i] & p.TableA.CodeMask], cb = p.TableB.Class[p.B[i] & p.TableB.CodeMask];
            bool zeroProduct = scaleZero || ((ca | cb) & ElementTable.ClassZero) != 0;
            bool negativeProduct = ((ca ^ cb) & ElementTable.ClassNegative) != 0;
            if (!zeroProduct || negativeProduct != negative) return false;
        }
        return true;
    }

    /// <summary>
    /// <c>chunked:n</c>: the block is consumed n elements at a time; each chunk's exact sum is fused with the running
    /// accumulator and rounded once — to FP32 between chunks, to the output format for the last chunk.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // not inlined into Dot's switch beside the fused shortcut
    public static DotResult Chunked(in BlockPair p, uint c, RoundingMode mode, NumberFormat output, int n)
    {
        uint acc = c;
        var flags = ExceptionFlags.None;
        for (int start = 0; start < p.Length; start += n)
        {
            int len = Math.Min(n, p.Length - start);
            bool last = start + len >= p.Length;
            var r = Fused(p.Slice(start, len), acc, mode, last ? output : StandardFormats.Fp32);
            acc = r.Bits;
            flags |= r.Flags;
        }
        return new DotResult(acc, flags);
    }

    public static uint ZeroOf(NumberFormat output, bool negative) => negative ? output.NegativeZeroCode : 0u;
}
