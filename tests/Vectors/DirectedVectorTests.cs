using MxRef.Harness;
using MxRef.Vectors.Files;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// <c>vectors make</c> (directed vectors), <c>--pairs</c> and <c>--profile</c> in <c>vectors gen</c>, and <c>vectors
/// check</c> under the header's profile with its differences classified. Codes from OCP MX v1.0 Table 1 (e4m3 0x38 =
/// 1.0, 0x40 = 2.0, 0x3C = 1.5, 0xB8 = −1.0), E8M0 0x7F = 2^0; FP32 encodings from IEEE 754 binary32.
/// </summary>
public class DirectedVectorTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private string Input(string name, string text)
    {
        var path = _files.PathOf(name);
        File.WriteAllText(path, text);
        return path;
    }

    // C = 2^−126 and S = −1.5·2^(0x33+0x34−254) = −0.75·2^−150: 2^−126 with NX|UF (after-rounding) or NX alone (on-result).
    private const string TinyLine = "0 0 0 33 3c 34 b8 00800000";

    [Fact]
    public void MakeComputesExpectedOutputsAndWritesACompleteFile()
    {
        var input = Input("in.txt", "# directed: the tininess corner\n\n0 0 0 7f 38 7f 40 3f800000  # 1*2 + 1 = 3\n" + TinyLine + "\n");
        var path = _files.PathOf("d.mxv");
        var (code, output, err) = Run("vectors", "make", input, "-k", "1", "-o", path);
        Assert.True(code == 0, err);
        Assert.Contains("wrote 2 dot vectors", output);
        var lines = File.ReadAllLines(path);
        Assert.StartsWith(MxvHeader.Magic, lines[0]);
        Assert.Contains("\"sets\":[\"directed\"]", lines[0]);
        Assert.Equal("// directed: the tininess corner", lines[1]);
        Assert.Equal("0 0 0 7f 38 7f 40 3f800000 40400000 00", lines[2]);
        Assert.Equal(TinyLine + " 00800000 03", lines[3]);
        Assert.StartsWith("// end 2 ", lines[4]);
        Assert.Contains("2 vectors, 0 differ", Run("vectors", "check", path).Out);
    }

    [Fact]
    public void MakeUnderAProfileRecordsItAndCheckUsesIt()
    {
        var input = Input("in.txt", TinyLine + "\n");
        var path = _files.PathOf("p.mxv");
        Assert.Equal(0, Run("vectors", "make", input, "-k", "1", "--profile", "tininess=on-result", "-o", path).Code);
        var lines = File.ReadAllLines(path);
        Assert.Contains("\"profile\":\"tininess=on-result\"", lines[0]);
        Assert.Equal(TinyLine + " 00800000 01", lines[1]);
        Assert.Contains("0 differ", Run("vectors", "check", path).Out);

        // The same line under the default header: check differs, and classifies the difference by the knob.
        var plain = _files.PathOf("plain.mxv");
        File.WriteAllText(plain, lines[0].Replace(",\"profile\":\"tininess=on-result\"", "") + "\n" + lines[1] + "\n" +
                                 MxvWriter.Trailer(1, Crc32.Update(0, System.Text.Encoding.ASCII.GetBytes(lines[1] + "\n"))) + "\n");
        var check = Run("vectors", "check", plain);
        Assert.Equal(1, check.Code);
        Assert.Contains("differs UF-missing; same value; explained by tininess=on-result", check.Out);
        Assert.Contains("1 tininess=on-result", check.Out);
    }

    [Fact]
    public void MakeQuantizeVectors()
    {
        // FMT 0 (e4m3), RM 0 (rne), V = [1.0, 2.0]: scale 2^1... whatever the golden quantizer says; check must agree.
        var input = Input("q.txt", "0 0 4000000040000000\n0 1 3f8000003fc00000 // 1.5, 1.0\n");
        var path = _files.PathOf("q.mxv");
        var (code, output, err) = Run("vectors", "make", input, "--op", "quantize", "-k", "2", "-o", path);
        Assert.True(code == 0, err);
        Assert.Contains("wrote 2 quantize vectors", output);
        Assert.Contains("\"op\":\"quantize\"", File.ReadAllLines(path)[0]);
        Assert.Contains("2 vectors, 0 differ", Run("vectors", "check", path).Out);
    }

    [Fact]
    public void ABadInputLineNamesTheLineAndWritesNothing()
    {
        var input = Input("bad.txt", "0 0 0 7f 38 7f 40 3f800000\n0 9 0 7f 38 7f 40 3f800000\n");
        var path = _files.PathOf("bad.mxv");
        var (code, _, err) = Run("vectors", "make", input, "-k", "1", "-o", path);
        Assert.Equal(2, code);
        Assert.Contains($"{input}:2: FB:", err);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void PairsGenerateOnlyTheGivenPairs()
    {
        var path = _files.PathOf("pairs.mxv");
        var (code, output, err) = Run("vectors", "gen", "--pairs", "e4m3:e4m3,e5m2:e5m2", "-k", "2", "--count", "300", "-o", path);
        Assert.True(code == 0, err);
        Assert.Contains("never hit: none", output); // expected classes are those of the two pairs
        var lines = File.ReadAllLines(path);
        Assert.Contains("\"pairs\":[\"e4m3:e4m3\",\"e5m2:e5m2\"]", lines[0]);
        var data = lines.Where(l => !l.StartsWith("//")).ToArray();
        Assert.All(data, l => Assert.True(l[0] == l[2] && l[0] is '0' or '1', l));
        Assert.Contains(data, l => l[0] == '1');
        Assert.Contains("0 differ", Run("vectors", "check", path).Out);
        Assert.Equal(2, Run("vectors", "gen", "--pairs", "e4m3:e4m3", "--a", "e4m3", "-o", path).Code);
        Assert.Contains("'e9m9' is not an MX element format for --pairs", Run("vectors", "gen", "--pairs", "e4m3:e9m9", "-o", path).Err);
    }

    [Fact]
    public void GenUnderAProfileRecordsItAndChecksClean()
    {
        var path = _files.PathOf("gp.mxv");
        var (code, _, err) = Run("vectors", "gen", "--a", "e4m3", "--b", "e4m3", "-k", "2", "--count", "2000",
            "--profile", "zero-sign=positive,tininess=on-result", "-o", path);
        Assert.True(code == 0, err);
        Assert.Contains("\"profile\":\"tininess=on-result,zero-sign=positive\"", File.ReadLines(path).First());
        Assert.Contains("0 differ", Run("vectors", "check", path).Out);
        Assert.Equal(2, Run("vectors", "gen", "--acc", "fp32-sum", "--profile", "zero-sign=positive", "-o", path).Code);
    }
}

