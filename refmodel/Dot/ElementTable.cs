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
    public byte CodeMask { get; }
    /// <summary>
    /// Every |Fixed| is below 2^32 (true for all MX element formats: E5M2's 57344 × 2^16 is the largest), so the product
    /// of two such values fits in 64 bits and the dot product's inner loop can use one 64-bit multiply.
    /// </summary>
    public bool FitsIn32Bits => MagnitudeBits <= 32;

    /// <summary>Bit length of the largest |Fixed| (E5M2: 32, E4M3: 25, E2M1: 19, INT8: 17).</summary>
    public int MagnitudeBits { get; }

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
