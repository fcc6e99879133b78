using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The mismatch classifier on the five behaviours of a real FP8 dot unit (docs/semantics.md, "Implementation
/// profiles"): for each, a constructed vector where the model under the knob and the default model differ; handed the
/// knob's result as the design's, the diagnosis must name that knob. Element codes from OCP MX v1.0 Table 1 (e4m3 0x38
/// = 1.0, 0xB8 = −1.0, 0x3C = 1.5; e5m2 0x3C = 1.0, 0x7D = a NaN with the top mantissa bit clear), E8M0 0x7F = 2^0
/// (code − 127); FP32 encodings from IEEE 754 binary32.
/// </summary>
public class MismatchDiagnosisTests
{
    private static DotVector Vector(NumberFormat f, byte[] a, byte sa, byte[] b, byte sb, uint c, RoundingMode mode)
    {
        var v = new DotVector(a.Length) { FormatA = f, FormatB = f, ScaleA = sa, ScaleB = sb, C = c, Rounding = mode };
        a.CopyTo(v.A, 0);
        b.CopyTo(v.B, 0);
        return v;
    }

    private static ImplementationProfile Profile(string text) => ImplementationProfile.TryParse(text, out string? e) ?? throw new ArgumentException(e);

    /// <summary>The design behaves like the model under <paramref name="knob"/>; the diagnosis of the default run must name it first.</summary>
    private static MismatchDiagnosis Diagnose(DotVector v, string knob, string expectedFirst)
    {
        var expected = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, ImplementationProfile.Default);
        var actual = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, Profile(knob));
        Assert.False(expected == actual, $"{knob} does not change this vector's result ({expected.Bits:x8} {expected.Flags})");
        var d = new MismatchClassifier(StandardFormats.Fp32, AccumulationModel.Fused, ImplementationProfile.Default)
            .Diagnose(v, expected.Bits, (byte)expected.Flags, actual.Bits, (byte)actual.Flags);
        Assert.True(d.Explained, d.Summary);
        Assert.Equal(expectedFirst, d.Explanations[0]);
        Assert.StartsWith(expectedFirst, d.Class);
        return d;
    }

    [Fact] // 1: C = 1.0 and S = −1.0·2^(0x57+0x57−254) = −2^−80, 80 bits below C: rtz gives 0x3F7FFFFF, the shortcut 0x3F800000
    public void AccumulatorShortcutIsExplainedByShortcut()
    {
        var d = Diagnose(Vector(StandardFormats.E4M3, [0x38], 0x57, [0xB8], 0x57, 0x3F800000, RoundingMode.TowardZero), "shortcut=threshold:70", "shortcut=threshold");
        Assert.Equal(80, d.ShortcutDistance);
        Assert.Equal(["value"], d.Parts);
        Assert.Equal(1, d.Ulps); // the shortcut's C lies one ulp above 1 − 2^−80 rounded toward zero
        Assert.Contains("threshold:N with N < 80", d.Summary);
    }

    [Fact] // 2: products 1 − 1 = 0 exactly, C = −0, rne: IEEE +0, the unit returns C = −0
    public void ZeroSumReturningCIsExplainedByCPassthrough()
    {
        var d = Diagnose(Vector(StandardFormats.E4M3, [0x38, 0x38], 0x7F, [0x38, 0xB8], 0x7F, 0x80000000, RoundingMode.NearestEven), "zero-sign=c-passthrough", "zero-sign=c-passthrough");
        Assert.Equal(["sign"], d.Parts);
        Assert.Equal(0, d.Ulps);
        Assert.DoesNotContain("zero-sign=positive", d.Explanations);
    }

    [Fact] // 3: S = 1.0 cancels C = −1.0 under rdn: IEEE −0, the unit +0
    public void PositiveExactZeroIsExplainedByPositive()
    {
        var d = Diagnose(Vector(StandardFormats.E4M3, [0x38], 0x7F, [0x38], 0x7F, 0xBF800000, RoundingMode.Down), "zero-sign=positive", "zero-sign=positive");
        Assert.Equal(["sign"], d.Parts);
        Assert.DoesNotContain("zero-sign=c-passthrough", d.Explanations); // S ≠ 0: no passthrough
    }

    [Fact] // 4: e5m2 0x7D (quiet bit clear) times 1.0: NaN either way, NV only when it signals
    public void SignallingE5M2NaNIsExplainedBySnanElements()
    {
        var d = Diagnose(Vector(StandardFormats.E5M2, [0x7D], 0x7F, [0x3C], 0x7F, 0x00000000, RoundingMode.NearestEven), "snan-elements=signal", "snan-elements=signal");
        Assert.Equal(["NV-extra"], d.Parts);
        Assert.Null(d.Ulps);
        Assert.Equal("snan-elements=signal", d.Class);
    }

    [Fact] // 5: C = 2^−126 and S = −1.5·2^(0x33+0x34−254) = −0.75·2^−150: rounds up to 2^−126; after-rounding says tiny (UF), on-result not
    public void TininessOnTheResultIsExplainedByOnResult()
    {
        var d = Diagnose(Vector(StandardFormats.E4M3, [0x3C], 0x33, [0xB8], 0x34, 0x00800000, RoundingMode.NearestEven), "tininess=on-result", "tininess=on-result");
        Assert.Equal(["UF-missing"], d.Parts);
        Assert.Equal(0, d.Ulps);
        Assert.Equal(["tininess=on-result"], d.Explanations);
        Assert.Contains("result:", string.Join(' ', d.Coverage));
    }

    [Fact] // All five together (the one unit of the issue): under the combined profile every vector above matches
    public void TheFiveKnobsCombineAndARunUnderThemIsClean()
    {
        var unit = Profile("tininess=on-result,zero-sign=positive+c-passthrough,shortcut=threshold:70,snan-elements=signal");
        var classifier = new MismatchClassifier(StandardFormats.Fp32, AccumulationModel.Fused, unit);
        var v = Vector(StandardFormats.E4M3, [0x3C], 0x33, [0xB8], 0x34, 0x00800000, RoundingMode.NearestEven);
        var r = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, unit);
        Assert.Equal(0x00800000u, r.Bits);
        Assert.Equal(ExceptionFlags.Inexact, r.Flags);
        // A design that keeps IEEE tininess differs from this profile, and going back to after-rounding explains it.
        var ieee = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, unit with { Tininess = Tininess.AfterRounding });
        var d = classifier.Diagnose(v, r.Bits, (byte)r.Flags, ieee.Bits, (byte)ieee.Flags);
        Assert.Equal("tininess=after-rounding|tininess=before-rounding", d.Class);
        Assert.Equal(["UF-extra"], d.Parts);
    }

    [Fact]
    public void AResultNoKnobExplainsIsClassedByItsParts()
    {
        var v = Vector(StandardFormats.E4M3, [0x38], 0x7F, [0x38], 0x7F, 0x3F800000, RoundingMode.NearestEven); // 1 + 1 = 2 exactly
        var d = new MismatchClassifier(StandardFormats.Fp32, AccumulationModel.Fused, ImplementationProfile.Default)
            .Diagnose(v, 0x40000000, 0, 0x3FFFFFFF, 0x01);
        Assert.False(d.Explained);
        Assert.Equal("unexplained/value+NX-extra", d.Class);
        Assert.Equal(-1, d.Ulps);
        Assert.Contains("actual 1 ulp below expected", d.Summary);
    }

    [Fact]
    public void UlpsCountAcrossZeroAndIntoInfinity()
    {
        Assert.Equal(2, MismatchClassifier.Ulps(StandardFormats.Fp32, 0x80000001, 0x00000001)); // −min sub → +min sub
        Assert.Equal(0, MismatchClassifier.Ulps(StandardFormats.Fp32, 0x80000000, 0x00000000));
        Assert.Equal(1, MismatchClassifier.Ulps(StandardFormats.Fp32, 0x7F7FFFFF, 0x7F800000)); // max finite → +Inf
        Assert.Null(MismatchClassifier.Ulps(StandardFormats.Fp32, 0x7FC00000, 0x00000000));
        Assert.Equal(-3, MismatchClassifier.Ulps(StandardFormats.Bf16, 0x3F80, 0x3F7D));
    }

    [Fact]
    public void ATableCountsEveryMismatchAndKeepsTheEarliestExamples()
    {
        var table = new MismatchTable<long>(2);
        var d = new MismatchDiagnosis { Class = "x", Parts = ["value"], Ulps = 3, Explanations = [], Coverage = [] };
        foreach (long order in new long[] { 9, 4, 7, 1, 8 }) table.Add(d with { Ulps = order - 5 }, order, () => order);
        var row = Assert.Single(table.Rows);
        Assert.Equal(5, row.Count);
        Assert.Equal([1L, 4L], row.Examples);
        Assert.Equal(-4, row.UlpsMin);
        Assert.Equal(4, row.UlpsMax);
    }

    [Fact]
    public void AWaiverOfOneKnobCoversTheClassesItExplains()
    {
        var set = new WaiverSet();
        set.Add("zero-sign=c-passthrough: C passes through by design", "--waive", 0);
        set.Add("unexplained/NX-missing+UF-missing", "--waive", 0);
        Assert.Equal("C passes through by design", set.For("zero-sign=c-passthrough|zero-sign=positive+c-passthrough", ["zero-sign=c-passthrough", "zero-sign=positive+c-passthrough"])?.Reason);
        Assert.Null(set.For("zero-sign=positive", ["zero-sign=positive"]));
        Assert.NotNull(set.For("unexplained/NX-missing+UF-missing", []));
        Assert.Null(set.For("unexplained/NX-missing", []));
    }

    [Fact]
    public void ABadWaiverFileNamesTheFileAndLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"waivers-{Environment.ProcessId}.txt");
        File.WriteAllText(path, "# accepted behaviours\ntininess=on-result: RISC-V FPU heritage\n\nzero-sign=sideways: typo\n");
        try
        {
            var e = Assert.Throws<MxvFormatException>(() => new WaiverSet().AddFile(path));
            Assert.Equal(4, e.Line);
            Assert.Contains(path, e.Message);
            Assert.Contains("unknown mismatch class 'zero-sign=sideways'", e.Message);
            Assert.Contains("tininess=on-result", e.Message); // lists the valid classes
        }
        finally { File.Delete(path); }
        Assert.Contains("unknown part 'value2'", MismatchClassifier.ValidateClass("unexplained/value2"));
        Assert.Null(MismatchClassifier.ValidateClass("shortcut=threshold"));
    }
}

