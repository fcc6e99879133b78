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

    public static bool IsElementFormat(int code) => code >= 0 && code < StandardFormats.Elements.Count;

    /// <summary>Only the deterministic modes (codes 0..5): stochastic rounding has its own entry point.</summary>
    public static bool IsRoundingMode(int code) => RoundingModes.FromCode(code) is not null;

    public static bool IsOutputFormat(int code) => code >= 0 && code < StandardFormats.Outputs.Count;

    /// <summary>An element format or E8M0, for encode/decode; null for anything else.</summary>
    public static NumberFormat? CodecFormat(int code) =>
        IsElementFormat(code) ? StandardFormats.Elements[code] : code == E8M0Code ? StandardFormats.E8M0 : null;

    /// <summary>acc_model 0 fused, 1 chunked (chunk elements per rounding), 2 fp32-sum; null when invalid.</summary>
    public static AccumulationModel? Accumulation(int model, int chunk) => model switch
    {
        0 => AccumulationModel.Fused,
        1 when chunk >= 1 => AccumulationModel.Chunked(chunk),
        2 => AccumulationModel.Fp32Sum,
        _ => null,
    };

    /// <summary>The status for the common dot-product arguments, checked in the order the header lists them.</summary>
    public static int CheckDot(int fmtA, int fmtB, int rm, int k, int maxK, int outFmt, int accModel, int chunk)
    {
        if (!IsElementFormat(fmtA) || !IsElementFormat(fmtB)) return Status.Format;
        if (!IsRoundingMode(rm)) return Status.Rounding;
        if (k < 1 || k > maxK) return Status.BlockSize;
        if (!IsOutputFormat(outFmt)) return Status.OutputFormat;
        if (Accumulation(accModel, chunk) is null) return Status.Accumulation;
        return Status.Ok;
    }
}
