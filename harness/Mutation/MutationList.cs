using System.Globalization;

namespace MxRef.Harness.Mutation;

/// <summary>Reads the output of Yosys <c>mutate -list N</c> (one <c>mutate -mode ...</c> command a line).</summary>
public static class MutationList
{
    /// <summary>The modes Yosys 0.23's <c>mutate</c> samples.</summary>
    public static readonly string[] Modes = ["inv", "const0", "const1", "cnot0", "cnot1", "none"];

    public static IReadOnlyList<YosysMutation> Parse(string text, string sourceName)
    {
        var list = new List<YosysMutation>();
        int n = 0;
        foreach (var raw in text.Split('\n'))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            list.Add(ParseLine(line, list.Count + 1, sourceName, n));
        }
        return list;
    }

    /// <summary>Parses one line; a malformed one is an error naming the file, the line and the field.</summary>
    public static YosysMutation ParseLine(string line, int number, string sourceName, int lineNumber)
    {
        string where = $"{sourceName} line {lineNumber}";
        var t = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (t.Length == 0 || t[0] != "mutate") throw new UsageException($"{where}: expected a 'mutate -mode ...' command, got '{line}'");
        string? mode = null, module = null, cell = null, port = null, wire = null;
        int? portBit = null, ctrlBit = null, wireBit = null;
        var src = new List<string>();
        for (int i = 1; i < t.Length; i += 2)
        {
            if (i + 1 >= t.Length) throw new UsageException($"{where}: option '{t[i]}' has no value");
            string key = t[i], value = t[i + 1];
            int Int() => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v)
                ? v : throw new UsageException($"{where}: {key} '{value}' is not a bit index");
            switch (key)
            {
                case "-mode": mode = value; break;
                case "-module": module = value; break;
                case "-cell": cell = value; break;
                case "-port": port = value; break;
                case "-portbit": portBit = Int(); break;
                case "-ctrlbit": ctrlBit = Int(); break;
                case "-wire": wire = value; break;
                case "-wirebit": wireBit = Int(); break;
                case "-src": src.Add(value); break;
                default: throw new UsageException($"{where}: unknown field '{key}' (valid: -mode -module -cell -port -portbit -ctrlbit -wire -wirebit -src)");
            }
        }
        if (mode is null) throw new UsageException($"{where}: no -mode");
        if (!Modes.Contains(mode)) throw new UsageException($"{where}: unknown -mode '{mode}' (valid: {string.Join(' ', Modes)})");
        if (mode != "none" && (module is null || cell is null)) throw new UsageException($"{where}: -mode {mode} needs -module and -cell");
        return new YosysMutation
        {
            Number = number, Mode = mode, Module = module ?? "", Cell = cell ?? "", Port = port, PortBit = portBit, CtrlBit = ctrlBit,
            Wire = wire, WireBit = wireBit, Src = src, Command = string.Join(' ', t),
        };
    }
}
