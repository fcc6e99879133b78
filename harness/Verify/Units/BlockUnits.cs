using System.Buffers.Binary;
using System.Text;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Generation.Regen;
using MxRef.Vectors.Text;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>
/// What the quantize and regen units share: their result record (<c>scale rsv 0 0 0 0 0 0 | K element lanes</c>, as
/// rtl/mx_quant's outputs), the policy ports' codes (rtl/mx_pkg.sv FMT_*, RM_*, SR_*, SP_*), and the field-by-field
/// diagnosis of a mismatching block.
/// </summary>
public static class BlockResult
{
    public static int Bytes(int k) => 8 + k;

    /// <summary>The golden result record: scale, rsv 0 (the golden model only sees valid configurations), the codes.</summary>
    public static void Write(byte scale, ReadOnlySpan<byte> codes, Span<byte> result)
    {
        result[..8].Clear();
        result[0] = scale;
        codes.CopyTo(result[8..]);
    }

    /// <summary>The mx_pkg port codes of a policy: scale_rule, specials, int8_full, flush (bytes 2..5 of a record).</summary>
    public readonly record struct PolicyPorts(byte ScaleRule, byte Specials, byte Int8Full, byte Flush)
    {
        public void Write(Span<byte> record)
        {
            record[2] = ScaleRule;
            record[3] = Specials;
            record[4] = Int8Full;
            record[5] = Flush;
        }
    }

    // mx_pkg::SR_* and SP_* (rtl/mx_pkg.sv): the scale rules and specials policies mx_quant implements.
    private const byte SrFloor = 0, SrCeil = 1, SrRceil = 2, SrTe = 3, SrEven = 4, SpFinite = 3;

    /// <summary>The ports of a quantization policy (OCP floor/ceil, the specials policies, MXINT8 range, flush).</summary>
    public static PolicyPorts Ports(QuantizationPolicy p) => new(
        p.ScaleRule == ScaleRule.Ceil ? SrCeil : SrFloor, (byte)p.Specials, (byte)(p.IntegerRange == IntegerRange.Full ? 1 : 0), (byte)(p.FlushSubnormalInputs ? 1 : 0));

    /// <summary>
    /// The ports of a recipe, from its fields (docs/RTL.md "Recipes": the rules mx_quant implements), or null with the
    /// reason when the unit cannot run it (torchao CEIL, NVFP4, an FP32-product element step of a rule it lacks).
    /// </summary>
    public static PolicyPorts? Ports(Recipe r, out string? why)
    {
        why = null;
        byte? rule = r.ScaleRule switch
        {
            ScaleRuleKind.Floor or ScaleRuleKind.TorchaoFloor => SrFloor,
            ScaleRuleKind.ExactCeil => SrCeil,
            ScaleRuleKind.TorchaoRceil => SrRceil,
            ScaleRuleKind.TransformerEngine => SrTe,
            ScaleRuleKind.TorchaoEven => SrEven,
            _ => null,
        };
        if (rule is null)
        {
            why = $"recipe {r.Name}: rtl/mx_quant has no port setting for its scale rule ({r.ScaleRule}); it runs ocp, exact-ceil, microxcaling, gfloat, torchao-floor, torchao-rceil, torchao-even, amd-quark-even, te";
            return null;
        }
        // TransformerEngine saturates to the largest finite scale (Inf → 0xFE): mx_quant's "finite" specials policy.
        byte specials = r.ScaleRule == ScaleRuleKind.TransformerEngine ? SpFinite : (byte)r.Specials;
        return new PolicyPorts(rule.Value, specials, (byte)(r.IntegerRange == IntegerRange.Full ? 1 : 0), 0);
    }

    /// <summary>The parts that differ (scale, rsv, elements) and the class: the parts and the element format.</summary>
    public static MismatchDiagnosis Diagnose(NumberFormat format, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, IReadOnlyList<string> coverage)
    {
        var parts = new List<string>();
        if (expected[0] != actual[0]) parts.Add("scale");
        if (actual[1] != 0) parts.Add("rsv");
        if (!expected[8..].SequenceEqual(actual[8..])) parts.Add("elements");
        if (!expected[2..8].SequenceEqual(actual[2..8])) parts.Add("padding");
        return new MismatchDiagnosis
        {
            Class = $"{string.Join('+', parts)}/{format.Name}",
            Parts = parts,
            Explanations = [],
            Coverage = coverage,
        };
    }
}

