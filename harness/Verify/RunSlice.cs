namespace MxRef.Harness.Verify;

/// <summary>
/// Which part of a regression one simulation process runs: shard <see cref="Shard"/> of <see cref="Shards"/>
/// (<c>--shard I/N</c>, one per cluster job), then job <see cref="Job"/> of <see cref="Jobs"/> (<c>--jobs J</c>, processes
/// side by side on one machine). The parts of all shards and jobs are disjoint and cover the regression exactly once.
/// </summary>
public readonly record struct RunSlice(int Shard, int Shards, int Job, int Jobs)
{
    /// <summary>The contiguous index range of this slice of [0, total): shard ranges, each split among the jobs.</summary>
    public (long Start, long End) Range(long total)
    {
        long s0 = total * Shard / Shards, s1 = total * (Shard + 1) / Shards;
        long n = s1 - s0;
        return (s0 + n * Job / Jobs, s0 + n * (Job + 1) / Jobs);
    }

    /// <summary>For streams of unknown length (files): vector p belongs to the shard p mod N, then to job (p / N) mod J.</summary>
    public bool Owns(long position) => position % Shards == Shard && position / Shards % Jobs == Job;
}
