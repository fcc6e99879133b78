using System.Text;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;
using MxRef.Vectors.Diagnosis;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>One result that differs from the golden model, with everything needed to debug it.</summary>
public sealed class Mismatch
{
    public required int Number { get; init; }
    public required string Source { get; init; }
    public required string? File { get; init; }
    public required long Origin { get; init; }
    public required DotVector Vector { get; init; }
    public required uint ExpectedD { get; init; }
    public required byte ExpectedFlags { get; init; }
    public required uint ActualD { get; init; }
    public required byte ActualFlags { get; init; }
    /// <summary>The binary records of the vectors around it (for the trace re-run) and its position among them.</summary>
    public required byte[] Neighbourhood { get; init; }
    public required int NeighbourIndex { get; init; }
    /// <summary>Which parts differ, by how much, and which single knob explains it.</summary>
    public required MismatchDiagnosis Diagnosis { get; init; }
    public string ReproCommand { get; set; } = "";
    /// <summary>The golden model's options for the <c>model</c> line (block, accumulation, profile).</summary>
    public string ModelOptions { get; set; } = "";
    /// <summary>The model command under the first explaining knob (it prints the design's result), or null.</summary>
    public string? ExplainedModel { get; set; }
    public string? TraceFile { get; set; }
    public string? TraceNote { get; set; }

    public string ModelLine => DotLine.FormatInputs(Vector);

    public static string Value(uint fp32) => Codec.Show(StandardFormats.Fp32, fp32);

    public static string FlagNames(byte flags) =>
        flags == 0 ? "none" : string.Join('|', new[] { (1, "NX"), (2, "UF"), (4, "OF"), (8, "bit3"), (16, "NV") }.Where(f => (flags & f.Item1) != 0).Select(f => f.Item2));

    public string ToText(int k)
    {
        var v = Vector;
        var fa = v.FormatA;
        var fb = v.FormatB;
        var sb = new StringBuilder();
        sb.Append($"MISMATCH {Number}: {Source}\n");
        sb.Append($"  formats   A {fa.Name}, B {fb.Name}; rounding {v.Rounding.ShortName()}\n");
        sb.Append($"  scales    A 0x{v.ScaleA:x2} ({v.Scales.Show(v.ScaleA)}), B 0x{v.ScaleB:x2} ({v.Scales.Show(v.ScaleB)}); {v.Scales.Format.Name}\n");
        Elements(sb, "A", fa, v.A);
        Elements(sb, "B", fb, v.B);
        sb.Append($"  C         0x{v.C:x8} ({Value(v.C)})\n");
        sb.Append($"  expected  D 0x{ExpectedD:x8} ({Value(ExpectedD)})  flags 0x{ExpectedFlags:x2} ({FlagNames(ExpectedFlags)})\n");
        sb.Append($"  actual    D 0x{ActualD:x8} ({Value(ActualD)})  flags 0x{ActualFlags:x2} ({FlagNames(ActualFlags)})\n");
        sb.Append($"  differs   D bits 0x{ExpectedD ^ ActualD:x8}, flags {FlagNames((byte)(ExpectedFlags ^ ActualFlags))}\n");
        sb.Append($"  diagnosis {Diagnosis.Summary}\n");
        sb.Append($"  class     {Diagnosis.Class}; coverage {string.Join(' ', Diagnosis.Coverage)}\n");
        sb.Append($"  re-run    {ReproCommand}\n");
        sb.Append($"  model     {ModelCommand(k)}\n");
        if (ExplainedModel is not null) sb.Append($"  explains  {ExplainedModel}\n");
        if (TraceFile is not null) sb.Append($"  trace     {TraceFile}{(TraceNote is null ? "" : " (" + TraceNote + ")")}\n");
        return sb.ToString();
    }

    /// <summary>The golden model alone on this vector: <c>echo '…' | mxref dot -k K [--acc …] [--profile …]</c>.</summary>
    public string ModelCommand(int k) => $"echo '{ModelLine}' | mxref dot -k {k}{ModelOptions}";

    /// <summary>
    /// One line: where the vector is from, formats and mode, C, expected and actual results (used by the class table).
    /// </summary>
    public string Brief =>
        $"{Source}: {Vector.FormatA.Name} x {Vector.FormatB.Name} {Vector.Rounding.ShortName()}, C 0x{Vector.C:x8}; " +
        $"expected {ExpectedD:x8} ({Value(ExpectedD)}) {FlagNames(ExpectedFlags)}, actual {ActualD:x8} ({Value(ActualD)}) {FlagNames(ActualFlags)}";

    /// <summary>The record of the JSON report (<c>mismatch_details</c> and the class examples).</summary>
    public JObject ToJson(int k) => new()
    {
        ["number"] = Number,
        ["source"] = Source,
        ["file"] = File,
        ["origin"] = Origin,
        ["inputs"] = ModelLine,
        ["format_a"] = Vector.FormatA.Name,
        ["format_b"] = Vector.FormatB.Name,
        ["expected"] = $"{ExpectedD:x8} {ExpectedFlags:x2}",
        ["actual"] = $"{ActualD:x8} {ActualFlags:x2}",
        ["expected_value"] = Value(ExpectedD),
        ["actual_value"] = Value(ActualD),
        ["expected_flags"] = FlagNames(ExpectedFlags),
        ["actual_flags"] = FlagNames(ActualFlags),
        ["class"] = Diagnosis.Class,
        ["differs"] = new JArray(Diagnosis.Parts),
        ["ulps"] = Diagnosis.Ulps,
        ["explained_by"] = new JArray(Diagnosis.Explanations),
        ["shortcut_distance"] = Diagnosis.ShortcutDistance,
        ["coverage"] = new JArray(Diagnosis.Coverage),
        ["brief"] = Brief,
        ["repro"] = ReproCommand,
        ["model"] = ModelCommand(k),
        ["model_explained"] = ExplainedModel,
        ["trace"] = TraceFile,
    };

    /// <summary>Element codes with their values, eight per line.</summary>
    private static void Elements(StringBuilder sb, string name, NumberFormat f, byte[] codes)
    {
        for (int i = 0; i < codes.Length; i += 8)
        {
            sb.Append(i == 0 ? $"  {name,-9} " : "            ");
            sb.Append($"[{i,2}] ");
            for (int j = i; j < Math.Min(i + 8, codes.Length); j++)
                sb.Append($"{codes[j]:x2}={Codec.Show(f, codes[j])} ");
            sb.Length--;
            sb.Append('\n');
        }
    }
}