/// <summary>
/// The classifier re-runs the model only under knobs that can change a vector's result; every knob it skips must
/// indeed leave the result as it is (corner and random vectors over every format pair and mode, fused and chunked).
/// </summary>
public class DiagnosisRelevanceTests
{
    [Theory]
    [InlineData("fused", "default")]
    [InlineData("fused", "tininess=on-result,zero-sign=positive+c-passthrough,shortcut=threshold:70,snan-elements=signal")]
    [InlineData("fused", "flush-inputs=on,flush-c=on,flush-result=on,overflow=saturate,nan-scale=as-number,special-c=passthrough-when-dominant,nan-result=propagate")]
    [InlineData("chunked:2", "default")]
    public void ASkippedKnobNeverChangesTheResult(string acc, string profileText)
    {
        var model = AccumulationModel.TryParse(acc)!.Value;
        var profile = ImplementationProfile.TryParse(profileText, out _)!;
        var gen = new MxRef.Vectors.Generation.DotVectorGenerator(MxRef.Vectors.Generation.DotGeneratorOptions.AllFormatsAndModes(7, 4000) with { Block = 4 });
        var classifier = new MismatchClassifier(StandardFormats.Fp32, model, profile);
        var v = new DotVector(4);
        long skipped = 0;
        for (long i = 0; i < gen.Total; i += 11)
        {
            gen.GenerateInputs(i, v);
            var expected = v.Evaluate(StandardFormats.Fp32, model, profile);
            var relevant = classifier.Relevance(v, expected.Bits, (byte)expected.Flags);
            foreach (var (knob, value) in MismatchClassifier.Settings)
            {
                if (value == "threshold" || relevant(knob)) continue;
                var candidate = profile.With(knob, value, out _)!;
                skipped++;
                var r = v.Evaluate(StandardFormats.Fp32, model, candidate);
                Assert.True(r == expected, $"vector {i}: {knob}={value} was skipped but gives {r.Bits:x8} {r.Flags} instead of {expected.Bits:x8} {expected.Flags}");
            }
        }
        Assert.True(skipped > 3_000, $"only {skipped} skipped evaluations");
    }
}
