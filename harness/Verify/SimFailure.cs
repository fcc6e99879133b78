namespace MxRef.Harness.Verify;

/// <summary>The simulation crashed, hung or broke the protocol: reported with the last vector it consumed; exit code 2.</summary>
public sealed class SimFailure(string message) : Exception(message);
