using System.Text;
using MxRef.Vectors.Diagnosis;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>
/// One kind of unit <c>mxref verify</c> can drive (docs/verify.md, "Units"): its name, the ports a design of the kind
/// has, its C++ bench (<c>harness/tb/&lt;unit&gt;_tb.cpp</c>, embedded), the greeting that bench sends, the vector op of
/// its <c>.mxv</c> files and the RTL file list of the project's own design. The golden model, the record layouts, the
/// coverage and the mismatch text belong to a configured <see cref="IUnit"/> of the kind.
/// </summary>
public sealed record UnitKind
{
    public required string Name { get; init; }
    /// <summary>The project's own design of this kind (the default <c>--top</c>) and its file list.</summary>
    public required string DefaultTop { get; init; }
    public required string FileList { get; init; }
    /// <summary>The <c>op</c> of the kind's <c>.mxv</c> files.</summary>
    public required string Op { get; init; }
    /// <summary>The bench's file name under harness/tb (embedded as <c>MxRef.Harness.tb.NAME</c>).</summary>
    public required string Testbench { get; init; }
    /// <summary>The bench's greeting word: "MXT" and a unit letter, little-endian.</summary>
    public required uint Magic { get; init; }
    /// <summary>The ports a design must have for block size K (and the design's other parameters).</summary>
    public required Func<int, IReadOnlyList<DutInterface.Port>> Ports { get; init; }
    /// <summary>Inputs a design may have beyond <see cref="Ports"/>: the bench drives them when present.</summary>
    public IReadOnlyList<DutInterface.Port> OptionalPorts { get; init; } = [];
    /// <summary>The interface in one line, for messages.</summary>
    public required string Summary { get; init; }
    /// <summary>The coverage classes of the kind's vectors (docs/vectors.md, docs/vector-format.md).</summary>
    public required IReadOnlyList<string> CoverageNames { get; init; }

    public static readonly UnitKind Dot = new()
    {
        Name = "dot", DefaultTop = "mx_dot", FileList = "rtl/mx_dot.f", Op = "dot", Testbench = "mx_dot_tb.cpp", Magic = 0x4254584d, // "MXTB"
        Ports = k =>
        [
            new("clk", true, 1), new("rst_n", true, 1), new("in_valid", true, 1),
            new("fmt_a", true, 3), new("fmt_b", true, 3), new("rm", true, 3),
            new("scale_a", true, 8), new("scale_b", true, 8),
            new("a", true, 8 * k), new("b", true, 8 * k), new("c", true, 32),
            new("out_valid", false, 1), new("d", false, 32), new("flags", false, 5),
        ],
        OptionalPorts = [new("scale_fmt", true, 1)],
        CoverageNames = CoverageTally.Names,
        Summary = "expected interface: input clk, rst_n, in_valid, [2:0] fmt_a, fmt_b, rm, [7:0] scale_a, scale_b, [8*K-1:0] a, b, [31:0] c; " +
                  "output out_valid, [31:0] d, [4:0] flags; optional input scale_fmt (0 E8M0, 1 UE4M3) (docs/verify.md)",
    };

    /// <summary>rtl/mx_quant: K FP32 values in, an E8M0 scale and K element codes out (docs/RTL.md).</summary>
    public static readonly UnitKind Quantize = new()
    {
        Name = "quantize", DefaultTop = "mx_quant", FileList = "rtl/mx_quant.f", Op = "quantize", Testbench = "mx_quant_tb.cpp", Magic = 0x5154584d, // "MXTQ"
        Ports = k => [.. Common, new("v", true, 32 * k), .. Policy, .. Block(k)],
        // rtl/mx_quant's input-format port (0 FP32 lanes, 1 BF16): the bench drives it with 0, since the quantize
        // records carry FP32 values (a BF16 value is one of them, widened).
        OptionalPorts = [new("in_fmt", true, 1)],
        CoverageNames = MxRef.Vectors.Coverage.QuantizeClassifier.Names,
        Summary = "expected interface: input clk, rst_n, in_valid, [32*K-1:0] v, [2:0] fmt, rm, scale_rule, [1:0] specials, int8_full, flush; " +
                  "output out_valid, [7:0] scale, [8*K-1:0] p, rsv; optional input in_fmt (0 FP32 lanes, driven 0) (rtl/mx_quant.sv, docs/verify.md \"Units\")",
    };

