using System.Buffers.Binary;
using System.Text;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Files;
using MxRef.Rounding;
using MxRef.Vectors.Text;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify;

/// <summary>
/// The dot-bdr unit: the fused dot product of two shared-microexponent blocks (MX9/MX6/MX4: Rouhani et al., ISCA 2023,
/// §3; golden model <see cref="SharedMicroexponentDot"/>, one rounding to FP32), rtl/mx_dot_bdr_lanes' interface: E8M0
/// block exponents, one microexponent bit per pair, the elements' sign-magnitude codes in byte lanes as mx_dot takes
/// them (so the interface is the same for every M; the design's M must be the format's, <c>--param M=</c>). A kind of
/// its own rather than the dot unit with more formats: its ports (no fmt_a/fmt_b, micro_a/micro_b), record, golden
/// model and coverage classes (<see cref="MicroexponentCoverage"/>) all differ from the OCP dot unit's.
/// Record (8 + 2·MB + 2K bytes, MB = ⌈K/16⌉): <c>rm scale_a scale_b 0 | c | micro_a | micro_b | K a-lanes | K b-lanes</c>;
/// result: the dot unit's <c>d flags 0 0 0</c>.
/// </summary>
public sealed class BdrDotUnit : Unit<MicroexponentDotVector>
{
    public static UnitKind DotBdr { get; } = new()
    {
        Name = "dot-bdr", DefaultTop = "mx_dot_bdr_lanes", FileList = "rtl/mx_dot_bdr.f", Op = "dot", Testbench = "mx_dot_bdr_tb.cpp", Magic = 0x5354584d, // "MXTS"
        Ports = k =>
        [
            new("clk", true, 1), new("rst_n", true, 1), new("in_valid", true, 1), new("rm", true, 3),
            new("scale_a", true, 8), new("scale_b", true, 8), new("micro_a", true, k / 2), new("micro_b", true, k / 2),
            new("a", true, 8 * k), new("b", true, 8 * k), new("c", true, 32),
            new("out_valid", false, 1), new("d", false, 32), new("flags", false, 5),
        ],
        CoverageNames = Coverage(BlockFormat.TryParse("mx9")!).Names,
        Summary = "expected interface: input clk, rst_n, in_valid, [2:0] rm, [7:0] scale_a, scale_b, [K/2-1:0] micro_a, micro_b, [8*K-1:0] a, b " +
                  "(element i's M+1-bit sign-magnitude code in the low bits of byte lane i), [31:0] c; output out_valid, [31:0] d, [4:0] flags " +
                  "(rtl/mx_dot_bdr_lanes.sv, docs/verify.md \"Units\")",
    };

    private readonly BlockFormat _format;
    private readonly IReadOnlyList<string> _names;
    private readonly ThreadLocal<MicroexponentCoverage> _coverage;
    private readonly int _microBytes;

    /// <summary>A dot-bdr unit of block size <paramref name="k"/> for <paramref name="format"/> (checked by <see cref="Check"/>).</summary>
    public BdrDotUnit(int k, BlockFormat format) : base(DotBdr, k)
    {
        if (Check(format, k) is { } why) throw new UsageException(why);
        _format = format;
        _coverage = new ThreadLocal<MicroexponentCoverage>(() => Coverage(format));
        _names = _coverage.Value!.Names;
        _microBytes = (k / 2 + 7) / 8;
    }

    public BlockFormat Format => _format;
    public override int RecordBytes => 8 + 2 * _microBytes + 2 * K;
    public override int ResultBytes => 8;
    public override IReadOnlyList<string> CoverageNames => _names;
    public override string Settings => $"unit=dot-bdr format={_format.Name} acc=fused";
    public override string Options => "";

    private static MicroexponentCoverage Coverage(BlockFormat f) => new(f, StandardFormats.Fp32, MxRef.Rounding.RoundingModes.Deterministic.ToArray());

