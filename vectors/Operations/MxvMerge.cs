using System.Text;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Operations;

/// <summary>
/// Joins the shards <c>0/N .. N−1/N</c> of one generator run into one file whose data lines are those of the unsharded
/// run. Every part is validated before a byte is kept: its header must be the same run's (everything but
/// <c>shard</c> and <c>command</c> equal) and name its place, and every data line is parsed with its op's line codec
/// and counted against the trailer's count and CRC.
/// </summary>
public static class MxvMerge
{
    /// <summary>
    /// Merges <paramref name="paths"/> (in shard order) into <paramref name="output"/>, written atomically; returns the
    /// number of vectors. Throws <see cref="MxvFormatException"/> naming the part, line and field of the first problem.
    /// </summary>
    public static long Shards(IReadOnlyList<string> paths, string output)
    {
        if (paths.Count == 0) throw new ArgumentException("no shards to merge");
        var headers = paths.Select(MxvReader.ReadHeader).ToArray();
        var first = headers[0] with { Shard = null, Command = null };
        for (int i = 0; i < headers.Length; i++)
        {
            if (headers[i].Shard != $"{i}/{paths.Count}")
                throw new MxvFormatException(paths[i], 1, "header.shard",
                    $"expected shard {i}/{paths.Count}, found '{headers[i].Shard ?? "none"}' (give the parts in order, all of them)");
            if ((headers[i] with { Shard = null, Command = null }).ToLine() != first.ToLine())
                throw new MxvFormatException(paths[i], 1, "header", $"not a shard of the same run as {paths[0]} (options or seed differ)");
        }
        using var writer = MxvWriter.Create(output, first with { Command = $"mxref vectors merge of {paths.Count} shards" });
        foreach (var path in paths)
        {
            using var reader = MxvReader.Open(path);
            var validate = LineValidator(reader.Header);
            while (reader.NextDataLine(out var line))
            {
                try { validate(line); }
                catch (FieldException e) { throw new MxvFormatException(path, reader.LineNumber, e.Field, e.Message); }
                writer.WriteDataLines(Encoding.ASCII.GetBytes(line + "\n"), 1);
            }
        }
        writer.Commit();
        return writer.Count;
    }

    /// <summary>Parses a data line with the codec of the header's op (throws <see cref="FieldException"/>).</summary>
    private static Action<string> LineValidator(MxvHeader h)
    {
        if (h.Op == MxvHeader.OpDecode)
        {
            var d = new DecodeVector(h.Block) { Scales = h.Scales };
            var decodedTo = h.OutputFormat;
            return line => DecodeLine.Parse(line, d, withExpected: true, decodedTo);
        }
        if (h.Op == MxvHeader.OpRegen)
        {
            var r = new RegenVector(h.Block);
            return line => RegenLine.Parse(line, r);
        }
        if (h.BdrQuantizeFormat is { } bdr)
        {
            var b = new BdrQuantizeVector(bdr);
            return line => BdrQuantizeLine.Parse(line, b);
        }
        if (h.Op == MxvHeader.OpQuantize)
        {
            var q = new QuantizeVector(h.Block);
            return line => QuantizeLine.Parse(line, q);
        }
        if (h.MicroexponentFormat is { } f)
        {
            var output = h.OutputFormat;
            var m = new MicroexponentDotVector(f, h.Block);
            return line => MicroexponentDotLine.Parse(line, m, withExpected: true, output);
        }
        var v = new DotVector(h.Block);
        var lineOutput = h.LineOutput; // null: each line names its output (OUT)
        return line => DotLine.Parse(line, v, withExpected: true, lineOutput);
    }
}
