using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>
/// The dot unit (mx_dot's interface): D = C + scale_a·scale_b·Σ a_i·b_i rounded once to the vector's output format
/// (<see cref="DotVector.Output"/>: FP32, or BF16/FP16 for a described unit with an output-format port), with flags.
/// Records as <see cref="StreamProtocol"/>, golden model <see cref="MxDot"/> under the run's accumulation model and
/// profile, coverage by <see cref="CoverageTally"/>, mismatches diagnosed by <see cref="MismatchClassifier"/> in the
/// vector's output format (ulps of that format; which knob explains them).
/// </summary>
public sealed class DotUnit(int k, AccumulationModel model, ImplementationProfile? profile = null, byte flagMask = DotUnit.AllFlags) : Unit<DotVector>(UnitKind.Dot, k)
{
    /// <summary>Every flag bit of the protocol's flags byte (NX UF OF bit3 NV).</summary>
    public const byte AllFlags = 0x1F;
    private readonly ImplementationProfile _profile = profile ?? ImplementationProfile.Default;
    /// <summary>The mismatch classifier of each output format (0 fp32, 1 bf16, 2 fp16): ulps and knobs in that format.</summary>
    private readonly MismatchClassifier[] _classifiers = StandardFormats.Outputs
        .Select(o => new MismatchClassifier(o, model, profile ?? ImplementationProfile.Default, flagMask)).ToArray();

    /// <summary>
    /// The output format of D in the lines of the run's <c>.mxv</c> files (their header's <c>output</c>), or null when
    /// each line names its own (OUT: the header lists several).
    /// </summary>
    public NumberFormat? LineOutput { get; init; } = StandardFormats.Fp32;

    /// <summary>
    /// The scale format of SA and SB in the lines of the run's <c>.mxv</c> files (their header's <c>scale</c>): an NVFP4
    /// file's codes are UE4M3, and read as E8M0 they would be other numbers, so the model and the design's scale_fmt
    /// would both run the E8M0 path and the file's UE4M3 vectors would never reach it.
    /// </summary>
    public ScaleCodec LineScales { get; init; } = ScaleCodec.E8M0;

    /// <summary>The flag bits the design reports (a described unit may lack some): the others are expected as 0, not compared.</summary>
    public byte FlagMask => flagMask;

    public AccumulationModel Model => model;
    public ImplementationProfile Profile => _profile;
    public override int RecordBytes => StreamProtocol.RecordBytes(K);
    public override int ResultBytes => StreamProtocol.ResultBytes;
    public override string Settings => $"acc={model}{(_profile.IsDefault ? "" : $" profile={_profile}")}";
    /// <summary>The dot unit is the default: its repro commands name only the model options.</summary>
    public override string Options => (model != AccumulationModel.Fused ? $" --acc {model}" : "") + (_profile.IsDefault ? "" : $" --profile {_profile}");

    /// <summary>A batch vector; a file's lines are parsed into it in the file's scale format (<see cref="LineScales"/>), a generated run's draw sets its own.</summary>
    public override DotVector NewVector() => new(K) { Scales = LineScales };

    /// <summary>
    /// Whether the chunk loops run the model and coverage as two passes (the model step stores each vector's
    /// <see cref="DotOutcome"/> in the batch, the coverage step reads it back), so that a profile charges each its own
    /// CPU: under <c>MXREF_VERIFY_PROFILE=split</c> (<see cref="StageProfile"/>). Otherwise the model step classifies
    /// each vector right after its model call, from the outcome on the stack, and the coverage step has nothing left
    /// to do: no 48-byte store and re-read per vector, and the vector's codes are read again while they are still in
    /// the cache. The counts are the same either way.
    /// </summary>
    public bool SplitsModelAndCoverage { get; init; } = StageProfile.SplitsModelAndCoverage;

    /// <summary>Batches of dot vectors; in the two-pass mode they also keep each vector's <see cref="DotOutcome"/>.</summary>
    public override VectorBatch NewBatch() => new DotBatch(this);

    protected override void Evaluate(DotVector v, Span<byte> expected) => Evaluate(v, expected, out _);

