using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace MxRef.Harness.Verify;

/// <summary>
/// The writer's end of the bench's stdin. On Linux a batch's records are not copied into the pipe: their pages are
/// lent to it (<c>vmsplice</c>), and the bench's read copies them straight out of the batch. That is safe because the
/// records live in the pinned heap (the GC never moves them) and a batch is rewritten only after the bench has returned
/// the result of every one of its vectors, i.e. after it has read them (<see cref="BatchRing"/>). Where the pipe or the
/// kernel does not allow it, plain writes. Lending took the writer thread from 65–95 to 38–43 ns of CPU per vector
/// (mx_dot K = 32; docs/PERFORMANCE.md, "the bench's side of the stream").
/// </summary>
internal sealed class RecordPipe(Stream stdin)
{
    private readonly int _fd = OperatingSystem.IsLinux() && stdin is PipeStream p ? (int)p.SafePipeHandle.DangerousGetHandle() : -1;
    private bool _lend = OperatingSystem.IsLinux() && stdin is PipeStream;

    /// <summary>Sends records[0..count), a pinned array (<see cref="VectorBatch.Records"/>); throws <see cref="IOException"/> when the bench is gone.</summary>
    public void Send(byte[] records, int count)
    {
        int sent = 0;
        while (_lend && sent < count)
        {
            var iov = new IoVec { Base = Marshal.UnsafeAddrOfPinnedArrayElement(records, sent), Length = count - sent };
            nint n = VmSplice(_fd, ref iov, 1, 0);
            if (n > 0) sent += (int)n;
            else if (Marshal.GetLastPInvokeError() is var errno && errno == EINTR) continue;
            else if (errno == EPIPE) throw new IOException("the bench closed its input");
            else _lend = false; // not a pipe after all, or a kernel without vmsplice: copy from here on
        }
        if (sent < count) stdin.Write(records, sent, count - sent);
    }

    private const int EINTR = 4, EPIPE = 32;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public nint Base;
        public nint Length;
    }

    [DllImport("libc", EntryPoint = "vmsplice", SetLastError = true)]
    private static extern nint VmSplice(int fd, ref IoVec iov, nuint segments, uint flags);
}
