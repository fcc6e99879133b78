using MxRef.Dot;
using MxRef.Harness.Verify;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// <see cref="BatchRing"/> without a bench: preparers, a writer and a reader on threads of their own, as
/// <see cref="SimSession"/> runs them. Every batch must reach the writer and the reader once, in stream order, with
/// more preparers than free slots (so that they wait for the turn and for a slot), and a stop must end every role.
/// </summary>
public sealed class BatchRingTests
{
    /// <summary>Claims <paramref name="batches"/> batches, numbering each batch's vectors by their place in the stream.</summary>
    private sealed class CountingSource(int batches) : IVectorSource
    {
        private long _next;

        public bool Claim(VectorBatch batch)
        {
            if (_next == batches) return false;
            batch.Count = VectorBatch.Capacity;
            batch.Origin[0] = _next++;
            return true;
        }

        public void Materialize(VectorBatch batch, int from, int to) { }

        public void Dispose() { }
    }

    private static (List<long> Written, List<long> Read, bool Ended) Run(int preparers, int size, int batches, Action<RunContext, List<long>>? onRead = null)
    {
        var ctx = new RunContext(new DotUnit(4, AccumulationModel.Fused), 10, TimeSpan.FromSeconds(1), null!);
        var ring = new BatchRing(size, ctx);
        var source = new CountingSource(batches);
        List<long> written = [], read = [];
        var threads = Enumerable.Range(0, preparers).Select(_ => new Thread(() =>
        {
            while (ring.Claim(source) is { } b)
            {
                Thread.SpinWait(50 * (int)(b.Number % 7)); // batches finish out of order
                ring.Prepared(b);
            }
        })).ToList();
        threads.Add(new Thread(() =>
        {
            while (ring.NextPrepared() is { } b)
            {
                written.Add(b.Origin[0]);
                ring.Written(b, !ctx.StopRequested);
            }
            ring.WriterDone();
        }));
        foreach (var t in threads) t.Start();
        while (ring.NextWritten() is { } b)
        {
            if (b.Written) read.Add(b.Origin[0]);
            onRead?.Invoke(ctx, read);
            ring.Release(b);
        }
        ring.Abandon();
        bool ended = threads.All(t => t.Join(TimeSpan.FromSeconds(10)));
        return (written, read, ended);
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 6)]
    [InlineData(5, 4)]
    public void EveryBatchGoesRoundOnceInStreamOrder(int preparers, int size)
    {
        var (written, read, ended) = Run(preparers, size, 300);
        Assert.True(ended, "a role was left waiting");
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), written);
        Assert.Equal(written, read);
    }

    [Fact]
    public void AStopEndsEveryRole()
    {
        var (written, read, ended) = Run(3, 4, 1_000_000, (ctx, read) =>
        {
            if (read.Count == 50) ctx.Stop();
        });
        Assert.True(ended, "a role was left waiting after the stop");
        Assert.True(read.Count < 1_000, $"{read.Count} batches compared after the stop");
        Assert.Equal(Enumerable.Range(0, written.Count).Select(i => (long)i), written);
    }
}
