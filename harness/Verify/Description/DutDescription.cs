using System.Globalization;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Diagnosis;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Verify.Description;

/// <summary>
/// A DUT description file: how <c>mxref verify --dut</c> drives a dot-product unit with its own interface, without a
/// wrapper (docs/verify.md, "Verifying your own unit: the description file"). Module and port names, clock and
/// reset polarity, lane packing, the unit's format, rounding and output-format codes, flag bit positions, fixed or
/// variable latency, a valid/ready handshake with seeded random stalls, and multi-beat blocks (K elements as K/L
/// beats of L lanes, chained through C). Read with <see cref="Read"/>; every problem names the file and the field.
/// </summary>
public sealed record DutDescription
{
    /// <summary>One port the description names: the field that names it, and what the design must declare.</summary>
    public sealed record PortUse(string Field, string Name, bool Input, int Width, bool AtLeast);

    /// <summary>The flags the comparison knows, with their bits in the flags byte of the protocol (bit 3 is unused).</summary>
    public static readonly IReadOnlyList<(string Name, byte Bit)> FlagNames =
        MismatchClassifier.FlagBits.Where(f => f.Name != "bit3").Select(f => (f.Name, f.Bit)).ToArray();

    /// <summary>The output formats an output-format port can select, in the order of the record's out_fmt byte.</summary>
    public static readonly IReadOnlyList<string> OutputFormats = ["fp32", "bf16", "fp16"];

    public required string File { get; init; }
    public required string Module { get; init; }
    public required IReadOnlyList<(string Name, string Value)> Parameters { get; init; }
    public required string Clock { get; init; }
    public required string Reset { get; init; }
    public required bool ResetActiveHigh { get; init; }
    public required int ResetCycles { get; init; }
    public required int K { get; init; }
    public required int Lanes { get; init; }
    public int Beats => K / Lanes;
    public required int LaneBits { get; init; }
    public required bool MsbFirst { get; init; }
    /// <summary>Clocks from taking a beat to offering its result; null: variable (handshake or data dependent).</summary>
    public required int? Latency { get; init; }
    public required double StallRate { get; init; }
    public required ulong StallSeed { get; init; }
    /// <summary>The stall rate or seed was set on the command line (<c>--stall-rate</c>, <c>--stall-seed</c>), not by the file.</summary>
    public bool StallFromCommandLine { get; init; }

    public required string InValid { get; init; }
    public required string? InReady { get; init; }
    public required string FormatA { get; init; }
    public required string FormatB { get; init; }
    public required string Rounding { get; init; }
    public required string ScaleA { get; init; }
    public required string ScaleB { get; init; }
    public required string? ScaleFormat { get; init; }
    public required string A { get; init; }
    public required string B { get; init; }
    public required string C { get; init; }
    public required string? OutputFormat { get; init; }
    /// <summary>The unit's code of fp32, bf16, fp16 on the output-format port (-1: not supported).</summary>
    public required int[] OutputCodes { get; init; }

    public required string OutValid { get; init; }
    public required string? OutReady { get; init; }
    public required string D { get; init; }
    public required string? Flags { get; init; }
    /// <summary>(bit of the unit's flags port, bit of the protocol's flags byte) for every flag the unit reports.</summary>
    public required IReadOnlyList<(int UnitBit, byte Bit)> FlagBits { get; init; }

    /// <summary>The unit's code of each element format, by our code (index in <see cref="StandardFormats.Elements"/>); -1: not supported.</summary>
    public required int[] FormatCodes { get; init; }
    /// <summary>The unit's code of each rounding mode, by our code (0 rne … 5 rto); -1: not supported.</summary>
    public required int[] RoundingCodes { get; init; }
    public required IReadOnlyList<(string Port, ulong Value)> TieOffs { get; init; }
    public required IReadOnlyList<PortUse> Ports { get; init; }

    /// <summary>The flag bits the unit reports: the comparison masks the expected flags with it.</summary>
    public byte FlagMask => (byte)FlagBits.Aggregate(0, (m, f) => m | f.Bit);

    public IEnumerable<NumberFormat> SupportedFormats => StandardFormats.Elements.Where((_, i) => FormatCodes[i] >= 0);
    public IEnumerable<RoundingMode> SupportedModes => RoundingModes.Deterministic.Where(m => RoundingCodes[(int)m] >= 0);

