using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// The MX recipes whose source computes in FP32 tensors: torchao's <c>to_mx</c> (FLOOR, CEIL, EVEN, RCEIL; also AMD
/// Quark's even_round) and TransformerEngine's MXFP8 cast. The scale code is derived from the FP32 bits of the block's
/// amax exactly as the source's integer ops do; each element is then v ·fp32 fp32(2^−s) — an FP32 multiply, which
/// rounds only when the product is an FP32 subnormal — followed by the cast to the element format (RNE, saturating)
/// through the rounding core.
/// <para>
/// FP32 arithmetic: C# <c>float</c> multiply and divide are IEEE 754 binary32 operations with round-to-nearest-even and
/// gradual underflow (.NET never sets flush-to-zero), so where the source performs exactly one FP32 multiply, this
/// file performs the same one with <c>float</c>. The element cast never uses <c>float</c> conversions.
/// </para>
/// </summary>
internal sealed class Fp32ProductQuantizer
{
    private static readonly NumberFormat Fp32 = StandardFormats.Fp32;
    private const uint AbsMask = BlockScan.AbsMask, InfinityBits = BlockScan.InfinityBits, MantissaMask = 0x7FFFFF;
    private const int Fp32MantissaBits = 23;

    private readonly Recipe _recipe;
    private readonly NumberFormat _element;
    private readonly ScaleCodec _scale;
    private readonly RoundingContext _ctx = new(RoundingMode.NearestEven, OverflowPolicy.Saturate);
    private readonly RoundingTable? _table;
    private readonly int _emax;
    private readonly float _maxPosReciprocal;

    public Fp32ProductQuantizer(Recipe recipe, BlockFormat format)
    {
        _recipe = recipe;
        _element = format.Element;
        _scale = format.ScaleCodec;
        _table = RoundingTable.For(_element, _ctx);
        // torchao: target_max_pow2 = F8E4M3_MAX_POW2 etc. (constants.py), the element's emax.
        _emax = _element.Emax;
        var (sig, exp) = _element.MaxFinite;
        // torchao `max_abs * (1.0 / max_pos)` and TE `Quantized_Limits<T>::max_norm_rcp = 1.0 / max_norm`: the
        // reciprocal is taken in double and converted to float, exactly as written here.
        _maxPosReciprocal = (float)(1.0 / Math.ScaleB(sig, exp));
    }

    /// <summary>Quantizes one block (x.Length ≤ k); pads the codes with +0; returns the scale code.</summary>
    public byte QuantizeBlock(ReadOnlySpan<uint> x, Span<byte> codes)
    {
        uint amax = Amax(x);
        uint code = ScaleCode(amax);
        codes[x.Length..].Clear();
        if (_scale.IsNaN(code))
        {
            // The source multiplies by a NaN reciprocal; the NaN's element code is platform-defined there
            // (docs/quantization.md), MxRef writes 0: the block decodes to NaN whatever the element codes are.
            codes[..x.Length].Clear();
            return (byte)code;
        }
        int s = _scale.Exponent(code);
        // TE exp2f_rcp: `(biased_exp == 0) ? 1 : ...` — the 2^−127 scale multiplies by 1, not 2^127.
        if (_recipe.ScaleRule == ScaleRuleKind.TransformerEngine && code == 0) s = 0;
        float reciprocal = MathF.ScaleB(1f, -s); // 2^−s, exact in FP32 for s in [−127, 127] (2^−127 is a subnormal)
        if (_table is { HasBlockView: true })
        {
            // As MxPlan: the table for every input first, then the inputs it does not cover through Element.
            var rows = _table.RowsFor(s);
            bool allCovered = true;
            for (int i = 0; i < x.Length; i++)
            {
                uint b = x[i];
                codes[i] = (byte)rows.Round(b);
                allCovered &= Covered(b, s);
            }
            if (!allCovered)
                for (int i = 0; i < x.Length; i++)
                    if (!Covered(x[i], s)) codes[i] = (byte)Element(x[i], s, reciprocal);
        }
        else
            for (int i = 0; i < x.Length; i++) codes[i] = (byte)Element(x[i], s, reciprocal);
        return (byte)code;
    }

