using System.Runtime.InteropServices;
using MxRef.Cosim.Abi;
using MxRef.DropBack;
using MxRef.Formats;
using MxRef.Quantization;

namespace MxRef.Cosim.Exports;

/// <summary><c>mxref_tracked_entry</c> of mxref.h: three uint32 (12 bytes, no padding).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TrackedEntryAbi
{
    public uint Layer;
    public uint Index;
    public uint Value;
}

/// <summary><c>mxref_dropback_layer</c> of mxref.h: six 32-bit fields (24 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct DropBackLayerAbi
{
    public uint Layer;
    public uint Count;
    public int Init;
    public int Terms;
    public uint Scale;
    public int IsBias;
}

/// <summary>
/// DropBack for C and Python callers (docs/dropback.md): the regenerated weights of a layer — W0 from
/// Philox4x32-10 and an initializer, overridden by the tracked store — as FP32 or quantized blocks, and the FP32
/// training step that produces the next tracked store. A trainer that calls these regenerates the same bits as the
/// hardware unit, because it is the same model.
/// </summary>
public static unsafe class RegenExports
{
    [UnmanagedCallersOnly(EntryPoint = "mxref_regen")]
    public static int MxrefRegen(ulong seed, uint layer, int init, int terms, uint a, uint start, int n,
        TrackedEntryAbi* tracked, int nTracked, uint* fp32)
    {
        try
        {
            if (fp32 == null) return Status.NullPointer;
            int status = Weights(seed, layer, init, terms, a, start, n, tracked, nTracked, out var w);
            if (status != Status.Ok) return status;
            w.CopyTo(new Span<uint>(fp32, n));
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "mxref_regen_block")]
    public static int MxrefRegenBlock(ulong seed, uint layer, int init, int terms, uint a, uint start, int n,
        TrackedEntryAbi* tracked, int nTracked, int fmt, byte* scales, byte* elements)
    {
        try
        {
            if (scales == null || elements == null) return Status.NullPointer;
            if (!Arguments.IsElementFormat(fmt)) return Status.Format;
            var format = BlockFormat.OcpMx(StandardFormats.Elements[fmt]);
            if (start % (uint)format.BlockSize != 0) return Status.Argument;
            int status = Weights(seed, layer, init, terms, a, start, n, tracked, nTracked, out var w);
            if (status != Status.Ok) return status;
            var blocks = BlockQuantizerAdapter.Quantize(format, w);
            blocks.Scales.CopyTo(new Span<byte>(scales, blocks.BlockCount));
            for (int i = 0; i < blocks.Elements.Length; i++) elements[i] = (byte)blocks.Elements[i];
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "mxref_regen_block_bdr")]
    public static int MxrefRegenBlockBdr(ulong seed, uint layer, int init, int terms, uint a, uint start, int n,
        TrackedEntryAbi* tracked, int nTracked, int bdrFmt, byte* scales, byte* microexponents, byte* elements)
    {
        try
        {
            if (scales == null || microexponents == null || elements == null) return Status.NullPointer;
            // MXREF_BDR_MX9/MX6/MX4 (mxref.h), in that order.
            BlockFormat[] shared = [BlockFormat.Mx9, BlockFormat.Mx6, BlockFormat.Mx4];
            if ((uint)bdrFmt >= (uint)shared.Length) return Status.Format;
            var format = shared[bdrFmt];
            if (start % (uint)format.BlockSize != 0) return Status.Argument;
            int status = Weights(seed, layer, init, terms, a, start, n, tracked, nTracked, out var w);
            if (status != Status.Ok) return status;
            var blocks = BlockQuantizerAdapter.Quantize(format, w);
            blocks.Scales.CopyTo(new Span<byte>(scales, blocks.BlockCount));
            blocks.Microexponents.CopyTo(new Span<byte>(microexponents, blocks.Microexponents.Length));
            for (int i = 0; i < blocks.Elements.Length; i++) elements[i] = (byte)blocks.Elements[i];
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "mxref_dropback_step")]
    public static int MxrefDropbackStep(ulong seed, DropBackLayerAbi* layers, int nLayers, uint* gradients, uint learningRate,
        int k, int frozen, TrackedEntryAbi* tracked, int nTracked, TrackedEntryAbi* output, int capacity, int* nOut)
    {
        try
        {
            if (layers == null || gradients == null || output == null || nOut == null || (tracked == null && nTracked != 0)) return Status.NullPointer;
            if (nLayers < 1 || nTracked < 0 || capacity < 0) return Status.BlockSize;
            if (k < 0 || frozen is not (0 or 1)) return Status.Argument;
            var specs = new DropBackLayer[nLayers];
            long total = 0, biases = 0;
            for (int j = 0; j < nLayers; j++)
            {
                var l = layers[j];
                if (l.Count < 1 || l.Count > int.MaxValue) return Status.BlockSize;
                if (l.IsBias is not (0 or 1) || Initializer(l.Init, l.Terms, l.Scale) is not { } init) return Status.Argument;
                specs[j] = new DropBackLayer(l.Layer, (int)l.Count, init, l.IsBias == 1);
                total += l.Count;
                if (l.IsBias == 1) biases += l.Count;
            }
            if (total > int.MaxValue) return Status.BlockSize;
            if (capacity < biases + Math.Min(k, total - biases)) return Status.Argument;
            var grads = new uint[nLayers][];
            long offset = 0;
            for (int j = 0; j < nLayers; j++)
            {
                grads[j] = new ReadOnlySpan<uint>(gradients + offset, specs[j].Count).ToArray();
                offset += specs[j].Count;
            }
            TrackedStore next;
            try
            {
                var config = new DropBackConfig(seed, specs, k);
                next = DropBackTraining.Step(config, Store(tracked, nTracked), grads, learningRate, frozen == 1);
            }
            catch (ArgumentException)
            {
                return Status.Argument; // unsorted or duplicate store, an entry outside its layer, a non-finite value, ...
            }
            int i = 0;
            foreach (var e in next.Entries) output[i++] = new TrackedEntryAbi { Layer = e.Layer, Index = e.Index, Value = e.Value };
            *nOut = i;
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    /// <summary>The checked arguments of the regen functions, then the weights (W0 overridden by the store).</summary>
    private static int Weights(ulong seed, uint layer, int init, int terms, uint a, uint start, int n, TrackedEntryAbi* tracked, int nTracked, out uint[] weights)
    {
        weights = [];
        if (tracked == null && nTracked != 0) return Status.NullPointer;
        if (n < 1 || nTracked < 0 || (ulong)start + (ulong)n > WeightRegenerator.IndexLimit) return Status.BlockSize;
        if (Initializer(init, terms, a) is not { } initializer) return Status.Argument;
        TrackedStore store;
        try
        {
            store = Store(tracked, nTracked);
        }
        catch (ArgumentException)
        {
            return Status.Argument; // not sorted by (layer, index), or a duplicate
        }
        weights = new uint[n];
        WeightRegenerator.Weights(seed, layer, initializer, start, weights, store);
        return Status.Ok;
    }

    /// <summary>init 0 uniform, 1 kaiming-uniform, 2 glorot-uniform (terms 1), 3 irwin-hall (terms 1..16); null when invalid.</summary>
    private static Initializer? Initializer(int init, int terms, uint a)
    {
        if ((uint)init > (uint)InitializerKind.IrwinHall) return null;
        try
        {
            return new Initializer((InitializerKind)init, a, terms);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static TrackedStore Store(TrackedEntryAbi* tracked, int n)
    {
        var entries = new TrackedEntry[n];
        for (int i = 0; i < n; i++) entries[i] = new TrackedEntry(tracked[i].Layer, tracked[i].Index, tracked[i].Value);
        return new TrackedStore(entries);
    }
}
