using System.Runtime.Intrinsics;
using MxRef.Formats;

namespace MxRef.Dot;

/// <summary>
/// Decode tables for the dot-product inner loop, derived from a format's description: every element code as a signed
/// fixed-point integer with its last bit at 2^-<see cref="FractionBits"/> (the finest quantum of any MX element format,
/// E5M2's 2^-16 subnormal), and its class bits.
/// </summary>
public sealed class ElementTable
{
    /// <summary>Fraction bits of the common fixed point: 2^-16 is E5M2's smallest subnormal (OCP MX v1.0 Table 1).</summary>
    public const int FractionBits = 16;

    public const byte ClassNaN = 1, ClassInfinity = 2, ClassNegative = 4, ClassZero = 8;

    public NumberFormat Format { get; }
    /// <summary>Value × 2^16 as a signed integer (0 for NaN and Inf).</summary>
    public long[] Fixed { get; }
    /// <summary>NaN / Inf / sign / zero bits per code.</summary>
    public byte[] Class { get; }

    /// <summary>
    /// Fixed·2^<see cref="TagBits"/> plus the code's NaN and Inf class bits: the scalar product sums read a code's value
    /// (Tagged &gt;&gt; TagBits, exact: |Fixed| ≤ 2^32) and whether it is special from one table entry.
    /// </summary>
    public long[] Tagged { get; }
    public const int TagBits = 2;
    /// <summary>The tag bits of <see cref="Tagged"/>: <see cref="ClassNaN"/> | <see cref="ClassInfinity"/>.</summary>
    public const long TagMask = ClassNaN | ClassInfinity;

    /// <summary>
    /// The codes that are NaN or Inf, as one bit pattern: (code &amp; <see cref="SpecialMask"/>) == <see cref="SpecialValue"/>
    /// exactly for them (E4M3: x1111111, mask and value 0x7F; E5M2: x11111xx, 0x7C; formats without NaN and Inf: mask 0 and
    /// value 1, which no code matches). The scalar product sums test a block's codes for specials with it, 16 codes per
    /// compare, and then sum the plain <see cref="Fixed"/> values. A format whose specials are no such pattern gets mask
    /// 0 and value 0, which every code matches: its blocks always take the loop that reads the class bits per element.
    /// </summary>
    public byte SpecialMask { get; }
    /// <inheritdoc cref="SpecialMask"/>
    public byte SpecialValue { get; }
    /// <summary><see cref="SpecialMask"/> and <see cref="SpecialValue"/> in every byte, read as they are by the block test.</summary>
    internal readonly Vector128<byte> SpecialMasks, SpecialValues;
    /// <summary>Every value survives the shift into <see cref="Tagged"/> (|Fixed| &lt; 2^61; every MX element format).</summary>
    public bool TaggedIsExact => MagnitudeBits <= 63 - TagBits - 1;
    public byte CodeMask { get; }
    /// <summary>
    /// Every |Fixed| is below 2^32 (true for all MX element formats: E5M2's 57344 × 2^16 is the largest), so the product
    /// of two such values fits in 64 bits and the dot product's inner loop can use one 64-bit multiply.
    /// </summary>
    public bool FitsIn32Bits => MagnitudeBits <= 32;

    /// <summary>Bit length of the largest |Fixed| (E5M2: 32, E4M3: 25, E2M1: 19, INT8: 17).</summary>
    public int MagnitudeBits { get; }

    /// <summary>
    /// Fixed split as m·2^sh with m odd (or 0) in a signed byte: <see cref="Significand"/> holds m, <see cref="Shift"/>
    /// holds sh (at most 31), or <see cref="ShiftSpecial"/> for NaN and Inf (m = 0). Every MX element format splits so
    /// (its significands have at most 4 bits, INT8's values at most 7 beside the sign; INT8 −128 is −1·2^17): the
    /// vectorized product sum (<see cref="VectorProductSum"/>) looks both bytes up in registers. Null when a custom
    /// format does not split.
    /// </summary>
    public sbyte[]? Significand { get; }
    /// <inheritdoc cref="Significand"/>
    public byte[]? Shift { get; }
    public const byte ShiftSpecial = 0x80;

    /// <summary><see cref="Significand"/> and <see cref="Shift"/> ready for the vector loop; null without AVX-512 VBMI.</summary>
    internal VectorProductSum.Tables? Vector { get; }

