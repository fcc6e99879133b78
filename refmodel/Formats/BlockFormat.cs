using System.Globalization;

namespace MxRef.Formats;

/// <summary>
/// The level below the block scale in the shared-microexponent formats (Rouhani et al., "With Shared Microexponents,
/// A Little Shifting Goes a Long Way", ISCA 2023, §3): every <see cref="Size"/> (k2) consecutive elements share a
/// <see cref="Bits"/>-bit (d2) microexponent τ, a right shift of 0..2^d2 − 1 applied to their magnitudes.
/// </summary>
public sealed record MicroexponentLevel(int Size, int Bits)
{
    public int MaxShift => (1 << Bits) - 1;
}

/// <summary>
/// A block-scaled format described as data (in the manner of gfloat's <c>BlockFormatInfo(etype, k, stype)</c>):
/// <see cref="BlockSize"/> (k) elements of <see cref="Element"/> share one <see cref="Scale"/> code, optionally with a
/// microexponent level below the scale (MX9/MX6/MX4) and a per-tensor scale above it (NVFP4's FP32 second-level
/// scale). Every quantizer, dot product, generator and report reads these fields; there is no class per format.
/// <para>
/// Value of element i: Scale × Element_i (OCP MX v1.0 §5.2), × 2^−τ of its sub-block where there is a microexponent
/// level, × the tensor scale where there is one (applied outside the block; see docs/semantics.md).
/// </para>
/// For a shared-microexponent format, <see cref="Element"/> is the integer grid each magnitude is rounded to
/// (M × 2^−(m−1), |M| ≤ 2^m − 1); the stored element code is sign-magnitude (sign at bit m), as in the paper's §3.
/// </summary>
public sealed record BlockFormat
{
    public required string Name { get; init; }
    public required NumberFormat Element { get; init; }
    public required int BlockSize { get; init; }
    public required NumberFormat Scale { get; init; }
    public MicroexponentLevel? Microexponent { get; init; }
    /// <summary>The per-tensor scale format above the block scale (FP32 for NVFP4), or null.</summary>
    public NumberFormat? TensorScale { get; init; }
    public string Source { get; init; } = "";

    public ScaleCodec ScaleCodec => ScaleCodec.For(Scale);

    /// <summary>True for the shared-microexponent formats (MX9/MX6/MX4 and any <c>bdr-…</c> shape).</summary>
    public bool HasMicroexponents => Microexponent is not null;

    /// <summary>Sub-blocks per block (k1 / k2), 1 without a microexponent level.</summary>
    public int SubBlocks => Microexponent is { } m ? BlockSize / m.Size : 1;

    /// <summary>Width of a stored element code: the element's bits (sign-magnitude for shared-microexponent formats).</summary>
    public int ElementBits => Element.Bits;

    /// <summary>Magnitude bits m of a shared-microexponent element (its code's sign is bit m).</summary>
    public int MagnitudeBits => Element.Bits - 1;

    /// <summary>
    /// Bits a stored scale code takes: a power-of-two scale its width (d1), a float scale a whole FP8 byte with the
    /// sign bit clear (NVFP4 stores UE4M3 as E4M3).
    /// </summary>
    public int ScaleStorageBits => Scale.Kind == FormatKind.PowerOfTwo ? Scale.Bits : 8;

    /// <summary>Average storage per element: element bits + scale bits / k + microexponent bits / k2 (NVFP4: 4.5).</summary>
    public double BitsPerElement => ElementBits + (double)ScaleStorageBits / BlockSize + (Microexponent is { } m ? (double)m.Bits / m.Size : 0);

    private static BlockFormat Mx(string name, NumberFormat element, string source) => new()
    {
        Name = name, Element = element, BlockSize = 32, Scale = StandardFormats.E8M0, Source = source,
    };

    public static readonly BlockFormat MxFp8E4M3 = Mx("mxfp8-e4m3", StandardFormats.E4M3, "OCP MX v1.0 Table 1");
    public static readonly BlockFormat MxFp8E5M2 = Mx("mxfp8-e5m2", StandardFormats.E5M2, "OCP MX v1.0 Table 1");
    public static readonly BlockFormat MxFp6E3M2 = Mx("mxfp6-e3m2", StandardFormats.E3M2, "OCP MX v1.0 Table 1");
    public static readonly BlockFormat MxFp6E2M3 = Mx("mxfp6-e2m3", StandardFormats.E2M3, "OCP MX v1.0 Table 1");
    public static readonly BlockFormat MxFp4E2M1 = Mx("mxfp4-e2m1", StandardFormats.E2M1, "OCP MX v1.0 Table 1");
    public static readonly BlockFormat MxInt8 = Mx("mxint8", StandardFormats.Int8, "OCP MX v1.0 Table 1");

    /// <summary>MX9: k1 16, E8M0 scale, k2 2 with a 1-bit microexponent, sign + 7 magnitude bits (ISCA 2023 Table 2).</summary>
    public static readonly BlockFormat Mx9 = SharedMicroexponent("mx9", 16, 8, 2, 1, 7);
    /// <summary>MX6: as MX9 with sign + 4 magnitude bits.</summary>
    public static readonly BlockFormat Mx6 = SharedMicroexponent("mx6", 16, 8, 2, 1, 4);
    /// <summary>MX4: as MX9 with sign + 2 magnitude bits.</summary>
    public static readonly BlockFormat Mx4 = SharedMicroexponent("mx4", 16, 8, 2, 1, 2);