    /// <summary>rtl/mx_regen: DropBack regeneration, a block index and its tracked lanes in, the quantized block out.</summary>
    public static readonly UnitKind Regen = new()
    {
        Name = "regen", DefaultTop = "mx_regen", FileList = "rtl/mx_regen.f", Op = "regen", Testbench = "mx_regen_tb.cpp", Magic = 0x5254584d, // "MXTR"
        Ports = k =>
        [
            .. Common, new("seed", true, 64), new("layer", true, 32), new("blk", true, 32), new("init_n", true, 5),
            new("init_a", true, 32), new("tmask", true, k), new("tval", true, 32 * k), .. Policy, .. Block(k),
        ],
        CoverageNames = MxRef.Vectors.Coverage.RegenClassifier.Names,
        Summary = "expected interface: input clk, rst_n, in_valid, [63:0] seed, [31:0] layer, blk, [4:0] init_n, [31:0] init_a, [K-1:0] tmask, " +
                  "[32*K-1:0] tval, [2:0] fmt, rm, scale_rule, [1:0] specials, int8_full, flush; output out_valid, [7:0] scale, [8*K-1:0] p, rsv " +
                  "(rtl/mx_regen.sv, docs/verify.md \"Units\")",
    };

    private static DutInterface.Port[] Common => [new("clk", true, 1), new("rst_n", true, 1), new("in_valid", true, 1)];

    private static DutInterface.Port[] Policy =>
        [new("fmt", true, 3), new("rm", true, 3), new("scale_rule", true, 3), new("specials", true, 2), new("int8_full", true, 1), new("flush", true, 1)];

    private static DutInterface.Port[] Block(int k) => [new("out_valid", false, 1), new("scale", false, 8), new("p", false, 8 * k), new("rsv", false, 1)];

    /// <summary>rtl/mx_decode: K MX elements and an E8M0 scale in, K FP32/BF16/FP16 values out (<see cref="DecodeUnit"/>).</summary>
    public static readonly UnitKind Decode = DecodeUnit.Definition;

    public static IReadOnlyList<UnitKind> All { get; } = [Dot, Quantize, Regen, Decode, BdrDotUnit.DotBdr];

    public static string ValidNames => string.Join(", ", All.Select(u => u.Name));

    public static UnitKind? TryParse(string name) => All.FirstOrDefault(u => u.Name == name);
}

/// <summary>
/// A unit kind configured for one run: its golden model (accumulation and profile, quantization policy, recipe), the
/// binary record layouts between <c>mxref verify</c> and the bench, the coverage classes, how a file line becomes a
/// vector, and how a mismatch is diagnosed and shown. The pipeline (<see cref="SimSession"/>, <see cref="BatchRing"/>,
/// <see cref="RunContext"/>) handles only bytes and calls the unit per chunk of a batch.
/// </summary>
public interface IUnit
{
    UnitKind Kind { get; }
    int K { get; }
    int RecordBytes { get; }
    int ResultBytes { get; }
    IReadOnlyList<string> CoverageNames { get; }
    /// <summary>The golden model's settings as the regression names them (e.g. <c>acc=fused</c>, <c>recipe=ocp</c>).</summary>
    string Settings { get; }
    /// <summary>The <c>mxref verify</c> options that select this unit and its golden settings (for repro commands).</summary>
    string Options { get; }

    VectorBatch NewBatch();
    /// <summary>Golden result records of vectors [from, to) of the batch.</summary>
    void Evaluate(VectorBatch batch, int from, int to);
    /// <summary>
    /// Whether <see cref="Classify"/> has anything to do: false for a unit whose <see cref="Evaluate"/> also counts the
    /// coverage (the dot unit classifies each vector right after its model call), so that the chunk loop skips the call,
    /// and a profile its clock read.
    /// </summary>
    bool HasCoverageStep { get; }
    void Classify(VectorBatch batch, int from, int to);
    void Encode(VectorBatch batch, int from, int to);
    /// <summary>Vectors [from, to) from their <c>.mxv</c> data lines (<see cref="VectorBatch.Line"/>); throws <see cref="UsageException"/> naming file, line and field.</summary>
    void Parse(VectorBatch batch, int from, int to);
    /// <summary>A mismatch's decoded vector, its diagnosis and text (called only for mismatches).</summary>
    MismatchDetail Diagnose(VectorBatch batch, int i, ReadOnlySpan<byte> actual);
    /// <summary>Adds what the unit knows beyond the repro command to a kept mismatch (e.g. the model under an explaining knob).</summary>
    void Annotate(Mismatch m);
}

