using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// NVFP4 (E2M1 elements, a UE4M3 scale per 16, an FP32 per-tensor scale) under the three recipes of
/// <see cref="Recipe"/>: each reproduces its source's FP32 operation order. FP32 arithmetic uses C# <c>float</c>
/// (IEEE 754 binary32, round-to-nearest-even, gradual underflow) exactly where the source performs that FP32 operation;
/// the casts to UE4M3 and E2M1 go through the rounding core. nvfp4-cudnn evaluates its written rule exactly (one
/// rounding per cast, integer quotients with a sticky bit), since cuDNN publishes no FP32 operation order.
/// </summary>
internal sealed class Nvfp4Quantizer
{
    private static readonly NumberFormat Element = StandardFormats.E2M1;
    private static readonly NumberFormat ScaleFormat = StandardFormats.UE4M3;
    private static readonly ScaleCodec Codec = ScaleCodec.UE4M3;
    private static readonly RoundingContext Rne = new(RoundingMode.NearestEven, OverflowPolicy.Saturate);
    private static readonly RoundingContext Up = new(RoundingMode.Up, OverflowPolicy.Saturate);
    private const uint AbsMask = BlockScan.AbsMask, InfinityBits = BlockScan.InfinityBits;

    /// <summary>F4_E2M1_MAX and F8E4M3_MAX (torchao constants.py; TE TypeExtrema), read from the format tables.</summary>
    private static readonly float ElementMax = MaxOf(Element), ScaleMax = MaxOf(ScaleFormat);
    /// <summary>torchao E4M3_EPS = torch.finfo(torch.float8_e4m3fn).tiny: the smallest normal E4M3, 2^−6.</summary>
    private static readonly float ScaleMinNormal = MathF.ScaleB(1f, ScaleFormat.Emin);

    private readonly Recipe _recipe;
    private static readonly RoundingTable? Table = RoundingTable.For(Element, Rne);

    /// <summary>torchao / cuDNN: the decode scale; TE: S_enc (the encode scale).</summary>
    private readonly float _tensorScale;
    private readonly float _teEncodeOverMax; // TE: S_enc * fp4_max_inv
    private readonly float _teDecode;        // TE: S_dec = 1.0f / S_enc

    private static float MaxOf(NumberFormat f) => MathF.ScaleB(f.MaxFinite.Significand, f.MaxFinite.Exponent);

    public Nvfp4Quantizer(Recipe recipe, ReadOnlySpan<uint> x, uint? given)
    {
        _recipe = recipe;
        switch (recipe.ScaleRule)
        {
            case ScaleRuleKind.Nvfp4TransformerEngine:
                // A given tensor scale is a decode scale; TE's kernels take its reciprocal S_enc.
                _tensorScale = given is { } g ? 1f / BitConverter.UInt32BitsToSingle(g) : TeGlobalEncodeScale(GlobalAmax(x, skipNan: true));
                // core_nvfp4.cuh: `constexpr float fp4_max_inv = 1.0f / TypeExtrema<fp4e2m1>::max;` and
                // `block_amax * (S_enc * fp4_max_inv)`.
                _teEncodeOverMax = _tensorScale * (1f / ElementMax);
                // compute_scaling_coefficient<float>: `const float S_dec = 1.0f / S_enc;`
                _teDecode = 1f / _tensorScale;
                break;
            case ScaleRuleKind.Nvfp4Cudnn:
                _tensorScale = given is { } c ? BitConverter.UInt32BitsToSingle(c) : PerTensorAmaxToScale(GlobalAmax(x, skipNan: false));
                // The exact rule needs a positive finite tensor scale; an all-zero or non-finite tensor gets 1.0.
                if (!(_tensorScale > 0f && float.IsFinite(_tensorScale))) _tensorScale = 1f;
                break;
            default:
                _tensorScale = given is { } t ? BitConverter.UInt32BitsToSingle(t) : PerTensorAmaxToScale(GlobalAmax(x, skipNan: false));
                break;
        }
    }