    /// <summary>
    /// The golden result: the expected record carries the flags the design reports (<see cref="FlagMask"/>), the outcome
    /// every flag (coverage counts the model's full flags, e.g. <c>result:underflow</c> for a design without UF).
    /// </summary>
    private void Evaluate(DotVector v, Span<byte> expected, out DotOutcome outcome)
    {
        outcome = v.Outcome(v.Output, model, _profile);
        var r = outcome.Result;
        BinaryPrimitives.WriteUInt64LittleEndian(expected, r.Bits | ((ulong)((byte)r.Flags & flagMask) << 32));
    }

    protected override void Classify(DotVector v, ReadOnlySpan<byte> expected, long[] counts)
    {
        Span<byte> golden = stackalloc byte[8];
        Evaluate(v, golden, out var outcome);
        var classifier = CoverageTally.Classifier;
        ClassifyDeferred(classifier, v, outcome, counts);
        classifier.Flush();
    }

    /// <summary>Coverage from the model's outcome; some classes are held back until the classifier's flush (at a chunk's end).</summary>
    private static void ClassifyDeferred(MxRef.Vectors.Coverage.DotOutputClassifier classifier, DotVector v, in DotOutcome outcome, long[] counts)
    {
        v.D = outcome.Result.Bits;
        v.Flags = (byte)outcome.Result.Flags;
        classifier.ClassifyDeferred(v, outcome, counts);
    }

    protected override void Encode(DotVector v, Span<byte> record) => StreamProtocol.Encode(v, record);

    protected override void Parse(ReadOnlySpan<byte> line, DotVector v) => DotLine.Parse(line, v, withExpected: true, LineOutput);

    // The chunk loops of the default run, with direct (inlinable) calls of the steps above instead of a virtual call
    // per vector and stage.
    /// <summary>
    /// The golden result of each vector and, unless <see cref="SplitsModelAndCoverage"/>, its coverage from the model's
    /// outcome (the model's full flags and its exact product sum, not formed again).
    /// </summary>
    public override void Evaluate(VectorBatch batch, int from, int to)
    {
        var b = (DotBatch)batch;
        if (SplitsModelAndCoverage)
        {
            for (int i = from; i < to; i++) Evaluate(b.Vectors[i], b.ExpectedResult(i), out b.Outcomes[i]);
            return;
        }
        var classifier = CoverageTally.Classifier;
        for (int i = from; i < to; i++)
        {
            var v = b.Vectors[i];
            Evaluate(v, b.ExpectedResult(i), out var outcome);
            ClassifyDeferred(classifier, v, outcome, b.Coverage);
        }
        classifier.Flush();
    }

    /// <summary>Only in the two-pass mode: otherwise <see cref="Evaluate(VectorBatch, int, int)"/> counts the coverage.</summary>
    public override bool HasCoverageStep => SplitsModelAndCoverage;

    /// <summary>Coverage from the outcomes the model step stored (two-pass mode only; otherwise the model step counted it).</summary>
    public override void Classify(VectorBatch batch, int from, int to)
    {
        if (!SplitsModelAndCoverage) return;
        var b = (DotBatch)batch;
        var classifier = CoverageTally.Classifier;
        for (int i = from; i < to; i++) ClassifyDeferred(classifier, b.Vectors[i], b.Outcomes[i], b.Coverage);
        classifier.Flush();
    }

    public override void Encode(VectorBatch batch, int from, int to)
    {
        var b = (VectorBatch<DotVector>)batch;
        // The scale_fmt and out_fmt codes of the previous vector's formats: most runs have one of each.
        ScaleCodec? scales = null;
        NumberFormat? output = null;
        byte scaleCode = 0, outputCode = 0;
        // The records' room checked once for the chunk, each vector's lanes against K: the record is then written
        // without a span or a bounds check per field (StreamProtocol.Write).
        int size = b.RecordBytes;
        if (size != StreamProtocol.RecordBytes(K) || (long)to * size > b.Records.Length) StreamProtocol.ThrowShortRecord(K);
        ref byte records = ref MemoryMarshal.GetArrayDataReference(b.Records);
        for (int i = from; i < to; i++)
        {
            var v = b.Vectors[i];
            if (v.A.Length != K || v.B.Length != K) StreamProtocol.ThrowShortRecord(K);
            if (!ReferenceEquals(v.Scales, scales)) scaleCode = StreamProtocol.ScaleCode(scales = v.Scales);
            if (!ReferenceEquals(v.Output, output)) outputCode = (byte)DotLine.OutputCodeOf(output = v.Output);
            StreamProtocol.Write(v, ref Unsafe.Add(ref records, (nint)i * size), scaleCode, outputCode);
        }
    }