/// <summary>A mismatching block (quantize or regen unit): inputs as the unit shows them, expected and actual scale and codes.</summary>
public abstract class BlockMismatch : MismatchDetail
{
    public required int K { get; init; }
    public required NumberFormat Format { get; init; }
    public required byte[] Expected { get; init; }
    public required byte[] Actual { get; init; }

    private string Scale(byte s) => $"0x{s:x2} ({ScaleCodec.E8M0.Show(s)})";

    protected abstract void AppendInputs(StringBuilder sb);
    protected abstract string InputsBrief { get; }

    public override void AppendText(StringBuilder sb)
    {
        AppendInputs(sb);
        sb.Append($"  expected  S {Scale(Expected[0])}\n");
        sb.Append($"  actual    S {Scale(Actual[0])}, rsv {Actual[1]}\n");
        var lanes = Enumerable.Range(0, K).Where(i => Expected[8 + i] != Actual[8 + i]).ToArray();
        sb.Append($"  differs   {(Expected[0] != Actual[0] ? "scale, " : "")}{lanes.Length} of {K} element lanes{(Actual[1] != 0 ? ", rsv raised" : "")}\n");
        foreach (var i in lanes.Take(16))
            sb.Append($"    lane {i,2}  expected {Expected[8 + i]:x2}={Codec.Show(Format, Expected[8 + i])}  actual {Actual[8 + i]:x2}={Show(Actual[8 + i])}\n");
        if (lanes.Length > 16) sb.Append($"    ... and {lanes.Length - 16} more lanes\n");
    }

    /// <summary>An actual lane, which may have bits set above the format's width (shown raw then).</summary>
    private string Show(byte code) => code < 1 << Format.Bits ? Codec.Show(Format, code) : "(bits above the format's width)";

    public override string Brief
    {
        get
        {
            var lanes = Enumerable.Range(0, K).Where(i => Expected[8 + i] != Actual[8 + i]).ToArray();
            string first = lanes.Length == 0 ? "" : $"; lane {lanes[0]} expected {Expected[8 + lanes[0]]:x2} actual {Actual[8 + lanes[0]]:x2}";
            return $"{InputsBrief}; expected S {Expected[0]:x2}, actual S {Actual[0]:x2} rsv {Actual[1]}, {lanes.Length} lanes differ{first}";
        }
    }

    public override void AddJson(JObject o)
    {
        o["format_a"] = Format.Name;
        o["format_b"] = "";
        o["expected"] = Convert.ToHexString(Expected).ToLowerInvariant();
        o["actual"] = Convert.ToHexString(Actual).ToLowerInvariant();
        o["expected_scale"] = Expected[0];
        o["actual_scale"] = Actual[0];
        o["actual_rsv"] = Actual[1];
        o["lanes_differing"] = new JArray(Enumerable.Range(0, K).Where(i => Expected[8 + i] != Actual[8 + i]));
    }
}

/// <summary>
/// The quantize unit (rtl/mx_quant's interface): K FP32 values in, the E8M0 scale and K element codes out, under a
/// quantization policy (OCP MX v1.0 §6.3 and the policy options; refmodel/Quantization MxQuantizer). The record is
/// <c>fmt rm scale_rule specials int8_full flush 0 0 | K FP32 inputs</c> (8 + 4K bytes), the result
/// <see cref="BlockResult"/>. Coverage: <see cref="QuantizeClassifier"/>.
/// </summary>
public sealed class QuantizeUnit(int k, QuantizationPolicy policy) : Unit<QuantizeVector>(UnitKind.Quantize, k)
{
    private readonly BlockResult.PolicyPorts _ports = BlockResult.Ports(policy);
    private readonly QuantizeClassifier _classifier = new();

    public QuantizationPolicy Policy => policy;
    public override int RecordBytes => 8 + 4 * K;
    public override int ResultBytes => BlockResult.Bytes(K);
    public override string Settings => "unit=quantize " + QuantizePolicyText.Format(policy);
    public override string Options => "";

    public override QuantizeVector NewVector() => new(K);

    /// <summary>The golden scale and codes (the generator computes them with the vector; a file line is re-evaluated when parsed).</summary>
    protected override void Evaluate(QuantizeVector q, Span<byte> expected) => BlockResult.Write(q.Scale, q.P, expected);

    protected override void Classify(QuantizeVector q, ReadOnlySpan<byte> expected, long[] counts) => _classifier.Classify(q, counts);

