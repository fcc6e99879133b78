using MxRef.Dot;
using MxRef.Formats;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The regression must catch a unit with any one documented implementation behaviour (docs/semantics.md,
/// "Implementation profiles"). For every single non-default knob value, the golden model under that knob alone and the
/// reference model must differ on at least one vector of the <c>--corners</c> set of the default <c>make verify</c>
/// run (K = 32, every format pair and mode, FP32 output): an RTL with that behaviour then fails the corners without
/// depending on random vectors.
/// </summary>
public class ProfileDetectionTests
{
    private static readonly string[] Knobs =
    [
        "tininess=before-rounding", "tininess=on-result",
        "zero-sign=positive", "zero-sign=c-passthrough", "zero-sign=positive+c-passthrough",
        // The distance a third-party unit documented (about 70 bits); the dominant-C corners run from 20 to 90 bits.
        "shortcut=threshold:70", "shortcut=threshold:24",
        "snan-elements=signal",
        "flush-inputs=on", "flush-c=on", "flush-result=on",
        "overflow=saturate",
        "nan-scale=as-number",
        "special-c=passthrough-when-dominant",
        "nan-result=propagate",
    ];

    public static TheoryData<string> SingleKnobs => new(Knobs);

    [Fact]
    public void EveryKnobValueIsListed()
    {
        // Each knob of ImplementationProfile.Knobs has at least one non-default value above.
        var listed = Knobs.Select(k => k.Split('=')[0]).ToHashSet();
        foreach (var (name, _) in ImplementationProfile.Knobs) Assert.Contains(name, listed);
    }

    [Theory]
    [MemberData(nameof(SingleKnobs))]
    public void CornersDetectTheKnob(string knob)
    {
        var profile = ImplementationProfile.TryParse(knob, out string? error) ?? throw new InvalidOperationException(error);
        Assert.False(profile.IsDefault);
        var options = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 0) with { Corners = true, Random = false, Block = 32 };
        var generator = new DotVectorGenerator(options);
        var v = new DotVector(32);
        for (long i = 0; i < generator.Total; i++)
        {
            generator.Generate(i, v);
            var r = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, profile);
            if (r.Bits != v.D || (byte)r.Flags != v.Flags) return;
        }
        Assert.Fail($"{knob}: all {generator.Total} corner vectors give the reference result; an RTL with this behaviour would pass --corners");
    }
}
