using System.Runtime.InteropServices;
using System.Text;

namespace MxRef.Cosim.Abi;

/// <summary>
/// NUL-terminated UTF-8 strings handed to C as <c>const char*</c>. They are allocated once in native memory and never
/// freed, so the pointer stays valid for the life of the process and the caller never owns it.
/// </summary>
internal static unsafe class NativeText
{
    public static byte* Allocate(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        var p = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(p, length));
        p[length] = 0;
        return p;
    }
}
