using System.Text;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Vectors;

public class MxvFileTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static DotGeneratorOptions Small(int k = 4) => new()
    {
        FormatsA = [StandardFormats.Elements[0], StandardFormats.Elements[5]], FormatsB = [StandardFormats.Elements[1], StandardFormats.Elements[4]], Modes = RoundingModes.Deterministic, Block = k, Seed = 11, Count = 300, Corners = true, Random = true,
    };

    [Fact]
    public void Crc32IsZlibs()
    {
        Assert.Equal(0xCBF43926u, Crc32.Update(0, "123456789"u8));
        Assert.Equal(Crc32.Update(0, "123456789"u8), Crc32.Update(Crc32.Update(0, "1234"u8), "56789"u8));
    }

    /// <summary>
    /// Every length from 0 to 600 bytes (the carry-less multiply path takes 64 and more, in 16-byte steps, the table the
    /// rest) against the definition bit by bit: reflected polynomial 0xEDB88320, state and result inverted.
    /// </summary>
    [Fact]
    public void Crc32MatchesTheBitwiseDefinitionAtEveryLength()
    {
        static uint Bitwise(uint crc, ReadOnlySpan<byte> data)
        {
            uint c = ~crc;
            foreach (byte b in data)
            {
                c ^= b;
                for (int i = 0; i < 8; i++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
            }
            return ~c;
        }
        var rng = new MxRef.Random.MxRandom(41);
        var data = new byte[600];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)rng.NextUInt64();
        for (int n = 0; n <= data.Length; n++)
        {
            uint start = n % 3 == 0 ? 0u : (uint)rng.NextUInt64();
            Assert.Equal(Bitwise(start, data.AsSpan(0, n)), Crc32.Update(start, data.AsSpan(0, n)));
        }
    }

    [Fact]
    public void WrittenVectorsReadBackIdentically()
    {
        var o = Small();
        var path = _files.Generate("rt.mxv", o);
        var gen = new DotVectorGenerator(o);
        var expected = new DotVector(o.Block);
        long i = 0;
        using var reader = MxvReader.Open(path);
        Assert.Equal(4, reader.Header.Block);
        Assert.Equal("fp32", reader.Header.Output);
        foreach (var (line, v) in reader.ReadAll())
        {
            gen.Generate(i++, expected);
            Assert.True(line > 1);
            Assert.Equal((expected.FormatA, expected.FormatB, expected.Rounding, expected.ScaleA, expected.ScaleB, expected.C, expected.D, expected.Flags),
                (v.FormatA, v.FormatB, v.Rounding, v.ScaleA, v.ScaleB, v.C, v.D, v.Flags));
            Assert.Equal(expected.A, v.A);
            Assert.Equal(expected.B, v.B);
        }
        Assert.Equal(gen.Total, i);
        Assert.Equal(gen.Total, reader.Count);
    }

    /// <summary>
    /// The reader checksums runs of plain lines in one call and takes any other line on its own: CRLF endings, comments
    /// and blank lines mixed in between plain lines must read the same vectors and pass the trailer (whose CRC-32 is over
    /// each data line without its '\r', plus '\n').
    /// </summary>
    [Fact]
    public void MixedLineEndingsAndCommentsReadTheSameVectors()
    {
        var path = _files.Generate("plain.mxv", Small());
        var lines = File.ReadAllText(path).Split('\n');
        var mixed = new StringBuilder();
        int data = 0;
        for (int i = 0; i < lines.Length - 1; i++)
        {
            string l = lines[i];
            bool isData = i > 0 && l.Length > 0 && !l.StartsWith("//");
            if (isData && data++ % 5 == 3) mixed.Append("// a comment between data lines\n\n");
            mixed.Append(l).Append(isData && data % 3 == 0 ? "\r\n" : "\n");
        }
        var mixedPath = _files.PathOf("mixed.mxv");
        File.WriteAllText(mixedPath, mixed.ToString());
        Assert.NotEqual(File.ReadAllBytes(path).Length, File.ReadAllBytes(mixedPath).Length);
        using var plain = MxvReader.Open(path);
        using var other = MxvReader.Open(mixedPath);
        var want = plain.ReadAll().Select(x => MxvLineText(x.Vector)).ToArray();
        var got = other.ReadAll().Select(x => MxvLineText(x.Vector)).ToArray();
        Assert.Equal(want, got);
        Assert.Equal(plain.Count, other.Count);

        static string MxvLineText(DotVector v) => DotLine.FormatInputs(v) + " " + DotLine.FormatResult(v.D, v.Flags, v.Output);
    }

    /// <summary>
    /// Block reads (as verify reads a dot file into its batches) give the vectors and line numbers that one-line reads
    /// give, for every share of the lines (stride, phase), at k = 32: all six element formats, so the 8- and 4-bit codes
    /// take the 16-codes-per-step hex path and the 6-bit ones the digit buffer.
    /// </summary>
    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(3, 2)]
    [InlineData(4, 5)]
    public void BlockReadsGiveWhatOneLineReadsGive(int stride, int phase)
    {
        var o = new DotGeneratorOptions
        {
            FormatsA = StandardFormats.Elements, FormatsB = StandardFormats.Elements, Modes = RoundingModes.Deterministic, Block = 32, Seed = 5, Count = 3000, Random = true,
        };
        var path = _files.Generate("blocks.mxv", o);
        using var one = MxvReader.Open(path);
        var want = one.ReadAll().Where((x, c) => (c - phase) % stride == 0).Select(x => (x.Line, Text(x.Vector))).ToList();
        using var block = MxvReader.Open(path);
        var vectors = Enumerable.Range(0, 97).Select(_ => new DotVector(32)).ToArray();
        var lines = new long[vectors.Length];
        var got = new List<(long, string)>();
        int n;
        while ((n = block.ReadBlock(vectors, lines, stride, phase)) > 0)
            for (int i = 0; i < n; i++) got.Add((lines[i], Text(vectors[i])));
        Assert.Equal(want, got);
        Assert.Equal(3000, block.Count);

        static string Text(DotVector v) => DotLine.FormatInputs(v) + " " + DotLine.FormatResult(v.D, v.Flags, v.Output);
    }

    /// <summary>A bad digit among 8-bit or 4-bit codes at k = 32 (the vector hex path) still names line and field.</summary>
    [Theory]
    [InlineData(0, "A")]
    [InlineData(4, "B")]
    public void BadDigitInAWideBlockNamesTheField(int format, string field)
    {
        int digits = 32 * StandardFormats.Elements[format].Bits / 4;
        string a = new('1', digits), b = new('2', digits);
        if (field == "A") a = a[..7] + "x" + a[8..];
        else b = b[..^1] + "G";
        var path = _files.PathOf("wide.mxv");
        File.WriteAllText(path, "// mxref-vectors 1 {\"op\":\"dot\",\"block\":32}\n" + $"{format} {format} 0 7f {a} 7f {b} 00000000 00000000 00\n// end 1 00000000\n");
        var e = Assert.Throws<MxvFormatException>(() => ReadEverything(path));
        Assert.Equal(2, e.Line);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void FileEndsWithTheTrailerOverTheDataLines()
    {
        var path = _files.Generate("trailer.mxv", Small());
        var lines = File.ReadAllText(path).Split('\n');
        Assert.Equal("", lines[^1]); // '\n' after the trailer
        var data = lines.Where(l => l.Length > 0 && !l.StartsWith("//")).ToArray();
        uint crc = Crc32.Update(0, Encoding.ASCII.GetBytes(string.Concat(data.Select(l => l + "\n"))));
        Assert.Equal($"// end {data.Length} {crc:x8}", lines[^2]);
        Assert.StartsWith("// mxref-vectors 1 {\"op\":\"dot\"", lines[0]);
        Assert.Contains("// class: corners/operands", lines);
    }

    [Fact]
    public void EveryTruncationIsDetected()
    {
        var path = _files.Generate("whole.mxv", Small(1));
        var bytes = File.ReadAllBytes(path);
        var cut = _files.PathOf("cut.mxv");
        // Every cut point in the last 160 bytes (the last lines and the trailer, cuts exactly after a line included)
        // and a spread of earlier ones.
        var points = Enumerable.Range(1, 160).Select(d => bytes.Length - d).Concat(Enumerable.Range(1, 30).Select(i => bytes.Length * i / 31));
        foreach (int n in points.Where(n => n > 0 && n < bytes.Length - 1))
        {
            File.WriteAllBytes(cut, bytes[..n]);
            var e = Assert.ThrowsAny<Exception>(() => ReadEverything(cut));
            Assert.True(e is MxvFormatException, $"cut at {n}: {e.GetType().Name}: {e.Message}");
        }
        Assert.Equal(new DotVectorGenerator(Small(1)).Total, ReadEverything(path)); // the whole file is fine
    }

    [Theory]
    [InlineData("digit")]
    [InlineData("drop-line")]
    [InlineData("duplicate-line")]
    [InlineData("count")]
    [InlineData("checksum")]
    [InlineData("after-trailer")]
    public void CorruptionIsDetectedAtTheTrailer(string how)
    {
        var path = _files.Generate("c.mxv", Small());
        var lines = File.ReadAllText(path).Split('\n').ToList();
        int data = lines.FindIndex(3, l => l.Length > 0 && !l.StartsWith("//"));
        switch (how)
        {
            case "digit": lines[data] = lines[data][..^4] + (lines[data][^4] == '0' ? '1' : '0') + lines[data][^3..]; break;
            case "drop-line": lines.RemoveAt(data); break;
            case "duplicate-line": lines.Insert(data, lines[data]); break;
            case "count": lines[^2] = lines[^2].Replace("// end ", "// end 1"); break;
            case "checksum": lines[^2] = lines[^2][..^8] + "00000000"; break;
            default: lines.Add("0 0 0 7f 00 7f 00 00000000 00000000 00"); break;
        }
        File.WriteAllText(path, string.Join('\n', lines));
        var e = Assert.Throws<MxvFormatException>(() => ReadEverything(path));
        Assert.Equal(path, e.File);
        Assert.StartsWith("trailer", e.Field);
    }

    [Theory]
    [InlineData("0 0 0 7f 00000000 7f 00000000 00000000 00000000", "FLAGS")]
    [InlineData("0 0 9 7f 00000000 7f 00000000 00000000 00000000 00", "RM")]
    [InlineData("0 7 0 7f 00000000 7f 00000000 00000000 00000000 00", "FB")]
    [InlineData("0 0 0 7f 0000000 7f 00000000 00000000 00000000 00", "A")]
    [InlineData("0 0 0 7f 00000000 7f 00000000 0000000g 00000000 00", "C")]
    [InlineData("0 0 0 7f 00000000 7f 00000000 00000000 00000000 00 extra", "end")]
    public void MalformedLinesNameLineAndField(string bad, string field)
    {
        var path = _files.PathOf("bad.mxv");
        File.WriteAllText(path, "// mxref-vectors 1 {\"op\":\"dot\",\"block\":4}\n// comment\n" + bad + "\n// end 1 00000000\n");
        var e = Assert.Throws<MxvFormatException>(() => ReadEverything(path));
        Assert.Equal(3, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(path + ":3:", e.Message);
    }

    [Theory]
    [InlineData("", "header")]
    [InlineData("0 0 0 7f 00 7f 00 00000000 00000000 00\n", "header")]
    [InlineData("// mxref-vectors 2 {\"op\":\"dot\",\"block\":1}\n", "header")]
    [InlineData("// mxref-vectors 1 {\"op\":\"dot\"\n", "header")]
    [InlineData("// mxref-vectors 1 {\"op\":\"dot\"}\n", "header.block")]
    [InlineData("// mxref-vectors 1 {\"op\":\"dot\",\"block\":1,\"output\":\"e4m3\"}\n", "header.output")]
    [InlineData("// mxref-vectors 1 {\"op\":\"mul\",\"block\":1}\n", "header.op")]
    public void BadHeadersAreRejected(string text, string field)
    {
        var path = _files.PathOf("h.mxv");
        File.WriteAllText(path, text);
        var e = Assert.Throws<MxvFormatException>(() => ReadEverything(path));
        Assert.Equal(1, e.Line);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void AFailedWriteLeavesNoFile()
    {
        var path = _files.PathOf("never.mxv");
        using (var w = MxvWriter.Create(path, new MxvHeader { Block = 1 }))
        {
            var v = new DotVector(1);
            w.WriteDot(v);
            // no Commit: as if the generator had thrown
        }
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_files.Directory));
    }

    [Fact]
    public void HeaderRoundTrips()
    {
        var h = new MxvHeader
        {
            Block = 8, Output = "bf16", Accumulation = "chunked:4", Seed = ulong.MaxValue, FormatsA = ["e4m3"], FormatsB = ["int8"],
            Rounding = ["rne", "rto"], Sets = ["corners"], Count = 5, Shard = "1/3", Generator = "g", Command = "mxref x",
        };
        var back = MxvHeader.Parse(h.ToLine(), "f");
        Assert.Equal(h.ToLine(), back.ToLine());
        Assert.Equal(StandardFormats.Bf16, back.OutputFormat);
    }

    private static long ReadEverything(string path)
    {
        using var r = MxvReader.Open(path);
        var v = new DotVector(r.Header.Block);
        long n = 0;
        while (r.ReadNext(v)) n++;
        return n;
    }
}

