using System.CommandLine;
using System.Globalization;
using System.Text;
using MxRef.DropBack;
using MxRef.Formats;

namespace MxRef.Harness.Commands;

/// <summary>
/// <c>mxref dropback regen</c>: the weights a DropBack weight-fetch unit produces — the regenerated initial values
/// W0 (Philox4x32-10 + a bit-exact initializer), overridden by a tracked store, as FP32 or quantized to MX blocks.
/// The scheme and every definition are in docs/dropback.md.
/// </summary>
public static class DropbackCommand
{
    /// <summary>Weights generated and printed per chunk: a multiple of every block size, bounded memory for 2^32 weights.</summary>
    private const int Chunk = 1 << 16;

    public static Command Create()
    {
        var cmd = new Command("dropback", "DropBack: weights regenerated from a counter-based PRNG instead of stored (docs/dropback.md).");
        cmd.Add(Regen());
        return cmd;
    }

    private static Command Regen()
    {
        var seed = new Option<string>("--seed", "-s") { Description = "The 64-bit seed of W0 (decimal or 0x hex).", Required = true };
        var layer = new Option<string>("--layer", "-l") { Description = "Layer number, 0..4294967295 (a word of the Philox counter).", Required = true };
        var init = new Option<string>("--init") { Description = "Initializer: " + Initializer.ValidNames + ".", Required = true };
        var indices = new Option<string>("--indices") { Description = "Index range START:END (END exclusive, at most 4294967296), e.g. 0:4096.", Required = true };
        var format = new Option<string?>("--format", "-f") { Description = "Quantize to blocks: " + BlockQuantizerAdapter.ValidNames + " (k = 32, MX9/6/4: 16). Default: FP32 weights." };
        var tracked = new Option<string?>("--tracked") { Description = "Tracked store file: lines 'LAYER INDEX VALUE' (VALUE an FP32 bit pattern), sorted by (layer, index); '#' starts a comment." };
        var cmd = new Command("regen",
            "Print the weights of indices START..END-1 of a layer: W0 regenerated from (seed, layer, index), with the\n" +
            "tracked store's values where it has them. FP32: one weight per line, 8 hex digits. With --format: one line\n" +
            "per block as 'mxref quantize' prints it (scale, [microexponents,] element codes); START must then be a\n" +
            "multiple of the block size. Example: mxref dropback regen --seed 1 --layer 0 --init uniform:a=0x3d800000 --indices 0:4096")
        {
            seed, layer, init, indices, format, tracked,
        };
        cmd.SetAction(r =>
        {
            ulong s = ParseSeed(r.GetValue(seed)!);
            uint l = ParseLayer(r.GetValue(layer)!);
            Initializer initializer;
            try
            {
                initializer = Initializer.Parse(r.GetValue(init)!);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--init: {e.Message}");
            }
            var (start, end) = ParseRange(r.GetValue(indices)!);
            string? formatName = r.GetValue(format);
            var blockFormat = formatName is null ? null
                : BlockQuantizerAdapter.TryParse(formatName) ?? throw new UsageException($"unknown block format '{formatName}' for --format; valid: {BlockQuantizerAdapter.ValidNames}");
            if (blockFormat is not null && start % (uint)blockFormat.BlockSize != 0)
                throw new UsageException($"--indices starts at {start}, which is not a multiple of {blockFormat.Name}'s block size {blockFormat.BlockSize}");
            string? storePath = r.GetValue(tracked);
            var store = storePath is null ? TrackedStore.Empty : ReadStore(storePath);
            Write(r.InvocationConfiguration.Output, s, l, initializer, start, end, store, blockFormat);
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static void Write(TextWriter output, ulong seed, uint layer, Initializer init, uint start, ulong end, TrackedStore store, BlockFormat? format)
    {
        var line = new StringBuilder();
        var weights = new uint[Chunk];
        for (ulong at = start; at < end; at += Chunk)
        {
            int count = (int)Math.Min(Chunk, end - at);
            if (format is null)
            {
                var w = weights.AsSpan(0, count);
                WeightRegenerator.Weights(seed, layer, init, (uint)at, w, store);
                foreach (uint v in w) output.WriteLine(v.ToString("x8", CultureInfo.InvariantCulture));
                continue;
            }
            var blocks = WeightRegenerator.Blocks(seed, layer, init, (uint)at, count, store, format);
            int k = format.BlockSize, m = blocks.MicroexponentsPerBlock;
            int digits = ((format.ElementBits) + 3) / 4;
            for (int b = 0; b < blocks.BlockCount; b++)
            {
                line.Clear().Append(blocks.Scales[b].ToString("x2", CultureInfo.InvariantCulture));
                foreach (byte e in blocks.Microexponents.AsSpan(b * m, m)) line.Append(' ').Append(e.ToString("x", CultureInfo.InvariantCulture));
                foreach (uint c in blocks.Elements.AsSpan(b * k, k)) line.Append(' ').Append(c.ToString("x" + digits, CultureInfo.InvariantCulture));
                output.WriteLine(line.ToString());
            }
        }
    }

    private static ulong ParseSeed(string text)
    {
        string t = text.Trim();
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong seed)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out seed);
        return ok ? seed : throw new UsageException($"--seed '{text}' is not a 64-bit unsigned number (decimal or 0x hex)");
    }

    private static uint ParseLayer(string text) =>
        uint.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out uint layer)
            ? layer
            : throw new UsageException($"--layer '{text}' is not a layer number 0..4294967295");

