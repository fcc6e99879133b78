using System.Collections.Concurrent;

namespace MxRef.Formats;

/// <summary>
/// The one place that reads block-scale codes: E8M0 (OCP MX v1.0 §5.4: 2^(code−127), 0xFF = NaN, no zero, 0x00 =
/// 2^−127), NVFP4's UE4M3 (unsigned E4M3: 0x7F = NaN, max 448, subnormals, a zero) and any other scale format described
/// as a <see cref="NumberFormat"/> of kind <see cref="FormatKind.PowerOfTwo"/> or an unsigned float. Each code's value
/// is precomputed as significand × 2^exponent, so the hot paths (the dot product, the classifiers) read one table entry
/// instead of decoding. A power-of-two scale always has significand 1.
/// </summary>
public sealed class ScaleCodec
{
    private static readonly ConcurrentDictionary<NumberFormat, ScaleCodec> Cache = new();

    public NumberFormat Format { get; }
    /// <summary>True for every code of a power-of-two scale (E8M0): the scale only shifts.</summary>
    public bool IsPowerOfTwo { get; }
    /// <summary>The scale's NaN code (0xFF for E8M0, 0x7F for UE4M3).</summary>
    public uint NanCode { get; }
    /// <summary>The code of 1.0 (E8M0 0x7F, UE4M3 0x38).</summary>
    public uint UnitCode { get; }
    /// <summary>Largest code (all codes 0..MaxCode are valid inputs; NaN included).</summary>
    public uint MaxCode { get; }

    private readonly bool[] _nan;
    private readonly uint[] _significand;
    private readonly int[] _exponent;

    private ScaleCodec(NumberFormat f)
    {
        if (f.Bits > 8 || f.IsSigned || !f.HasNan)
            throw new ArgumentException($"{f.Name} cannot be a block scale (an unsigned format of at most 8 bits with a NaN code)", nameof(f));
        Format = f;
        IsPowerOfTwo = f.Kind == FormatKind.PowerOfTwo;
        NanCode = f.CanonicalNanCode;
        MaxCode = f.CodeMask;
        int n = (int)f.CodeMask + 1;
        _nan = new bool[n];
        _significand = new uint[n];
        _exponent = new int[n];
        UnitCode = uint.MaxValue;
        for (uint c = 0; c < n; c++)
        {
            var d = Codec.Decode(f, c);
            _nan[c] = d.IsNaN;
            if (d.IsNaN || d.IsInfinity) continue;
            _significand[c] = (uint)d.Significand;
            _exponent[c] = d.Exponent;
            if (d.Significand != 0 && d.ToDouble() == 1.0) UnitCode = c;
        }
    }

    /// <summary>The codec of a scale format (cached: one table per format).</summary>
    public static ScaleCodec For(NumberFormat scale) => scale.ScaleCodecCache ??= Cache.GetOrAdd(scale, f => new ScaleCodec(f));

    public static readonly ScaleCodec E8M0 = For(StandardFormats.E8M0);
    public static readonly ScaleCodec UE4M3 = For(StandardFormats.UE4M3);

    /// <summary>True when <paramref name="code"/> is a valid code of the format (fits its width).</summary>
    public bool IsCode(uint code) => code <= MaxCode;

    public bool IsNaN(uint code) => _nan[code];

    /// <summary>The value of a non-NaN code: <see cref="Significand"/> × 2^<see cref="Exponent"/> (significand 0 = zero).</summary>
    public uint Significand(uint code) => _significand[code];

    public int Exponent(uint code) => _exponent[code];

    /// <summary>
    /// For a power-of-two scale: the code of 2^<paramref name="exponent"/>, the exponent clamped to the format's range
    /// [emin, emax] (E8M0: [−127, 127]).
    /// </summary>
    public uint FromExponent(int exponent)
    {
        if (!IsPowerOfTwo) throw new InvalidOperationException($"{Format.Name} is not a power-of-two scale");
        return (uint)(Math.Clamp(exponent, Format.Emin, Format.Emax) + Format.Bias);
    }

    /// <summary>True for a non-NaN code of value zero (UE4M3 0x00; E8M0 has no zero).</summary>
    public bool IsZero(uint code) => !_nan[code] && _significand[code] == 0;

    /// <summary>
    /// Exponent of the least significant bit of the smallest positive scale (E8M0 −127; UE4M3 2^−9): every scale
    /// value is an integer multiple of 2^LeastExponent, so two scales multiply to a multiple of 2^(2·LeastExponent).
    /// </summary>
    public int LeastExponent => Format.QuantumExponent;

    /// <summary>Bit length of the largest significand (1 for a power-of-two scale, 4 for UE4M3).</summary>
    public int SignificandBits => Format.Kind == FormatKind.PowerOfTwo ? 1 : Format.Precision;

    /// <summary>Smallest and largest exponent a power-of-two scale holds (E8M0: −127 and 127).</summary>
    public int MinExponent => Format.Emin;
    public int MaxExponent => Format.Emax;

    /// <summary>The code's value as text (<c>2^-3</c>, <c>448</c>, <c>nan</c>) for reports.</summary>
    public string Show(uint code) =>
        IsNaN(code) ? "nan" : IsPowerOfTwo ? $"2^{Exponent(code)}" : Codec.Show(Format, code);

    public override string ToString() => Format.Name;
}
