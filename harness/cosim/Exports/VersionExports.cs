using System.Runtime.InteropServices;
using MxRef.Cosim.Abi;

namespace MxRef.Cosim.Exports;

/// <summary>Version and error-text queries: mxref_version, mxref_version_string, mxref_error_string.</summary>
public static unsafe class VersionExports
{
    /// <summary>
    /// MAJOR·10000 + MINOR·100 + PATCH, equal to MXREF_VERSION in mxref.h. MAJOR changes when a signature or a code
    /// changes meaning; MINOR when functions are added. A caller compiled against an older header checks MAJOR.
    /// </summary>
    public const int Version = 1_04_00;
    public const string VersionText = "1.4.0";

    private static readonly byte* VersionString = NativeText.Allocate($"libmxref {VersionText} (MxRef golden model, OCP MX v1.0)");

    private static readonly int[] KnownStatuses =
        [Status.Ok, Status.NullPointer, Status.Format, Status.Rounding, Status.BlockSize, Status.OutputFormat,
         Status.Accumulation, Status.Code, Status.Argument, Status.Name, Status.Length, Status.Profile, Status.Internal];

    // One string per status, allocated up front so that mxref_error_string never allocates on a hot error path.
    private static readonly nint[] StatusText = KnownStatuses.Select(s => (nint)NativeText.Allocate(Status.Message(s))).ToArray();
    private static readonly byte* UnknownStatusText = NativeText.Allocate(Status.Message(int.MinValue));

    [UnmanagedCallersOnly(EntryPoint = "mxref_version")]
    public static int MxrefVersion() => Version;

    [UnmanagedCallersOnly(EntryPoint = "mxref_version_string")]
    public static byte* MxrefVersionString() => VersionString;

    [UnmanagedCallersOnly(EntryPoint = "mxref_error_string")]
    public static byte* MxrefErrorString(int status)
    {
        int i = Array.IndexOf(KnownStatuses, status);
        return i >= 0 ? (byte*)StatusText[i] : UnknownStatusText;
    }
}