public class QuantizeLineTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void QuantizeVectorsRoundTrip()
    {
        var path = _files.PathOf("q.mxv");
        var q = new QuantizeVector(2) { Format = StandardFormats.E2M1, Rounding = MxRef.Rounding.RoundingMode.ToOdd, Scale = 0x7e };
        q.V[0] = 0x3f800000; q.V[1] = 0xc0c00000; q.P[0] = 0x2; q.P[1] = 0xf;
        using (var w = MxvWriter.Create(path, new MxvHeader { Op = MxvHeader.OpQuantize, Block = 2, Quantization = "ocp" }))
        {
            w.WriteQuantize(q);
            w.Commit();
        }
        Assert.Contains("4 5 c0c000003f800000 7e f2\n", File.ReadAllText(path));
        using var r = MxvReader.Open(path);
        Assert.Equal("ocp", r.Header.Quantization);
        var back = new QuantizeVector(2);
        Assert.True(r.ReadNext(back));
        Assert.Equal((q.Format, q.Rounding, q.Scale), (back.Format, back.Rounding, back.Scale));
        Assert.Equal(q.V, back.V);
        Assert.Equal(q.P, back.P);
        Assert.False(r.ReadNext(back));
    }

    [Fact]
    public void MalformedQuantizeLineNamesTheField()
    {
        var path = _files.PathOf("qb.mxv");
        File.WriteAllText(path, "// mxref-vectors 1 {\"op\":\"quantize\",\"block\":1}\n0 0 3f80000 7f 38\n// end 1 00000000\n");
        using var r = MxvReader.Open(path);
        var e = Assert.Throws<MxvFormatException>(() => r.ReadNext(new QuantizeVector(1)));
        Assert.Equal(("V", 2L), (e.Field, e.Line));
    }
}
