using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>How a recipe chooses the block scale (the sources are cited on each <see cref="Recipe"/>).</summary>
public enum ScaleRuleKind
{
    /// <summary>floor(log2 amax) − emax_elem, exact (OCP MX v1.0 §6.3; microxcaling; gfloat).</summary>
    Floor,
    /// <summary>The smallest power of two with amax / scale ≤ max normal, exact (amax / max normal rounded up).</summary>
    ExactCeil,
    /// <summary>torchao FLOOR: the FP32 exponent field of amax − emax_elem, clamped to [−127, 128] (128 = NaN).</summary>
    TorchaoFloor,
    /// <summary>torchao CEIL: as FLOOR, plus one when amax's 23 FP32 mantissa bits are not all zero.</summary>
    TorchaoCeil,
    /// <summary>torchao EVEN: amax's FP32 bits + 2^(22 − m), mantissa masked off, then FLOOR (an amax that rounds to Inf gives NaN).</summary>
    TorchaoEven,
    /// <summary>torchao RCEIL: descale = amax ·fp32 fp32(1/max_pos), its exponent rounded up (no saturation).</summary>
    TorchaoRceil,
    /// <summary>TransformerEngine <c>float_to_e8m0(amax · max_norm_rcp)</c>: round up, saturate-finite (Inf → 0xFE).</summary>
    TransformerEngine,
    /// <summary>NVFP4, torchao <c>nvfp4_quantize</c>: FP32 amax / 6 / tensor scale, clamped to [2^−6, 448], RNE to UE4M3.</summary>
    Nvfp4Torchao,
    /// <summary>NVFP4, TransformerEngine: amax ·fp32 (S_enc ·fp32 fp32(1/6)), RNE satfinite to UE4M3.</summary>
    Nvfp4TransformerEngine,
    /// <summary>NVFP4, cuDNN block scaling: amax / (6 · tensor scale) rounded up to UE4M3 (exact), elements RNE of the exact quotient.</summary>
    Nvfp4Cudnn,
}

/// <summary>How each element is brought to the element format once the scale is known.</summary>
public enum ElementStep
{
    /// <summary>v / 2^s rounded once by the rounding core (the division is exact).</summary>
    ExactQuotient,
    /// <summary>
    /// v ·fp32 fp32(2^−s): an FP32 multiply (which rounds only when the product is an FP32 subnormal), then the
    /// cast. torchao's <c>data_hp * inv_scale</c> and TransformerEngine's <c>x * exp2f_rcp(scale)</c>.
    /// </summary>
    Fp32Product,
    /// <summary>NVFP4: the source's FP32 divide or multiply by the combined scale, clamp, then the E2M1 cast.</summary>
    Nvfp4,
}

/// <summary>
/// A named quantization recipe: how the block scale is chosen and how elements are converted (operation order,
/// rounding, clamps, specials). Data, not a class per recipe; <see cref="BlockQuantizer"/> reads the fields.
/// docs/quantization.md has a section per recipe.
/// </summary>
public sealed record Recipe
{
    public required string Name { get; init; }
    /// <summary>The source the recipe reproduces (file and function).</summary>
    public required string Source { get; init; }
    /// <summary>Who uses it, in one line.</summary>
    public required string UsedBy { get; init; }
    public required ScaleRuleKind ScaleRule { get; init; }
    public ElementStep Elements { get; init; } = ElementStep.ExactQuotient;
    /// <summary>Element rounding (only <see cref="ocp"/> lets <see cref="QuantizeOptions.Policy"/> change it).</summary>
    public RoundingMode ElementRounding { get; init; } = RoundingMode.NearestEven;
    public SpecialsPolicy Specials { get; init; } = SpecialsPolicy.NanScale;
    public IntegerRange IntegerRange { get; init; } = IntegerRange.Symmetric;
    /// <summary>
    /// True: a length (or row length) that is not a multiple of k is padded with +0 up to whole blocks. False: it is
    /// rejected, as the source asserts (torchao: "the last dimension ... must be divisible by block_size").
    /// </summary>
    public bool PadsPartialBlocks { get; init; } = true;
    /// <summary>True when <see cref="QuantizeOptions.Policy"/> may vary rounding, specials, INT8 range, flush and sr.</summary>
    public bool TakesPolicy { get; init; }
    /// <summary>The scale format family the recipe is written for: power-of-two (E8M0) or UE4M3 (NVFP4).</summary>
    public bool ForNvfp4 { get; init; }

