using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// The per-tensor (second-level) scales of a two-level block format such as NVFP4 (an FP32 scale per tensor above the
/// UE4M3 block scales) are outside the block dot unit: a GEMM accumulates D = C + Σ_j sa_j·sb_j·Σ a_i·b_i over the
/// K dimension with the block scales only, then multiplies the accumulator once by the product of the two tensor
/// scales — the "alpha" of cuBLAS-style block-scaled GEMMs, which torchao's NVFP4 matmul forms as
/// <c>a.per_tensor_scale * b.per_tensor_scale</c> in FP32. This epilogue is that step, with its own FP32 roundings in
/// a fixed order (docs/semantics.md, "Per-tensor scales"):
/// <list type="number">
/// <item>alpha = round_fp32(ta × tb) — one IEEE 754 FP32 multiply;</item>
/// <item>D' = round_out(D × alpha) — one multiply of the FP32 accumulator D by alpha, rounded to the output format.</item>
/// </list>
/// Both roundings go through the rounding core in the given mode with IEEE 754 special values and flags.
/// </summary>
public static class TensorScaleEpilogue
{
    /// <summary>
    /// D' = round(D × round_fp32(ta × tb)). <paramref name="d"/>, <paramref name="ta"/> and <paramref name="tb"/> are FP32 bit
    /// patterns; the result is in <paramref name="output"/> (FP32 by default).
    /// </summary>
    public static DotResult Apply(uint d, uint ta, uint tb, RoundingMode mode, NumberFormat? output = null)
    {
        var ctx = new RoundingContext(mode, OverflowPolicy.Ieee);
        var flags = ExceptionFlags.None;
        uint alpha = Fp32Arith.Multiply(ta, tb, StandardFormats.Fp32, ctx, ref flags);
        uint r = Fp32Arith.Multiply(d, alpha, output ?? StandardFormats.Fp32, ctx, ref flags);
        return new DotResult(r, flags);
    }
}
