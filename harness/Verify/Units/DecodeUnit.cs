using System.Buffers.Binary;
using System.Text;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Generation.Decode;
using MxRef.Vectors.Text;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>One block of a decode run: the decode vector and the output format it is decoded into (a generated run
/// mixes FP32, BF16 and FP16 blocks, driven on the design's <c>out_fmt</c> port block by block).</summary>
public sealed class DecodeBlock(int k)
{
    public DecodeVector V { get; } = new(k);
    public NumberFormat Output { get; set; } = StandardFormats.Fp32;

    public DecodeBlock Copy()
    {
        var c = new DecodeBlock(V.K) { Output = Output };
        c.V.Format = V.Format;
        c.V.Rounding = V.Rounding;
        c.V.Scales = V.Scales;
        c.V.Scale = V.Scale;
        c.V.Flags = V.Flags;
        V.A.CopyTo(c.V.A, 0);
        V.D.CopyTo(c.V.D, 0);
        return c;
    }
}

/// <summary>
/// The decode unit (rtl/mx_decode's interface): K element codes and one E8M0 scale in, K values of FP32, BF16 or FP16
/// out, each X·P_i rounded once (OCP MX v1.0 §5.2; the golden model <see cref="MxDecode"/> under the run's profile),
/// with the flags OR-ed over the block. The record is <c>fmt rm out_fmt scale 0 0 0 0 | K element codes</c> (8 + K
/// bytes), the result <c>flags 0 0 0 0 0 0 0 | K u32 lanes</c> (8 + 4K; a 16-bit result in the low half, the upper
/// half 0). Coverage: <see cref="DecodeClassifier"/>. A mismatch is explained, where one decoder knob reproduces the
/// design's block, by that knob (flush-result, overflow=saturate, nan-scale=as-number, ...).
/// </summary>
public sealed class DecodeUnit(int k, ImplementationProfile profile, IReadOnlyList<NumberFormat> outputs) : Unit<DecodeBlock>(Definition, k)
{
    /// <summary>The kind (<see cref="UnitKind.Decode"/>): rtl/mx_decode's ports, its bench, the op of its files.</summary>
    public static readonly UnitKind Definition = new()
    {
        Name = "decode", DefaultTop = "mx_decode", FileList = "rtl/mx_decode.f", Op = MxvHeader.OpDecode, Testbench = "mx_decode_tb.cpp", Magic = 0x4454584d, // "MXTD"
        Ports = k =>
        [
            new("clk", true, 1), new("rst_n", true, 1), new("in_valid", true, 1),
            new("fmt", true, 3), new("rm", true, 3), new("out_fmt", true, 2), new("scale", true, 8), new("a", true, 8 * k),
            new("out_valid", false, 1), new("d", false, 32 * k), new("flags", false, 5),
        ],
        CoverageNames = DecodeClassifier.Names,
        Summary = "expected interface: input clk, rst_n, in_valid, [2:0] fmt, rm, [1:0] out_fmt, [7:0] scale, [8*K-1:0] a; " +
                  "output out_valid, [32*K-1:0] d, [4:0] flags (rtl/mx_decode.sv, docs/verify.md \"Units\")",
    };

    /// <summary>The decoder's knob settings a mismatch is re-run under (<see cref="MxDecode.Knobs"/>), each on top of the run's profile.</summary>
    private readonly (string Name, ImplementationProfile Profile)[] _candidates = MismatchClassifier.Settings
        .Where(s => MxDecode.Knobs.Contains(s.Knob))
        .Select(s => ($"{s.Knob}={s.Value}", profile.With(s.Knob, s.Value, out _)!))
        .Where(c => c.Item2 != profile)
        .ToArray();

    public ImplementationProfile Profile => profile;
    public IReadOnlyList<NumberFormat> Outputs => outputs;
    public override int RecordBytes => 8 + K;
    public override int ResultBytes => 8 + 4 * K;
    public override string Settings => $"unit=decode out={string.Join(',', outputs.Select(o => o.Name))}{(profile.IsDefault ? "" : $" profile={profile}")}";
    public override string Options => "";

    public override DecodeBlock NewVector() => new(K);

    /// <summary>The golden lanes and flags (the generator computes them with the vector; a file line is re-evaluated when parsed).</summary>
    protected override void Evaluate(DecodeBlock b, Span<byte> expected) => Write(b.V.D, b.V.Flags, expected);

    private static void Write(ReadOnlySpan<uint> d, byte flags, Span<byte> result)
    {
        result[..8].Clear();
        result[0] = flags;
        for (int i = 0; i < d.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(result[(8 + 4 * i)..], d[i]);
    }

    protected override void Classify(DecodeBlock b, ReadOnlySpan<byte> expected, long[] counts) => DecodeClassifier.Classify(b.V, b.Output, counts);

    protected override void Encode(DecodeBlock b, Span<byte> record)
    {
        record[..8].Clear();
        record[0] = (byte)StandardFormats.ElementCode(b.V.Format);
        record[1] = (byte)b.V.Rounding;
        record[2] = (byte)OutputCode(b.Output);
        record[3] = b.V.Scale;
        b.V.A.CopyTo(record[8..]);
    }

    /// <summary>mx_pkg::OUT_*: the output format's index in <see cref="StandardFormats.Outputs"/> (0 fp32, 1 bf16, 2 fp16).</summary>
    public static int OutputCode(NumberFormat output)
    {
        for (int i = 0; i < StandardFormats.Outputs.Count; i++)
            if (StandardFormats.Outputs[i] == output) return i;
        throw new ArgumentException($"{output.Name} is not an output format of the decode unit");
    }

    protected override void Parse(ReadOnlySpan<byte> line, DecodeBlock b)
    {
        b.Output = outputs[0];
        DecodeLine.Parse(line, b.V, withExpected: true, b.Output);
        b.V.Flags = b.V.Evaluate(b.Output, profile, b.V.D);
    }

    protected override MismatchDetail Diagnose(DecodeBlock b, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var copy = b.Copy();
        var e = expected.ToArray();
        var a = actual.ToArray();
        var lanes = DifferingLanes(e, a);
        // The parts (value, sign, nan, nan-bits, each flag bit) of the differing lanes, in the dot unit's order.
        var parts = new HashSet<string>();
        foreach (int i in lanes)
        {
            uint ad = Lane(a, i);
            if (!Fits(b.Output, ad)) parts.Add("value"); // bits above a 16-bit result
            else parts.UnionWith(MismatchClassifier.Parts(b.Output, Lane(e, i), 0, ad, 0));
        }
        parts.UnionWith(MismatchClassifier.Parts(b.Output, 0, e[0], 0, a[0]));
        var ordered = MismatchClassifier.PartNames.Where(parts.Contains).ToArray();
        var explanations = Explanations(b, a);
        long? ulps = lanes.Length > 0 && Fits(b.Output, Lane(a, lanes[0])) ? MismatchClassifier.Ulps(b.Output, Lane(e, lanes[0]), Lane(a, lanes[0])) : null;
        return new DecodeMismatch
        {
            Block = copy, Expected = e, Actual = a, Lanes = lanes, Profile = profile,
            Diagnosis = new MismatchDiagnosis
            {
                Class = explanations.Length > 0 ? string.Join('|', explanations) : MismatchClassifier.UnexplainedPrefix + string.Join('+', ordered),
                Parts = ordered,
                Ulps = ulps,
                Explanations = explanations,
                CoverageOf = () => ClassesOf(copy, e),
            },
        };
    }

    /// <summary>The decoder knob settings under which the model gives exactly the design's lanes and flags.</summary>
    private string[] Explanations(DecodeBlock b, byte[] actual)
    {
        var names = new List<string>();
        var d = new uint[K];
        foreach (var (name, p) in _candidates)
        {
            byte flags = b.V.Evaluate(b.Output, p, d);
            bool same = flags == actual[0];
            for (int i = 0; same && i < K; i++) same = d[i] == Lane(actual, i);
            if (same) names.Add(name);
        }
        return names.ToArray();
    }

    /// <summary>The model command under the first explaining knob (it prints the design's lanes).</summary>
    public override void Annotate(Mismatch m)
    {
        if (m.Detail is not DecodeMismatch d || d.Diagnosis.Explanations.Count == 0) return;
        var (knob, value) = (d.Diagnosis.Explanations[0].Split('=')[0], d.Diagnosis.Explanations[0].Split('=', 2)[1]);
        m.ExplainedModel = d.ModelCommandUnder(profile.With(knob, value, out _)!);
    }

    /// <summary>Whether a result lane holds a code of the output format (no bits above a 16-bit result).</summary>
    internal static bool Fits(NumberFormat output, uint code) => output.Bits >= 32 || code >> output.Bits == 0;

    internal static uint Lane(byte[] result, int i) => BinaryPrimitives.ReadUInt32LittleEndian(result.AsSpan(8 + 4 * i));

    private int[] DifferingLanes(byte[] e, byte[] a) => Enumerable.Range(0, K).Where(i => Lane(e, i) != Lane(a, i)).ToArray();

    /// <summary>
    /// The unit and its vectors for a generated run: the decode generator's corner set for each output format in turn,
    /// then <paramref name="template"/>'s random blocks dealt round-robin over the outputs. Random block r is block r of
    /// <c>mxref vectors gen --op decode --out OUTPUT</c> with the same options (OUTPUT = outputs[r mod n]), so every
    /// block is reproducible on its own and no two outputs see the same random inputs.
    /// </summary>
    public static (DecodeUnit Unit, IGeneratedVectors Vectors) Generated(int k, DecodeGeneratorOptions template, IReadOnlyList<NumberFormat> outputs, string optionText)
    {
        var gens = outputs.Select(o => new DecodeVectorGenerator(template with { Block = k, Output = o })).ToArray();
        long corners = template.Corners ? gens.Sum(g => g.Sections[0].End) : 0;
        long[] start = new long[gens.Length];
        for (int j = 1; j < gens.Length; j++) start[j] = start[j - 1] + (template.Corners ? gens[j - 1].Sections[0].End : 0);
        long total = corners + (template.Random ? template.Count : 0);
        (int Gen, long Local) Locate(long i)
        {
            if (i >= corners)
            {
                long r = i - corners;
                int j = (int)(r % gens.Length);
                return (j, (template.Corners ? gens[j].Sections[0].End : 0) + r);
            }
            int g = gens.Length - 1;
            while (start[g] > i) g--;
            return (g, i - start[g]);
        }
        void Generate(long i, DecodeBlock b)
        {
            var (j, local) = Locate(i);
            b.Output = outputs[j];
            gens[j].Generate(local, b.V);
        }
        string Section(long i)
        {
            var (j, local) = Locate(i);
            return (gens[j].Sections.FirstOrDefault(s => local >= s.Start && local < s.End)?.Name ?? "?") + " " + outputs[j].Name;
        }
        var expected = outputs.SelectMany(o => DecodeClassifier.Expected(template.Formats, template.Modes, o, StandardFormats.E8M0)).Distinct().Order().ToArray();
        var vectors = new IndexedVectors<DecodeBlock>(total, Generate, Section, template.Seed, optionText, expected, "blocks");
        return (new DecodeUnit(k, template.Profile, outputs), vectors);
    }

    /// <summary>The unit of a run over <c>.mxv</c> decode files: one output format and profile across the files, E8M0 scales.</summary>
    public static (IUnit Unit, IReadOnlyList<int> Expected, VerifyOptions Options) FromFiles(VerifyOptions o, IReadOnlyList<(string File, MxvHeader Header)> files)
    {
        var given = o.Profile;
        var (first, h0) = files[0];
        foreach (var (f, h) in files)
        {
            if (h.ScaleFormat != StandardFormats.E8M0)
                throw new UsageException($"{f}:1: scale: the decode unit takes E8M0 scales (rtl/mx_decode's scale port); the file has {h.ScaleFormat.Name}");
            if (h.OutputFormat != h0.OutputFormat)
                throw new UsageException($"{f}:1: out: the file decodes to {h.OutputFormat.Name}, {first} to {h0.OutputFormat.Name}; verify them in separate runs");
            if (h.ImplementationProfile != h0.ImplementationProfile)
                throw new UsageException($"{f}:1: profile: the file's profile '{h.ImplementationProfile}' is not {first}'s '{h0.ImplementationProfile}'; verify them in separate runs");
        }
        if (given is not null && given != h0.ImplementationProfile)
            throw new UsageException($"--profile {given}: {first}:1: the file's profile is '{h0.ImplementationProfile}'; the golden model runs under the files' profile");
        var expected = files.SelectMany(x => DecodeClassifier.Expected(
                x.Header.FormatsA?.Select(n => StandardFormats.TryParse(n)!) ?? StandardFormats.Elements,
                x.Header.Rounding?.Select(n => RoundingModes.TryParse(n)!.Value) ?? RoundingModes.Deterministic,
                h0.OutputFormat, StandardFormats.E8M0))
            .Distinct().Order().ToArray();
        return (new DecodeUnit(o.K, h0.ImplementationProfile, [h0.OutputFormat]), expected, o with { Profile = h0.ImplementationProfile });
    }
}

/// <summary>A mismatching decode block: its inputs, the lanes that differ (expected and actual values), the flags.</summary>
public sealed class DecodeMismatch : MismatchDetail
{
    public required DecodeBlock Block { get; init; }
    public required byte[] Expected { get; init; }
    public required byte[] Actual { get; init; }
    public required int[] Lanes { get; init; }
    public required ImplementationProfile Profile { get; init; }

    private DecodeVector V => Block.V;
    private NumberFormat Output => Block.Output;

    /// <summary>The <c>F RM S A</c> line of <c>mxref decode</c>.</summary>
    public string ModelLine
    {
        get
        {
            var sb = new StringBuilder();
            DecodeLine.AppendInputs(sb, V);
            return sb.ToString();
        }
    }

    private string Value(uint code) => DecodeUnit.Fits(Output, code) ? Codec.Show(Output, code) : "(bits above the format's width)";

    private string Code(uint code) => code.ToString(DecodeUnit.Fits(Output, code) ? "x" + Output.Bits / 4 : "x8");

    private string LanesDiffer => Lanes.Length == 1 ? "1 lane differs" : $"{Lanes.Length} lanes differ";

    public override void AppendText(StringBuilder sb)
    {
        sb.Append($"  format    {V.Format.Name} -> {Output.Name}; rounding {V.Rounding.ShortName()}; scale 0x{V.Scale:x2} ({V.Scales.Show(V.Scale)})" +
                  $"{(Profile.IsDefault ? "" : $"; profile {Profile}")}\n");
        Mismatch.Codes(sb, "A", V.Format, V.A);
        sb.Append($"  expected  flags 0x{Expected[0]:x2} ({DotMismatch.FlagNames(Expected[0])})\n");
        sb.Append($"  actual    flags 0x{Actual[0]:x2} ({DotMismatch.FlagNames(Actual[0])})\n");
        sb.Append($"  differs   {Lanes.Length} of {V.K} lanes{(Expected[0] != Actual[0] ? $", flags {DotMismatch.FlagNames((byte)(Expected[0] ^ Actual[0]))}" : "")}\n");
        foreach (int i in Lanes.Take(16))
        {
            uint e = DecodeUnit.Lane(Expected, i), a = DecodeUnit.Lane(Actual, i);
            sb.Append($"    lane {i,2}  A {V.A[i]:x2}={Codec.Show(V.Format, V.A[i])}  expected {Code(e)}={Value(e)}  actual {Code(a)}={Value(a)}\n");
        }
        if (Lanes.Length > 16) sb.Append($"    ... and {Lanes.Length - 16} more lanes\n");
    }

    public override string Brief
    {
        get
        {
            string lane = Lanes.Length == 0 ? "" : $"; lane {Lanes[0]} A {V.A[Lanes[0]]:x2} expected {Code(DecodeUnit.Lane(Expected, Lanes[0]))} actual {Code(DecodeUnit.Lane(Actual, Lanes[0]))}";
            return $"{V.Format.Name} -> {Output.Name} {V.Rounding.ShortName()}, scale 0x{V.Scale:x2}; {LanesDiffer}{lane}; " +
                   $"flags expected {DotMismatch.FlagNames(Expected[0])}, actual {DotMismatch.FlagNames(Actual[0])}";
        }
    }

    public override string ModelCommand(string modelOptions) => ModelCommandUnder(Profile);

    /// <summary><c>echo 'F RM S A' | mxref decode -k K --out OUTPUT [--profile P]</c>: prints the K lanes and the flags.</summary>
    public string ModelCommandUnder(ImplementationProfile p) =>
        $"echo '{ModelLine}' | mxref decode -k {V.K} --out {Output.Name}{(p.IsDefault ? "" : $" --profile {p}")}";

    public override void AddJson(JObject o)
    {
        o["inputs"] = ModelLine;
        o["format_a"] = V.Format.Name;
        o["format_b"] = "";
        o["output"] = Output.Name;
        o["expected"] = Convert.ToHexString(Expected).ToLowerInvariant();
        o["actual"] = Convert.ToHexString(Actual).ToLowerInvariant();
        o["expected_flags"] = DotMismatch.FlagNames(Expected[0]);
        o["actual_flags"] = DotMismatch.FlagNames(Actual[0]);
        o["lanes_differing"] = new JArray(Lanes);
        o["ulps"] = Diagnosis.Ulps;
    }
}
