using MxRef.Formats;
using MxRef.Harness.Verify;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// The scale format on the way to the RTL: byte 5 of a stream record is the scale_fmt code (the index in
/// StandardFormats.Scales: 0 e8m0, 1 ue4m3), and scale_fmt is an optional 1-bit input of the interface.
/// </summary>
public sealed class ScalePortTests
{
    private static DotVector Vector(ScaleCodec scales)
    {
        var v = new DotVector(16)
        {
            FormatA = StandardFormats.E2M1, FormatB = StandardFormats.E2M1, Rounding = RoundingMode.NearestEven,
            Scales = scales, ScaleA = 0x38, ScaleB = 0x7F, C = 0x3F800000,
        };
        for (int i = 0; i < 16; i++) { v.A[i] = (byte)i; v.B[i] = (byte)(15 - i); }
        return v;
    }

    [Fact]
    public void RecordsCarryTheScaleFormatCodeAndDecodeBack()
    {
        foreach (var (scales, code) in new[] { (ScaleCodec.E8M0, 0), (ScaleCodec.UE4M3, 1) })
        {
            var record = new byte[StreamProtocol.RecordBytes(16)];
            StreamProtocol.Encode(Vector(scales), record);
            Assert.Equal(code, record[5]);
            Assert.Equal((0, 0), (record[6], record[7]));
            var back = new DotVector(16);
            StreamProtocol.Decode(record, back);
            Assert.Same(scales, back.Scales);
            Assert.Equal((0x38, 0x7F), (back.ScaleA, back.ScaleB));
            Assert.Equal(Vector(scales).A, back.A);
        }
    }

    [Fact]
    public void ScaleFmtIsAnOptionalOneBitInput()
    {
        var ports = DutInterface.Expected(16).ToList();
        Assert.Empty(DutInterface.Differences(ports, 16, "mx_dot"));
        Assert.Empty(DutInterface.Differences([.. ports, new DutInterface.Port("scale_fmt", true, 1)], 16, "mx_dot"));
        var wide = DutInterface.Differences([.. ports, new DutInterface.Port("scale_fmt", true, 2)], 16, "mx_dot");
        Assert.Contains(wide, m => m.Contains("'scale_fmt'") && m.Contains("1-bit input"));
        Assert.Contains(DutInterface.Differences([.. ports, new DutInterface.Port("mode", true, 1)], 16, "mx_dot"), m => m.Contains("extra input 'mode'"));
    }
}
