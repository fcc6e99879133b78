using System.Runtime.InteropServices;
using MxRef.Cosim.Abi;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Cosim.Exports;

/// <summary>
/// One value at a time: FP32 → element code through the rounding core (what <c>mxref convert</c> does), and element
/// code → FP32 (exact: every element and scale value is an FP32 value).
/// </summary>
public static unsafe class ElementExports
{
    [UnmanagedCallersOnly(EntryPoint = "mxref_encode")]
    public static int MxrefEncode(int fmt, uint fp32, int rm, int saturate, uint* code, byte* flags)
    {
        try
        {
            if (code == null || flags == null) return Status.NullPointer;
            if (Arguments.CodecFormat(fmt) is not { } format) return Status.Format;
            if (!Arguments.IsRoundingMode(rm)) return Status.Rounding;
            if (saturate is not (0 or 1)) return Status.Argument;
            return Encode(format, fp32, new RoundingContext((RoundingMode)rm, Overflow(saturate)), code, flags);
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    /// <summary>Stochastic rounding with explicit random bits: rounds away iff floor(δ·2^width) + random ≥ 2^width.</summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_encode_sr")]
    public static int MxrefEncodeSr(int fmt, uint fp32, uint random, int width, int saturate, uint* code, byte* flags)
    {
        try
        {
            if (code == null || flags == null) return Status.NullPointer;
            if (Arguments.CodecFormat(fmt) is not { } format) return Status.Format;
            if (width is < 1 or > 31 || random >> width != 0 || saturate is not (0 or 1)) return Status.Argument;
            return Encode(format, fp32, RoundingContext.Stochastic(random, width, Overflow(saturate)), code, flags);
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "mxref_decode")]
    public static int MxrefDecode(int fmt, uint code, uint* fp32)
    {
        try
        {
            if (fp32 == null) return Status.NullPointer;
            if (Arguments.CodecFormat(fmt) is not { } format) return Status.Format;
            if (code > format.CodeMask) return Status.Code;
            // Exact for every format here (at most 8 significant bits, exponents within FP32's range), so rne never rounds.
            var r = Conversion.Convert(StandardFormats.Fp32, Codec.Decode(format, code), new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee));
            *fp32 = r.Code;
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    private static OverflowPolicy Overflow(int saturate) => saturate == 1 ? OverflowPolicy.Saturate : OverflowPolicy.Ieee;

    private static int Encode(NumberFormat format, uint fp32, in RoundingContext ctx, uint* code, byte* flags)
    {
        var r = Conversion.FromFp32(format, fp32, ctx);
        *code = r.Code;
        *flags = (byte)r.Flags;
        return Status.Ok;
    }
}
