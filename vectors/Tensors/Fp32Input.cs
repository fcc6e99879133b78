namespace MxRef.Vectors.Tensors;

/// <summary>
/// FP32 values as a user hands them to a quantizing command: a NumPy <c>.npy</c> file (float32 or bfloat16, any shape),
/// recognised by its <c>.npy</c> name or, whatever the name, by the NumPy magic at its start; anything else is text
/// (<see cref="Fp32Text"/>, shape (n,)). Errors are <see cref="TensorFileException"/>s naming the file.
/// </summary>
public static class Fp32Input
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static Fp32Tensor Read(string path)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) return Npy.ReadFp32(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new TensorFileException(path, e.Message);
        }
        return Npy.HasMagic(bytes) ? Npy.ReadFp32(bytes, path) : Text(Fp32Text.Parse(WithoutBom(bytes), path));
    }

    /// <summary>Reads a stream to its end as text (<paramref name="source"/> names it in errors, e.g. "standard input").</summary>
    public static Fp32Tensor ReadText(Stream stream, string source)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Text(Fp32Text.Parse(WithoutBom(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)), source));
    }

    /// <summary>Reads a text reader to its end (e.g. <see cref="Console.In"/>, which a host may redirect).</summary>
    public static Fp32Tensor ReadText(TextReader reader, string source) =>
        Text(Fp32Text.Parse(System.Text.Encoding.UTF8.GetBytes(reader.ReadToEnd()).AsMemory(), source));

    /// <summary>Text after a UTF-8 byte-order mark, if it starts with one (as editors on Windows write it).</summary>
    private static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> text) =>
        text.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? text[3..] : text;

    private static Fp32Tensor Text(uint[] values) => new(values, [values.Length], NpyDType.Float32);
}
