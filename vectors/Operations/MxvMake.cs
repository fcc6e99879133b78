using MxRef.Dot;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Operations;

/// <summary>What <see cref="MxvMake"/> computes directed vectors with: the op and the golden model's settings.</summary>
public sealed record MxvMakeOptions
{
    /// <summary><c>dot</c> or <c>quantize</c>.</summary>
    public string Op { get; init; } = MxvHeader.OpDot;
    public int Block { get; init; } = 32;
    public NumberFormat Output { get; init; } = StandardFormats.Fp32;
    public AccumulationModel Model { get; init; } = AccumulationModel.Fused;
    public ImplementationProfile Profile { get; init; } = ImplementationProfile.Default;
    /// <summary>A named block format (its element on both sides, its scale format), or null for OCP MX with E8M0.</summary>
    public BlockFormat? BlockFormat { get; init; }
    /// <summary>Quantize only: the quantization policy (each line gives its rounding mode).</summary>
    public QuantizationPolicy Policy { get; init; } = QuantizationPolicy.Default;
    /// <summary>The command line recorded in the header.</summary>
    public string? Command { get; init; }
}

/// <summary>
/// Directed vectors (docs/vector-format.md, "Directed vectors"): input lines — <c>FA FB RM SA A SB B C</c> for dot,
/// <c>FMT RM V</c> for quantize, as <c>mxref dot</c> reads them — computed with the golden model and written as a
/// complete <c>.mxv</c> (header, data lines, trailer; atomically). Blank lines are skipped; <c>#</c> and <c>//</c> start
/// comments, which are carried into the file as <c>//</c> comment lines (a comment after the fields is dropped).
/// </summary>
public static class MxvMake
{
    public const string Set = "directed";

    /// <summary>
    /// Reads every line of <paramref name="input"/> (named <paramref name="inputName"/> in errors), then writes the file.
    /// A malformed line throws <see cref="MxvFormatException"/> naming the input, line and field; nothing is written.
    /// Returns the number of vectors written.
    /// </summary>
    public static long Write(TextReader input, string inputName, string path, MxvMakeOptions o)
    {
        if (o.Op != MxvHeader.OpDot && o.Op != MxvHeader.OpQuantize) throw new ArgumentException($"op '{o.Op}': valid: dot, quantize");
        if (!o.Profile.IsDefault && o.Model.Kind == AccumulationKind.Fp32Sum)
            throw new ArgumentException($"a profile applies to the fused and chunked:N accumulation models, not {o.Model}");
        var items = new List<object>(); // string (a comment), DotVector or QuantizeVector
        long lineNo = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNo++;
            var (fields, comment) = Split(line);
            if (comment is not null && fields.Length == 0) items.Add(comment);
            if (fields.Length == 0) continue;
            try
            {
                items.Add(o.Op == MxvHeader.OpDot ? Dot(fields, o) : Quantize(fields, o));
            }
            catch (FieldException e)
            {
                throw new MxvFormatException(inputName, lineNo, e.Field, e.Message);
            }
        }
        var dots = items.OfType<DotVector>().ToArray();
        var quants = items.OfType<QuantizeVector>().ToArray();
        IReadOnlyList<string> Names(IEnumerable<NumberFormat> f) => f.Distinct().OrderBy(StandardFormats.ElementCode).Select(x => x.Name).ToArray();
        IReadOnlyList<string> Modes(IEnumerable<RoundingMode> m) => m.Distinct().Order().Select(x => x.ShortName()).ToArray();
        var header = o.Op == MxvHeader.OpDot
            ? new MxvHeader
            {
                Op = MxvHeader.OpDot, Block = o.Block, Output = o.Output.Name, Accumulation = o.Model.ToString(),
                BlockFormat = o.BlockFormat?.Name, Scale = o.BlockFormat is { } bf && bf.Scale != StandardFormats.E8M0 ? bf.Scale.Name : null,
                Profile = o.Profile.IsDefault ? null : o.Profile.ToString(),
                FormatsA = Names(dots.Select(v => v.FormatA)), FormatsB = Names(dots.Select(v => v.FormatB)),
                Rounding = Modes(dots.Select(v => v.Rounding)), Sets = [Set], Command = o.Command,
            }
            : new MxvHeader
            {
                Op = MxvHeader.OpQuantize, Block = o.Block, Quantization = QuantizePolicyText.Format(o.Policy),
                FormatsA = Names(quants.Select(q => q.Format)),
                Rounding = Modes(quants.Select(q => q.Rounding)), Sets = [Set], Command = o.Command,
            };
        using var writer = MxvWriter.Create(path, header);
        foreach (var item in items)
        {
            switch (item)
            {
                case string c: writer.WriteComment(c.StartsWith("end", StringComparison.Ordinal) ? "- " + c : c); break;
                case DotVector v: writer.WriteDot(v); break;
                case QuantizeVector q: writer.WriteQuantize(q); break;
            }
        }
        writer.Commit();
        return writer.Count;
    }

    /// <summary>The fields of a line and its comment (text after <c>#</c> or <c>//</c>), each trimmed.</summary>
    private static (string Fields, string? Comment) Split(string line)
    {
        int hash = line.IndexOf('#'), slashes = line.IndexOf("//", StringComparison.Ordinal);
        int at = hash < 0 ? slashes : slashes < 0 ? hash : Math.Min(hash, slashes);
        if (at < 0) return (line.Trim(), null);
        var comment = line[(at + (line[at] == '#' ? 1 : 2))..].Trim();
        return (line[..at].Trim(), comment);
    }

    private static DotVector Dot(string fields, MxvMakeOptions o)
    {
        var v = new DotVector(o.Block) { Scales = o.BlockFormat?.ScaleCodec ?? ScaleCodec.E8M0 };
        DotLine.Parse(fields, v, withExpected: false, o.Output);  // sets v.Output
        if (o.BlockFormat is { } bf && (v.FormatA != bf.Element || v.FormatB != bf.Element))
            throw new FieldException(v.FormatA != bf.Element ? "FA" : "FB", $"{bf.Name} elements are {bf.Element.Name} (code {DotLine.CodeOf(bf.Element)})");
        var r = v.Evaluate(o.Output, o.Model, o.Profile);
        v.D = r.Bits;
        v.Flags = (byte)r.Flags;
        return v;
    }

    private static QuantizeVector Quantize(string fields, MxvMakeOptions o)
    {
        var q = new QuantizeVector(o.Block);
        QuantizeLine.Parse(fields, q, withExpected: false);
        q.SetExpected(o.Policy);
        return q;
    }
}
