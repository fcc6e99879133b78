using System.Globalization;
using MxRef.Formats;

namespace MxRef.Quantization;

/// <summary>
/// A two-level block format with shared microexponents (Rouhani et al., "With Shared Microexponents, A Little
/// Shifting Goes a Long Way", ISCA 2023, the "BDR" family), described as data:
/// a block of <see cref="BlockSize"/> (k1) elements shares a <see cref="ScaleBits"/>-bit (d1) exponent, each
/// sub-block of <see cref="SubBlockSize"/> (k2) elements shares a <see cref="MicroexponentBits"/>-bit (d2)
/// microexponent τ (a right shift of 0..2^d2−1), and each element is sign-magnitude with
/// <see cref="MagnitudeBits"/> (m) magnitude bits and no implicit bit. Element value:
/// (−1)^s × M × 2^(E − τ − (m − 1)), E = scale code − bias, bias = 2^(d1−1) − 1, scale code 2^d1 − 1 = NaN
/// (for d1 = 8 the scale is exactly OCP's E8M0). See docs/quantization.md.
/// </summary>
public sealed record BdrFormat
{
    /// <summary>MX9: k1 16, d1 8, k2 2, d2 1, sign + 7 magnitude bits (9 bits per element on average).</summary>
    public static readonly BdrFormat MX9 = new("mx9", 16, 8, 2, 1, 7);
    /// <summary>MX6: k1 16, d1 8, k2 2, d2 1, sign + 4 magnitude bits (6 bits per element).</summary>
    public static readonly BdrFormat MX6 = new("mx6", 16, 8, 2, 1, 4);
    /// <summary>MX4: k1 16, d1 8, k2 2, d2 1, sign + 2 magnitude bits (4 bits per element).</summary>
    public static readonly BdrFormat MX4 = new("mx4", 16, 8, 2, 1, 2);

    public static readonly IReadOnlyList<BdrFormat> Standard = [MX9, MX6, MX4];

    public string Name { get; }
    public int BlockSize { get; }
    public int ScaleBits { get; }
    public int SubBlockSize { get; }
    public int MicroexponentBits { get; }
    public int MagnitudeBits { get; }

    /// <summary>
    /// The format the rounding core rounds each element's magnitude to: an integer M × 2^−(m−1) with the symmetric
    /// range ±(2^m − 1) — two's complement in the core, re-encoded as sign-magnitude (for m = 7 it is MXINT8).
    /// </summary>
    public NumberFormat ElementRounding { get; }

    public BdrFormat(string name, int blockSize, int scaleBits, int subBlockSize, int microexponentBits, int magnitudeBits)
    {
        if (blockSize < 1 || subBlockSize < 1 || blockSize % subBlockSize != 0)
            throw new ArgumentException("the block size must be a positive multiple of the sub-block size");
        if (scaleBits is < 2 or > 8) throw new ArgumentOutOfRangeException(nameof(scaleBits), "scale bits must be 2..8");
        if (microexponentBits is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(microexponentBits), "microexponent bits must be 0..4");
        if (magnitudeBits is < 1 or > 23) throw new ArgumentOutOfRangeException(nameof(magnitudeBits), "magnitude bits must be 1..23");
        (Name, BlockSize, ScaleBits, SubBlockSize, MicroexponentBits, MagnitudeBits) =
            (name, blockSize, scaleBits, subBlockSize, microexponentBits, magnitudeBits);
        ElementRounding = new NumberFormat
        {
            Name = $"{name}-magnitude", Kind = FormatKind.Integer, Bits = magnitudeBits + 1,
            IntegerScaleExponent = -(magnitudeBits - 1), Source = "BDR element magnitude",
        };
    }

    public int ScaleBias => (1 << (ScaleBits - 1)) - 1;
    public uint ScaleNanCode => (1u << ScaleBits) - 1;
    public int MaxShift => (1 << MicroexponentBits) - 1;
    public int SubBlocks => BlockSize / SubBlockSize;
    public int ElementBits => MagnitudeBits + 1;
    public uint MagnitudeMask => (1u << MagnitudeBits) - 1;
    public uint SignBit => 1u << MagnitudeBits;

    /// <summary>Average storage per element: m + 1 + d1/k1 + d2/k2.</summary>
    public double BitsPerElement => ElementBits + (double)ScaleBits / BlockSize + (double)MicroexponentBits / SubBlockSize;

    /// <summary>The shape as <c>bdr-K1-D1-K2-D2-M</c>.</summary>
    public string Shape => $"bdr-{BlockSize}-{ScaleBits}-{SubBlockSize}-{MicroexponentBits}-{MagnitudeBits}";

    /// <summary><c>mx9</c>, <c>mx6</c>, <c>mx4</c>, or <c>bdr-K1-D1-K2-D2-M</c> (e.g. bdr-16-8-2-1-7 = mx9); null otherwise.</summary>
    public static BdrFormat? TryParse(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        foreach (var f in Standard)
            if (f.Name == n) return f;
        var parts = n.Split('-');
        if (parts.Length != 6 || parts[0] != "bdr") return null;
        var v = new int[5];
        for (int i = 0; i < 5; i++)
            if (!int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out v[i])) return null;
        try
        {
            return new BdrFormat(n, v[0], v[1], v[2], v[3], v[4]);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public const string Accepted = "mx9, mx6, mx4, or bdr-K1-D1-K2-D2-M (block size, scale bits, sub-block size, microexponent bits, magnitude bits)";

    public override string ToString() => Name;
}
