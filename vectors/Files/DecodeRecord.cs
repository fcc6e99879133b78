using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Files;

/// <summary>
/// One decode-unit vector: k element codes of one format sharing one block scale, the rounding mode, and the expected
/// k output codes with the OR of their flags (docs/vector-format.md, "op decode").
/// </summary>
public sealed class DecodeVector
{
    public NumberFormat Format = StandardFormats.E4M3;
    public RoundingMode Rounding;
    public ScaleCodec Scales = ScaleCodec.E8M0;
    public byte Scale;
    public byte[] A;
    public uint[] D;
    public byte Flags;

    public DecodeVector(int k)
    {
        A = new byte[k];
        D = new uint[k];
    }

    public int K => A.Length;
}
