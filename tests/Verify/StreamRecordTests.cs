using System.Buffers.Binary;
using MxRef.Formats;
using MxRef.Harness.Verify;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// The dot unit's stream record (<see cref="StreamProtocol.Encode(DotVector, Span{byte})"/>), written with wide stores,
/// against its layout field by field: fmt_a fmt_b rm scale_a scale_b scale_fmt out_fmt 0 | C (little-endian) | A lanes |
/// B lanes, for K that are and are not multiples of 16 (the lanes go 16 bytes at a time, then one by one), and bytes
/// past the record left alone.
/// </summary>
public sealed class StreamRecordTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(64)]
    public void TheRecordIsTheLayoutByteForByte(int k)
    {
        ulong state = 0x9E3779B97F4A7C15UL * (ulong)k;
        byte Next()
        {
            state = state * 6364136223846793005UL + 1442695040888963407UL; // a fixed LCG: the test's own bytes
            return (byte)(state >> 56);
        }
        for (int round = 0; round < 20; round++)
        {
            var v = new DotVector(k)
            {
                FormatA = StandardFormats.Elements[round % 6],
                FormatB = StandardFormats.Elements[(round / 6) % 6],
                Rounding = (RoundingMode)(round % 6),
                Output = StandardFormats.Outputs[round % StandardFormats.Outputs.Count],
                ScaleA = Next(),
                ScaleB = Next(),
                C = (uint)(Next() << 24 | Next() << 16 | Next() << 8 | Next()),
            };
            for (int i = 0; i < k; i++)
            {
                v.A[i] = Next();
                v.B[i] = Next();
            }
            var record = new byte[StreamProtocol.RecordBytes(k) + 8];
            record.AsSpan().Fill(0xA5);
            StreamProtocol.Encode(v, record.AsSpan(0, StreamProtocol.RecordBytes(k) + (round % 2) * 8)); // exact, or with room to spare
            byte[] want =
            [
                (byte)v.FormatCodeA, (byte)v.FormatCodeB, (byte)v.Rounding, v.ScaleA, v.ScaleB, 0, (byte)v.OutputCode, 0,
            ];
            var c = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(c, v.C);
            want = [.. want, .. c, .. v.A, .. v.B, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5];
            Assert.Equal(want, record);
            var back = new DotVector(k);
            StreamProtocol.Decode(record, back);
            Assert.Equal(v.A, back.A);
            Assert.Equal(v.B, back.B);
            Assert.Equal((v.C, v.ScaleA, v.ScaleB, v.Rounding, v.Output), (back.C, back.ScaleA, back.ScaleB, back.Rounding, back.Output));
        }
    }

    [Fact]
    public void AShortRecordIsRefused()
    {
        var v = new DotVector(32);
        Assert.Throws<ArgumentException>(() => StreamProtocol.Encode(v, new byte[StreamProtocol.RecordBytes(32) - 1]));
    }
}