    /// <summary>The policy the recipe's MX path runs with (the caller's only where <see cref="TakesPolicy"/>).</summary>
    public QuantizationPolicy PolicyFor(QuantizationPolicy given) => TakesPolicy
        ? given with { ScaleRule = ScaleRule == ScaleRuleKind.ExactCeil ? Quantization.ScaleRule.Ceil : Quantization.ScaleRule.Floor }
        : new QuantizationPolicy
        {
            Rounding = ElementRounding, Specials = Specials, IntegerRange = IntegerRange,
            ScaleRule = ScaleRule == ScaleRuleKind.ExactCeil ? Quantization.ScaleRule.Ceil : Quantization.ScaleRule.Floor,
        };

    private const string TorchaoToMx = "pytorch/ao torchao/prototype/mx_formats/mx_tensor.py, to_mx";

    public static readonly Recipe Ocp = new()
    {
        Name = "ocp", ScaleRule = ScaleRuleKind.Floor, TakesPolicy = true,
        Source = "OCP MX v1.0 §6.3 (the MX paper's Algorithm 1): shared_exp = floor(log2 amax) − emax_elem, one rounding per element",
        UsedBy = "the OCP MX specification's recommended conversion; MxRef's default; RTL following the spec",
    };

    public static readonly Recipe OcpCeil = new()
    {
        Name = "exact-ceil", ScaleRule = ScaleRuleKind.ExactCeil, TakesPolicy = true,
        Source = "cuDNN frontend, Block Scaling: scale = quantize_round_up(amax(vals) / vmax_otype), evaluated exactly",
        UsedBy = "cuDNN block_scale_quantize (MXFP8), and any stack that rounds amax / max normal up to a power of two exactly",
    };

    public static readonly Recipe Microxcaling = new()
    {
        Name = "microxcaling", ScaleRule = ScaleRuleKind.Floor, ElementRounding = RoundingMode.NearestAway,
        Source = "microsoft/microxcaling mx/mx_ops.py _shared_exponents / _quantize_mx, mx/elemwise_ops.py _round_mantissa (round='nearest')",
        UsedBy = "Microsoft's MX emulation library (the MX paper's experiments), and PyTorch models emulating MX with it",
    };

    public static readonly Recipe Gfloat = new()
    {
        Name = "gfloat", ScaleRule = ScaleRuleKind.Floor, Specials = SpecialsPolicy.Saturate, IntegerRange = IntegerRange.Full,
        Source = "graphcore-research/gfloat src/gfloat/block.py quantize_block with compute_scale_amax (sat=True, RNE)",
        UsedBy = "Graphcore Research's format-as-data reference library for block formats",
    };

    public static readonly Recipe TorchaoFloor = Torchao("torchao-floor", ScaleRuleKind.TorchaoFloor, "ScaleCalculationMode.FLOOR (torchao's default)");
    public static readonly Recipe TorchaoCeil = Torchao("torchao-ceil", ScaleRuleKind.TorchaoCeil, "ScaleCalculationMode.CEIL");
    public static readonly Recipe TorchaoEven = Torchao("torchao-even", ScaleRuleKind.TorchaoEven, "ScaleCalculationMode.EVEN");
    public static readonly Recipe TorchaoRceil = Torchao("torchao-rceil", ScaleRuleKind.TorchaoRceil, "ScaleCalculationMode.RCEIL (_to_mx_rceil)");

    public static readonly Recipe TransformerEngine = new()
    {
        Name = "te", ScaleRule = ScaleRuleKind.TransformerEngine, Elements = ElementStep.Fp32Product,
        Source = "NVIDIA/TransformerEngine transformer_engine/common/utils.cuh float_to_e8m0 and exp2f_rcp; MXFP8 cast kernel (x * exp2f_rcp, satfinite cast)",
        UsedBy = "TransformerEngine's MXFP8BlockScaling recipe (Megatron-LM and NeMo MXFP8 training on Blackwell)",
    };

    public static readonly Recipe AmdQuarkEven = Torchao("amd-quark-even", ScaleRuleKind.TorchaoEven, "even_round") with
    {
        Source = "AMD Quark quark/torch/kernel/hw_emulation (MX even_round), the same bit rule as torchao's EVEN, which it follows",
        UsedBy = "AMD Quark's MX quantization (MXFP4/MXFP6 models for AMD Instinct)",
    };

    public static readonly Recipe Nvfp4Torchao = new()
    {
        Name = "nvfp4-torchao", ScaleRule = ScaleRuleKind.Nvfp4Torchao, Elements = ElementStep.Nvfp4, ForNvfp4 = true,
        PadsPartialBlocks = false,
        Source = "pytorch/ao torchao/prototype/mx_formats/nvfp4_tensor.py _nvfp4_quantize and per_tensor_amax_to_scale",
        UsedBy = "torchao's NVFP4Tensor (NVFP4 inference and QAT in PyTorch)",
    };