/// <summary>verify takes the profile of its vector files' headers, and refuses files of different profiles.</summary>
public class VerifyProfileTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void FilesGiveTheirProfileAndMustAgree()
    {
        string Make(string name, string profile)
        {
            var input = _files.PathOf(name + ".txt");
            File.WriteAllText(input, "0 0 0 7f 38 7f 40 3f800000\n");
            var path = _files.PathOf(name + ".mxv");
            var o = new StringWriter();
            var e = new StringWriter();
            Assert.True(Cli.Run(["vectors", "make", input, "-k", "1", "--profile", profile, "-o", path], o, e) == 0, e.ToString());
            return path;
        }
        string a = Make("a", "zero-sign=positive"), b = Make("b", "zero-sign=positive"), c = Make("c", "default");
        var headers = new[] { a, b, c }.Select(MxvReader.ReadHeader).ToArray();
        var p = MxRef.Harness.Verify.MxvSource.CheckProfile([a, b], headers[..2], null);
        Assert.Equal("zero-sign=positive", p.ToString());
        var e1 = Assert.Throws<UsageException>(() => MxRef.Harness.Verify.MxvSource.CheckProfile([a, c], [headers[0], headers[2]], null));
        Assert.Contains($"{c}:1: profile: the file was made under profile 'default'", e1.Message);
        var e2 = Assert.Throws<UsageException>(() => MxRef.Harness.Verify.MxvSource.CheckProfile([a], [headers[0]], MxRef.Dot.ImplementationProfile.Default));
        Assert.Contains("pass --profile zero-sign=positive", e2.Message);
    }
}
