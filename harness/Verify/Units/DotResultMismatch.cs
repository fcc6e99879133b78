using System.Text;
using MxRef.Formats;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>
/// The D/flags part of a dot-product mismatch, shared by the dot and dot-bdr units (both give one FP32 D and the five
/// flags): the block size, the vector, expected and actual D and flags, and the report text and JSON built from them.
/// A kind adds only what differs: how its inputs are shown (formats, scales, microexponents, codes) and the line its
/// golden model reads.
/// </summary>
public abstract class DotResultMismatch<TVector> : MismatchDetail where TVector : class
{
    public required int K { get; init; }
    public required TVector Vector { get; init; }
    public required uint ExpectedD { get; init; }
    public required byte ExpectedFlags { get; init; }
    public required uint ActualD { get; init; }
    public required byte ActualFlags { get; init; }

    /// <summary>The input fields as the golden model's command reads them.</summary>
    public abstract string ModelLine { get; }

    /// <summary>The vector's FP32 C.</summary>
    protected abstract uint C { get; }

    /// <summary>The formats and rounding mode, the start of <see cref="Brief"/> (<c>e4m3 x e5m2 rne</c>).</summary>
    protected abstract string Operands { get; }

    /// <summary>The element formats of A and B, the JSON record's <c>format_a</c> and <c>format_b</c>.</summary>
    protected abstract (string A, string B) FormatNames { get; }

    /// <summary>The format of D: FP32 unless the vector asked for BF16/FP16 through an output-format port.</summary>
    protected virtual NumberFormat Output => StandardFormats.Fp32;

    /// <summary>The report lines of the inputs (formats, scales, codes), before the C, expected, actual and differs lines.</summary>
    protected abstract void AppendInputs(StringBuilder sb);

    public override void AppendText(StringBuilder sb)
    {
        AppendInputs(sb);
        DotMismatch.AppendResults(sb, C, ExpectedD, ExpectedFlags, ActualD, ActualFlags, Output);
    }

    public override string Brief =>
        $"{Operands}, C 0x{C:x8}; expected {DotMismatch.Result(ExpectedD, Output)[2..]} {DotMismatch.FlagNames(ExpectedFlags)}, " +
        $"actual {DotMismatch.Result(ActualD, Output)[2..]} {DotMismatch.FlagNames(ActualFlags)}";

    public override void AddJson(JObject o)
    {
        o["inputs"] = ModelLine;
        var (a, b) = FormatNames;
        o["format_a"] = a;
        o["format_b"] = b;
        DotMismatch.AddResultJson(o, ExpectedD, ExpectedFlags, ActualD, ActualFlags, Diagnosis.Ulps, Output);
    }
}