    public static readonly Recipe Nvfp4TransformerEngine = new()
    {
        Name = "nvfp4-te", ScaleRule = ScaleRuleKind.Nvfp4TransformerEngine, Elements = ElementStep.Nvfp4, ForNvfp4 = true,
        Source = "NVIDIA/TransformerEngine transformer_engine/common/cast/nvfp4/core_nvfp4.cuh compute_global_encode_scaling_factor_FP4, compute_decoding_scaling_factor, compute_scaling_coefficient",
        UsedBy = "TransformerEngine's NVFP4BlockScaling recipe (NVFP4 pre-training; 2-D 16x16 blocks for weights)",
    };

    public static readonly Recipe Nvfp4Cudnn = new()
    {
        Name = "nvfp4-cudnn", ScaleRule = ScaleRuleKind.Nvfp4Cudnn, Elements = ElementStep.Nvfp4, ForNvfp4 = true,
        Source = "cuDNN frontend, Block Scaling: scale = quantize_round_up(amax(vals) / vmax_otype), output = quantize_round_to_even(vals / scale)",
        UsedBy = "cuDNN's block_scale_quantize operation for NVFP4 (graph API)",
    };

    private static Recipe Torchao(string name, ScaleRuleKind rule, string mode) => new()
    {
        Name = name, ScaleRule = rule, Elements = ElementStep.Fp32Product, PadsPartialBlocks = false,
        Source = $"{TorchaoToMx}, {mode}",
        UsedBy = "torchao's MXTensor (PyTorch MX training and inference; torchtitan MXFP8)",
    };

    public static IReadOnlyList<Recipe> Named { get; } =
    [
        Ocp, OcpCeil, Microxcaling, Gfloat, TorchaoFloor, TorchaoCeil, TorchaoEven, TorchaoRceil, TransformerEngine, AmdQuarkEven,
        Nvfp4Torchao, Nvfp4TransformerEngine, Nvfp4Cudnn,
    ];

    /// <summary>A recipe by name, case-insensitive (<c>ocp-ceil</c> and <c>ceil</c> are accepted for <c>exact-ceil</c>, <c>floor</c> for <c>ocp</c>).</summary>
    public static Recipe? TryParse(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n is "ocp-ceil" or "ceil") return OcpCeil;
        if (n is "floor") return Ocp;
        foreach (var r in Named)
            if (r.Name == n) return r;
        return null;
    }

    public static string ValidNames => string.Join(", ", Named.Select(r => r.Name));

    /// <summary>ocp for the MX and shared-microexponent formats, nvfp4-torchao for a UE4M3-scaled format.</summary>
    public static Recipe DefaultFor(BlockFormat format) => format.ScaleCodec.IsPowerOfTwo ? Ocp : Nvfp4Torchao;

    /// <summary>Whether the recipe is defined for the block format (see <see cref="WhyNot"/>).</summary>
    public bool Supports(BlockFormat format) => WhyNot(format) is null;

    /// <summary>Why the recipe does not apply to the format, or null when it does.</summary>
    public string? WhyNot(BlockFormat format)
    {
        var e = format.Element;
        if (ForNvfp4)
            return format.Scale == StandardFormats.UE4M3 && e == StandardFormats.E2M1 && !format.HasMicroexponents
                ? null : $"{Name} is an NVFP4 recipe (E2M1 elements, UE4M3 scale); {format.Name} is not";
        if (!format.ScaleCodec.IsPowerOfTwo) return $"{Name} needs a power-of-two (E8M0) scale; {format.Name} has {format.Scale.Name}";
        if (format.HasMicroexponents)
            return ScaleRule == ScaleRuleKind.Floor && TakesPolicy ? null : $"{Name} is not defined for the shared-microexponent format {format.Name} (use ocp)";
        if (e.Kind is not (FormatKind.Float or FormatKind.Integer) || e.Precision > 24)
            return $"{e.Name} cannot be an MX element format";
        return ScaleRule switch
        {
            ScaleRuleKind.TransformerEngine => e.Kind == FormatKind.Float && e.Bits == 8 && format.Scale == StandardFormats.E8M0
                ? null : $"{Name} (TransformerEngine MXFP8) takes FP8 elements (e4m3, e5m2) with E8M0 scales",
            ScaleRuleKind.TorchaoFloor or ScaleRuleKind.TorchaoCeil or ScaleRuleKind.TorchaoEven or ScaleRuleKind.TorchaoRceil =>
                e.Kind == FormatKind.Float && format.Scale == StandardFormats.E8M0
                    ? null : $"{Name} takes float elements (torchao has no MXINT8) with E8M0 scales",
            _ => null,
        };
    }

    public override string ToString() => Name;
}
