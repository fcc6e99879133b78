using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// Mismatches that need two knobs at once (docs/verify.md, "Mismatch classes and waivers"): one real unit has several
/// behaviours of docs/semantics.md together, and on some vectors they interact so that neither explains the result
/// alone. Element codes from OCP MX v1.0 Table 1 (e4m3 0x38 = 1.0, 0x81 = −2^−9, the smallest negative subnormal),
/// E8M0 0x7F = 2^0; FP32 encodings from IEEE 754 binary32.
/// </summary>
public class PairDiagnosisTests
{
    private static ImplementationProfile Profile(string text) => ImplementationProfile.TryParse(text, out string? e) ?? throw new ArgumentException(e);

    private static MismatchDiagnosis Diagnose(DotVector v, ImplementationProfile design, ImplementationProfile run, AccumulationModel model)
    {
        var expected = v.Evaluate(StandardFormats.Fp32, model, run);
        var actual = v.Evaluate(StandardFormats.Fp32, model, design);
        return new MismatchClassifier(StandardFormats.Fp32, model, run).Diagnose(v, expected.Bits, (byte)expected.Flags, actual.Bits, (byte)actual.Flags);
    }

    [Fact] // −2^−9 · 1 + (−0): reference −2^−9; flush-inputs gives −0 + −0 = −0 (IEEE 754 §6.3); a unit that also makes every zero +0 gives +0
    public void AFlushedSumWithAPositiveZeroNeedsBothKnobs()
    {
        var v = new DotVector(1) { FormatA = StandardFormats.E4M3, FormatB = StandardFormats.E4M3, ScaleA = 0x7F, ScaleB = 0x7F, C = 0x80000000, Rounding = RoundingMode.NearestEven };
        v.A[0] = 0x81;
        v.B[0] = 0x38;
        Assert.Equal(0xBB000000u, v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused).Bits);
        Assert.Equal(0x80000000u, v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, Profile("flush-inputs=on")).Bits);
        var d = Diagnose(v, Profile("flush-inputs=on,zero-sign=positive"), ImplementationProfile.Default, AccumulationModel.Fused);
        Assert.True(d.Explained, d.Summary);
        Assert.True(d.ExplainedByPair);
        Assert.Equal("zero-sign=positive + flush-inputs=on", d.Explanations[0]);
        Assert.StartsWith("zero-sign=positive + flush-inputs=on", d.Class);
        Assert.Contains("explained by zero-sign=positive + flush-inputs=on", d.Summary);
        Assert.Equal(["value", "sign"], d.Parts);
        Assert.Null(MismatchClassifier.ValidateClass(d.Class));
        // The explanation is a profile: under it the model gives the design's result.
        var p = MismatchClassifier.ProfileOf(d.Explanations[0], ImplementationProfile.Default, d.ShortcutDistance)!;
        Assert.Equal(0u, v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, p).Bits);
    }

    /// <summary>
    /// Two-knob units, and whether the K = 4 corners hold vectors that only the pair explains (for the others, every
    /// corner that differs is explained by one of the two knobs alone).
    /// </summary>
    public static TheoryData<string, bool> Units => new()
    {
        { "shortcut=threshold:30,flush-inputs=on", true },
        { "snan-elements=signal,nan-result=propagate", true },
        { "flush-c=on,zero-sign=c-passthrough", true },
        { "flush-inputs=on,zero-sign=positive", false },
        { "tininess=on-result,flush-result=on", false },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public void EveryMismatchOfATwoKnobUnitIsExplained(string unit, bool pairsNeeded)
    {
        var design = Profile(unit);
        var generator = new DotVectorGenerator(DotGeneratorOptions.AllFormatsAndModes(seed: 3, count: 0) with { Corners = true, Random = false, Block = 4 });
        var classifier = new MismatchClassifier(StandardFormats.Fp32, AccumulationModel.Fused, ImplementationProfile.Default);
        string pair = string.Join(MismatchClassifier.PairJoiner, unit.Split(',')
            .Select(s => s.StartsWith("shortcut=", StringComparison.Ordinal) ? MismatchClassifier.ShortcutSetting : s)
            .OrderBy(s => MismatchClassifier.Settings.ToList().FindIndex(x => $"{x.Knob}={x.Value}" == s)));
        var v = new DotVector(4);
        int mismatches = 0, byPair = 0;
        for (long i = 0; i < generator.Total; i += 5)
        {
            generator.Generate(i, v);
            var actual = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, design);
            if (actual.Bits == v.D && (byte)actual.Flags == v.Flags) continue;
            mismatches++;
            var d = classifier.Diagnose(v, v.D, v.Flags, actual.Bits, (byte)actual.Flags);
            Assert.True(d.Explained, $"vector {i}: {d.Summary}");
            if (!d.ExplainedByPair) continue;
            byPair++;
            Assert.Contains(pair, d.Explanations);
        }
        Assert.True(mismatches > 0, $"{unit}: no corner differs");
        if (pairsNeeded) Assert.True(byPair > 0, $"{unit}: {mismatches} mismatches, every one explained by a single knob");
    }

    [Fact]
    public void PairClassesAreValidWaiverClasses()
    {
        Assert.Null(MismatchClassifier.ValidateClass("tininess=on-result + zero-sign=positive"));
        Assert.Null(MismatchClassifier.ValidateClass("shortcut=threshold + flush-inputs=on|zero-sign=positive+c-passthrough + flush-inputs=on"));
        Assert.Contains("two different knobs", MismatchClassifier.ValidateClass("tininess=on-result + tininess=before-rounding"));
        Assert.Contains("unknown mismatch class 'zero-sign=up'", MismatchClassifier.ValidateClass("tininess=on-result + zero-sign=up"));
        var set = new WaiverSet();
        set.Add("zero-sign=positive + flush-inputs=on: our flush keeps no sign", "--waive", 0);
        Assert.NotNull(set.For("zero-sign=positive + flush-inputs=on", ["zero-sign=positive + flush-inputs=on"]));
        Assert.Null(set.For("zero-sign=positive", ["zero-sign=positive"])); // one behaviour of the pair is not waived
    }

    /// <summary>
    /// The pair search opens the second knob only where the relevance rules allow it on the first knob's result; every
    /// second knob it skips must leave that result as it is.
    /// </summary>
    [Fact]
    public void ASkippedSecondKnobNeverChangesTheFirstKnobsResult()
    {
        var gen = new DotVectorGenerator(DotGeneratorOptions.AllFormatsAndModes(7, 2000) with { Block = 4 });
        var classifier = new MismatchClassifier(StandardFormats.Fp32, AccumulationModel.Fused, ImplementationProfile.Default);
        var settings = MismatchClassifier.Settings.Where(s => s.Value != "threshold" && !ImplementationProfile.Default.With(s.Knob, s.Value, out _)!.IsDefault).ToArray();
        var v = new DotVector(4);
        long skipped = 0;
        for (long i = 0; i < gen.Total; i += 29)
        {
            gen.GenerateInputs(i, v);
            foreach (var (knobA, valueA) in settings)
            {
                var a = ImplementationProfile.Default.With(knobA, valueA, out _)!;
                var ra = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, a);
                var relevant = classifier.Relevance(v, ra.Bits, (byte)ra.Flags);
                foreach (var (knobB, valueB) in settings)
                {
                    if (knobB == knobA || relevant(knobB)) continue;
                    skipped++;
                    var r = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, a.With(knobB, valueB, out _)!);
                    Assert.True(r == ra, $"vector {i}: {knobB}={valueB} on top of {knobA}={valueA} gives {r.Bits:x8} {r.Flags} instead of {ra.Bits:x8} {ra.Flags}");
                }
            }
        }
        Assert.True(skipped > 3_000, $"only {skipped} skipped evaluations");
    }
}
