namespace MxRef.Harness.Verify;

/// <summary>Writes a file through a temporary name and a rename, so a reader never sees half a report.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}");
        File.WriteAllText(tmp, text);
        File.Move(tmp, full, overwrite: true);
    }
}