    /// <summary>START:END, END exclusive; indices are 32-bit, so END may be at most 2^32.</summary>
    private static (uint Start, ulong End) ParseRange(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 2
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong start)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong end))
            throw new UsageException($"--indices '{text}' is not START:END (decimal, END exclusive), e.g. 0:4096");
        if (end > WeightRegenerator.IndexLimit || start >= WeightRegenerator.IndexLimit)
            throw new UsageException($"--indices {text} goes beyond 2^32: weight indices are 0..4294967295, so END is at most 4294967296");
        if (start >= end) throw new UsageException($"--indices {text} is empty: START must be below END");
        return ((uint)start, end);
    }

    /// <summary>Reads a tracked store; errors name the file, the line and the field.</summary>
    public static TrackedStore ReadStore(string path)
    {
        var entries = new List<TrackedEntry>();
        int lineNo = 0, previousLine = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            int hash = raw.IndexOf('#');
            var fields = (hash < 0 ? raw : raw[..hash]).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            if (fields.Length != 3) throw new UsageException($"{path}:{lineNo}: expected 'LAYER INDEX VALUE', found {fields.Length} fields");
            uint layer = Field(path, lineNo, "LAYER", fields[0], decimalOnly: true);
            uint index = Field(path, lineNo, "INDEX", fields[1], decimalOnly: true);
            uint value = Field(path, lineNo, "VALUE", fields[2], decimalOnly: false);
            var entry = new TrackedEntry(layer, index, value);
            if (entries.Count > 0)
            {
                int order = TrackedEntry.ComparePosition(entries[^1], entry);
                if (order == 0)
                    throw new UsageException($"{path}:{lineNo}: layer {layer} index {index} is tracked twice (also line {previousLine}); the store may hold each position once");
                if (order > 0)
                    throw new UsageException($"{path}:{lineNo}: layer {layer} index {index} comes after layer {entries[^1].Layer} index {entries[^1].Index} (line {previousLine}); the store must be sorted by (layer, index)");
            }
            if ((value & 0x7F800000) == 0x7F800000)
                throw new UsageException($"{path}:{lineNo}: field VALUE: 0x{value:x8} is not a finite FP32 value");
            entries.Add(entry);
            previousLine = lineNo;
        }
        return new TrackedStore(entries);
    }

    private static uint Field(string path, int line, string name, string text, bool decimalOnly)
    {
        bool hex = !decimalOnly; // VALUE is always an FP32 bit pattern, with or without 0x
        string digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        uint v = 0;
        bool ok = hex
            ? digits.Length is >= 1 and <= 8 && uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v)
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok)
            throw new UsageException(decimalOnly
                ? $"{path}:{line}: field {name}: '{text}' is not a number 0..4294967295"
                : $"{path}:{line}: field {name}: '{text}' is not an FP32 bit pattern (8 hex digits, e.g. 3f800000 or 0x3f800000)");
        return v;
    }
}