    /// <summary>
    /// The block's amax as FP32 bits. torchao: <c>torch.amax(torch.abs(data_hp), -1)</c>, NaN if any element is NaN.
    /// TE (transformer_engine/common/util/cast_kernels.cuh, MXFP8 kernel): <c>thread_amax = fmaxf(thread_amax,
    /// fabsf(elt))</c>, then <c>float_to_e8m0(thread_amax * Quantized_Limits&lt;OType&gt;::max_norm_rcp)</c> and
    /// <c>exp2f_rcp(biased_exponent)</c>: <c>fmaxf</c> skips NaN, so a NaN element leaves amax finite. (Some TE
    /// versions guard the update with <c>isfinite(elt)</c>, which also skips ±Inf; MxRef follows the unguarded one.)
    /// </summary>
    private uint Amax(ReadOnlySpan<uint> x)
    {
        uint max = BlockScan.MaxMagnitude(x);
        if (max <= InfinityBits) return max; // no NaN: the vector maximum is the amax
        if (_recipe.ScaleRule != ScaleRuleKind.TransformerEngine) return Fp32QuietNan;
        max = 0;
        foreach (uint b in x)
        {
            uint a = b & AbsMask;
            if (a <= InfinityBits && a > max) max = a;
        }
        return max;
    }

    private const uint Fp32QuietNan = MxQuantizer.Fp32QuietNan;

    /// <summary>The scale code of a block whose amax has the FP32 bits <paramref name="amax"/>.</summary>
    public uint ScaleCode(uint amax) => _recipe.ScaleRule switch
    {
        ScaleRuleKind.TorchaoRceil => Rceil(DescaleBits(amax)),
        ScaleRuleKind.TransformerEngine => TeFloatToE8m0(DescaleBits(amax)),
        ScaleRuleKind.TorchaoEven => TorchaoExtracted(EvenRounded(amax)),
        _ => TorchaoExtracted(amax),
    };