    /// <summary>The same quantizer (same tensor scale) with its own memo, for a caller quantizing on another thread.</summary>
    public Nvfp4Quantizer Copy()
    {
        var copy = (Nvfp4Quantizer)MemberwiseClone();
        copy._cudnnBounds = null;
        return copy;
    }

    /// <summary>The per-tensor scale stored with the result: the decode scale (TE: its S_dec = 1.0f / S_enc).</summary>
    public uint StoredTensorScale => BitConverter.SingleToUInt32Bits(_recipe.ScaleRule == ScaleRuleKind.Nvfp4TransformerEngine ? _teDecode : _tensorScale);

    /// <summary>torchao <c>per_tensor_amax_to_scale</c>: <c>amax.to(torch.float32) / (F8E4M3_MAX * F4_E2M1_MAX)</c>, one FP32 divide.</summary>
    private static float PerTensorAmaxToScale(float amax) => amax / (ScaleMax * ElementMax);

    /// <summary>
    /// TE <c>compute_global_encode_scaling_factor_FP4</c>: <c>fp8_max * fp4_max / global_amax</c>, then
    /// <c>fminf(…, FLT_MAX)</c>, and 1.0 when the amax is 0 or the scale is 0.
    /// </summary>
    private static float TeGlobalEncodeScale(float amax)
    {
        float s = FminF(ScaleMax * ElementMax / amax, float.MaxValue);
        return amax == 0f || s == 0f ? 1f : s;
    }

    /// <summary>C <c>fminf</c>: a NaN operand yields the other operand (C# Math.Min would return NaN).</summary>
    private static float FminF(float a, float b) => float.IsNaN(a) ? b : float.IsNaN(b) ? a : Math.Min(a, b);

    private static float GlobalAmax(ReadOnlySpan<uint> x, bool skipNan)
    {
        uint max = 0;
        foreach (uint b in x)
        {
            uint a = b & AbsMask;
            if (a > InfinityBits)
            {
                if (!skipNan) return float.NaN;
            }
            else if (a > max) max = a;
        }
        return BitConverter.UInt32BitsToSingle(max);
    }

    /// <summary>The block amax as the source reduces it: torchao <c>torch.amax</c> propagates NaN, TE's <c>fmaxf</c> skips it.</summary>
    public uint BlockAmax(ReadOnlySpan<uint> x, uint running = 0)
    {
        bool skipNan = _recipe.ScaleRule == ScaleRuleKind.Nvfp4TransformerEngine;
        uint max = running;
        foreach (uint b in x)
        {
            uint a = b & AbsMask;
            if (a > InfinityBits && !skipNan) return MxQuantizer.Fp32QuietNan;
            if (a <= InfinityBits && a > max) max = a;
        }
        return max;
    }

    /// <summary>Quantizes the values of one block given its amax (over the 16×16 tile for 2-D blocks); returns the scale code.</summary>
    public byte QuantizeBlock(ReadOnlySpan<uint> x, uint amaxBits, Span<byte> codes)
    {
        codes[x.Length..].Clear();
        return _recipe.ScaleRule switch
        {
            ScaleRuleKind.Nvfp4TransformerEngine => TeBlock(x, amaxBits, codes),
            ScaleRuleKind.Nvfp4Cudnn => CudnnBlock(x, amaxBits, codes),
            _ => TorchaoBlock(x, amaxBits, codes),
        };
    }

