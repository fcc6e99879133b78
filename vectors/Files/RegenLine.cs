using System.Globalization;
using MxRef.DropBack;
using MxRef.Formats;

namespace MxRef.Vectors.Files;

/// <summary>
/// One DropBack regeneration vector (docs/dropback.md, "Access path"): the block of k weights with indices
/// Block·k .. Block·k + k − 1 of layer Layer under Seed, initialized with Terms draws and bound A, overridden where
/// Mask has bit i by Tracked[i], and the expected E8M0 scale and element codes of that block in element format Format.
/// </summary>
public sealed class RegenVector
{
    public int Format;
    public ulong Seed;
    public uint Layer, Block;
    /// <summary>n, the draws per weight (1 for the uniform initializers, 1..16 for Irwin–Hall).</summary>
    public int Terms = 1;
    /// <summary>a as FP32 bits.</summary>
    public uint A;
    /// <summary>Bit i set: lane i is tracked and reads <see cref="Tracked"/>[i].</summary>
    public bool[] Mask;
    /// <summary>The tracked values (FP32 bits); 0 in untracked lanes.</summary>
    public uint[] Tracked;
    public byte Scale;
    public byte[] P;

    public RegenVector(int k)
    {
        Mask = new bool[k];
        Tracked = new uint[k];
        P = new byte[k];
    }

    public int K => P.Length;

    /// <summary>The index of lane 0: Block·k (the line codec guarantees the block's last index is below 2^32).</summary>
    public uint Start => (uint)((ulong)Block * (ulong)K);

    /// <summary>The initializer of N and A (throws <see cref="ArgumentOutOfRangeException"/> for an invalid a).</summary>
    public Initializer MakeInitializer() => Terms == 1 ? Initializer.Uniform(A) : Initializer.IrwinHall(Terms, A);

    /// <summary>The block's weights as the golden model's access path reads them: W0, tracked lanes overridden.</summary>
    public void Weights(Span<uint> fp32)
    {
        var store = new List<TrackedEntry>();
        for (int i = 0; i < K; i++)
            if (Mask[i]) store.Add(new TrackedEntry(Layer, Start + (uint)i, Tracked[i]));
        WeightRegenerator.Weights(Seed, Layer, MakeInitializer(), Start, fp32, new TrackedStore(store));
    }

    /// <summary>One past the largest block index of a k-block: (Block + 1)·k ≤ 2^32.</summary>
    public static ulong BlockLimit(int k) => (1UL << 32) / (ulong)k;
}

/// <summary>
/// The <c>op = regen</c> line layout of <c>.mxv</c> files (docs/vector-format.md):
/// <c>FMT SEED LAYER BLOCK N A MASK T S P</c>. MASK packs bit i of lane i (⌈k/4⌉ digits, lane 0 rightmost), T the k
/// tracked FP32 values as V of a quantize line (lane i in bits [32i, 32i+32), untracked lanes 0), S and P as in a
/// quantize line.
/// </summary>
public static class RegenLine
{
    public static readonly string[] FieldNames = ["FMT", "SEED", "LAYER", "BLOCK", "N", "A", "MASK", "T", "S", "P"];
    public const int MaxTerms = 16;

