using System.Text;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Writes a <see cref="MicroexponentDotGenerator"/> shard into an <c>.mxv</c> file, in index order on one thread (the
/// runs are corner families and at most a few million random vectors); sections start with <c>// class: NAME</c>.
/// Returns the coverage of what was written.
/// </summary>
public static class MicroexponentDotRun
{
    public static MicroexponentCoverage Write(MicroexponentDotGenerator gen, MxvHeader header, string path)
    {
        var o = gen.Options;
        var coverage = new MicroexponentCoverage(o.Format, o.Output, o.Modes);
        SectionedRun.Write(gen, header, path, gen.NewVector(), (w, v) => w.WriteMicroexponentDot(v), coverage.Classify);
        return coverage;
    }
}
