namespace MxRef.Harness.Verify;

/// <summary>
/// Vectors for one simulation process. <see cref="Claim"/> runs on one thread and fixes which vectors come next (for a
/// file, it parses them); <see cref="Materialize"/> may run for many vectors at once on other threads (for the
/// generator, it builds vector inputs from their index), so producing vectors never limits the simulation.
/// </summary>
public interface IVectorSource : IDisposable
{
    /// <summary>Claims the next vectors into an empty batch; false when there are none left.</summary>
    bool Claim(VectorBatch batch);

    /// <summary>Fills the inputs of vectors [<paramref name="from"/>, <paramref name="to"/>) from their origins, if <see cref="Claim"/> did not. Thread-safe.</summary>
    void Materialize(VectorBatch batch, int from, int to);
}

/// <summary>How a vector is named to the user and selected again on its own (the repro command).</summary>
public interface IVectorOrigins
{
    /// <summary>"file.mxv line 12" or "generated vector #123 (seed 1, section random)".</summary>
    string Describe(string? file, long origin);

    /// <summary>The <c>mxref verify</c> options that select exactly this vector (appended to the design options).</summary>
    string ReproOptions(string? file, long origin);
}