/// <summary>
/// The typed side of a unit: the vector type, and the per-vector steps the chunk loops call. The loops call the steps
/// virtually; a unit on the hot path (<see cref="DotUnit"/>, sealed) overrides the loops so that its steps are direct
/// calls the compiler can inline.
/// </summary>
public abstract class Unit<T>(UnitKind kind, int k) : IUnit
{
    public UnitKind Kind => kind;
    public int K => k;
    public abstract int RecordBytes { get; }
    public abstract int ResultBytes { get; }
    public virtual IReadOnlyList<string> CoverageNames => kind.CoverageNames;
    public abstract string Settings { get; }
    public abstract string Options { get; }

    public abstract T NewVector();
    protected abstract void Evaluate(T v, Span<byte> expected);
    protected abstract void Classify(T v, ReadOnlySpan<byte> expected, long[] counts);
    protected abstract void Encode(T v, Span<byte> record);
    /// <summary>A vector from its data line: printable ASCII bytes (checked by the reader).</summary>
    protected abstract void Parse(ReadOnlySpan<byte> line, T v);
    protected abstract MismatchDetail Diagnose(T v, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual);
    public virtual void Annotate(Mismatch m)
    {
    }

    public virtual VectorBatch NewBatch() => new VectorBatch<T>(this);

    public virtual void Evaluate(VectorBatch batch, int from, int to)
    {
        var b = (VectorBatch<T>)batch;
        for (int i = from; i < to; i++) Evaluate(b.Vectors[i], b.ExpectedResult(i));
    }

    public virtual bool HasCoverageStep => true;

    public virtual void Classify(VectorBatch batch, int from, int to)
    {
        var b = (VectorBatch<T>)batch;
        for (int i = from; i < to; i++) Classify(b.Vectors[i], b.ExpectedResult(i), b.Coverage);
    }

    public virtual void Encode(VectorBatch batch, int from, int to)
    {
        var b = (VectorBatch<T>)batch;
        for (int i = from; i < to; i++) Encode(b.Vectors[i], b.Record(i));
    }

    public void Parse(VectorBatch batch, int from, int to)
    {
        var vectors = ((VectorBatch<T>)batch).Vectors;
        int i = from;
        try
        {
            for (; i < to; i++) Parse(batch.Line(i), vectors[i]);
        }
        catch (MxRef.Vectors.Files.FieldException e)
        {
            throw new UsageException($"{batch.File}:{batch.Origin[i]}: {e.Field}: {e.Message}");
        }
    }

    public MismatchDetail Diagnose(VectorBatch batch, int i, ReadOnlySpan<byte> actual) =>
        Diagnose(((VectorBatch<T>)batch).Vectors[i], batch.ExpectedResult(i), actual);

    /// <summary>A line as a string, for the parsers of the units off the hot path (quantize, regen), which take text.</summary>
    protected static string Ascii(ReadOnlySpan<byte> line) => Encoding.ASCII.GetString(line);

    /// <summary>The names of the coverage classes a vector hits (for a mismatch's diagnosis).</summary>
    protected IReadOnlyList<string> ClassesOf(T v, ReadOnlySpan<byte> expected)
    {
        var counts = new long[CoverageNames.Count];
        Classify(v, expected, counts);
        return counts.Select((n, c) => (n, c)).Where(x => x.n > 0).Select(x => CoverageNames[x.c]).ToArray();
    }
}

/// <summary>What a unit says about one mismatch: the diagnosis (class, differing parts) and the decoded text.</summary>
public abstract class MismatchDetail
{
    public required MismatchDiagnosis Diagnosis { get; init; }
    /// <summary>The decoded inputs, expected and actual results, and what differs: lines of the mismatch report.</summary>
    public abstract void AppendText(StringBuilder sb);
    /// <summary>One line after the source: formats, expected and actual results (the class table's example).</summary>
    public abstract string Brief { get; }
    /// <summary>The golden model alone on this vector (a command line), given the unit's model options.</summary>
    public abstract string ModelCommand(string modelOptions);
    /// <summary>The unit's fields of the JSON record (inputs, expected, actual, format_a ...).</summary>
    public abstract void AddJson(JObject o);
}
