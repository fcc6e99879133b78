using System.Text;
using MxRef.Formats;
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
    /// <summary>The result records (the bench's layout) of the golden model and of the design.</summary>
    public required byte[] Expected { get; init; }
    public required byte[] Actual { get; init; }
    /// <summary>The unit's view of it: the decoded vector, the results, the diagnosis.</summary>
    public required MismatchDetail Detail { get; init; }
    /// <summary>The binary records of the vectors around it (for the trace re-run) and its position among them.</summary>
    public required byte[] Neighbourhood { get; init; }
    public required int NeighbourIndex { get; init; }
    /// <summary>Which parts differ, by how much, and (dot) which single knob explains it.</summary>
    public MismatchDiagnosis Diagnosis => Detail.Diagnosis;
    public string ReproCommand { get; set; } = "";
    /// <summary>The golden model's options for the <c>model</c> line (block, accumulation, profile, policy).</summary>
    public string ModelOptions { get; set; } = "";
    /// <summary>The model command under the first explaining knob (it prints the design's result), or null.</summary>
    public string? ExplainedModel { get; set; }
    public string? TraceFile { get; set; }
    public string? TraceNote { get; set; }

    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append($"MISMATCH {Number}: {Source}\n");
        Detail.AppendText(sb);
        sb.Append($"  diagnosis {Diagnosis.Summary}\n");
        sb.Append($"  class     {Diagnosis.Class}; coverage {string.Join(' ', Diagnosis.Coverage)}\n");
        sb.Append($"  re-run    {ReproCommand}\n");
        sb.Append($"  model     {ModelCommand}\n");
        if (ExplainedModel is not null) sb.Append($"  explains  {ExplainedModel}\n");
        if (TraceFile is not null) sb.Append($"  trace     {TraceFile}{(TraceNote is null ? "" : " (" + TraceNote + ")")}\n");
        return sb.ToString();
    }

    /// <summary>The golden model alone on this vector.</summary>
    public string ModelCommand => Detail.ModelCommand(ModelOptions);

    /// <summary>One line: where the vector is from, what it is, expected and actual results (used by the class table).</summary>
    public string Brief => $"{Source}: {Detail.Brief}";

    /// <summary>The record of the JSON report (<c>mismatch_details</c> and the class examples).</summary>
    public JObject ToJson()
    {
        var o = new JObject
        {
            ["number"] = Number,
            ["source"] = Source,
            ["file"] = File,
            ["origin"] = Origin,
        };
        Detail.AddJson(o);
        o["class"] = Diagnosis.Class;
        o["differs"] = new JArray(Diagnosis.Parts);
        o["explained_by"] = new JArray(Diagnosis.Explanations);
        o["coverage"] = new JArray(Diagnosis.Coverage);
        o["brief"] = Brief;
        o["repro"] = ReproCommand;
        o["model"] = ModelCommand;
        o["model_explained"] = ExplainedModel;
        o["trace"] = TraceFile;
        return o;
    }

    /// <summary>Element codes with their values, eight per line.</summary>
    public static void Codes(StringBuilder sb, string name, NumberFormat f, IReadOnlyList<byte> codes)
    {
        for (int i = 0; i < codes.Count; i += 8)
        {
            sb.Append(i == 0 ? $"  {name,-9} " : "            ");
            sb.Append($"[{i,2}] ");
            for (int j = i; j < Math.Min(i + 8, codes.Count); j++)
                sb.Append($"{codes[j]:x2}={Codec.Show(f, codes[j])} ");
            sb.Length--;
            sb.Append('\n');
        }
    }

    /// <summary>FP32 values (bit patterns and values), four per line.</summary>
    public static void Fp32Values(StringBuilder sb, string name, IReadOnlyList<uint> values, Func<int, bool>? show = null)
    {
        var lanes = Enumerable.Range(0, values.Count).Where(i => show?.Invoke(i) ?? true).ToArray();
        for (int j = 0; j < lanes.Length; j += 4)
        {
            sb.Append(j == 0 ? $"  {name,-9} " : "            ");
            sb.Append(string.Join(' ', lanes.Skip(j).Take(4).Select(i => $"[{i,2}] {values[i]:x8}={Codec.Show(StandardFormats.Fp32, values[i])}")));
            sb.Append('\n');
        }
        if (lanes.Length == 0) sb.Append($"  {name,-9} none\n");
    }
}
