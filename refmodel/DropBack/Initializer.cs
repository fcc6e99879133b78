using System.Globalization;
using System.Runtime.CompilerServices;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.DropBack;

/// <summary>The initializer families (docs/dropback.md, "Initializers"). They differ only in the number of draws.</summary>
public enum InitializerKind
{
    /// <summary><c>uniform</c>: U(−a, a), one draw.</summary>
    Uniform,
    /// <summary><c>kaiming-uniform</c>: U(−a, a) with a = gain·√(3 / fan_in), computed by the caller.</summary>
    KaimingUniform,
    /// <summary><c>glorot-uniform</c>: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)), computed by the caller.</summary>
    GlorotUniform,
    /// <summary><c>irwin-hall</c>: a × (sum of n uniforms on (−1, 1)), a normal-like bell of variance a²·n/3.</summary>
    IrwinHall,
}

/// <summary>
/// A bit-exact weight initializer: a fixed sequence of integer operations and one FP32 rounding, no transcendental
/// function. For weight i with draws r_0 .. r_{n−1} (24-bit integers, <see cref="WeightStream"/>):
/// <code>
///   c_t = 2·r_t + 1 − 2^24            an odd integer in (−2^24, 2^24): c_t / 2^24 is an exact FP32 in (−1, 1)
///   S   = c_0 + … + c_{n−1}           exact (|S| &lt; 16·2^24 = 2^28)
///   w   = RN_fp32(S × 2^−24 × a)      one rounding, round-to-nearest-even (see <see cref="Value"/>)
/// </code>
/// The uniform kinds are n = 1: w = RN(u × a) with u = c_0 / 2^24, one FP32 multiply of an exact FP32 by a.
/// Because r ↦ 2^24 − 1 − r maps c to −c and RN is symmetric, the values are exactly symmetric about 0, never 0 for
/// n = 1, and strictly inside (−a, a): |S| ≤ 2^24 − 1 and RN((1 − 2^−24)·a) &lt; a for a ≥ 2^−125 (docs/dropback.md).
/// <para><see cref="Scale"/> holds a as an FP32 bit pattern: the caller rounds its bound to FP32 once, so the unit,
/// the trainer and the golden model all start from the same 32 bits.</para>
/// </summary>
public sealed record Initializer
{
    public const int MaxTerms = 16;
    /// <summary>The smallest a: 2^−125 (see the constructor).</summary>
    public const uint MinScale = 0x01000000;
    private static readonly RoundingContext Nearest = new(RoundingMode.NearestEven, OverflowPolicy.Ieee);

    public InitializerKind Kind { get; }
    /// <summary>n, the number of uniform draws summed (1 for the uniform kinds, 1..16 for Irwin–Hall).</summary>
    public int Terms { get; }
    /// <summary>a as FP32 bits: positive, finite, at least 2^−125.</summary>
    public uint Scale { get; }

    private readonly ulong _scaleSignificand;
    private readonly int _scaleExponent;
    /// <summary>a as a binary64 (exact).</summary>
    private readonly double _scaleValue;
    private const double TwoToMinus24 = 1.0 / (1 << 24);

    public Initializer(InitializerKind kind, uint scale, int terms = 1)
    {
        if (kind != InitializerKind.IrwinHall && terms != 1)
            throw new ArgumentOutOfRangeException(nameof(terms), terms, $"{Name(kind)} takes one draw per weight");
        if (terms is < 1 or > MaxTerms)
            throw new ArgumentOutOfRangeException(nameof(terms), terms, $"irwin-hall needs n in 1..{MaxTerms}");
        var a = Codec.Decode(StandardFormats.Fp32, scale);
        // |w| < a needs RN((1 − 2^−24)·a) < a: true when the binade below a is normal (a ≥ 2^−125); at a = 2^−126 the
        // value lies half a quantum below a and ties up to a, and a subnormal a always rounds back to itself.
        if (a.Negative || a.Class != ValueClass.Normal || scale < MinScale)
            throw new ArgumentOutOfRangeException(nameof(scale), $"a = 0x{scale:x8} ({a}): a must be a positive, finite FP32 value of at least 2^-125 (0x01000000)");
        Kind = kind;
        Terms = terms;
        Scale = scale;
        _scaleSignificand = a.Significand;
        _scaleExponent = a.Exponent;
        _scaleValue = BitConverter.UInt32BitsToSingle(scale);
        uint largest = Value(terms * ((1 << 24) - 1));
        if ((largest & 0x7F800000) == 0x7F800000)
            throw new ArgumentOutOfRangeException(nameof(scale), $"a = 0x{scale:x8}: n·a overflows FP32, so the largest weight would be infinite");
    }