    /// <summary>torchao RCEIL <c>descale = max_abs * (1.0 / max_pos)</c>; TE <c>amax * max_norm_rcp</c>: one FP32 multiply.</summary>
    private uint DescaleBits(uint amax) => BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(amax) * _maxPosReciprocal);

    /// <summary>
    /// torchao EVEN: <c>val_to_add = 1 &lt;&lt; (hp_mbits - mbits - 1)</c>; <c>max_abs = (max_abs + val_to_add) &amp; mask</c>
    /// (mask = sign and exponent bits): amax rounded half-up to the element's mantissa width, mantissa dropped. A NaN
    /// amax stays NaN (<c>max_abs[nan_mask] = nan</c>); an amax that carries into the all-ones exponent becomes Inf.
    /// </summary>
    private uint EvenRounded(uint amax)
    {
        if (amax > InfinityBits) return amax;
        uint toAdd = 1u << (Fp32MantissaBits - _element.MantissaBits - 1);
        return (amax + toAdd) & ~MantissaMask;
    }

    /// <summary>
    /// torchao FLOOR/CEIL/EVEN: <c>extracted_pow2 = ((max_abs_int32 &gt;&gt; hp_mbits) &amp; 0b11111111) - hp_exp_bias</c>;
    /// CEIL adds <c>(max_abs_int32 &amp; 0x7FFFFF) &gt; 0</c>; <c>scale_e8m0_unbiased = extracted_pow2 - target_max_pow2</c>,
    /// clamped to [−127, 128]; then <c>torch.where(torch.isfinite(max_abs), biased, E8M0_EXPONENT_NAN_VAL)</c>.
    /// An FP32 subnormal amax has exponent field 0, i.e. extracted_pow2 = −127.
    /// </summary>
    private uint TorchaoExtracted(uint amax)
    {
        if (amax >= InfinityBits) return _scale.NanCode; // isfinite(max_abs) is false for Inf and NaN
        int extracted = (int)(amax >> Fp32MantissaBits) - Fp32.Bias;
        if (_recipe.ScaleRule == ScaleRuleKind.TorchaoCeil && (amax & MantissaMask) != 0) extracted++;
        int unbiased = Math.Clamp(extracted - _emax, _scale.MinExponent, _scale.MaxExponent + 1);
        // unbiased = MaxExponent + 1 biases to the NaN code ("add one to positive range to capture NaNs").
        return unbiased > _scale.MaxExponent ? _scale.NanCode : _scale.FromExponent(unbiased);
    }

    /// <summary>
    /// torchao <c>_f32_to_e8m0_rceil</c>: <c>needs_round_up = where(biased_exponent == 0, mantissa &gt; 0x400000,
    /// mantissa != 0)</c>; <c>e8m0_biased = biased_exponent + needs_round_up</c>; non-finite → NaN. No saturation:
    /// exponent field 0xFE with a non-zero mantissa becomes the NaN code.
    /// </summary>
    private uint Rceil(uint descale)
    {
        if ((descale & AbsMask) >= InfinityBits) return _scale.NanCode;
        int unbiased = ExponentFieldUnbiased(descale) + (RoundsUp(descale) ? 1 : 0);
        return unbiased > _scale.MaxExponent ? _scale.NanCode : _scale.FromExponent(unbiased);
    }

    /// <summary>
    /// TE <c>float_to_e8m0</c>: NaN → 0xFF, Inf → 0xFE, 0 → 0x00; otherwise the exponent field, incremented when
    /// <c>(mantissa &gt; 0 &amp;&amp; exponent != 0xFE) &amp;&amp; !(exponent == 0 &amp;&amp; mantissa &lt;= 0x400000)</c>.
    /// </summary>
    private uint TeFloatToE8m0(uint descale)
    {
        uint a = descale & AbsMask;
        if (a > InfinityBits) return _scale.NanCode;
        if (a == InfinityBits) return _scale.FromExponent(_scale.MaxExponent);
        if (a == 0) return _scale.FromExponent(_scale.MinExponent);
        int unbiased = ExponentFieldUnbiased(a);
        bool satfinite = unbiased == _scale.MaxExponent;
        return _scale.FromExponent(unbiased + (RoundsUp(a) && !satfinite ? 1 : 0));
    }

    /// <summary>FP32 exponent field − 127 (−127 for zero and subnormals: their E8M0 code is 0x00).</summary>
    private static int ExponentFieldUnbiased(uint b) => (int)((b & AbsMask) >> Fp32MantissaBits) - Fp32.Bias;

    /// <summary>A normal rounds up with any mantissa bit set; a subnormal only above 2^−127 (mantissa &gt; 0x400000).</summary>
    private static bool RoundsUp(uint b)
    {
        uint mantissa = b & MantissaMask;
        return (b & AbsMask) >> Fp32MantissaBits == 0 ? mantissa > 0x400000 : mantissa != 0;
    }

    /// <summary>
    /// One element: torchao <c>data_lp = data_hp * inv_scale</c> (TE: <c>in * scale_reciprocal</c>), then the cast to
    /// the element format: RNE, saturating (torchao clamps to ±max_pos before the e5m2 cast; PyTorch ≥ 2.13 casts to
    /// e4m3 saturating; the FP6/FP4 casts saturate; TE casts with satfinite).
    /// </summary>
    private uint Element(uint b, int s, float reciprocal)
    {
        uint a = b & AbsMask;
        if (_table is not null && Covered(b, s)) return _table.Round(b, s);
        if (a > InfinityBits) return _element.HasNan ? _element.CanonicalNanCode : 0u; // TE: a NaN element (fmaxf skipped it)
        if (a == InfinityBits) return RoundingCore.MaxFiniteCode(_element, (int)b < 0, _ctx); // satfinite
        float product = BitConverter.UInt32BitsToSingle(b) * reciprocal; // FP32 multiply: rounds an FP32 subnormal product
        return CastFp32(BitConverter.SingleToUInt32Bits(product));
    }

    /// <summary>
    /// A normal input whose product with 2^−s stays normal: the product is exact, so the memoized core's rounding of
    /// v / 2^s is the cast of the FP32 product.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool Covered(uint b, int s)
    {
        int field = (int)((b & AbsMask) >> Fp32MantissaBits);
        return (uint)(field - 1) < BlockScan.Fp32ExponentFieldMax - 1 && (uint)(field - s - 1) < BlockScan.Fp32ExponentFieldMax - 1;
    }

    private uint CastFp32(uint p)
    {
        if ((p & AbsMask) >= InfinityBits) return RoundingCore.MaxFiniteCode(_element, (int)p < 0, _ctx);
        var (sig, exp) = BlockScan.Split(p, false);
        return RoundingCore.Round(_element, (int)p < 0, sig, exp, false, _ctx).Code;
    }
}
