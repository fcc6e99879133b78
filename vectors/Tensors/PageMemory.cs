using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MxRef.Vectors.Tensors;

/// <summary>
/// Large tensor buffers outside the GC heap. A tensor of millions of values in a fresh GC array costs one page fault per
/// 4 KiB page on first touch (3,125 for 3.2 M FP32 values), which on a virtual machine is most of a quantize run's time
/// (docs/PERFORMANCE.md, "Quantize data path"). Here an input file is mapped read-only with its page-table entries filled
/// in one call (MAP_POPULATE: no copy, no fault per page), and an output buffer is anonymous memory marked for
/// transparent huge pages and, when it will be written in full, populated in one call. Off Linux, or when a call
/// fails, ordinary arrays are used: the bytes are the same either way.
/// </summary>
internal static class Libc
{
    public const int ProtRead = 1, ProtWrite = 2;
    public const int MapPrivate = 0x02, MapAnonymous = 0x20, MapPopulate = 0x8000;
    public const int MadvHugePage = 14, MadvPopulateWrite = 23;
    public static readonly nint MapFailed = -1;

    [DllImport("libc", EntryPoint = "mmap")]
    public static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", EntryPoint = "munmap")]
    public static extern int Munmap(nint address, nuint length);

    [DllImport("libc", EntryPoint = "madvise")]
    public static extern int Madvise(nint address, nuint length, int advice);
}

/// <summary>A writable buffer of bytes: anonymous pages (transparent huge pages where the kernel gives them), or an array.</summary>
public sealed unsafe class PageBuffer : IDisposable
{
    private const long HugePage = 2 << 20;
    private nint _mapping;
    private readonly nuint _mappedLength;
    private readonly byte* _start;
    private readonly byte[]? _array;

    /// <summary>Bytes in the buffer.</summary>
    public int Length { get; }

    /// <summary>
    /// A buffer of <paramref name="length"/> bytes, contents undefined. <paramref name="populate"/>: the caller writes
    /// every byte, so the pages are all mapped in one call now rather than faulted in one by one.
    /// </summary>
    public PageBuffer(long length, bool populate)
    {
        if (length < 0 || length > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(length), $"{length} bytes is more than one buffer holds");
        Length = (int)length;
        if (OperatingSystem.IsLinux() && length >= HugePage / 4)
        {
            // Over-allocate by one huge page so that the buffer can start on a 2 MiB boundary.
            nuint mapped = (nuint)(length + HugePage);
            nint m = Libc.Mmap(0, mapped, Libc.ProtRead | Libc.ProtWrite, Libc.MapPrivate | Libc.MapAnonymous, -1, 0);
            if (m != Libc.MapFailed)
            {
                (_mapping, _mappedLength) = (m, mapped);
                nint aligned = (nint)(((long)m + HugePage - 1) & ~(HugePage - 1));
                _start = (byte*)aligned;
                nuint span = (nuint)((length + HugePage - 1) & ~(HugePage - 1));
                Libc.Madvise(aligned, span, Libc.MadvHugePage); // advice only: without it, 4 KiB pages
                if (populate) Libc.Madvise(aligned, (nuint)((length + 4095) & ~4095L), Libc.MadvPopulateWrite);
                return;
            }
        }
        _array = GC.AllocateUninitializedArray<byte>(Length);
    }

    public Span<byte> Span => _array ?? new Span<byte>(_start, _mapping == 0 ? 0 : Length);

    public void Dispose()
    {
        if (_mapping != 0) Libc.Munmap(_mapping, _mappedLength);
        _mapping = 0;
    }
}

/// <summary>A file's bytes, read-only: mapped (MAP_POPULATE) on Linux, read into an array elsewhere or if mapping fails.</summary>
public sealed unsafe class MappedFile : IDisposable
{
    private nint _mapping;
    private readonly nuint _length;
    private readonly byte[]? _array;

    /// <summary>Opens <paramref name="path"/> (errors as <see cref="File.ReadAllBytes"/> gives them).</summary>
    public MappedFile(string path)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength) throw new IOException($"{path}: {length} bytes is more than MxRef reads in one piece");
        if (OperatingSystem.IsLinux() && length > 0)
        {
            nint m = Libc.Mmap(0, (nuint)length, Libc.ProtRead, Libc.MapPrivate | Libc.MapPopulate, (int)handle.DangerousGetHandle(), 0);
            if (m != Libc.MapFailed)
            {
                (_mapping, _length) = (m, (nuint)length);
                return;
            }
        }
        _array = GC.AllocateUninitializedArray<byte>((int)length);
        for (int at = 0, n; at < _array.Length; at += n)
            if ((n = RandomAccess.Read(handle, _array.AsSpan(at), at)) == 0) throw new IOException($"{path}: shorter than its length while reading");
    }

    public ReadOnlySpan<byte> Span => _array ?? new ReadOnlySpan<byte>((void*)_mapping, _mapping == 0 ? 0 : (int)_length);

    public void Dispose()
    {
        if (_mapping != 0) Libc.Munmap(_mapping, _length);
        _mapping = 0;
    }
}