    /// <summary>
    /// torchao <c>_nvfp4_quantize</c> (two-level branch; a tensor scale of 1.0 reproduces the single-level branch):
    /// <c>block_scale = max_abs / F4_E2M1_MAX</c>; <c>scaled_block_scales = block_scale_fp32 / per_tensor_scale</c>;
    /// <c>torch.clamp(scaled_block_scales, min=E4M3_EPS, max=F8E4M3_MAX)</c>; cast to float8_e4m3fn (RNE);
    /// <c>total_scale = per_tensor_scale * scaled_block_scales_fp32</c>; <c>data_scaled = data_hp / total_scale</c>;
    /// <c>torch.clamp(data_scaled, -F4_E2M1_MAX, F4_E2M1_MAX)</c>; <c>f32_to_f4_unpacked</c> (RNE, saturating).
    /// </summary>
    private byte TorchaoBlock(ReadOnlySpan<uint> x, uint amaxBits, Span<byte> codes)
    {
        float blockScale = BitConverter.UInt32BitsToSingle(amaxBits) / ElementMax;
        float scaled = TorchClamp(blockScale / _tensorScale, ScaleMinNormal, ScaleMax);
        uint code = CastScale(scaled, Rne);
        if (Codec.IsNaN(code))
        {
            codes[..x.Length].Clear(); // data / NaN: NaN elements, whose E2M1 code is platform-defined (docs)
            return (byte)code;
        }
        float total = _tensorScale * ScaleValue(code);
        Span<uint> data = x.Length <= 256 ? stackalloc uint[x.Length] : new uint[x.Length];
        for (int i = 0; i < x.Length; i++)
            data[i] = BitConverter.SingleToUInt32Bits(TorchClamp(BitConverter.UInt32BitsToSingle(x[i]) / total, -ElementMax, ElementMax));
        CastElements(data, codes);
        return (byte)code;
    }

