namespace MxRef.Vectors.Tensors;

/// <summary>
/// FP32 values as a user hands them to a quantizing command: a NumPy <c>.npy</c> file (float32 or bfloat16, any shape),
/// recognised by its <c>.npy</c> name or, whatever the name, by the NumPy magic at its start; anything else is text
/// (<see cref="Fp32Text"/>, shape (n,)). Errors are <see cref="TensorFileException"/>s naming the file.
/// </summary>
public static class Fp32Input
{
    /// <summary>Reads the file at <paramref name="path"/> into an array.</summary>
    public static Fp32Tensor Read(string path)
    {
        using var data = Open(path);
        return data.ToTensor();
    }

    /// <summary>
    /// Opens the file at <paramref name="path"/>: mapped, the values of a little-endian float32 <c>.npy</c> used in
    /// place, anything else converted into a page buffer (<see cref="Fp32Data"/>; dispose it when done).
    /// </summary>
    public static Fp32Data Open(string path)
    {
        var file = Npy.Map(path);
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) || Npy.HasMagic(file.Span)) return Npy.OpenFp32(file, path);
        using (file) return Text(WithoutBom(file.Span), path);
    }

    /// <summary>Reads a stream to its end as text (<paramref name="source"/> names it in errors, e.g. "standard input").</summary>
    public static Fp32Data ReadText(Stream stream, string source)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Text(WithoutBom(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), source);
    }

    /// <summary>Reads a text reader to its end (e.g. <see cref="Console.In"/>, which a host may redirect).</summary>
    public static Fp32Data ReadText(TextReader reader, string source) =>
        Text(System.Text.Encoding.UTF8.GetBytes(reader.ReadToEnd()), source);

    /// <summary>Text after a UTF-8 byte-order mark, if it starts with one (as editors on Windows write it).</summary>
    private static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> text) =>
        text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? text[3..] : text;

    private static Fp32Data Text(ReadOnlySpan<byte> text, string source)
    {
        var (values, count) = Fp32Text.ParseToBuffer(text, source);
        return new Fp32Data(values, count, [count], NpyDType.Float32);
    }
}
