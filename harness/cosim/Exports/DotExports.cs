using System.Runtime.InteropServices;
using MxRef.Cosim.Abi;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Cosim.Exports;

/// <summary>The block dot product for C callers: mxref_dot (one block) and mxref_dot_general (n blocks, §6.2).</summary>
public static unsafe class DotExports
{
    [UnmanagedCallersOnly(EntryPoint = "mxref_dot")]
    public static int MxrefDot(int fmtA, int fmtB, int rm, int k, byte scaleA, byte* a, byte scaleB, byte* b, uint c,
        int outFmt, int accModel, int chunk, uint* d, byte* flags)
    {
        try
        {
            return DotCall.Block(fmtA, fmtB, rm, k, Arguments.MaxBlockSize, scaleA, a, scaleB, b, c, outFmt, accModel, chunk, d, flags);
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "mxref_dot_scaled")]
    public static int MxrefDotScaled(int scaleFmt, int fmtA, int fmtB, int rm, int k, byte scaleA, byte* a, byte scaleB, byte* b, uint c,
        int outFmt, int accModel, int chunk, uint* d, byte* flags) =>
        Scaled(scaleFmt, fmtA, fmtB, rm, k, scaleA, a, scaleB, b, c, outFmt, accModel, chunk, null, d, flags);

    /// <summary>
    /// mxref_dot_scaled under an implementation profile, the text <c>mxref dot --profile</c> takes (NULL or "": the
    /// reference, exactly mxref_dot_scaled).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_dot_profiled")]
    public static int MxrefDotProfiled(int scaleFmt, int fmtA, int fmtB, int rm, int k, byte scaleA, byte* a, byte scaleB, byte* b, uint c,
        int outFmt, int accModel, int chunk, byte* profile, uint* d, byte* flags) =>
        Scaled(scaleFmt, fmtA, fmtB, rm, k, scaleA, a, scaleB, b, c, outFmt, accModel, chunk, profile, d, flags);

    /// <summary>mxref_dot_scaled and mxref_dot_profiled: the scale format code checked, then <see cref="DotCall"/>.</summary>
    private static int Scaled(int scaleFmt, int fmtA, int fmtB, int rm, int k, byte scaleA, byte* a, byte scaleB, byte* b, uint c,
        int outFmt, int accModel, int chunk, byte* profile, uint* d, byte* flags)
    {
        try
        {
            if (Arguments.Scale(scaleFmt) is not { } scales) return Status.Format;
            return DotCall.Block(scales, fmtA, fmtB, rm, k, Arguments.MaxBlockSize, scaleA, a, scaleB, b, c, outFmt, accModel, chunk, profile, d, flags);
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    /// <summary>MXREF_OK when <paramref name="profile"/> parses (NULL and "" are the reference), else MXREF_E_PROFILE.</summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_profile_check")]
    public static int MxrefProfileCheck(byte* profile)
    {
        try
        {
            return ProfileArgument.Parse(profile, out _) is null ? Status.Profile : Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    /// <summary>
    /// The canonical text of a valid profile (<c>default</c>, <c>tininess=on-result,zero-sign=positive</c>), or the
    /// parser's error naming the bad knob or value and the valid ones; in a per-thread buffer (never NULL).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_profile_message")]
    public static byte* MxrefProfileMessage(byte* profile)
    {
        try
        {
            var parsed = ProfileArgument.Parse(profile, out string? error);
            return ProfileArgument.ThreadMessage(parsed?.ToString() ?? error ?? "malformed profile");
        }
        catch (Exception)
        {
            return ProfileArgument.ThreadMessage(Status.Message(Status.Internal));
        }
    }

    /// <summary>One NVFP4 block pair: 16 E2M1 codes and a UE4M3 scale per operand, fused, FP32 out.</summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_dot_nvfp4")]
    public static int MxrefDotNvfp4(int rm, byte scaleA, byte* a, byte scaleB, byte* b, uint c, uint* d, byte* flags)
    {
        try
        {
            var f = BlockFormat.NvFp4;
            int element = StandardFormats.ElementCode(f.Element);
            return DotCall.Block(f.ScaleCodec, element, element, rm, f.BlockSize, f.BlockSize, scaleA, a, scaleB, b, c, 0, 0, 0, null, d, flags);
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    /// <summary>The per-tensor scale epilogue (<see cref="TensorScaleEpilogue"/>): fp32(d · fp32(ta · tb)).</summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_tensor_scale_epilogue")]
    public static int MxrefTensorScaleEpilogue(uint d, uint ta, uint tb, int rm, uint* result, byte* flags)
    {
        try
        {
            if (result == null || flags == null) return Status.NullPointer;
            if (!Arguments.IsRoundingMode(rm)) return Status.Rounding;
            var r = TensorScaleEpilogue.Apply(d, ta, tb, (RoundingMode)rm);
            *result = r.Bits;
            *flags = (byte)r.Flags;
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "mxref_dot_general")]
    public static int MxrefDotGeneral(int fmtA, int fmtB, int rm, int k, int n, byte* scalesA, byte* a, byte* scalesB, byte* b,
        uint c, int outFmt, int accModel, int chunk, int chained, uint* d, byte* flags)
    {
        try
        {
            if (scalesA == null || a == null || scalesB == null || b == null || d == null || flags == null) return Status.NullPointer;
            int status = Arguments.CheckDot(fmtA, fmtB, rm, k, Arguments.MaxBlockSize, outFmt, accModel, chunk, out var model);
            if (status != Status.Ok) return status;
            if (n < 1 || (long)n * k > int.MaxValue) return Status.BlockSize;
            if (chained is not (0 or 1)) return Status.Argument;
            var r = DotGeneral.Compute(ElementTable.ForCode(fmtA), new ReadOnlySpan<byte>(a, n * k), new ReadOnlySpan<byte>(scalesA, n),
                ElementTable.ForCode(fmtB), new ReadOnlySpan<byte>(b, n * k), new ReadOnlySpan<byte>(scalesB, n), k, c,
                (RoundingMode)rm, Arguments.Output(outFmt), model, chained == 1);
            *d = r.Bits;
            *flags = (byte)r.Flags;
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }
}