    protected override void Encode(QuantizeVector q, Span<byte> record)
    {
        record[0] = (byte)StandardFormats.ElementCode(q.Format);
        record[1] = (byte)q.Rounding;
        _ports.Write(record);
        record[6] = record[7] = 0;
        for (int i = 0; i < K; i++) BinaryPrimitives.WriteUInt32LittleEndian(record[(8 + 4 * i)..], q.V[i]);
    }

    protected override void Parse(ReadOnlySpan<byte> line, QuantizeVector q)
    {
        QuantizeLine.Parse(Ascii(line), q, withExpected: true);
        q.SetExpected(policy);
    }

    protected override MismatchDetail Diagnose(QuantizeVector q, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) => new QuantizeMismatch
    {
        K = K, Format = q.Format, Rounding = q.Rounding, Inputs = (uint[])q.V.Clone(), Policy = policy,
        Expected = expected.ToArray(), Actual = actual.ToArray(),
        Diagnosis = BlockResult.Diagnose(q.Format, expected, actual, ClassesOf(q, expected)),
    };
}

/// <summary>A quantize mismatch: format, mode, the FP32 inputs, and the block results.</summary>
public sealed class QuantizeMismatch : BlockMismatch
{
    public required RoundingMode Rounding { get; init; }
    public required uint[] Inputs { get; init; }
    public required QuantizationPolicy Policy { get; init; }

    /// <summary>The <c>FMT RM V</c> inputs of a quantize line (what <c>mxref vectors make --op quantize</c> reads).</summary>
    public string ModelLine => $"{StandardFormats.ElementCode(Format):x} {(int)Rounding:x} {string.Concat(Inputs.Reverse().Select(v => v.ToString("x8")))}";

    protected override void AppendInputs(StringBuilder sb)
    {
        sb.Append($"  format    {Format.Name}; rounding {Rounding.ShortName()}; policy {QuantizePolicyText.Format(Policy)}\n");
        Mismatch.Fp32Values(sb, "V", Inputs);
    }

    protected override string InputsBrief => $"{Format.Name} {Rounding.ShortName()}";

    public override string ModelCommand(string modelOptions) =>
        $"echo '{ModelLine}' | mxref vectors make --op quantize -k {K}{PolicyOptions(Policy)} -o model.mxv  # expected S and P: last data line";

    /// <summary>The policy as <c>vectors make</c>/<c>vectors gen</c>/<c>verify</c> options (empty for the OCP default).</summary>
    public static string PolicyOptions(QuantizationPolicy p) =>
        (p.ScaleRule != QuantizationPolicy.Default.ScaleRule ? $" --scale-rule {p.ScaleRule.Name()}" : "") +
        (p.Specials != QuantizationPolicy.Default.Specials ? $" --specials {p.Specials.Name()}" : "") +
        (p.IntegerRange != QuantizationPolicy.Default.IntegerRange ? $" --int8 {p.IntegerRange.Name()}" : "") +
        (p.FlushSubnormalInputs ? " --flush-subnormal-inputs" : "");

    public override void AddJson(JObject o)
    {
        o["inputs"] = ModelLine;
        base.AddJson(o);
    }
}

/// <summary>
/// The regen unit (rtl/mx_regen's interface, DropBack: docs/dropback.md): a block's seed, layer, block index,
/// initializer (n, a) and tracked lanes in, the block regenerated (Philox4x32-10, the initializer, the tracked override)
/// and quantized by a recipe out (refmodel/DropBack, <see cref="RegenEvaluation"/>). The record is
/// <c>fmt rm scale_rule specials int8_full flush n 0 | seed (u64) | layer blk a 0 (u32) | tmask (8·⌈K/64⌉ bytes) |
/// K tracked FP32 values</c>, the result <see cref="BlockResult"/>. Coverage: <see cref="RegenClassifier"/>.
/// </summary>
public sealed class RegenUnit : Unit<RegenVector>
{
    private readonly Recipe _recipe;
    private readonly IReadOnlyList<BlockFormat> _formats;
    private readonly BlockResult.PolicyPorts _ports;
    private readonly int _maskBytes;

    /// <summary>A regen unit quantizing by <paramref name="recipe"/>; <paramref name="formats"/> are the block formats of the run (k = K, E8M0).</summary>
    public RegenUnit(int k, Recipe recipe, IReadOnlyList<BlockFormat> formats) : base(UnitKind.Regen, k)
    {
        _recipe = recipe;
        _formats = formats;
        _ports = BlockResult.Ports(recipe, out var why) ?? throw new UsageException(why!);
        _maskBytes = 8 * ((k + 63) / 64);
    }

