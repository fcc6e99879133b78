using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;

namespace MxRef.Tests.Vectors;

/// <summary>Temporary .mxv files for tests, deleted on dispose.</summary>
public sealed class VectorTestFiles : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "mxref-vectors-tests-" + Guid.NewGuid().ToString("N"));

    public VectorTestFiles() => System.IO.Directory.CreateDirectory(Directory);

    public string PathOf(string name) => Path.Combine(Directory, name);

    public static MxvHeader HeaderFor(DotGeneratorOptions o) => new DotVectorGenerator(o).Header();

    /// <summary>Generates into a file named <paramref name="name"/>; returns its path.</summary>
    public string Generate(string name, DotGeneratorOptions o, int threads = 2)
    {
        var path = PathOf(name);
        GenerationRun.Write(new DotVectorGenerator(o), HeaderFor(o), path, threads);
        return path;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
