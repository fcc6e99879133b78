using MxRef.Tests.Cosim;
using MxRef.Vectors.Tensors;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// .npy files round-trip through NumPy itself (np.load / np.save) when a python3 with NumPy is installed; without one
/// the test returns at once (the hand-built byte tests in <see cref="NpyTests"/> still run).
/// </summary>
public sealed class NpyNumpyTests
{
    [Fact]
    public void NumpyReadsWhatWeWriteAndWeReadWhatNumpyWrites()
    {
        if (NumpyPython.Find() is not { } python) return;
        string dir = Directory.CreateTempSubdirectory("npy-numpy").FullName;
        try
        {
            uint[] bits = [0x3F800000, 0x80000000, 0x7F800000, 0x00000001, 0xC2F70000, 0x7F7FFFFF];
            Npy.WriteFp32(Path.Combine(dir, "ours.npy"), bits, [2, 3]);
            Npy.WriteUInt8(Path.Combine(dir, "codes.npy"), new byte[] { 0, 127, 255, 7 }, [2, 2]);
            string script = """
                import numpy as np, sys
                d = sys.argv[1]
                a = np.load(d + "/ours.npy")
                assert a.dtype == np.float32 and a.shape == (2, 3), (a.dtype, a.shape)
                print(" ".join("%08x" % v for v in a.view(np.uint32).ravel()))
                c = np.load(d + "/codes.npy")
                assert c.dtype == np.uint8 and c.shape == (2, 2) and c.ravel().tolist() == [0, 127, 255, 7]
                np.save(d + "/theirs.npy", np.arange(-6, 6, dtype=np.float32).reshape(3, 4) / 4)
                np.save(d + "/bf16.npy", (np.array([1.0, -1.5, 3.0], dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16))
                np.save(d + "/fortran.npy", np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
                """;
            var r = ProcessRun.Run(dir, python, ["-c", script, dir]);
            Assert.True(r.ExitCode == 0, r.Describe("numpy"));
            Assert.Equal(string.Join(' ', bits.Select(b => b.ToString("x8"))), r.Output.Trim());
            var theirs = Npy.ReadFp32(Path.Combine(dir, "theirs.npy"));
            Assert.Equal([3L, 4L], theirs.Shape);
            Assert.Equal(Enumerable.Range(-6, 12).Select(i => BitConverter.SingleToUInt32Bits(i / 4f)), theirs.Bits);
            Assert.Equal([0x3F800000u, 0xBFC00000, 0x40400000], Npy.ReadFp32(Path.Combine(dir, "bf16.npy")).Bits);
            Assert.Contains("Fortran-order", Assert.Throws<TensorFileException>(() => Npy.ReadFp32(Path.Combine(dir, "fortran.npy"))).Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
