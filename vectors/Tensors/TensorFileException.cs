namespace MxRef.Vectors.Tensors;

/// <summary>
/// A malformed, truncated or unsupported tensor file (<c>.npy</c>, its sidecar, or a text value file): the message
/// names the file and what is wrong, and the CLI reports it with exit code 2.
/// </summary>
public sealed class TensorFileException(string file, string problem) : Exception($"{file}: {problem}")
{
    public string File { get; } = file;
    public string Problem { get; } = problem;
}