    /// <summary>
    /// TE: <c>static_cast&lt;fp8e4m3&gt;(block_amax * (S_enc * fp4_max_inv))</c> (RNE, satfinite);
    /// <c>scale_rcp = fminf(1.0f / (static_cast&lt;float&gt;(S_dec_block) * S_dec), FLT_MAX)</c>; each element
    /// <c>x * scale_rcp</c> in FP32, then <c>cvt.rn.satfinite.e2m1x2.f32</c>.
    /// </summary>
    private byte TeBlock(ReadOnlySpan<uint> x, uint amaxBits, Span<byte> codes)
    {
        float decode = BitConverter.UInt32BitsToSingle(amaxBits) * _teEncodeOverMax;
        uint code = CastScale(decode, Rne);
        float scaleReciprocal = FminF(1f / (ScaleValue(code) * _teDecode), float.MaxValue);
        Span<uint> data = x.Length <= 256 ? stackalloc uint[x.Length] : new uint[x.Length];
        for (int i = 0; i < x.Length; i++)
            data[i] = BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(x[i]) * scaleReciprocal);
        CastElements(data, codes);
        return (byte)code;
    }

    /// <summary>
    /// cuDNN: <c>scale = quantize_round_up(amax(vals) / vmax_otype)</c> with the tensor scale folded in
    /// (amax / (6 · tensor scale), rounded up to UE4M3, saturating at 448); <c>output = quantize_round_to_even(vals /
    /// scale)</c> with the quotient v / (tensor scale · block scale) exact. An all-zero block gets scale 0 and ±0.
    /// </summary>
    private byte CudnnBlock(ReadOnlySpan<uint> x, uint amaxBits, Span<byte> codes)
    {
        if ((amaxBits & AbsMask) > InfinityBits)
        {
            codes[..x.Length].Clear();
            return (byte)Codec.NanCode;
        }
        var (ts, tsExp) = BlockScan.Split(BitConverter.SingleToUInt32Bits(_tensorScale), false);
        var (maxSig, maxExp) = Element.MaxFinite;
        uint code;
        if (amaxBits == InfinityBits) code = ScaleFormat.MaxFiniteCode;
        else
        {
            var (a, aExp) = BlockScan.Split(amaxBits, false);
            code = Quotient(ScaleFormat, false, a, aExp, ts * maxSig, tsExp + maxExp, Up);
        }
        if (code == 0) // an all-zero block: every value is ±0
        {
            for (int i = 0; i < x.Length; i++) codes[i] = (byte)(x[i] >> 28 & 8);
            return 0;
        }
        // |code| = the number of bounds |v| reaches (see CudnnBounds); the E2M1 sign is bit 3, the FP32 sign bit 31.
        var u = CudnnBounds(code, ts, tsExp);
        uint u0 = u[0], u1 = u[1], u2 = u[2], u3 = u[3], u4 = u[4], u5 = u[5], u6 = u[6];
        for (int i = 0; i < x.Length; i++)
        {
            uint b = x[i], a = b & AbsMask;
            uint m = (a >= u0 ? 1u : 0) + (a >= u1 ? 1u : 0) + (a >= u2 ? 1u : 0) + (a >= u3 ? 1u : 0)
                   + (a >= u4 ? 1u : 0) + (a >= u5 ? 1u : 0) + (a >= u6 ? 1u : 0);
            codes[i] = (byte)(m | (b >> 28 & 8));
        }
        return (byte)code;
    }

    /// <summary>
    /// The E2M1 code of an exact quotient v / D (D = tensor scale × block scale) rounded to nearest even and saturated
    /// depends only on where |v| lies among the seven midpoints between the magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6 — the
    /// products D·{1/4, 3/4, 5/4, 7/4, 5/2, 7/2, 5}. Since every input is an FP32 value and FP32 bit patterns of
    /// non-negative values order like the values, midpoint j becomes a bound u_j on |v|'s bits with |code| = #{j :
    /// |v| ≥ u_j}: u_j = the FP32 pattern of D·mid_j rounded up when that is inexact (|v| ≥ it ⇔ |v| &gt; the
    /// midpoint), and on an exact midpoint the pattern itself when the tie goes up to the even magnitude code j + 1 (j
    /// odd), its successor when it stays at j (j even). ±Inf reaches every bound (saturates to ±6). Each bound is
    /// the rounding core's result, computed once per scale code and tensor (at most 127 × 7 roundings).
    /// </summary>
    private ReadOnlySpan<uint> CudnnBounds(uint code, ulong ts, int tsExp)
    {
        _cudnnBounds ??= new uint[128 * 8];
        var u = _cudnnBounds.AsSpan((int)code * 8, 8);
        if (u[7] != 0) return u;
        ulong den = ts * Codec.Significand(code);
        int denExp = tsExp + Codec.Exponent(code);
        for (int j = 0; j < 7; j++)
        {
            var (c, e) = Midpoints[j];
            var r = RoundingCore.Round(StandardFormats.Fp32, false, den * c, denExp + e, false, UpIeee);
            bool exact = (r.Flags & ExceptionFlags.Inexact) == 0;
            u[j] = exact && (j & 1) == 0 ? r.Code + 1 : r.Code;
        }
        u[7] = 1; // filled
        return u;
    }

    /// <summary>The midpoints between consecutive E2M1 magnitudes as c·2^e: 1/4, 3/4, 5/4, 7/4, 5/2, 7/2, 5 (OCP MX v1.0 Table 2's E2M1 values).</summary>
    private static readonly (ulong C, int E)[] Midpoints = [(1, -2), (3, -2), (5, -2), (7, -2), (5, -1), (7, -1), (5, 0)];
    private static readonly RoundingContext UpIeee = new(RoundingMode.Up, OverflowPolicy.Ieee);
    private uint[]? _cudnnBounds;

    /// <summary>
    /// (num·2^numExp) / (den·2^denExp) rounded once: an integer quotient of num shifted left, the remainder as sticky.
    /// Here num is an FP32 significand (≤ 24 bits) and den at most 28 bits, so num·2^(63 − bits(num)) / den keeps at
    /// least 35 quotient bits, more than the rounding core needs for a 4-bit significand plus its round bit; a wider
    /// den takes the 128-bit quotient.
    /// </summary>
    private static uint Quotient(NumberFormat f, bool negative, ulong num, int numExp, ulong den, int denExp, in RoundingContext ctx)
    {
        if (num == 0) return RoundingCore.Round(f, negative, 0, 0, false, ctx).Code;
        if (den < 1UL << 32)
        {
            int shift = System.Numerics.BitOperations.LeadingZeroCount(num) - 1;
            ulong n64 = num << shift, q64 = n64 / den;
            return RoundingCore.Round(f, negative, q64, numExp - shift - denExp, n64 - q64 * den != 0, ctx).Code;
        }
        UInt128 n = (UInt128)num << 64;
        UInt128 q = n / den;
        bool sticky = n % den != 0;
        return RoundingCore.RoundWide(f, negative, q, numExp - 64 - denExp, sticky, ctx).Code;
    }

    /// <summary><c>torch.clamp</c>: a NaN stays NaN.</summary>
    private static float TorchClamp(float v, float lo, float hi) => float.IsNaN(v) ? v : Math.Clamp(v, lo, hi);

    /// <summary>An FP32 value → UE4M3 code through the rounding core (NaN → 0x7F; negative cannot occur).</summary>
    private static uint CastScale(float v, in RoundingContext ctx)
    {
        uint b = BitConverter.SingleToUInt32Bits(v);
        if (float.IsNaN(v)) return Codec.NanCode;
        if (float.IsInfinity(v)) return ScaleFormat.MaxFiniteCode; // satfinite
        var (sig, exp) = BlockScan.Split(b, false);
        return RoundingCore.Round(ScaleFormat, false, sig, exp, false, ctx).Code;
    }

    public static float ScaleValue(uint code) =>
        Codec.IsNaN(code) ? float.NaN : MathF.ScaleB(Codec.Significand(code), Codec.Exponent(code));

    /// <summary>
    /// <see cref="CastElement"/> of each FP32 pattern: the memoized core's rows for every value first (the table's
    /// vector kernel), then, unless the shared block scan finds only FP32 normals, the core for the values that are not.
    /// </summary>
    private static void CastElements(ReadOnlySpan<uint> values, Span<byte> codes)
    {
        if (Table is not { HasBlockView: true })
        {
            for (int i = 0; i < values.Length; i++) codes[i] = (byte)CastElement(BitConverter.UInt32BitsToSingle(values[i]));
            return;
        }
        Table.RowsFor(0).RoundAll(values, codes);
        if (!BlockScan.AllNormalMax(values, out _))
            for (int i = 0; i < values.Length; i++)
                if ((values[i] & AbsMask) - BlockScan.MinNormalBits >= InfinityBits - BlockScan.MinNormalBits)
                    codes[i] = (byte)CastElement(BitConverter.UInt32BitsToSingle(values[i]));
    }

    /// <summary>An FP32 value → E2M1 (RNE, saturating) through the rounding core; NaN → 0 (documented).</summary>
    private static uint CastElement(float v)
    {
        uint b = BitConverter.SingleToUInt32Bits(v);
        uint a = b & AbsMask;
        if (a > InfinityBits) return 0;
        if (a >= InfinityBits) return RoundingCore.MaxFiniteCode(Element, (int)b < 0, Rne);
        if (Table is not null && a >= BlockScan.MinNormalBits) return Table.Round(b, 0);
        var (sig, exp) = BlockScan.Split(b, false);
        return RoundingCore.Round(Element, (int)b < 0, sig, exp, false, Rne).Code;
    }

    /// <summary>
    /// One dequantized value as FP32 bits. torchao <c>to_dtype</c>: <c>data_f32 * (per_tensor_scale * scale_e4m3)</c>,
    /// two FP32 multiplies in that order. TE and cuDNN: element × block scale (exact) × decode scale, one rounding.
    /// </summary>
    public static uint Dequantize(Recipe recipe, uint tensorScale, uint scaleCode, uint elementCode)
    {
        float s = ScaleValue(scaleCode);
        var d = Formats.Codec.Decode(Element, elementCode);
        float e = MathF.ScaleB(d.Negative ? -(float)d.Significand : d.Significand, d.Exponent);
        float t = BitConverter.UInt32BitsToSingle(tensorScale);
        float v = recipe.ScaleRule == ScaleRuleKind.Nvfp4Torchao ? e * (t * s) : e * s * t;
        return float.IsNaN(v) ? MxQuantizer.Fp32QuietNan : BitConverter.SingleToUInt32Bits(v);
    }
}