    public static void Parse(ReadOnlySpan<char> line, RegenVector r)
    {
        int pos = 0;
        for (int index = 0; index < FieldNames.Length; index++)
        {
            string field = FieldNames[index];
            while (pos < line.Length && line[pos] == ' ') pos++;
            if (pos >= line.Length) throw new FieldException(field, $"missing field {field} (expected 10 fields: {string.Join(' ', FieldNames)})");
            int end = pos;
            while (end < line.Length && line[end] != ' ') end++;
            var tok = line[pos..end];
            pos = end;
            switch (index)
            {
                case 0:
                    r.Format = (int)Hex(tok, 1, field);
                    if (r.Format >= StandardFormats.Elements.Count)
                        throw new FieldException(field, $"FMT '{tok}' is not a format code; valid: 0 e4m3, 1 e5m2, 2 e3m2, 3 e2m3, 4 e2m1, 5 int8");
                    break;
                case 1: r.Seed = Hex(tok, 16, field); break;
                case 2: r.Layer = (uint)Hex(tok, 8, field); break;
                case 3:
                    r.Block = (uint)Hex(tok, 8, field);
                    if (r.Block >= RegenVector.BlockLimit(r.K))
                        throw new FieldException(field, $"BLOCK {r.Block:x8} holds indices beyond 2^32 - 1: with k = {r.K} the last block is {RegenVector.BlockLimit(r.K) - 1:x8}");
                    break;
                case 4:
                    r.Terms = (int)Hex(tok, 2, field);
                    if (r.Terms is < 1 or > MaxTerms) throw new FieldException(field, $"N '{tok}' must be 01..{MaxTerms:x2} (draws per weight)");
                    break;
                case 5: r.A = (uint)Hex(tok, 8, field); break;
                case 6:
                    if (tok.Length != (r.K + 3) / 4) throw new FieldException(field, $"MASK has {tok.Length} hex digits; {r.K} lanes need exactly {(r.K + 3) / 4}");
                    for (int d = 0; d < tok.Length; d++)
                    {
                        int v = HexDigit(tok[tok.Length - 1 - d]);
                        if (v < 0) throw new FieldException(field, $"MASK '{tok}' is not hexadecimal");
                        for (int b = 0; b < 4; b++)
                        {
                            int lane = 4 * d + b;
                            bool set = ((v >> b) & 1) != 0;
                            if (lane < r.K) r.Mask[lane] = set;
                            else if (set) throw new FieldException(field, $"MASK has bits set above lane {r.K - 1}");
                        }
                    }
                    break;
                case 7:
                    if (tok.Length != 8 * r.K) throw new FieldException(field, $"T has {tok.Length} hex digits; {r.K} FP32 values need exactly {8 * r.K}");
                    for (int i = 0; i < r.K; i++)
                    {
                        var part = tok.Slice(tok.Length - 8 * (i + 1), 8); // lane 0 is the rightmost
                        if (!uint.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out r.Tracked[i]))
                            throw new FieldException(field, $"T '{tok}' is not hexadecimal");
                        if (!r.Mask[i] && r.Tracked[i] != 0)
                            throw new FieldException(field, $"T lane {i} is {r.Tracked[i]:x8} but MASK does not track it: untracked lanes must be 00000000");
                    }
                    break;
                case 8: r.Scale = (byte)Hex(tok, 2, field); break;
                default:
                    DotLine.Unpack(tok, field, StandardFormats.Elements[r.Format], r.P);
                    break;
            }
        }
        while (pos < line.Length && (line[pos] == ' ' || line[pos] == '\r')) pos++;
        if (pos < line.Length) throw new FieldException("end", $"unexpected text after the last field: '{line[pos..].ToString()}'");
    }

    /// <summary>The line (no newline).</summary>
    public static string Format(RegenVector r)
    {
        var sb = new System.Text.StringBuilder(12 * r.K + 64);
        sb.Append("0123456789abcdef"[r.Format]).Append(' ')
          .Append(r.Seed.ToString("x16", CultureInfo.InvariantCulture)).Append(' ')
          .Append(r.Layer.ToString("x8", CultureInfo.InvariantCulture)).Append(' ')
          .Append(r.Block.ToString("x8", CultureInfo.InvariantCulture)).Append(' ')
          .Append(r.Terms.ToString("x2", CultureInfo.InvariantCulture)).Append(' ')
          .Append(r.A.ToString("x8", CultureInfo.InvariantCulture)).Append(' ');
        for (int d = (r.K + 3) / 4 - 1; d >= 0; d--)
        {
            int v = 0;
            for (int b = 0; b < 4; b++)
                if (4 * d + b < r.K && r.Mask[4 * d + b]) v |= 1 << b;
            sb.Append("0123456789abcdef"[v]);
        }
        sb.Append(' ');
        for (int i = r.K - 1; i >= 0; i--) sb.Append((r.Mask[i] ? r.Tracked[i] : 0).ToString("x8", CultureInfo.InvariantCulture));
        sb.Append(' ').Append(r.Scale.ToString("x2", CultureInfo.InvariantCulture)).Append(' ');
        var f = StandardFormats.Elements[r.Format];
        Span<char> packed = stackalloc char[DotLine.PackedDigits(f, r.K)];
        DotLine.Pack(r.P, f, packed);
        return sb.Append(packed).ToString();
    }

    private static ulong Hex(ReadOnlySpan<char> tok, int digits, string field)
    {
        if (tok.Length != digits || !ulong.TryParse(tok, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v))
            throw new FieldException(field, $"{field} '{tok}' must be exactly {digits} hex digit{(digits == 1 ? "" : "s")}");
        return v;
    }

    private static int HexDigit(char ch) => ch switch
    {
        >= '0' and <= '9' => ch - '0',
        >= 'a' and <= 'f' => ch - 'a' + 10,
        >= 'A' and <= 'F' => ch - 'A' + 10,
        _ => -1,
    };
}