    public Recipe Recipe => _recipe;
    public override int RecordBytes => 32 + _maskBytes + 4 * K;
    public override int ResultBytes => BlockResult.Bytes(K);
    public override string Settings => $"unit=regen recipe={_recipe.Name}";
    public override string Options => "";

    public override RegenVector NewVector() => new(K);

    /// <summary>The golden scale and codes (the generator computes them with the vector; a file line is re-evaluated when parsed).</summary>
    protected override void Evaluate(RegenVector r, Span<byte> expected) => BlockResult.Write(r.Scale, r.P, expected);

    protected override void Classify(RegenVector r, ReadOnlySpan<byte> expected, long[] counts) => RegenClassifier.Classify(r, counts);

    protected override void Encode(RegenVector r, Span<byte> record)
    {
        record[0] = (byte)r.Format;
        record[1] = (byte)_recipe.ElementRounding;
        _ports.Write(record);
        record[6] = (byte)r.Terms;
        record[7] = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(record[8..], r.Seed);
        BinaryPrimitives.WriteUInt32LittleEndian(record[16..], r.Layer);
        BinaryPrimitives.WriteUInt32LittleEndian(record[20..], r.Block);
        BinaryPrimitives.WriteUInt32LittleEndian(record[24..], r.A);
        BinaryPrimitives.WriteUInt32LittleEndian(record[28..], 0);
        var mask = record.Slice(32, _maskBytes);
        mask.Clear();
        for (int i = 0; i < K; i++)
            if (r.Mask[i]) mask[i >> 3] |= (byte)(1 << (i & 7));
        var values = record[(32 + _maskBytes)..];
        for (int i = 0; i < K; i++) BinaryPrimitives.WriteUInt32LittleEndian(values[(4 * i)..], r.Mask[i] ? r.Tracked[i] : 0);
    }

    protected override void Parse(ReadOnlySpan<byte> line, RegenVector r)
    {
        RegenLine.Parse(Ascii(line), r);
        BlockFormat f;
        try { f = RegenEvaluation.FormatOf(r, _formats); }
        catch (ArgumentException e) { throw new FieldException("FMT", e.Message); }
        try { RegenEvaluation.SetExpected(r, f, _recipe); }
        catch (ArgumentOutOfRangeException e) { throw new FieldException("A", e.Message); }
    }

    protected override MismatchDetail Diagnose(RegenVector r, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var copy = new RegenVector(K) { Format = r.Format, Seed = r.Seed, Layer = r.Layer, Block = r.Block, Terms = r.Terms, A = r.A, Scale = r.Scale };
        r.Mask.CopyTo(copy.Mask, 0);
        r.Tracked.CopyTo(copy.Tracked, 0);
        r.P.CopyTo(copy.P, 0);
        var format = StandardFormats.Elements[r.Format];
        return new RegenMismatch
        {
            K = K, Format = format, Vector = copy, Recipe = _recipe, Expected = expected.ToArray(), Actual = actual.ToArray(),
            Diagnosis = BlockResult.Diagnose(format, expected, actual, ClassesOf(r, expected)),
        };
    }
}

/// <summary>A regen mismatch: the block's generator inputs and tracked lanes, and the block results.</summary>
public sealed class RegenMismatch : BlockMismatch
{
    public required RegenVector Vector { get; init; }
    public required Recipe Recipe { get; init; }

    protected override void AppendInputs(StringBuilder sb)
    {
        var r = Vector;
        sb.Append($"  format    {Format.Name}; recipe {Recipe.Name}\n");
        sb.Append($"  block     seed 0x{r.Seed:x16}, layer 0x{r.Layer:x8}, block 0x{r.Block:x8} (weights {r.Start}..{(ulong)r.Start + (ulong)K - 1})\n");
        sb.Append($"  init      n {r.Terms}, a 0x{r.A:x8} ({Codec.Show(StandardFormats.Fp32, r.A)})\n");
        Mismatch.Fp32Values(sb, "tracked", r.Tracked, i => r.Mask[i]);
    }

    protected override string InputsBrief => $"{Format.Name} block 0x{Vector.Block:x8} of layer 0x{Vector.Layer:x8}, {Vector.Mask.Count(m => m)} tracked";

    /// <summary>The golden regen line (inputs, expected S and P) of this block, as an <c>.mxv</c> data line.</summary>
    public override string ModelCommand(string modelOptions) => $"expected line (op regen, recipe {Recipe.Name}): {RegenLine.Format(Vector)}";

    public override void AddJson(JObject o)
    {
        o["inputs"] = RegenLine.Format(Vector);
        base.AddJson(o);
    }
}
