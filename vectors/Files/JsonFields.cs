using Newtonsoft.Json.Linq;

namespace MxRef.Vectors.Files;

/// <summary>
/// Reads JSON values into the few types our files hold, through Newtonsoft's explicit conversions only. Its
/// reflection-based <c>ToObject&lt;T&gt;</c> would keep the CLI from compiling ahead of time (NativeAOT trims the
/// metadata it needs), and these are all the types the report, profile and state files use.
/// </summary>
public static class JsonFields
{
    /// <summary><paramref name="t"/> as a <typeparamref name="T"/>: string, bool, int, long, ulong, double, their arrays, JObject or JArray.</summary>
    public static T As<T>(JToken t)
    {
        object value = typeof(T) switch
        {
            var x when x == typeof(string) => (string)t!,
            var x when x == typeof(bool) => (bool)t,
            var x when x == typeof(int) => (int)t,
            var x when x == typeof(long) => (long)t,
            var x when x == typeof(ulong) => (ulong)t,
            var x when x == typeof(double) => (double)t,
            var x when x == typeof(string[]) => t.Select(e => (string)e!).ToArray(),
            var x when x == typeof(int[]) => t.Select(e => (int)e).ToArray(),
            var x when x == typeof(long[]) => t.Select(e => (long)e).ToArray(),
            var x when x == typeof(JObject) => (JObject)t,
            var x when x == typeof(JArray) => (JArray)t,
            _ => throw new NotSupportedException($"JsonFields.As<{typeof(T).Name}>: add the type"),
        };
        return (T)value;
    }
}