    protected override MismatchDetail Diagnose(DotVector v, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var copy = v.CopyInputs();
        uint ed = BinaryPrimitives.ReadUInt32LittleEndian(expected), ad = BinaryPrimitives.ReadUInt32LittleEndian(actual);
        return new DotMismatch
        {
            K = K, Vector = copy, ExpectedD = ed, ExpectedFlags = expected[4], ActualD = ad, ActualFlags = actual[4],
            Diagnosis = _classifiers[copy.OutputCode].Diagnose(copy, ed, expected[4], ad, actual[4]),
        };
    }

    /// <summary>The model command under the diagnosis's first explaining knob (it prints the design's result).</summary>
    public override void Annotate(Mismatch m)
    {
        if (m.Detail is not DotMismatch d || ExplainingProfile(d.Diagnosis) is not { } x) return;
        m.ExplainedModel = $"echo '{d.ModelLine}' | mxref dot -k {K}{d.OutOption}{(model != AccumulationModel.Fused ? $" --acc {model}" : "")} --profile {x}";
    }

    /// <summary>The run's profile with the diagnosis's first explanation applied (a knob, a pair of knobs, or the shortcut at the vector's threshold), or null.</summary>
    private ImplementationProfile? ExplainingProfile(MismatchDiagnosis d) =>
        d.Explanations.Count == 0 ? null : MismatchClassifier.ProfileOf(d.Explanations[0], _profile, d.ShortcutDistance);

    /// <summary>
    /// Refuses output formats the design cannot produce (exit 2): mx_dot and a described unit without an output-format
    /// port give FP32 only; a described port gives the formats its codes list. <paramref name="source"/> names where
    /// the formats come from (an option or a file).
    /// </summary>
    public static void CheckOutputs(IEnumerable<NumberFormat> outputs, Description.DutDescription? dut, string source)
    {
        var other = outputs.Where(o => o != StandardFormats.Fp32).ToArray();
        if (other.Length == 0) return;
        string names = string.Join(", ", other.Select(o => o.Name));
        if (dut is null)
            throw new UsageException($"{source}: {names} results need an output-format port, and the mx_dot interface has none (D is FP32): verify such a unit through a --dut description with inputs.output_format (docs/verify.md)");
        if (dut.OutputFormat is null)
            throw new UsageException($"{source}: {names} results need an output-format port, and {dut.File} names none (field 'inputs.output_format'): the unit's D is FP32; pass --out fp32");
        var missing = other.Where(o => dut.OutputCodes[DotLine.OutputCodeOf(o)] < 0).ToArray();
        if (missing.Length > 0)
            throw new UsageException($"{source}: {dut.File}: field 'inputs.output_format.codes' gives the unit no code for {string.Join(", ", missing.Select(o => o.Name))}; " +
                                     $"valid: {string.Join(',', StandardFormats.Outputs.Where(o => dut.OutputCodes[DotLine.OutputCodeOf(o)] >= 0).Select(o => o.Name))}");
    }
}

/// <summary>
/// A batch of dot vectors and, when the unit runs model and coverage as two passes
/// (<see cref="DotUnit.SplitsModelAndCoverage"/>), the model's outcome of each (set by the model step, read by the
/// coverage step; empty otherwise).
/// </summary>
public sealed class DotBatch(DotUnit unit) : VectorBatch<DotVector>(unit)
{
    public readonly DotOutcome[] Outcomes = unit.SplitsModelAndCoverage ? new DotOutcome[Capacity] : [];
}

/// <summary>A dot mismatch: the vector decoded (formats, scales, elements, C), expected and actual D and flags.</summary>
public sealed class DotMismatch : DotResultMismatch<DotVector>
{
    public override string ModelLine => DotLine.FormatInputs(Vector);
    protected override uint C => Vector.C;
    protected override string Operands => $"{Vector.FormatA.Name} x {Vector.FormatB.Name} {Vector.Rounding.ShortName()}{(Vector.Output == StandardFormats.Fp32 ? "" : $" to {Vector.Output.Name}")}";
    protected override NumberFormat Output => Vector.Output;
    protected override (string A, string B) FormatNames => (Vector.FormatA.Name, Vector.FormatB.Name);

