using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// The decode unit of an MX datapath: one block's k element codes and its shared scale in, k values of a wider float
/// format (FP32, BF16, FP16) out. OCP MX v1.0 §5.2 defines the value of element i as X·P_i (X the block scale, P_i the
/// element); a NaN scale makes every element of the block NaN (§5.4.1/§6.3). The decoder rounds each X·P_i once to the
/// output format, so the result is exact wherever the output can hold it and correctly rounded (with IEEE flags)
/// where it cannot, e.g. an e4m3 element with a 2^100 scale into FP16. Applicable implementation-profile knobs
/// (docs/semantics.md, "The decode unit"): overflow, flush-inputs, flush-result, nan-scale, tininess and snan-elements;
/// NaN outputs are the canonical quiet NaN.
/// </summary>
public static class MxDecode
{
    /// <summary>The knobs of <see cref="ImplementationProfile"/> that the decoder reads; the others must stay at their defaults.</summary>
    public static readonly IReadOnlyList<string> Knobs = ["tininess", "flush-inputs", "flush-result", "overflow", "nan-scale", "snan-elements"];

    /// <summary>Null when <paramref name="profile"/> sets only knobs the decoder reads; otherwise a message naming the first other knob.</summary>
    public static string? CheckProfile(ImplementationProfile profile)
    {
        var d = ImplementationProfile.Default;
        var only = d with
        {
            Tininess = profile.Tininess, FlushInputs = profile.FlushInputs, FlushResult = profile.FlushResult,
            Overflow = profile.Overflow, NanScale = profile.NanScale, SignalingElements = profile.SignalingElements,
        };
        if (only == profile) return null;
        return $"profile '{profile}' sets a knob the decode unit does not have; it reads {string.Join(", ", Knobs)}";
    }

    /// <summary>One element: X·P rounded once to <paramref name="output"/> under <paramref name="mode"/>.</summary>
    public static Rounded Element(NumberFormat element, uint code, ScaleCodec scales, uint scale, NumberFormat output, RoundingMode mode,
        ImplementationProfile profile)
    {
        // nan-scale=as-number reads a power-of-two scale's NaN code as the number its exponent field spells (2^128 for E8M0).
        bool scaleAsNumber = profile.NanScale == NanScaleRule.AsNumber && scales.IsPowerOfTwo;
        var p = Codec.Decode(element, code);
        if ((scales.IsNaN(scale) && !scaleAsNumber) || p.IsNaN)
        {
            var nv = p.Class == ValueClass.SignalingNaN && profile.SignalingElements == SignalingElementRule.Signal
                ? ExceptionFlags.Invalid : ExceptionFlags.None;
            return new Rounded(output.CanonicalNanCode, nv);
        }
        var ctx = new RoundingContext(mode, profile.Overflow) { Tininess = profile.Tininess, FlushSubnormals = profile.FlushResult };
        ulong scaleSignificand = scaleAsNumber && scales.IsNaN(scale) ? 1 : scales.Significand(scale);
        int scaleExponent = scaleAsNumber && scales.IsNaN(scale) ? (int)scale - scales.Format.Bias : scales.Exponent(scale);
        // X·P follows IEEE 754 multiplication: an infinite element (e5m2) stays infinite under a non-zero scale and
        // Inf·0 (a zero UE4M3 scale) is invalid.
        if (p.IsInfinity)
            return scaleSignificand == 0 ? new Rounded(output.CanonicalNanCode, ExceptionFlags.Invalid) : Conversion.Convert(output, p, ctx);
        bool subnormalInput = p.Class == ValueClass.Subnormal;
        if (p.IsZero || (profile.FlushInputs && subnormalInput)) return new Rounded(p.Negative ? output.NegativeZeroCode : 0, ExceptionFlags.None);
        // Element significands have at most 8 bits and scale significands at most 8: the product is exact in 64 bits.
        return RoundingCore.Round(output, p.Negative, p.Significand * scaleSignificand, p.Exponent + scaleExponent, false, ctx);
    }

    /// <summary>A whole block: <paramref name="codes"/>[i] → <paramref name="results"/>[i]; returns the OR of the elements' flags.</summary>
    public static ExceptionFlags Block(NumberFormat element, ReadOnlySpan<byte> codes, ScaleCodec scales, uint scale, NumberFormat output,
        RoundingMode mode, ImplementationProfile profile, Span<uint> results)
    {
        var flags = ExceptionFlags.None;
        for (int i = 0; i < codes.Length; i++)
        {
            var r = Element(element, codes[i], scales, scale, output, mode, profile);
            results[i] = r.Code;
            flags |= r.Flags;
        }
        return flags;
    }
}
