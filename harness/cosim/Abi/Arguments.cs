using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Cosim.Abi;

/// <summary>
/// Decoding and checking of the integer codes that cross the C ABI. The codes are the hardware ones (the 3-bit
/// fmt and rm ports of rtl/mx_dot, the fields of <c>mxref dot</c> lines), so a bench passes its port values through.
/// </summary>
internal static class Arguments
{
    /// <summary>Largest k accepted by mxref_dot (the same bound as <c>mxref dot --block</c>).</summary>
    public const int MaxBlockSize = 4096;

    /// <summary>Encode/decode also accept the scale format, numbered after the element formats.</summary>
    public const int E8M0Code = 6;

    // Copied out of the IReadOnlyList properties once: an interface call per check is a measurable share of a
    // 150 ns call (docs/PERFORMANCE.md, "Co-simulation").
    private static readonly int ElementCount = StandardFormats.Elements.Count;
    private static readonly NumberFormat[] OutputFormats = [.. StandardFormats.Outputs];

    public static bool IsElementFormat(int code) => (uint)code < (uint)ElementCount;

    /// <summary>Only the deterministic modes (codes 0..5): stochastic rounding has its own entry point.</summary>
    public static bool IsRoundingMode(int code) => (uint)code <= (uint)RoundingMode.ToOdd;

    public static bool IsOutputFormat(int code) => (uint)code < (uint)OutputFormats.Length;

    /// <summary>The output format of a valid code (0 fp32, 1 bf16, 2 fp16).</summary>
    public static NumberFormat Output(int code) => OutputFormats[code];

    /// <summary>An element format or E8M0, for encode/decode; null for anything else.</summary>
    public static NumberFormat? CodecFormat(int code) =>
        IsElementFormat(code) ? StandardFormats.Elements[code] : code == E8M0Code ? StandardFormats.E8M0 : null;

    /// <summary>The scale format of a scale_fmt code (0 e8m0, 1 ue4m3: the order of StandardFormats.Scales), or null.</summary>
    public static ScaleCodec? Scale(int code) =>
        (uint)code < (uint)StandardFormats.Scales.Count ? ScaleCodec.For(StandardFormats.Scales[code]) : null;

    /// <summary>acc_model 0 fused, 1 chunked (chunk elements per rounding), 2 fp32-sum; null when invalid.</summary>
    public static AccumulationModel? Accumulation(int model, int chunk) => model switch
    {
        0 => AccumulationModel.Fused,
        1 when chunk >= 1 => AccumulationModel.Chunked(chunk),
        2 => AccumulationModel.Fp32Sum,
        _ => null,
    };

    /// <summary>
    /// The status for the common dot-product arguments, checked in the order the header lists them, and the
    /// accumulation model when they are valid.
    /// </summary>
    public static int CheckDot(int fmtA, int fmtB, int rm, int k, int maxK, int outFmt, int accModel, int chunk, out AccumulationModel model)
    {
        model = default;
        if (!IsElementFormat(fmtA) || !IsElementFormat(fmtB)) return Status.Format;
        if (!IsRoundingMode(rm)) return Status.Rounding;
        if (k < 1 || k > maxK) return Status.BlockSize;
        if (!IsOutputFormat(outFmt)) return Status.OutputFormat;
        if (Accumulation(accModel, chunk) is not { } m) return Status.Accumulation;
        model = m;
        return Status.Ok;
    }
}
