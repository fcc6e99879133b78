using System.Runtime.InteropServices;
using MxRef.Dot;

namespace MxRef.Cosim.Abi;

/// <summary>
/// The <c>const char *profile</c> argument: NULL, "" or <c>name=value,...</c> as <c>mxref dot --profile</c> takes it
/// (docs/semantics.md, "Implementation profiles"). A DPI-C scoreboard passes the same string with every call, so the
/// last text parsed on each thread is kept with its profile and a repeated string costs one byte comparison instead
/// of a parse.
/// </summary>
internal static unsafe class ProfileArgument
{
    [ThreadStatic] private static byte[]? t_text;
    [ThreadStatic] private static ImplementationProfile? t_profile;
    [ThreadStatic] private static byte* t_message;
    [ThreadStatic] private static int t_messageCapacity;

    /// <summary>The profile of <paramref name="text"/> (NULL or empty: the default), or null with the parser's error.</summary>
    public static ImplementationProfile? Parse(byte* text, out string? error)
    {
        error = null;
        if (text == null || *text == 0) return ImplementationProfile.Default;
        var bytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text);
        if (t_profile is not null && bytes.SequenceEqual(t_text)) return t_profile;
        var profile = ImplementationProfile.TryParse(System.Text.Encoding.UTF8.GetString(bytes), out error);
        if (profile is not null)
        {
            t_text = bytes.ToArray();
            t_profile = profile;
        }
        return profile;
    }

    /// <summary>
    /// The profile for the dot product under <paramref name="model"/>, or null with the reason: a malformed profile or
    /// a non-default one under fp32-sum, which takes only the reference semantics (as <c>mxref dot</c>).
    /// </summary>
    public static ImplementationProfile? ForDot(byte* text, AccumulationModel model, out string? error)
    {
        var profile = Parse(text, out error);
        if (profile is null || profile.IsDefault || model.Kind != AccumulationKind.Fp32Sum) return profile;
        error = $"profile '{profile}' applies to the fused and chunked accumulation models, not {model}";
        return null;
    }

    /// <summary>
    /// <paramref name="text"/> as a NUL-terminated string in this thread's buffer, which the next call on the thread
    /// overwrites (the contract of mxref_profile_message).
    /// </summary>
    public static byte* ThreadMessage(string text)
    {
        int length = System.Text.Encoding.UTF8.GetByteCount(text);
        if (length + 1 > t_messageCapacity)
        {
            t_message = (byte*)NativeMemory.Realloc(t_message, (nuint)length + 1);
            t_messageCapacity = length + 1;
        }
        System.Text.Encoding.UTF8.GetBytes(text, new Span<byte>(t_message, length));
        t_message[length] = 0;
        return t_message;
    }
}
