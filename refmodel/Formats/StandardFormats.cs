using System.Text.RegularExpressions;

namespace MxRef.Formats;

/// <summary>The formats of OCP MX v1.0 (§5, Tables 1–2), the IEEE output formats, and a generic ExMy constructor.</summary>
public static partial class StandardFormats
{
    /// <summary>MXFP8 E4M3: no Inf, NaN = S.1111.111 (OCP MX v1.0 §5.3.1, OFP8).</summary>
    public static readonly NumberFormat E4M3 = Float("e4m3", 4, 3, hasInfinity: false, NanEncoding.AllOnes, "OCP MX v1.0 Table 1 (MXFP8)");
    /// <summary>MXFP8 E5M2: IEEE-style Inf and NaN.</summary>
    public static readonly NumberFormat E5M2 = Float("e5m2", 5, 2, hasInfinity: true, NanEncoding.Ieee, "OCP MX v1.0 Table 1 (MXFP8)");
    /// <summary>MXFP6 E3M2: every code finite.</summary>
    public static readonly NumberFormat E3M2 = Float("e3m2", 3, 2, hasInfinity: false, NanEncoding.None, "OCP MX v1.0 Table 1 (MXFP6)");
    /// <summary>MXFP6 E2M3: every code finite.</summary>
    public static readonly NumberFormat E2M3 = Float("e2m3", 2, 3, hasInfinity: false, NanEncoding.None, "OCP MX v1.0 Table 1 (MXFP6)");
    /// <summary>MXFP4 E2M1: every code finite.</summary>
    public static readonly NumberFormat E2M1 = Float("e2m1", 2, 1, hasInfinity: false, NanEncoding.None, "OCP MX v1.0 Table 1 (MXFP4)");

    /// <summary>MXINT8: two's complement × 2^-6 (OCP MX v1.0 §5.3.4: "implicit scale 2^-6").</summary>
    public static readonly NumberFormat Int8 = new()
    {
        Name = "int8", Kind = FormatKind.Integer, Bits = 8, IntegerScaleExponent = -6, Source = "OCP MX v1.0 Table 1 (MXINT8)",
    };

    /// <summary>The shared scale E8M0: 2^(code−127), 0xFF = NaN, no zero, no sign (OCP MX v1.0 §5.4).</summary>
    public static readonly NumberFormat E8M0 = new()
    {
        Name = "e8m0", Kind = FormatKind.PowerOfTwo, Bits = 8, ExponentBits = 8, MantissaBits = 0, Bias = 127,
        Nan = NanEncoding.AllOnes, Source = "OCP MX v1.0 Table 2 (scale)",
    };

    /// <summary>
    /// NVFP4's block scale UE4M3: E4M3 without the sign bit (7-bit code, stored in a byte with bit 7 clear), bias 7,
    /// subnormals, no Inf, 0x7F = NaN, max 448, min subnormal 2^−9 (NVIDIA TransformerEngine NVFP4 docs; the scale
    /// is the positive half of OCP FP8 E4M3).
    /// </summary>
    public static readonly NumberFormat UE4M3 = Float("ue4m3", 4, 3, hasInfinity: false, NanEncoding.AllOnes,
        "NVFP4 block scale (E4M3, sign bit unused)") with { Bits = 7, Signed = false };

    public static readonly NumberFormat Fp32 = Float("fp32", 8, 23, hasInfinity: true, NanEncoding.Ieee, "IEEE 754 binary32");
    public static readonly NumberFormat Bf16 = Float("bf16", 8, 7, hasInfinity: true, NanEncoding.Ieee, "bfloat16");
    public static readonly NumberFormat Fp16 = Float("fp16", 5, 10, hasInfinity: true, NanEncoding.Ieee, "IEEE 754 binary16");

    /// <summary>The MX element formats in the order of their 3-bit format codes (0 e4m3 … 5 int8).</summary>
    public static readonly IReadOnlyList<NumberFormat> Elements = [E4M3, E5M2, E3M2, E2M3, E2M1, Int8];
    private static readonly NumberFormat[] ElementArray = [.. Elements];

    /// <summary>Output formats of the dot product, in the order of their codes (0 fp32, 1 bf16, 2 fp16).</summary>
    public static readonly IReadOnlyList<NumberFormat> Outputs = [Fp32, Bf16, Fp16];

    /// <summary>Every named format, as listed by <c>mxref formats</c>.</summary>
    public static readonly IReadOnlyList<NumberFormat> All = [E4M3, E5M2, E3M2, E2M3, E2M1, Int8, E8M0, UE4M3, Fp32, Bf16, Fp16];

    /// <summary>Block scale formats (read through <see cref="ScaleCodec"/>), in the order of their scale-format codes.</summary>
    public static readonly IReadOnlyList<NumberFormat> Scales = [E8M0, UE4M3];