    /// <summary>Reads and validates a description file; a problem throws <see cref="UsageException"/> naming the file and field.</summary>
    public static DutDescription Read(string path)
    {
        if (!System.IO.File.Exists(path)) throw new UsageException($"--dut: the description file '{path}' does not exist");
        string text;
        try { text = System.IO.File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UsageException($"{path}: cannot read the description: {e.Message}"); }
        return Parse(text, path);
    }

    /// <summary>Parses description JSON; <paramref name="file"/> names the source in errors.</summary>
    public static DutDescription Parse(string json, string file)
    {
        JToken root;
        try { root = JToken.Parse(json, new JsonLoadSettings { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error, LineInfoHandling = LineInfoHandling.Load }); }
        catch (JsonReaderException e) { throw new UsageException($"{file} line {e.LineNumber}: not valid JSON: {e.Message}"); }
        var r = new Reader(file);
        var top = r.Object(root, "(the file)");
        r.Only(top, "module", "parameters", "clock", "reset", "block", "lane_packing", "latency", "handshake", "inputs", "outputs", "codes", "tie_off");
        var ports = new List<PortUse>();
        string Port(JObject o, string name, bool input, int width, bool atLeast = false, bool required = true)
        {
            var tok = o[name];
            if (tok is null)
            {
                if (required) throw r.Error(o, $"{Reader.Join(o.Path, name)}", $"missing: the name of the design's {(input ? "input" : "output")} port ({(width == 1 ? "1 bit" : atLeast ? $"at least {width} bits" : $"{width} bits")})");
                return null!;
            }
            var port = r.Identifier(tok);
            ports.Add(new PortUse(tok.Path, port, input, width, atLeast));
            return port;
        }

        string module = r.Identifier(r.Required(top, "module"));
        var parameters = new List<(string, string)>();
        if (top["parameters"] is { } ps)
            foreach (var p in r.Object(ps, "parameters").Properties())
            {
                if (p.Value.Type is not (JTokenType.Integer or JTokenType.String))
                    throw r.Error(p.Value, p.Value.Path, "a parameter value is a number or a string (passed to Verilator as -GNAME=VALUE)");
                parameters.Add((r.Identifier(p, p.Name), p.Value.ToString(Formatting.None).Trim('"')));
            }

        var block = r.Object(r.Required(top, "block"), "block");
        r.Only(block, "k", "lanes");
        int k = r.Int(r.Required(block, "k"), 1, 1024);
        int lanes = block["lanes"] is { } lt ? r.Int(lt, 1, 1024) : k;
        if (k % lanes != 0) throw r.Error(block["lanes"]!, "block.lanes", $"a block of k = {k} elements must be a whole number of beats of {lanes} lanes");

        int laneBits = 8;
        bool msbFirst = false;
        if (top["lane_packing"] is { } lp)
        {
            var o = r.Object(lp, "lane_packing");
            r.Only(o, "bits", "order");
            if (o["bits"] is { } b)
            {
                laneBits = r.Int(b, 4, 8);
                if (laneBits is not (4 or 8)) throw r.Error(b, b.Path, "lanes are 8 bits (any element format) or 4 bits (FP4 elements only)");
            }
            if (o["order"] is { } ord) msbFirst = r.Choice(ord, "lsb-first", "msb-first") == "msb-first";
        }

        string clock = r.Identifier(r.Required(top, "clock"));
        ports.Add(new PortUse("clock", clock, true, 1, false));
        var reset = r.Object(r.Required(top, "reset"), "reset");
        r.Only(reset, "port", "active", "cycles");
        string resetPort = Port(reset, "port", true, 1);
        bool activeHigh = r.Choice(r.Required(reset, "active"), "high", "low") == "high";
        int resetCycles = reset["cycles"] is { } rc ? r.Int(rc, 1, 1000) : 2;

        var latencyTok = r.Required(top, "latency");
        int? latency = null;
        if (latencyTok.Type == JTokenType.String) r.Choice(latencyTok, "variable");
        else if (latencyTok.Type == JTokenType.Integer) latency = r.Int(latencyTok, 1, 100000);
        else throw r.Error(latencyTok, "latency", "must be the number of clocks from taking a beat to offering its result (1..100000), or \"variable\"");

        double stallRate = 0;
        ulong seed = 1;
        if (top["handshake"] is { } hs)
        {
            var o = r.Object(hs, "handshake");
            r.Only(o, "stall_rate", "seed");
            if (o["stall_rate"] is { } sr)
            {
                if (sr.Type is not (JTokenType.Float or JTokenType.Integer)) throw r.Error(sr, sr.Path, "a number in [0, 1): the probability of a stall per clock");
                stallRate = sr.Value<double>();
                if (stallRate is < 0 or >= 1 || double.IsNaN(stallRate)) throw r.Error(sr, sr.Path, $"{stallRate.ToString(CultureInfo.InvariantCulture)} is not in [0, 1)");
            }
            if (o["seed"] is { } sd) seed = (ulong)r.Int(sd, 0, int.MaxValue);
        }

        // codes first: the widths of the code ports follow from the largest code
        var formatCodes = Enumerable.Range(0, StandardFormats.Elements.Count).ToArray();
        var roundingCodes = RoundingModes.Deterministic.Select(m => (int)m).ToArray();
        if (top["codes"] is { } cs)
        {
            var o = r.Object(cs, "codes");
            r.Only(o, "formats", "rounding");
            if (o["formats"] is { } f)
                formatCodes = r.CodeTable(f, StandardFormats.Elements.Select(e => e.Name).ToArray());
            if (o["rounding"] is { } m)
                roundingCodes = r.CodeTable(m, RoundingModes.Deterministic.Select(x => x.ShortName()).ToArray());
        }

        var inputs = r.Object(r.Required(top, "inputs"), "inputs");
        r.Only(inputs, "valid", "ready", "format_a", "format_b", "rounding", "scale_a", "scale_b", "scale_format", "a", "b", "c", "output_format");
        string inValid = Port(inputs, "valid", true, 1);
        string? inReady = Port(inputs, "ready", false, 1, required: false);
        string fa = Port(inputs, "format_a", true, BitsFor(formatCodes.Max()), atLeast: true);
        string fb = Port(inputs, "format_b", true, BitsFor(formatCodes.Max()), atLeast: true);
        string rm = Port(inputs, "rounding", true, BitsFor(roundingCodes.Max()), atLeast: true);
        string sa = Port(inputs, "scale_a", true, 8);
        string sb = Port(inputs, "scale_b", true, 8);
        string? sf = Port(inputs, "scale_format", true, 1, required: false);
        string a = Port(inputs, "a", true, lanes * laneBits);
        string b2 = Port(inputs, "b", true, lanes * laneBits);
        string c = Port(inputs, "c", true, 32);
        string? outFormat = null;
        var outputCodes = new[] { 0, -1, -1 };
        if (inputs["output_format"] is { } of)
        {
            var o = r.Object(of, "inputs.output_format");
            r.Only(o, "port", "codes");
            outputCodes = r.CodeTable(r.Required(o, "codes"), [.. OutputFormats]);
            if (outputCodes[0] < 0) throw r.Error(o["codes"]!, o["codes"]!.Path, "the codes must include fp32: the beats before the last one of a block are rounded to FP32 (the chained model)");
            outFormat = Port(o, "port", true, BitsFor(outputCodes.Max()), atLeast: true);
        }
        if (laneBits == 4)
            for (int i = 0; i < formatCodes.Length; i++)
                if (formatCodes[i] >= 0 && StandardFormats.Elements[i].Bits > 4)
                    throw r.Error(top["codes"] ?? top, "codes.formats", $"4-bit lanes (lane_packing.bits) carry FP4 elements only, but {StandardFormats.Elements[i].Name} is enabled: list the unit's formats in codes.formats");

        var outputs = r.Object(r.Required(top, "outputs"), "outputs");
        r.Only(outputs, "valid", "ready", "d", "flags");
        string outValid = Port(outputs, "valid", false, 1);
        string? outReady = Port(outputs, "ready", true, 1, required: false);
        string d = Port(outputs, "d", false, 32);
        string? flagsPort = null;
        var flagBits = new List<(int, byte)>();
        if (outputs["flags"] is { } fl)
        {
            var o = r.Object(fl, "outputs.flags");
            r.Only(o, "port", "bits");
            var bits = r.Object(r.Required(o, "bits"), "outputs.flags.bits");
            foreach (var p in bits.Properties())
            {
                var known = FlagNames.FirstOrDefault(f => f.Name == p.Name);
                if (known.Name is null) throw r.Error(p, p.Path, $"unknown flag '{p.Name}'; valid: {string.Join(", ", FlagNames.Select(f => f.Name))}");
                int bit = r.Int(p.Value, 0, 63);
                if (flagBits.Any(x => x.Item1 == bit)) throw r.Error(p.Value, p.Value.Path, $"bit {bit} is given to two flags");
                flagBits.Add((bit, known.Bit));
            }
            flagsPort = Port(o, "port", false, flagBits.Count == 0 ? 1 : flagBits.Max(x => x.Item1) + 1, atLeast: true);
        }
        if (latency is not null && outReady is not null)
            throw r.Error(latencyTok, "latency", "a unit with an output ready port has a variable latency (the bench holds results back): write \"variable\"");

        var tieOffs = new List<(string, ulong)>();
        if (top["tie_off"] is { } to)
            foreach (var p in r.Object(to, "tie_off").Properties())
            {
                string port = r.Identifier(p, p.Name);
                ulong value = (ulong)r.Int(p.Value, 0, int.MaxValue);
                tieOffs.Add((port, value));
                ports.Add(new PortUse(p.Path, port, true, BitsFor((int)value), true));
            }

        foreach (var dup in ports.GroupBy(p => p.Name).Where(g => g.Count() > 1))
            throw new UsageException($"{file}: port '{dup.Key}' is named by {string.Join(" and ", dup.Select(p => p.Field))}; each field names a port of its own");

        return new DutDescription
        {
            File = file, Module = module, Parameters = parameters, Clock = clock, Reset = resetPort, ResetActiveHigh = activeHigh,
            ResetCycles = resetCycles, K = k, Lanes = lanes, LaneBits = laneBits, MsbFirst = msbFirst, Latency = latency,
            StallRate = stallRate, StallSeed = seed, InValid = inValid, InReady = inReady, FormatA = fa, FormatB = fb,
            Rounding = rm, ScaleA = sa, ScaleB = sb, ScaleFormat = sf, A = a, B = b2, C = c, OutputFormat = outFormat,
            OutputCodes = outputCodes, OutValid = outValid, OutReady = outReady, D = d, Flags = flagsPort, FlagBits = flagBits,
            FormatCodes = formatCodes, RoundingCodes = roundingCodes, TieOffs = tieOffs, Ports = ports,
        };
    }

