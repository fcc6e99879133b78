using MxRef.Formats;

namespace MxRef.Vectors.Generation;

/// <summary>
/// The scale codes a generator picks from, asked of the scale format's codec rather than written as E8M0 literals: the
/// codes whose value is an exact power of two (E8M0: all but NaN, 2^−127..2^127; UE4M3: 2^−9..2^8), the unit, the
/// extremes and NaN. A generator that wants sa·sb = 2^s asks <see cref="Split"/>.
/// </summary>
public sealed class ScalePowers
{
    private readonly byte[] _codeOfExponent;

    public ScaleCodec Codec { get; }
    /// <summary>Smallest and largest e with a code of value exactly 2^e.</summary>
    public int MinExponent { get; }
    public int MaxExponent { get; }
    // Fields, read once: the random generator asks for them on every vector.
    public byte Unit { get; }
    public byte Nan { get; }
    /// <summary>The largest finite scale code.</summary>
    public byte Max { get; }
    /// <summary><see cref="Log2"/> of every code up to the codec's largest, computed once (the same doubles).</summary>
    private readonly double[] _log2;
    /// <summary><see cref="AimLog2"/> of every code up to the codec's largest.</summary>
    private readonly double[] _aimLog2;
    /// <summary>The codes of 2^−8 … 2^8 (clamped as <see cref="CodeOf"/> clamps), for the random draw's scales near unity.</summary>
    private readonly byte[] _nearUnity;

    private ScalePowers(ScaleCodec codec)
    {
        Codec = codec;
        Unit = (byte)codec.UnitCode;
        Nan = (byte)codec.NanCode;
        Max = (byte)codec.Format.MaxFiniteCode;
        _log2 = new double[codec.MaxCode + 1];
        for (uint c = 0; c <= codec.MaxCode; c++) _log2[c] = ComputeLog2((byte)c);
        var powers = new SortedDictionary<int, byte>();
        for (uint c = 0; c <= codec.MaxCode; c++)
        {
            uint sig = codec.Significand(c);
            if (codec.IsNaN(c) || sig == 0 || (sig & (sig - 1)) != 0) continue;
            powers.TryAdd(codec.Exponent(c) + System.Numerics.BitOperations.Log2(sig), (byte)c);
        }
        MinExponent = powers.Keys.First();
        MaxExponent = powers.Keys.Last();
        _codeOfExponent = new byte[MaxExponent - MinExponent + 1];
        foreach (var (e, c) in powers) _codeOfExponent[e - MinExponent] = c;
        _aimLog2 = new double[codec.MaxCode + 1];
        for (uint c = 0; c <= codec.MaxCode; c++)
            _aimLog2[c] = codec.IsNaN(c) || codec.IsZero(c) ? (int)(c >> codec.Format.MantissaBits) - codec.Format.Bias : Log2((byte)c);
        _nearUnity = new byte[2 * NearUnityReach + 1];
        for (int e = -NearUnityReach; e <= NearUnityReach; e++) _nearUnity[e + NearUnityReach] = CodeOf(e);
        RandomScales = new RandomScaleCodes(this);
    }

    /// <summary>The random dot draw's scale codes (<see cref="RandomScaleCodes"/>), built with the powers it reads.</summary>
    internal RandomScaleCodes RandomScales { get; }

    /// <summary>The reach of <see cref="NearUnity"/>: 2^±8.</summary>
    public const int NearUnityReach = 8;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ScaleCodec, ScalePowers> Cache = new();

    /// <summary>The last one asked for: a run uses one scale format, and the generator asks for it several times per vector.</summary>
    private static ScalePowers? _last;

    public static ScalePowers For(ScaleCodec codec)
    {
        var last = _last;
        if (last is not null && ReferenceEquals(last.Codec, codec)) return last;
        return _last = Cache.GetOrAdd(codec, c => new ScalePowers(c));
    }

    /// <summary>The code of 2^<paramref name="e"/>, e clamped to [<see cref="MinExponent"/>, <see cref="MaxExponent"/>].</summary>
    public byte CodeOf(int e) => _codeOfExponent[Math.Clamp(e, MinExponent, MaxExponent) - MinExponent];

    /// <summary>Smallest and largest exponent of a product sa·sb of two power-of-two scales.</summary>
    public int MinSum => 2 * MinExponent;
    public int MaxSum => 2 * MaxExponent;

    /// <summary>Codes with sa·sb = 2^s (s clamped to [MinSum, MaxSum]): sa = 2^floor(s/2), sb = 2^(s − floor(s/2)).</summary>
    public (byte A, byte B) Split(int s)
    {
        s = Math.Clamp(s, MinSum, MaxSum);
        int ea = s >> 1; // floor
        return (CodeOf(ea), CodeOf(s - ea));
    }

    /// <summary>log2 of a finite non-zero scale's value (rounded down), for aiming C near a product sum.</summary>
    public double Log2(byte code) => code < _log2.Length ? _log2[code] : ComputeLog2(code);

    /// <summary>
    /// log2 of a scale's value for aiming C near a product sum (<see cref="Log2"/>); a NaN or zero scale has none, and
    /// counts as its code's place in the exponent field (E8M0 NaN: 2^128, as the field reads) so that C still lands
    /// somewhere definite. One table read: the random draw asks for it twice per vector.
    /// </summary>
    public double AimLog2(byte code) => _aimLog2[code];

    /// <summary>The code of 2^(<paramref name="i"/> − 8), i in 0 … 16: <see cref="CodeOf"/> without its clamp and offset.</summary>
    public byte NearUnity(int i) => _nearUnity[i];

    private double ComputeLog2(byte code) => Codec.Exponent(code) + Math.Log2(Math.Max(1u, Codec.Significand(code)));
}
