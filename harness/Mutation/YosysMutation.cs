using System.Globalization;

namespace MxRef.Harness.Mutation;

/// <summary>A place in the RTL source, from a Yosys <c>src</c> attribute (<c>file:line.col-line.col</c>).</summary>
public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";

    /// <summary>Parses <c>rtl/mx_round.sv:41.43-41.54</c> (null when the text has no <c>file:line</c> form).</summary>
    public static SourceLocation? TryParse(string src)
    {
        int colon = src.LastIndexOf(':');
        if (colon <= 0) return null;
        var rest = src[(colon + 1)..];
        int end = 0;
        while (end < rest.Length && char.IsAsciiDigit(rest[end])) end++;
        if (end == 0 || !int.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out int line)) return null;
        return new SourceLocation(src[..colon], line);
    }
}

/// <summary>
/// One line of <c>mutate -list N</c>: a mutation of one bit of one cell port of the flattened design. Yosys's modes are
/// <c>inv</c> (invert the bit), <c>const0</c>/<c>const1</c> (tie it), <c>cnot0</c>/<c>cnot1</c> (make it depend on another bit of
/// the same port, <see cref="CtrlBit"/>). The line itself is also the command that applies it.
/// </summary>
public sealed record YosysMutation
{
    public required int Number { get; init; }
    public required string Mode { get; init; }
    public required string Module { get; init; }
    public required string Cell { get; init; }
    public string? Port { get; init; }
    public int? PortBit { get; init; }
    public int? CtrlBit { get; init; }
    public string? Wire { get; init; }
    public int? WireBit { get; init; }
    /// <summary>The <c>src</c> attributes, wire first, then the cell's (flattening prefixes the instance's own).</summary>
    public IReadOnlyList<string> Src { get; init; } = [];
    /// <summary>The <c>mutate</c> command that applies it, exactly as the list gave it.</summary>
    public required string Command { get; init; }

    /// <summary>
    /// The source line the mutation changes: the last <c>src</c> is the cell's innermost one (the expression inside the
    /// submodule, after the instance that flattening adds); null when Yosys gave none.
    /// </summary>
    public SourceLocation? Location => Src.Count == 0 ? null : SourceLocation.TryParse(Src[^1]);

    /// <summary>A one-line human description: mode, port bit, the wire it drives.</summary>
    public string Describe()
    {
        var s = $"{Mode} of cell {Cell}";
        if (Port is not null) s += $" port {Port}[{PortBit}]";
        if (CtrlBit is not null) s += $" (from bit {CtrlBit})";
        if (Wire is not null) s += $", wire {Wire}[{WireBit}]";
        return s;
    }
}
