using MxRef.DropBack;
using MxRef.Formats;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// Coverage classes of regen vectors (docs/vector-format.md): the corners the DropBack access path must get right,
/// re-derived from each line's inputs and the regenerated W0 (refmodel/DropBack), not from how the line was made.
/// </summary>
public static class RegenClassifier
{
    // Static fields initialise in order: the class lists first, the names built from them next.
    /// <summary>Classes a corner set hits whatever its formats (Irwin–Hall only when the run draws n &gt; 1).</summary>
    private static readonly string[] Always =
    [
        "rmask:none", "rmask:one", "rmask:partial", "rmask:all", "rindex:zero", "rindex:max", "rcounter:all-ones", "rkey:all-ones",
        "rtrack:equals-w0", "rtrack:zero", "rtrack:outlier-sets-scale", "rtrack:fp32-subnormal", "rinit:a-min", "rinit:w0-subnormal",
        "rscale:00",
    ];

    public static readonly string[] Names = BuildNames();
    private static readonly Dictionary<string, int> Ids = Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);


    private static string[] BuildNames()
    {
        var n = new List<string>();
        n.AddRange(StandardFormats.Elements.Select(f => "rfmt:" + f.Name));
        n.AddRange(Always);
        n.Add("rinit:irwin-hall");
        return n.ToArray();
    }

    public static int Count => Names.Length;
    public static int Id(string name) => Ids[name];

    public static void Classify(RegenVector r, long[] counts)
    {
        counts[Id("rfmt:" + StandardFormats.Elements[r.Format].Name)]++;
        int tracked = r.Mask.Count(m => m);
        counts[Id("rmask:" + (tracked == 0 ? "none" : tracked == 1 ? "one" : tracked == r.K ? "all" : "partial"))]++;
        ulong last = RegenVector.BlockLimit(r.K) - 1;
        if (r.Block == 0) counts[Id("rindex:zero")]++;
        if (r.Block == last) counts[Id("rindex:max")]++;
        if (r.Block == last && r.Layer == uint.MaxValue) counts[Id("rcounter:all-ones")]++;
        if (r.Seed == ulong.MaxValue) counts[Id("rkey:all-ones")]++;
        if (r.Terms > 1) counts[Id("rinit:irwin-hall")]++;
        if (r.A == Initializer.MinScale) counts[Id("rinit:a-min")]++;
        if (r.Scale == 0) counts[Id("rscale:00")]++;
        Span<uint> w0 = stackalloc uint[r.K];
        WeightRegenerator.Initial(r.Seed, r.Layer, r.MakeInitializer(), r.Start, w0);
        bool equal = false, zero = false, sub = false, w0Sub = false;
        uint maxW0 = 0, maxMerged = 0;
        for (int i = 0; i < r.K; i++)
        {
            uint w = r.Mask[i] ? r.Tracked[i] : w0[i];
            maxW0 = Math.Max(maxW0, w0[i] & 0x7FFFFFFF);
            maxMerged = Math.Max(maxMerged, w & 0x7FFFFFFF);
            if (!r.Mask[i]) { w0Sub |= (w0[i] & 0x7F800000) == 0 && (w0[i] & 0x7FFFFF) != 0; continue; }
            equal |= r.Tracked[i] == w0[i];
            zero |= (r.Tracked[i] & 0x7FFFFFFF) == 0;
            sub |= (r.Tracked[i] & 0x7F800000) == 0 && (r.Tracked[i] & 0x7FFFFF) != 0;
        }
        if (equal) counts[Id("rtrack:equals-w0")]++;
        if (zero) counts[Id("rtrack:zero")]++;
        if (sub) counts[Id("rtrack:fp32-subnormal")]++;
        if (w0Sub) counts[Id("rinit:w0-subnormal")]++;
        // A tracked value in a higher binade than every W0 of the block moves floor(log2 amax), hence the scale.
        if ((maxMerged >> 23) > (maxW0 >> 23)) counts[Id("rtrack:outlier-sets-scale")]++;
    }

    /// <summary>The classes a file of these element format codes must hit.</summary>
    public static IReadOnlyList<int> Expected(IEnumerable<int> formats, bool irwinHall) =>
        [.. formats.Select(f => Id("rfmt:" + StandardFormats.Elements[f].Name)), .. Always.Select(Id), .. irwinHall ? [Id("rinit:irwin-hall")] : Array.Empty<int>()];

    public static string Report(long[] counts, long vectors, IReadOnlyList<int> expected, bool json) =>
        ClassReport.Format(Names, counts, vectors, expected, json);
}