    /// <summary>Null when rtl/mx_dot_bdr takes <paramref name="format"/> at block size <paramref name="k"/>, else why not.</summary>
    public static string? Check(BlockFormat format, int k) =>
        format.Microexponent is not { Size: 2, Bits: 1 } || format.ScaleCodec != ScaleCodec.E8M0 || format.ElementBits > 8
            ? $"--block-format {format.Name}: the dot-bdr unit (rtl/mx_dot_bdr) takes E8M0 block exponents, one microexponent bit per pair and elements of at most 8 bits: mx9, mx6, mx4"
            : k % 2 != 0 ? $"--param K={k}: a {format.Name} block holds whole pairs; K must be even" : null;

    /// <summary>
    /// The design's M (its <c>--param M=</c>, else rtl/mx_dot_bdr's default 7) must be the format's magnitude width:
    /// the byte lanes carry any M, so a wrong one would only show as mismatches.
    /// </summary>
    public static void CheckDesign(BlockFormat format, IReadOnlyList<(string Name, string Value)> parameters)
    {
        string? m = parameters.LastOrDefault(p => p.Name == "M").Value;
        if (m is null ? format.MagnitudeBits != 7 : m != format.MagnitudeBits.ToString(System.Globalization.CultureInfo.InvariantCulture))
            throw new UsageException($"--block-format {format.Name} has {format.MagnitudeBits} magnitude bits; the design is built with M = {m ?? "7 (its default)"}: pass --param M={format.MagnitudeBits}");
    }

    public override MicroexponentDotVector NewVector() => new(_format, K);

    /// <summary>The golden D and FLAGS (the generator computes them with the vector; a file line is re-evaluated when parsed).</summary>
    protected override void Evaluate(MicroexponentDotVector v, Span<byte> expected)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(expected, v.D);
        expected[4] = v.Flags;
        expected[5] = expected[6] = expected[7] = 0;
    }

    protected override void Classify(MicroexponentDotVector v, ReadOnlySpan<byte> expected, long[] counts) => _coverage.Value!.Classify(v, counts);

    protected override void Encode(MicroexponentDotVector v, Span<byte> record)
    {
        record.Clear();
        record[0] = (byte)v.Rounding;
        record[1] = v.ScaleA;
        record[2] = v.ScaleB;
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], v.C);
        var microA = record.Slice(8, _microBytes);
        var microB = record.Slice(8 + _microBytes, _microBytes);
        for (int j = 0; j < v.SubBlocks; j++)
        {
            microA[j >> 3] |= (byte)((v.MicroA[j] & 1) << (j & 7));
            microB[j >> 3] |= (byte)((v.MicroB[j] & 1) << (j & 7));
        }
        int lanes = 8 + 2 * _microBytes;
        for (int i = 0; i < K; i++)
        {
            record[lanes + i] = (byte)v.A[i];
            record[lanes + K + i] = (byte)v.B[i];
        }
    }

    protected override void Parse(ReadOnlySpan<byte> line, MicroexponentDotVector v)
    {
        MicroexponentDotLine.Parse(line, v, withExpected: true, StandardFormats.Fp32);
        var r = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused);
        v.D = r.Bits;
        v.Flags = (byte)r.Flags;
    }

    protected override MismatchDetail Diagnose(MicroexponentDotVector v, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var copy = new MicroexponentDotVector(_format, K) { Rounding = v.Rounding, ScaleA = v.ScaleA, ScaleB = v.ScaleB, C = v.C, D = v.D, Flags = v.Flags };
        v.MicroA.CopyTo(copy.MicroA, 0);
        v.MicroB.CopyTo(copy.MicroB, 0);
        v.A.CopyTo(copy.A, 0);
        v.B.CopyTo(copy.B, 0);
        uint ed = BinaryPrimitives.ReadUInt32LittleEndian(expected), ad = BinaryPrimitives.ReadUInt32LittleEndian(actual);
        var parts = MismatchClassifier.Parts(StandardFormats.Fp32, ed, expected[4], ad, actual[4]);
        var coverage = ClassesOf(v, expected);
        return new BdrDotMismatch
        {
            K = K, Vector = copy, ExpectedD = ed, ExpectedFlags = expected[4], ActualD = ad, ActualFlags = actual[4],
            // no knob of the golden model explains a dot-bdr result: the class is the differing parts, as waivers name them
            Diagnosis = new MismatchDiagnosis
            {
                Class = MismatchClassifier.UnexplainedPrefix + string.Join('+', parts), Parts = parts, Explanations = [],
                Ulps = MismatchClassifier.Ulps(StandardFormats.Fp32, ed, ad), Coverage = coverage,
            },
        };
    }
}

