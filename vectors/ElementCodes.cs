using MxRef.Dot;
using MxRef.Formats;

namespace MxRef.Vectors;

/// <summary>
/// The named codes of an MX element format that corner cases are built from (derived from the format's description,
/// not tabulated): ±0, min/max subnormal, min normal, one, max normal, NaN and Inf where present, INT8's −128 and 127.
/// </summary>
public sealed class ElementCodes
{
    private int FormatCode { get; }
    public NumberFormat Format { get; }
    public ElementTable Table { get; }
    public byte Zero, NegativeZero, MinSubnormal, MaxSubnormal, MinNormal, One, MaxNormal;
    public byte? NaN, Infinity;
    /// <summary>The corner codes with their names, both signs where the format is signed-magnitude.</summary>
    public IReadOnlyList<(string Name, byte Code)> Corners { get; }
    /// <summary>Every finite positive code (for building exact product sums).</summary>
    public IReadOnlyList<byte> PositiveFinite { get; }

    private static readonly ElementCodes[] All = Enumerable.Range(0, StandardFormats.Elements.Count).Select(i => new ElementCodes(i)).ToArray();

    /// <summary>The codes of an MX element format (the formats of <see cref="StandardFormats.Elements"/>).</summary>
    public static ElementCodes For(NumberFormat format) => StandardFormats.ElementCode(format) is var i and >= 0
        ? All[i] : throw new ArgumentException($"{format.Name} is not an MX element format");

    /// <summary>By position in <see cref="StandardFormats.Elements"/> (for tables indexed by format).</summary>
    internal static ElementCodes At(int index) => All[index];

    /// <summary>How many MX element formats there are (the codes 0 … Count − 1).</summary>
    internal static int Count => All.Length;

    /// <summary>Position of the format in <see cref="StandardFormats.Elements"/> (tables indexed by format).</summary>
    internal int Index => FormatCode;

    private ElementCodes(int formatCode)
    {
        FormatCode = formatCode;
        Format = StandardFormats.Elements[formatCode];
        Table = ElementTable.ForCode(formatCode);
        var f = Format;
        var corners = new List<(string, byte)>();
        if (f.Kind == FormatKind.Integer)
        {
            // MXINT8: two's complement × 2^-6; "subnormal" has no meaning, the corners are 0, ±lsb, ±1, 127, −128.
            Zero = NegativeZero = 0; MinSubnormal = MaxSubnormal = MinNormal = 1; One = 0x40; MaxNormal = 0x7F;
            corners.AddRange([("zero", 0), ("lsb", 1), ("-lsb", 0xFF), ("one", 0x40), ("-one", 0xC0), ("max", 0x7F), ("-max", 0x81), ("min", 0x80)]);
        }
        else
        {
            byte sign = (byte)f.NegativeZeroCode;
            Zero = 0; NegativeZero = sign;
            MinSubnormal = 1;
            MaxSubnormal = (byte)((1 << f.MantissaBits) - 1);
            MinNormal = (byte)(1 << f.MantissaBits);
            One = (byte)(f.Bias << f.MantissaBits);
            MaxNormal = (byte)f.MaxFiniteCode;
            if (f.HasNan) NaN = (byte)f.CanonicalNanCode;
            if (f.HasInfinity) Infinity = (byte)f.InfinityCode;
            corners.Add(("+0", Zero));
            corners.Add(("-0", NegativeZero));
            foreach (var (name, code) in new[] { ("min-sub", MinSubnormal), ("max-sub", MaxSubnormal), ("min-normal", MinNormal), ("one", One), ("max-normal", MaxNormal) })
            {
                // Tiny formats share codes between names (E2M1's only subnormal is min and max; its one is its min
                // normal): each code gets its first name, so every listed corner is a distinct code.
                if (corners.Any(c => c.Item2 == code)) continue;
                corners.Add((name, code));
                corners.Add(("-" + name, (byte)(code | sign)));
            }
            if (NaN is { } n) { corners.Add(("nan", n)); corners.Add(("-nan", (byte)(n | sign))); }
            if (Infinity is { } inf) { corners.Add(("inf", inf)); corners.Add(("-inf", (byte)(inf | sign))); }
        }
        Corners = corners;
        PositiveFinite = Enumerable.Range(1, (int)f.CodeMask)
            .Where(c => Table.Class[c] == 0 && Table.Fixed[c] > 0).Select(c => (byte)c).ToArray();
    }

    /// <summary>The code of −x for a finite code x (sign flip, or two's complement negation for INT8).</summary>
    public byte Negate(byte code) => Format.Kind == FormatKind.Integer
        ? (byte)(-(sbyte)code)
        : (byte)(code ^ Format.NegativeZeroCode);
}
