using System.Runtime.InteropServices;
using MxRef.Cosim.Abi;
using MxRef.Formats;

namespace MxRef.Cosim.Exports;

/// <summary>
/// Entry points shaped for SystemVerilog DPI-C (sv/mxref_dpi.sv). A packed <c>bit [8*K-1:0]</c> argument arrives as
/// <c>const svBitVecVal*</c>: 32-bit words, word j holding bits [32j+31:32j]. On a little-endian host (every NativeAOT
/// target) those words laid out in memory are exactly the byte lanes, lane i = bits [8i+7:8i] = byte i, which is the
/// element layout of rtl/mx_dot's a and b ports — so the words are read as bytes in place, with no copy.
/// </summary>
public static unsafe class DpiExports
{
    /// <summary>Lanes in the general DPI call's fixed-width vectors (bit [8*256-1:0]).</summary>
    public const int MaxDpiBlockSize = 256;

    /// <summary>The rtl/mx_dot transaction: k = 32, fused, FP32 output — one call per block in a scoreboard.</summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_dpi_dot32")]
    public static int MxrefDpiDot32(int fmtA, int fmtB, int rm, byte scaleA, uint* a, byte scaleB, uint* b, uint c, uint* d, byte* flags)
    {
        try
        {
            return DotCall.Block(fmtA, fmtB, rm, 32, 32, scaleA, (byte*)a, scaleB, (byte*)b, c, 0, 0, 0, d, flags);
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    /// <summary>Any k up to 256, output format and accumulation model; lanes k..255 are ignored.</summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_dpi_dot")]
    public static int MxrefDpiDot(int fmtA, int fmtB, int rm, int k, byte scaleA, uint* a, byte scaleB, uint* b, uint c,
        int outFmt, int accModel, int chunk, uint* d, byte* flags)
    {
        try
        {
            return DotCall.Block(fmtA, fmtB, rm, k, MaxDpiBlockSize, scaleA, (byte*)a, scaleB, (byte*)b, c, outFmt, accModel, chunk, d, flags);
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    /// <summary>mxref_dpi_dot under an implementation profile (an SV <c>input string</c>; "" is the reference).</summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_dpi_dot_profiled")]
    public static int MxrefDpiDotProfiled(int fmtA, int fmtB, int rm, int k, byte scaleA, uint* a, byte scaleB, uint* b, uint c,
        int outFmt, int accModel, int chunk, byte* profile, uint* d, byte* flags)
    {
        try
        {
            return DotCall.Block(ScaleCodec.E8M0, fmtA, fmtB, rm, k, MaxDpiBlockSize, scaleA, (byte*)a, scaleB, (byte*)b, c, outFmt, accModel, chunk,
                profile, d, flags);
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }
}