/// <summary>A dot-bdr mismatch: the vector decoded (format, mode, block exponents, microexponents, element codes, C), expected and actual D and flags.</summary>
public sealed class BdrDotMismatch : DotResultMismatch<MicroexponentDotVector>
{
    /// <summary>The <c>RM SA MA A SB MB B C</c> inputs (what <c>mxref dot --format mx9</c> reads).</summary>
    public override string ModelLine => MicroexponentDotLine.FormatInputs(Vector);

    protected override uint C => Vector.C;
    protected override string Operands => $"{Vector.Format.Name} {Vector.Rounding.ShortName()}";
    protected override (string A, string B) FormatNames => (Vector.Format.Name, Vector.Format.Name);

    private static string Bits(byte[] micro) => string.Concat(micro.Select(t => (char)('0' + t)));

    private static void Codes(StringBuilder sb, string name, IReadOnlyList<uint> codes)
    {
        for (int i = 0; i < codes.Count; i += 16)
            sb.Append($"  {(i == 0 ? name : ""),-9} [{i,2}..] {string.Join(' ', codes.Skip(i).Take(16).Select(c => c.ToString("x2")))}\n");
    }

    protected override void AppendInputs(StringBuilder sb)
    {
        var v = Vector;
        var codec = v.Format.ScaleCodec;
        sb.Append($"  format    {v.Format.Name} (sign-magnitude, {v.Format.MagnitudeBits} magnitude bits); rounding {v.Rounding.ShortName()}\n");
        sb.Append($"  scales    A 0x{v.ScaleA:x2} ({codec.Show(v.ScaleA)}), B 0x{v.ScaleB:x2} ({codec.Show(v.ScaleB)}); E8M0\n");
        sb.Append($"  micro     A {Bits(v.MicroA)}, B {Bits(v.MicroB)} (pair 0 first)\n");
        Codes(sb, "A", v.A);
        Codes(sb, "B", v.B);
    }

    /// <summary>The golden model alone on this vector: <c>echo '…' | mxref dot --format mx9 -k K</c>.</summary>
    public override string ModelCommand(string modelOptions) => $"echo '{ModelLine}' | mxref dot --format {Vector.Format.Name} -k {K}";
}

/// <summary>The dot-bdr unit configured from <c>.mxv</c> files of one shared-microexponent format (their <c>block_format</c>).</summary>
public static class BdrDotFiles
{
    public static (IUnit Unit, IReadOnlyList<int> Expected, VerifyOptions Options) Open(VerifyOptions o)
    {
        BlockFormat? format = null;
        var expected = new SortedSet<int>();
        foreach (var f in o.VectorFiles)
        {
            var h = MxvSource.ReadHeader(f, BdrDotUnit.DotBdr);
            var mf = h.MicroexponentFormat
                ?? throw new UsageException($"{f}:1: block_format: not a shared-microexponent dot file (mx9, mx6, mx4); the dot-bdr unit takes those (vectors gen --block-format mx9)");
            if (format is not null && mf != format)
                throw new UsageException($"{f}:1: block_format: the file holds {mf.Name} vectors, {o.VectorFiles[0]} {format.Name}; verify them in separate runs");
            if (h.Block != o.K) throw new UsageException($"{f}:1: block: the file has k = {h.Block}, the design is verified with K = {o.K}; pass --param K={h.Block}");
            format = mf;
            var modes = h.Rounding is null ? MxRef.Rounding.RoundingModes.Deterministic.ToArray()
                : h.Rounding.Select(n => MxRef.Rounding.RoundingModes.TryParse(n)!.Value).ToArray();
            var cov = new MicroexponentCoverage(mf, StandardFormats.Fp32, modes);
            foreach (var name in cov.Expected) expected.Add(cov.Names.ToList().IndexOf(name));
        }
        if (BdrDotUnit.Check(format!, o.K) is { } why) throw new UsageException(why);
        BdrDotUnit.CheckDesign(format!, o.Parameters);
        return (new BdrDotUnit(o.K, format!), expected.ToArray(), o);
    }
}
