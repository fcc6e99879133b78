using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Verify;

/// <summary>Coverage classes of the compared vectors: format pair, rounding mode, result class and flags.</summary>
public static class CoverageTally
{
    private const int Pairs = 36, Modes = 6, Results = 6, Flags = 5;
    public const int Size = Pairs + Modes + Results + Flags;
    private static readonly string[] ResultNames = ["zero", "subnormal", "normal", "max-finite", "infinity", "nan"];
    private static readonly string[] FlagNames = ["NX", "UF", "OF", "bit3", "NV"];

    public static readonly string[] Names = BuildNames();

    private static string[] BuildNames()
    {
        var n = new List<string>();
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++) n.Add($"pair:{StandardFormats.Elements[a].Name}x{StandardFormats.Elements[b].Name}");
        for (int m = 0; m < Modes; m++) n.Add($"mode:{((RoundingMode)m).ShortName()}");
        n.AddRange(ResultNames.Select(r => "result:" + r));
        n.AddRange(FlagNames.Select(f => "flag:" + f));
        return n.ToArray();
    }

    public static void Classify(DotVector v, uint d, byte flags, long[] counts)
    {
        counts[v.FormatA * 6 + v.FormatB]++;
        counts[Pairs + v.Rounding]++;
        uint mag = d & 0x7FFFFFFF;
        int result = mag switch
        {
            0 => 0,
            < 0x00800000 => 1,
            0x7F7FFFFF => 3,
            < 0x7F800000 => 2,
            0x7F800000 => 4,
            _ => 5,
        };
        counts[Pairs + Modes + result]++;
        for (int f = 0; f < Flags; f++)
            if ((flags & (1 << f)) != 0) counts[Pairs + Modes + Results + f]++;
    }

    /// <summary>Classes that a full regression should hit (bit 3 of FLAGS is never set).</summary>
    public static bool Expected(int id) => Names[id] != "flag:bit3";
}
