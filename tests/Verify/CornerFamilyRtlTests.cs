using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// The boundary corner families against plausible single-line RTL bugs (broken copies of rtl/, K = 4 to build fast).
/// A bug marked "only" is one that 20,000 random vectors miss and every other corner family misses, so that family
/// alone stands between it and a passing regression. The other rows were built for a family but are also caught by an
/// older one (docs/verify.md lists which); they stay as regression tests that <c>--corners</c> alone catches them.
/// </summary>
[Collection("Verilator")]
public sealed class CornerFamilyRtlTests
{
    public static TheoryData<string, bool, string, string, string, int> Bugs => new()
    {
        // family, only this family catches it, file, original line (exact), broken line, K
        // E5M2 NaN decoded from the top mantissa bit only: 0x7D/0xFD (quiet bit clear) read as finite 1.25·2^16.
        // special-lanes (every NaN/Inf code in every lane) catches it too, so special-codes is no longer alone.
        { "special-codes", false, "mx_pkg.sv", "nan  = (e == 5'd31) && (m != 3'd0);", "nan  = (e == 5'd31) && m[1];", 4 },
        // Tininess after rounding decided without the sticky bits below the round bit (only the round bit counts).
        { "underflow", true, "mx_round.sv", "assign inc_n   = round_inc(rm, sign, mant_n[0], rb_n, st_n);", "assign inc_n   = round_inc(rm, sign, mant_n[0], rb_n, 1'b0);", 4 },
        // The sign of the exact sum read one bit too low: wrong only when |S| needs the accumulator's top bit.
        { "largest-sums", false, "mx_fuse.sv", "assign s_neg  = s_sum[SW-1];", "assign s_neg  = s_sum[SW-2];", 4 },
        // C taken as dominant two bits too early: S replaced by a sticky bit while it can still move C's rounding.
        { "dominant-c", false, "mx_fuse.sv", "assign mode_j = s_zero | (~c_zero & (d > K_SW));", "assign mode_j = s_zero | (~c_zero & (d > K_SW - 2));", 4 },
        // Under rdn, products that cancel exactly with C = +0 give +0 (IEEE 754 §6.3 asks −0); all-zero lanes still right.
        { "zero-sums", false, "mx_dot.sv", "((rm == mx_pkg::RM_RDN) & ~all_zero_pos)", "((rm == mx_pkg::RM_RDN) & ~all_zero_pos & ~(c_zero_pos & ~(&l_zero)))", 4 },
        // Lane 6 of 32 reads an E5M2 A with a zero mantissa field (a power of two, or Inf) as zero when B is E5M2 Inf/NaN:
        // mutant 88 of the N = 200 grading (mx_pkg.sv decode_elem's `e == 0` tied to 1 in that lane's copy), as source.
        // The families that move one slot through the block never put 1.0 x Inf in lane 6 at K = 32.
        { "special-lanes", true, "mx_dot.sv", ".a      (a[8*i +: 8]),",
          ".a      ((i == 6 && fmt_a_e == mx_pkg::FMT_E5M2 && fmt_b_e == mx_pkg::FMT_E5M2 && a[8*i +: 2] == 2'd0 && b[8*i+2 +: 5] == 5'd31) ? 8'h00 : a[8*i +: 8]),", 32 },
        // The sticky bit of the tininess check (rounding to 24 bits with an unbounded exponent) also takes the final
        // rounding's inexact: an exact 24-bit R = (2^24 - 1)·2^-150 looks inexact, rounds up to 2^-126 under rup/rdn and
        // loses UF (mutant 172 of the grading, the sticky OR seeing a bit that is not there).
        { "underflow-exact", true, "mx_round.sv", "assign st_n    = |mn[MW-26:0];", "assign st_n    = (|mn[MW-26:0]) | inexact;", 4 },
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void CornersCatchTheBug(string family, bool only, string file, string find, string replace, int k)
    {
        var rtl = VerifyFixture.Mutant("family-" + family, file, find, replace);
        string kParam = $"K={k}";

        var corners = VerifyFixture.Verify(rtl, "--param", kParam, "--corners", "--max-mismatches", "1");
        Assert.True(corners.Exit == 1, $"{family}: --corners misses the bug:\n{corners.Out}{corners.Err}");
        if (!only) return;

        var random = VerifyFixture.Verify(rtl, "--param", kParam, "--random", "--count", "20000", "--max-mismatches", "1");
        Assert.True(random.Exit == 0, $"{family}: 20,000 random vectors already catch this bug:\n{random.Out}{random.Err}");
        var rest = VerifyFixture.Verify(rtl, "--param", kParam, "--vectors", WithoutFamily(family, k), "--max-mismatches", "1");
        Assert.True(rest.Exit == 0, $"{family}: another corner family already catches this bug:\n{rest.Out}{rest.Err}");
    }

    // Generated once per K and test run (never reused from an older build: the sections must match this generator).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<string>> AllCorners = new();

    private static string CornerFile(int k) => AllCorners.GetOrAdd(k, _ => new Lazy<string>(() =>
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "families");
        Directory.CreateDirectory(dir);
        var all = Path.Combine(dir, $"corners-k{k}.mxv");
        var gen = VerifyFixture.Run("vectors", "gen", "--corners", "-k", k.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", all);
        Assert.True(gen.Exit == 0, gen.Err);
        return all;
    })).Value;

    /// <summary>The K-lane corner set of every family except <paramref name="family"/>, as an .mxv file.</summary>
    private static string WithoutFamily(string family, int k)
    {
        var all = CornerFile(k);
        var dir = Path.GetDirectoryName(all)!;
        var options = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 0) with { Random = false, Block = k };
        var section = new DotVectorGenerator(options).Sections.Single(s => s.Name == "corners/" + family);

        var path = Path.Combine(dir, $"corners-k{k}-without-{family}.mxv");
        using var reader = MxvReader.Open(all);
        using var writer = MxvWriter.Create(path, reader.Header);
        var v = new DotVector(k);
        for (long i = 0; reader.ReadNext(v); i++)
            if (i < section.Start || i >= section.End) writer.WriteDot(v);
        writer.Commit();
        return path;
    }
}