    /// <summary>
    /// Each code's value as an FP32 (NaN and ±Inf included), for the <c>fp32-sum</c> model's FPU path; null unless the
    /// format is an OCP MX element format, whose values are exact in FP32 and whose pairwise products are too (at most
    /// 4 + 4 significand bits, INT8 8 + 4 or 7 + 7, between 2^−32 and 2^32: FP32 normals).
    /// </summary>
    public float[]? Fp32Values { get; }

    private ElementTable(NumberFormat f)
    {
        if (f.Bits > 8) throw new ArgumentException($"{f.Name} is not an 8-bit-or-narrower element format");
        Format = f;
        CodeMask = (byte)f.CodeMask;
        Fixed = new long[256];
        Class = new byte[256];
        for (int code = 0; code < 256; code++)
        {
            var d = Codec.Decode(f, (uint)code & f.CodeMask);
            byte cls = d.Negative ? ClassNegative : (byte)0;
            if (d.IsNaN) cls |= ClassNaN;
            else if (d.IsInfinity) cls |= ClassInfinity;
            else
            {
                if (d.IsZero) cls |= ClassZero;
                int shift = d.Exponent + FractionBits;
                if (shift < 0) throw new InvalidOperationException($"{f.Name} has values finer than 2^-{FractionBits}");
                long mag = (long)(d.Significand << shift);
                Fixed[code] = d.Negative ? -mag : mag;
            }
            Class[code] = cls;
        }
        MagnitudeBits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Fixed.Max(v => Math.Abs(v)));
        Tagged = new long[256];
        for (int code = 0; code < 256; code++) Tagged[code] = (Fixed[code] << TagBits) | (Class[code] & TagMask);
        (SpecialMask, SpecialValue) = SpecialPattern(Class);
        (SpecialMasks, SpecialValues) = (Vector128.Create(SpecialMask), Vector128.Create(SpecialValue));
        (Significand, Shift) = Split(Fixed, Class);
        Vector = VectorProductSum.Tables.For(CodeMask, Significand, Shift);
        if (StandardFormats.ElementCode(f) >= 0)
            Fp32Values = Enumerable.Range(0, 256).Select(code => (float)Codec.Decode(f, (uint)code & f.CodeMask).ToDouble()).ToArray();
    }

    /// <summary><see cref="SpecialMask"/> and <see cref="SpecialValue"/>: the bits every special code shares, if they single the specials out.</summary>
    private static (byte Mask, byte Value) SpecialPattern(byte[] classes)
    {
        var special = Enumerable.Range(0, 256).Where(c => (classes[c] & TagMask) != 0).ToArray();
        if (special.Length == 0) return (0, 1);
        int ones = special.Aggregate(0xFF, (acc, c) => acc & c), zeros = special.Aggregate(0xFF, (acc, c) => acc & ~c);
        byte mask = (byte)(ones | zeros), value = (byte)ones;
        bool exact = Enumerable.Range(0, 256).All(c => ((c & mask) == value) == ((classes[c] & TagMask) != 0));
        return exact ? (mask, value) : ((byte)0, (byte)0);
    }

    private static (sbyte[]?, byte[]?) Split(long[] fixedValues, byte[] classes)
    {
        var m = new sbyte[256];
        var sh = new byte[256];
        for (int code = 0; code < 256; code++)
        {
            if ((classes[code] & (ClassNaN | ClassInfinity)) != 0) { sh[code] = ShiftSpecial; continue; }
            long v = fixedValues[code];
            if (v == 0) continue;
            int shift = System.Numerics.BitOperations.TrailingZeroCount(v);
            long odd = v >> shift;
            if (odd is < sbyte.MinValue or > sbyte.MaxValue || shift > 31) return (null, null);
            m[code] = (sbyte)odd;
            sh[code] = (byte)shift;
        }
        return (m, sh);
    }

    private static readonly ElementTable[] Standard = StandardFormats.Elements.Select(f => new ElementTable(f)).ToArray();

    /// <summary>The table of an MX element format (0 e4m3 … 5 int8).</summary>
    public static ElementTable For(NumberFormat f)
    {
        int code = StandardFormats.ElementCode(f);
        return code >= 0 ? Standard[code] : new ElementTable(f);
    }

    public static ElementTable ForCode(int formatCode) => Standard[formatCode];
}