    /// <summary><c> --out FMT</c> for a BF16/FP16 vector (the model command's output), empty for FP32.</summary>
    public string OutOption => Vector.Output == StandardFormats.Fp32 ? "" : $" --out {Vector.Output.Name}";

    public static string Value(uint fp32) => Codec.Show(StandardFormats.Fp32, fp32);

    /// <summary>A result code of <paramref name="output"/> as hex of its width and its value.</summary>
    public static string Result(uint d, NumberFormat output) => $"0x{d.ToString("x" + DotLine.ResultDigits(output))} ({Codec.Show(output, d)})";

    public static string FlagNames(byte flags) =>
        flags == 0 ? "none" : string.Join('|', new[] { (1, "NX"), (2, "UF"), (4, "OF"), (8, "bit3"), (16, "NV") }.Where(f => (flags & f.Item1) != 0).Select(f => f.Item2));

    protected override void AppendInputs(StringBuilder sb)
    {
        var v = Vector;
        sb.Append($"  formats   A {v.FormatA.Name}, B {v.FormatB.Name}; rounding {v.Rounding.ShortName()}\n");
        sb.Append($"  scales    A 0x{v.ScaleA:x2} ({v.Scales.Show(v.ScaleA)}), B 0x{v.ScaleB:x2} ({v.Scales.Show(v.ScaleB)}); {v.Scales.Format.Name}\n");
        Mismatch.Codes(sb, "A", v.FormatA, v.A);
        Mismatch.Codes(sb, "B", v.FormatB, v.B);
    }

    /// <summary>
    /// The C, expected, actual and differs lines of a dot-product mismatch (FP32 C, D in <paramref name="output"/> — FP32
    /// unless the vector asked for BF16/FP16 — and the five flags).
    /// </summary>
    public static void AppendResults(StringBuilder sb, uint c, uint expectedD, byte expectedFlags, uint actualD, byte actualFlags, NumberFormat? output = null)
    {
        var o = output ?? StandardFormats.Fp32;
        string w = o == StandardFormats.Fp32 ? "" : $" ({o.Name})";
        sb.Append($"  C         0x{c:x8} ({Value(c)})\n");
        sb.Append($"  expected  D{w} {Result(expectedD, o)}  flags 0x{expectedFlags:x2} ({FlagNames(expectedFlags)})\n");
        sb.Append($"  actual    D{w} {Result(actualD, o)}  flags 0x{actualFlags:x2} ({FlagNames(actualFlags)})\n");
        sb.Append($"  differs   D bits 0x{(expectedD ^ actualD).ToString("x" + DotLine.ResultDigits(o))}, flags {FlagNames((byte)(expectedFlags ^ actualFlags))}\n");
    }

    /// <summary>The expected and actual results of a dot-product mismatch as JSON record fields (D in <paramref name="output"/>, FP32 when null).</summary>
    public static void AddResultJson(JObject o, uint expectedD, byte expectedFlags, uint actualD, byte actualFlags, long? ulps, NumberFormat? output = null)
    {
        var f = output ?? StandardFormats.Fp32;
        string digits = "x" + DotLine.ResultDigits(f);
        o["expected"] = $"{expectedD.ToString(digits)} {expectedFlags:x2}";
        o["actual"] = $"{actualD.ToString(digits)} {actualFlags:x2}";
        o["expected_value"] = Codec.Show(f, expectedD);
        o["actual_value"] = Codec.Show(f, actualD);
        o["expected_flags"] = FlagNames(expectedFlags);
        o["actual_flags"] = FlagNames(actualFlags);
        o["ulps"] = ulps;
    }

    /// <summary>The golden model alone on this vector: <c>echo '…' | mxref dot -k K [--acc …] [--profile …]</c>.</summary>
    public override string ModelCommand(string modelOptions) => $"echo '{ModelLine}' | mxref dot -k {K}{OutOption}{modelOptions}";

    public override void AddJson(JObject o)
    {
        base.AddJson(o);
        if (Vector.Output != StandardFormats.Fp32) o["output"] = Vector.Output.Name;
        o["shortcut_distance"] = Diagnosis.ShortcutDistance;
    }
}
