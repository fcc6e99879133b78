using System.Globalization;
using System.Xml.Linq;

namespace MxRef.Harness.Verify;

/// <summary>
/// The design's port list before anything is compiled: Verilator's <c>--xml-only</c> pass (parse, elaborate with the
/// build's parameters, write the netlist as XML; a fraction of the full build's CPU) gives the top module's ports, so a
/// design or a description that does not match is stopped with the port messages before the C++ compile of the model
/// and the bench, which would fail on the missing port anyway, only later and with a compiler error.
/// </summary>
public static class PortPrecheck
{
    /// <summary>
    /// The top module's ports from Verilator's XML, or null when the pass fails or a port's width cannot be read from
    /// it (then the full build, whose generated header is checked too, reports what is wrong).
    /// </summary>
    public static IReadOnlyList<DutInterface.Port>? Ports(string verilator, BuildSpec spec, string dir)
    {
        Directory.CreateDirectory(dir);
        var args = new List<string> { "--xml-only", "--prefix", "Vdut", "--top-module", spec.Top, "-Mdir", dir };
        foreach (var (n, v) in spec.Parameters) args.Add($"-G{n}={v}");
        args.AddRange(spec.ExtraFlags);
        args.AddRange(spec.Sources.Select(Path.GetFullPath));
        var (exit, _) = Tools.Run(verilator, args, dir);
        var xml = Path.Combine(dir, "Vdut.xml");
        if (exit != 0 || !File.Exists(xml)) return null;
        try { return Read(XDocument.Load(xml)); }
        catch (System.Xml.XmlException) { return null; }
    }

    /// <summary>The ports of the top module (<c>topModule="1"</c>) in a Verilator XML netlist; null if a width is not a plain range.</summary>
    public static IReadOnlyList<DutInterface.Port>? Read(XDocument doc)
    {
        var types = doc.Descendants("typetable").Elements().Where(e => e.Attribute("id") is not null)
            .ToDictionary(e => e.Attribute("id")!.Value);
        var top = doc.Descendants("module").FirstOrDefault(m => (string?)m.Attribute("topModule") == "1");
        if (top is null) return null;
        var ports = new List<DutInterface.Port>();
        foreach (var v in top.Elements("var"))
        {
            var dir = (string?)v.Attribute("dir");
            if (dir is null) continue;
            if (!types.TryGetValue((string?)v.Attribute("dtype_id") ?? "", out var t) || t.Name.LocalName != "basicdtype") return null;
            int width = 1;
            if (t.Attribute("left") is { } l && t.Attribute("right") is { } r)
                width = Math.Abs(int.Parse(l.Value, CultureInfo.InvariantCulture) - int.Parse(r.Value, CultureInfo.InvariantCulture)) + 1;
            ports.Add(new DutInterface.Port((string)v.Attribute("name")!, dir == "input", width));
        }
        return ports;
    }
}
