using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>Dot vector files of the NVFP4 block format: header, scale corners, expected results, coverage.</summary>
public class Nvfp4VectorTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static DotGeneratorOptions Nvfp4(long count = 3000) => new DotGeneratorOptions
    {
        FormatsA = StandardFormats.Elements, FormatsB = StandardFormats.Elements, Modes = RoundingModes.Deterministic, Seed = 5, Count = count,
        Corners = true, Random = true,
    }.ForBlockFormat(BlockFormat.NvFp4);

    [Fact]
    public void TheHeaderNamesTheBlockFormatAndTheReaderUsesItsScales()
    {
        var path = _files.Generate("nv.mxv", Nvfp4());
        using var reader = MxvReader.Open(path);
        Assert.Equal("nvfp4", reader.Header.BlockFormat);
        Assert.Equal(16, reader.Header.Block);
        Assert.Equal(StandardFormats.UE4M3, reader.Header.ScaleFormat);
        long n = 0;
        foreach (var (line, v) in reader.ReadAll())
        {
            Assert.Same(ScaleCodec.UE4M3, v.Scales);
            Assert.Equal(StandardFormats.E2M1, v.FormatA);
            var (bits, flags) = DotOracle.Fused(4, v.A, v.ScaleA, 4, v.B, v.ScaleB, v.C, (int)v.Rounding, OracleFormat.Fp32, "ue4m3");
            Assert.True(bits == v.D && flags == v.Flags, $"line {line}: {DotLine.FormatInputs(v)}: file {v.D:x8} {v.Flags:x2}, oracle {bits:x8} {flags:x2}");
            n++;
        }
        Assert.True(n > 3000);
    }

    [Fact]
    public void ScaleCornersCoverZeroSubnormalsUnityMaxAndNaN()
    {
        var gen = new DotVectorGenerator(Nvfp4(0) with { Random = false });
        var section = gen.Sections.Single(s => s.Name == "corners/scales");
        var seen = new HashSet<byte>();
        var v = new DotVector(16);
        for (long i = section.Start; i < section.End; i++)
        {
            gen.Generate(i, v);
            seen.Add(v.ScaleA);
            seen.Add(v.ScaleB);
        }
        // UE4M3 (NVIDIA NVFP4 docs): 0x00 zero, 0x01 and 0x07 subnormals, 0x38 = 1.0, 0x7E = 448, 0x7F NaN.
        Assert.Equal(new byte[] { 0x00, 0x01, 0x07, 0x38, 0x7E, 0x7F }, seen.Order().ToArray());
    }

    [Fact]
    public void EveryReachableClassIsHit()
    {
        var o = Nvfp4(3000);
        var report = GenerationRun.Write(new DotVectorGenerator(o), new DotVectorGenerator(o).Header(), _files.PathOf("cov.mxv"), 2, null);
        Assert.Empty(report.Missing);
    }

    [Fact]
    public void AFileWithoutABlockFormatHasE8M0Scales()
    {
        var h = MxvHeader.Parse("// mxref-vectors 1 {\"op\":\"dot\",\"block\":32}", "old.mxv");
        Assert.Null(h.BlockFormat);
        Assert.Equal(StandardFormats.E8M0, h.ScaleFormat);
    }

    [Fact]
    public void AnUnknownBlockFormatInTheHeaderIsNamed()
    {
        var e = Assert.Throws<MxvFormatException>(() => MxvHeader.Parse("// mxref-vectors 1 {\"op\":\"dot\",\"block\":16,\"block_format\":\"nvfp5\"}", "bad.mxv"));
        Assert.Contains("header.block_format", e.Message);
        Assert.Contains("nvfp4", e.Message);
    }

    [Fact]
    public void TheWriterRoundTripsTheBlockFormat()
    {
        var h = new MxvHeader { Block = 16, BlockFormat = "nvfp4", Scale = "ue4m3" };
        var back = MxvHeader.Parse(h.ToLine(), "x.mxv");
        Assert.Equal(("nvfp4", "ue4m3"), (back.BlockFormat, back.Scale));
    }
}