    /// <summary>
    /// NVFP4: E2M1 elements, a UE4M3 scale per 16 elements, an FP32 per-tensor scale (NVIDIA TransformerEngine,
    /// docs/features/low_precision_training/nvfp4/nvfp4.rst).
    /// </summary>
    public static readonly BlockFormat NvFp4 = new()
    {
        Name = "nvfp4", Element = StandardFormats.E2M1, BlockSize = 16, Scale = StandardFormats.UE4M3,
        TensorScale = StandardFormats.Fp32, Source = "NVIDIA NVFP4 (TransformerEngine, cuDNN block scaling)",
    };

    /// <summary>Every named block format, as <c>mxref formats</c> lists them.</summary>
    public static readonly IReadOnlyList<BlockFormat> Named = [MxFp8E4M3, MxFp8E5M2, MxFp6E3M2, MxFp6E2M3, MxFp4E2M1, MxInt8, Mx9, Mx6, Mx4, NvFp4];

    /// <summary>The OCP MX block format whose element is <paramref name="element"/> (k = 32, E8M0), named if standard.</summary>
    public static BlockFormat OcpMx(NumberFormat element, int blockSize = 32)
    {
        foreach (var f in Named)
            if (f.Element == element && f.Scale == StandardFormats.E8M0 && f.Microexponent is null && f.BlockSize == blockSize) return f;
        return new BlockFormat
        {
            Name = Spelled(element, blockSize, StandardFormats.E8M0), Element = element, BlockSize = blockSize,
            Scale = StandardFormats.E8M0, Source = "OCP MX v1.0 §5.2 (block size " + blockSize.ToString(CultureInfo.InvariantCulture) + ")",
        };
    }

    /// <summary>
    /// A shared-microexponent format of shape (k1, d1, k2, d2, m): k1 elements share a d1-bit power-of-two scale, each k2
    /// of them a d2-bit microexponent, each element is sign + m magnitude bits (ISCA 2023 §3, the "BDR" family).
    /// </summary>
    public static BlockFormat SharedMicroexponent(string name, int blockSize, int scaleBits, int subBlockSize, int microexponentBits, int magnitudeBits)
    {
        if (blockSize < 1 || subBlockSize < 1 || blockSize % subBlockSize != 0)
            throw new ArgumentException("the block size must be a positive multiple of the sub-block size");
        if (microexponentBits is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(microexponentBits), "microexponent bits must be 0..4");
        if (magnitudeBits is < 1 or > 23) throw new ArgumentOutOfRangeException(nameof(magnitudeBits), "magnitude bits must be 1..23");
        return new BlockFormat
        {
            Name = name, BlockSize = blockSize, Scale = StandardFormats.PowerOfTwo(scaleBits),
            Microexponent = new MicroexponentLevel(subBlockSize, microexponentBits),
            Element = new NumberFormat
            {
                Name = $"s1m{magnitudeBits}", Kind = FormatKind.Integer, Bits = magnitudeBits + 1,
                IntegerScaleExponent = -(magnitudeBits - 1), Source = "shared-microexponent element magnitude",
            },
            Source = "Rouhani et al., ISCA 2023 (shared microexponents)",
        };
    }

    /// <summary>The shape of a shared-microexponent format as <c>bdr-K1-D1-K2-D2-M</c>.</summary>
    public string? Shape => Microexponent is { } m
        ? $"bdr-{BlockSize}-{Scale.Bits}-{m.Size}-{m.Bits}-{MagnitudeBits}"
        : null;

    private static string Spelled(NumberFormat element, int k, NumberFormat scale) =>
        $"{element.Name}/k{k.ToString(CultureInfo.InvariantCulture)}/{scale.Name}";

    /// <summary>
    /// A named block format (<see cref="Named"/>), <c>ELEM/kN/SCALE</c> spelled out (e.g. <c>e2m1/k16/ue4m3</c>,
    /// <c>e4m3/k32/e8m0</c>; ELEM any element format name, SCALE a scale format), or a shared-microexponent shape
    /// <c>bdr-K1-D1-K2-D2-M</c>. Case-insensitive; null for anything else (see <see cref="ValidNames"/>).
    /// </summary>
    public static BlockFormat? TryParse(string text)
    {
        var n = text.Trim().ToLowerInvariant();
        foreach (var f in Named)
            if (f.Name == n) return f;
        if (n.StartsWith("bdr-", StringComparison.Ordinal)) return ParseShape(n);
        var parts = n.Split('/');
        if (parts.Length != 3 || !parts[1].StartsWith('k')) return null;
        if (!int.TryParse(parts[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k is < 1 or > 4096) return null;
        var element = StandardFormats.TryParse(parts[0]);
        var scale = StandardFormats.Scales.FirstOrDefault(s => s.Name == parts[2]);
        if (element is null || scale is null || element.Kind == FormatKind.PowerOfTwo || !element.IsSigned) return null;
        foreach (var f in Named)
            if (f.Element == element && f.BlockSize == k && f.Scale == scale && f.Microexponent is null) return f;
        return new BlockFormat { Name = Spelled(element, k, scale), Element = element, BlockSize = k, Scale = scale, Source = "spelled out" };
    }

    private static BlockFormat? ParseShape(string n)
    {
        var parts = n.Split('-');
        if (parts.Length != 6) return null;
        var v = new int[5];
        for (int i = 0; i < 5; i++)
            if (!int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out v[i])) return null;
        foreach (var f in Named)
            if (f.Shape == n) return f;
        try
        {
            return SharedMicroexponent(n, v[0], v[1], v[2], v[3], v[4]);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>What <see cref="TryParse"/> accepts, for error messages.</summary>
    public static string ValidNames =>
        string.Join(", ", Named.Select(f => f.Name)) + ", ELEM/kN/SCALE (e.g. e2m1/k16/ue4m3, e4m3/k32/e8m0; SCALE: "
        + string.Join(", ", StandardFormats.Scales.Select(s => s.Name)) + "), or bdr-K1-D1-K2-D2-M";

    public override string ToString() => Name;
}
