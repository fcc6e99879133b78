namespace MxRef.Vectors.Tensors;

/// <summary>Writes a file through a temporary name beside it and a rename, so no reader ever sees half a file.</summary>
public static class AtomicWrite
{
    /// <summary>Writes <paramref name="bytes"/> with one positioned write (no stream buffer between them and the file).</summary>
    public static void Bytes(string path, ReadOnlySpan<byte> bytes)
    {
        var (full, tmp) = Names(path);
        try
        {
            using (var handle = File.OpenHandle(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
                RandomAccess.Write(handle, bytes, 0);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    private static (string Full, string Temporary) Names(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        return (full, Path.Combine(dir, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}"));
    }

    public static void Bytes(string path, Action<Stream> write)
    {
        var (full, tmp) = Names(path);
        try
        {
            using (var s = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                write(s);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }
}