    /// <summary>Bits needed for a code (at least 1).</summary>
    public static int BitsFor(int max) => max <= 1 ? 1 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)max);

    /// <summary>
    /// Every way the Verilated design's ports differ from the description, one message each naming the description's
    /// field (empty: they match). Inputs the description does not name would stay 0: they must be named or tied off.
    /// </summary>
    public IReadOnlyList<string> Differences(IReadOnlyList<DutInterface.Port> actual)
    {
        var problems = new List<string>();
        var byName = actual.ToDictionary(p => p.Name);
        string Io(bool input) => input ? "input" : "output";
        foreach (var want in Ports)
        {
            string where = $"{File}: field '{want.Field}'";
            if (!byName.TryGetValue(want.Name, out var got))
            {
                var near = actual.Where(p => p.Input == want.Input).Select(p => p.Name);
                problems.Add($"{where}: module {Module} has no port '{want.Name}'; its {Io(want.Input)}s are {string.Join(", ", near)}");
            }
            else if (got.Input != want.Input)
                problems.Add($"{where}: port '{want.Name}' of {Module} is an {Io(got.Input)}, the field needs an {Io(want.Input)}");
            else if (want.AtLeast ? got.Width < want.Width : got.Width != want.Width)
                problems.Add($"{where}: port '{want.Name}' of {Module} is {got.Width} bit{(got.Width == 1 ? "" : "s")} wide, the description needs {(want.AtLeast ? "at least " : "")}{want.Width}" +
                             (want.Field.EndsWith(".a", StringComparison.Ordinal) || want.Field.EndsWith(".b", StringComparison.Ordinal) ? $" (block.lanes {Lanes} x lane_packing.bits {LaneBits})" : ""));
        }
        var named = Ports.Select(p => p.Name).ToHashSet();
        foreach (var extra in actual.Where(p => p.Input && !named.Contains(p.Name)))
            problems.Add($"{File}: module {Module} has an input '{extra.Name}' that the description does not name; name it in 'inputs' or give it a constant in 'tie_off'");
        return problems;
    }

    /// <summary>Reads JSON tokens with errors that name the file, the line and the field.</summary>
    private sealed class Reader(string file)
    {
        public UsageException Error(JToken at, string field, string message)
        {
            var line = ((IJsonLineInfo)at).HasLineInfo() ? $" line {((IJsonLineInfo)at).LineNumber}" : "";
            return new UsageException($"{file}{line}: field '{(field.Length == 0 ? "(the file)" : field)}': {message}");
        }

        public static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

        public JObject Object(JToken t, string field) =>
            t as JObject ?? throw Error(t, field, $"must be a JSON object {{ ... }}, got {Kind(t)}");

        public JToken Required(JObject o, string name) =>
            o[name] ?? throw Error(o, Join(o.Path, name), "missing (docs/verify.md lists every field)");

        public void Only(JObject o, params string[] valid)
        {
            foreach (var p in o.Properties())
                if (!valid.Contains(p.Name))
                    throw Error(p, Join(o.Path, p.Name), $"unknown field; valid fields{(o.Path.Length == 0 ? "" : $" of '{o.Path}'")}: {string.Join(", ", valid)}");
        }

        public string Identifier(JToken t) => Identifier(t, t.Type == JTokenType.String ? (string)t! : null);

        public string Identifier(JToken at, string? name)
        {
            if (name is null || name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
                throw Error(at, at.Path, $"must be a port, module or parameter name (letters, digits, _), got {(name is null ? Kind(at) : $"'{name}'")}");
            return name;
        }

        public int Int(JToken t, int min, int max)
        {
            if (t.Type != JTokenType.Integer) throw Error(t, t.Path, $"must be a whole number {min}..{max}, got {Kind(t)}");
            long v = t.Value<long>();
            if (v < min || v > max) throw Error(t, t.Path, $"{v} is out of range {min}..{max}");
            return (int)v;
        }

        public string Choice(JToken t, params string[] valid)
        {
            if (t.Type != JTokenType.String || !valid.Contains((string)t!))
                throw Error(t, t.Path, $"must be {string.Join(" or ", valid.Select(v => $"\"{v}\""))}, got {(t.Type == JTokenType.String ? $"\"{t}\"" : Kind(t))}");
            return (string)t!;
        }

        /// <summary>An object of names (from <paramref name="names"/>) and distinct codes 0..255: the code of each name, -1 when absent.</summary>
        public int[] CodeTable(JToken t, string[] names)
        {
            var o = Object(t, t.Path);
            var codes = Enumerable.Repeat(-1, names.Length).ToArray();
            foreach (var p in o.Properties())
            {
                int i = Array.IndexOf(names, p.Name);
                if (i < 0) throw Error(p, p.Path, $"unknown name '{p.Name}'; valid: {string.Join(", ", names)}");
                int code = Int(p.Value, 0, 255);
                if (codes.Contains(code)) throw Error(p.Value, p.Value.Path, $"code {code} is given to two names");
                codes[i] = code;
            }
            if (codes.All(x => x < 0)) throw Error(t, t.Path, $"lists no code; valid names: {string.Join(", ", names)}");
            return codes;
        }

        private static string Kind(JToken t) => t.Type switch
        {
            JTokenType.Object => "an object",
            JTokenType.Array => "an array",
            JTokenType.String => $"the string \"{t}\"",
            JTokenType.Integer or JTokenType.Float => $"the number {t.ToString(Formatting.None)}",
            JTokenType.Boolean => $"{t.ToString(Formatting.None)}",
            JTokenType.Null => "null",
            _ => t.Type.ToString().ToLowerInvariant(),
        };
    }
}
