using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Cosim.Abi;

/// <summary>The one path from C arguments to <see cref="MxDot.Dot"/>, shared by the plain and the DPI-C entry points.</summary>
internal static unsafe class DotCall
{
    /// <summary>Checks every argument, then runs one block; a, b point at k bytes (element code in the low bits).</summary>
    public static int Block(int fmtA, int fmtB, int rm, int k, int maxK, byte scaleA, byte* a, byte scaleB, byte* b,
        uint c, int outFmt, int accModel, int chunk, uint* d, byte* flags) =>
        Block(ScaleCodec.E8M0, fmtA, fmtB, rm, k, maxK, scaleA, a, scaleB, b, c, outFmt, accModel, chunk, null, d, flags);

    /// <summary>
    /// As above with the scales in <paramref name="scales"/>' format (a code above its largest: <see cref="Status.Code"/>)
    /// and an implementation profile text (NULL: the reference; malformed, or not for the model: <see cref="Status.Profile"/>).
    /// </summary>
    public static int Block(ScaleCodec scales, int fmtA, int fmtB, int rm, int k, int maxK, byte scaleA, byte* a, byte scaleB, byte* b,
        uint c, int outFmt, int accModel, int chunk, byte* profile, uint* d, byte* flags)
    {
        if (a == null || b == null || d == null || flags == null) return Status.NullPointer;
        int status = Arguments.CheckDot(fmtA, fmtB, rm, k, maxK, outFmt, accModel, chunk, out var model);
        if (status != Status.Ok) return status;
        if (!scales.IsCode(scaleA) || !scales.IsCode(scaleB)) return Status.Code;
        if (ProfileArgument.ForDot(profile, model, out _) is not { } implementation) return Status.Profile;
        var block = new BlockPair(ElementTable.ForCode(fmtA), new ReadOnlySpan<byte>(a, k), scaleA,
            ElementTable.ForCode(fmtB), new ReadOnlySpan<byte>(b, k), scaleB, scales);
        var r = MxDot.Dot(block, c, (RoundingMode)rm, Arguments.Output(outFmt), model, implementation);
        *d = r.Bits;
        *flags = (byte)r.Flags;
        return Status.Ok;
    }
}