    public static Initializer Uniform(uint a) => new(InitializerKind.Uniform, a);
    public static Initializer IrwinHall(int n, uint a) => new(InitializerKind.IrwinHall, a, n);

    /// <summary>c = 2r + 1 − 2^24 for 24 random bits r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Centered(uint bits24) => (int)(2 * (bits24 & 0xFFFFFF)) + 1 - (1 << 24);

    /// <summary>
    /// w = RN_fp32(S × 2^−24 × a). S × a is exact in binary64 (|S| &lt; 2^28 times a's 24-bit significand: at most 52
    /// significant bits, far inside binary64's exponent range), and so is the power-of-two factor 2^−24; the conversion
    /// to binary32 is then the one rounding — IEEE 754 §5.4.2 convertFormat, to nearest, ties to even, subnormal
    /// results and overflow included. That is the same function as <see cref="RoundingCore.Round"/> on the exact
    /// product (<see cref="ValueByRoundingCore"/>), at about a tenth of the cost; the tests check the two against each
    /// other and against the rational oracle, exhaustively over the uniform draws.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Value(int sum) => BitConverter.SingleToUInt32Bits((float)(sum * _scaleValue * TwoToMinus24));

    /// <summary>w = RN_fp32(S × 2^−24 × a) through the rounding core (the product S × sig(a) is exact in 64 bits).</summary>
    public uint ValueByRoundingCore(int sum)
    {
        bool negative = sum < 0;
        ulong magnitude = (ulong)Math.Abs((long)sum) * _scaleSignificand;
        return RoundingCore.Round(StandardFormats.Fp32, negative, magnitude, _scaleExponent - 24, false, Nearest).Code;
    }

    /// <summary>The weight for one draw's 24 bits (the uniform kinds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint FromBits(uint bits24) => Value(Centered(bits24));

    public static string Name(InitializerKind kind) => kind switch
    {
        InitializerKind.Uniform => "uniform",
        InitializerKind.KaimingUniform => "kaiming-uniform",
        InitializerKind.GlorotUniform => "glorot-uniform",
        _ => "irwin-hall",
    };

    public const string ValidNames = "uniform:a=A, kaiming-uniform:a=A, glorot-uniform:a=A, irwin-hall:n=N,a=A (A an FP32 bit pattern such as 0x3d800000, N 1..16)";

    public override string ToString() => Kind == InitializerKind.IrwinHall
        ? $"irwin-hall:n={Terms},a=0x{Scale:x8}"
        : $"{Name(Kind)}:a=0x{Scale:x8}";

    /// <summary>
    /// Parses <c>NAME:key=value,...</c> (see <see cref="ValidNames"/>); the message of the exception says what is
    /// wrong and lists what is accepted.
    /// </summary>
    public static Initializer Parse(string text)
    {
        int colon = text.IndexOf(':');
        string name = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        InitializerKind? kind = name switch
        {
            "uniform" => InitializerKind.Uniform,
            "kaiming-uniform" => InitializerKind.KaimingUniform,
            "glorot-uniform" => InitializerKind.GlorotUniform,
            "irwin-hall" => InitializerKind.IrwinHall,
            _ => null,
        };
        if (kind is null) throw new FormatException($"unknown initializer '{name}'; valid: {ValidNames}");
        uint? a = null;
        int n = 1;
        bool haveN = false;
        foreach (var part in colon < 0 ? [] : text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            string key = eq < 0 ? part : part[..eq], value = eq < 0 ? "" : part[(eq + 1)..];
            switch (key)
            {
                case "a":
                    a = ParseBits(value) ?? throw new FormatException($"{name}: a='{value}' is not an FP32 bit pattern (write e.g. a=0x3d800000)");
                    break;
                case "n" when kind == InitializerKind.IrwinHall:
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n is < 1 or > MaxTerms)
                        throw new FormatException($"irwin-hall: n='{value}' must be an integer 1..{MaxTerms}");
                    haveN = true;
                    break;
                default:
                    throw new FormatException($"{name}: unknown parameter '{key}'; valid: {ValidNames}");
            }
        }
        if (a is null) throw new FormatException($"{name}: missing a=0x........ (the bound as an FP32 bit pattern); valid: {ValidNames}");
        if (kind == InitializerKind.IrwinHall && !haveN) throw new FormatException($"irwin-hall: missing n=N (1..{MaxTerms})");
        try
        {
            return new Initializer(kind.Value, a.Value, n);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"{name}: {FirstLine(e.Message)}");
        }
    }

    private static uint? ParseBits(string s) =>
        s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && s.Length is > 2 and <= 10
        && uint.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint v) ? v : null;

    /// <summary>ArgumentException appends " (Parameter 'x')" to its message; keep the sentence only.</summary>
    private static string FirstLine(string message)
    {
        int p = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return p < 0 ? message : message[..p];
    }
}