    /// <summary>
    /// A power-of-two scale of <paramref name="bits"/> bits: 2^(code − bias), bias 2^(bits−1) − 1, all-ones = NaN, no
    /// zero (E8M0 for 8 bits; the d1-bit shared exponent of the shared-microexponent formats).
    /// </summary>
    public static NumberFormat PowerOfTwo(int bits) => bits == 8 ? E8M0 : bits is >= 2 and <= 8
        ? new NumberFormat
        {
            Name = $"e{bits}m0", Kind = FormatKind.PowerOfTwo, Bits = bits, ExponentBits = bits, MantissaBits = 0,
            Bias = (1 << (bits - 1)) - 1, Nan = NanEncoding.AllOnes, Source = "power-of-two shared exponent",
        }
        : throw new ArgumentOutOfRangeException(nameof(bits), "a power-of-two scale has 2..8 bits");

    /// <summary>
    /// A float format with the given field widths and the IEEE bias 2^(e−1)−1 (the bias of every OCP element format).
    /// </summary>
    public static NumberFormat Float(string name, int exponentBits, int mantissaBits, bool hasInfinity, NanEncoding nan, string source = "generic ExMy")
    {
        if (exponentBits is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(exponentBits), "exponent bits must be 1..8");
        if (mantissaBits is < 0 or > 23) throw new ArgumentOutOfRangeException(nameof(mantissaBits), "mantissa bits must be 0..23");
        if ((hasInfinity || nan == NanEncoding.Ieee) && mantissaBits == 0 && nan == NanEncoding.Ieee)
            throw new ArgumentException("IEEE NaNs need at least one mantissa bit");
        if (nan == NanEncoding.AllOnes && exponentBits + mantissaBits < 2)
            throw new ArgumentException("an all-ones NaN needs at least two bits beside the sign");
        return new NumberFormat
        {
            Name = name, Kind = FormatKind.Float, Bits = 1 + exponentBits + mantissaBits, ExponentBits = exponentBits,
            MantissaBits = mantissaBits, Bias = (1 << (exponentBits - 1)) - 1, HasInfinity = hasInfinity, Nan = nan, Source = source,
        };
    }

    [GeneratedRegex("^e(?<e>[0-9]+)m(?<m>[0-9]+)(?<kind>|fn|ieee)$", RegexOptions.CultureInvariant)]
    private static partial Regex ExMyPattern();

    /// <summary>
    /// Looks a format up by name (case-insensitive). Beside the standard names, <c>eXmY</c> gives a generic format with
    /// every code finite (like e3m2), <c>eXmYfn</c> one with an all-ones NaN and no Inf (like e4m3), and
    /// <c>eXmYieee</c> one with IEEE Inf and NaN (like e5m2). Returns null for an unknown name.
    /// </summary>
    public static NumberFormat? TryParse(string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        foreach (var f in All)
            if (f.Name == lower) return f;
        var m = ExMyPattern().Match(lower);
        if (!m.Success) return null;
        if (!int.TryParse(m.Groups["e"].Value, out int e) || !int.TryParse(m.Groups["m"].Value, out int mm)) return null;
        var kind = m.Groups["kind"].Value;
        try
        {
            return kind switch
            {
                "ieee" => Float(lower, e, mm, hasInfinity: true, NanEncoding.Ieee),
                "fn" => Float(lower, e, mm, hasInfinity: false, NanEncoding.AllOnes),
                _ => Float(lower, e, mm, hasInfinity: false, NanEncoding.None),
            };
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>What <see cref="TryParse"/> accepts, for error messages.</summary>
    public static string ValidNames =>
        string.Join(", ", All.Select(f => f.Name)) + ", or eXmY / eXmYfn / eXmYieee (1 <= X <= 8, 0 <= Y <= 23)";

    /// <summary>The element format with the given 3-bit code (0 e4m3 … 5 int8), or null.</summary>
    public static NumberFormat? ElementByCode(int code) => code >= 0 && code < Elements.Count ? Elements[code] : null;

    /// <summary>
    /// The element format's 3-bit code (its index in <see cref="Elements"/>, 0 e4m3 … 5 int8), or −1 for any other
    /// format. Found once per format instance and kept on it: the model, the generator, the coverage classifier and
    /// the line codec ask for every vector (eight calls per generated one), and a compare chain over six random formats
    /// mispredicts.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int ElementCode(NumberFormat f)
    {
        int cached = f.ElementCodeCache;
        if (cached != 0) return cached - 2;
        int code = FindElementCode(f);
        f.ElementCodeCache = code + 2;
        return code;
    }

    /// <summary>By reference, then by name (an equal format built elsewhere, e.g. by <see cref="TryParse"/>).</summary>
    private static int FindElementCode(NumberFormat f)
    {
        var elements = ElementArray;
        for (int i = 0; i < elements.Length; i++)
            if (ReferenceEquals(elements[i], f)) return i;
        for (int i = 0; i < elements.Length; i++)
            if (elements[i].Name == f.Name) return i;
        return -1;
    }
}
