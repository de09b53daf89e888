using System.Runtime.InteropServices;
using ModelPacker.Encodings;
using ModelPacker.IntegerRuntime;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>An <see cref="IntegerModel"/> handed to the C step API (ni_model_init / set_tensor / bind) without an image.</summary>
internal sealed unsafe class NativeModel : IDisposable
{
    private readonly List<GCHandle> _pins = new();
    private readonly IntPtr _model;
    private readonly byte[] _arena;
    private readonly IntegerModel _m;

    public NativeModel(IntegerModel m)
    {
        _m = m;
        uint bytes = ((delegate* unmanaged<uint>)NativeKernels.Fn("ni_model_struct_bytes"))();
        _model = Marshal.AllocHGlobal((int)bytes);
        var dims = NativeDims.Of(m.Dims);
        Check(((delegate* unmanaged<IntPtr, NativeDims*, int>)NativeKernels.Fn("ni_model_init"))(_model, &dims), "ni_model_init");
        Set(1, m.WordEmbeddings); Set(2, m.PositionEmbeddings); Set(3, m.EmbeddingMappingIn);
        Set(16, m.Query); Set(17, m.Key); Set(18, m.Value); Set(19, m.AttentionDense); Set(20, m.Ffn); Set(21, m.FfnOutput);
        for (int l = 0; l < m.Exits.Length; l++)
        {
            Set((uint)(256 + 16 * l), m.Exits[l].Pooler);
            Set((uint)(256 + 16 * l + 1), m.Exits[l].Classifier);
        }
        var qp = m.QuantParams.ToBytes();
        Check(((delegate* unmanaged<IntPtr, byte*, uint, int>)NativeKernels.Fn("ni_model_bind"))(_model, (byte*)Pin(qp), (uint)qp.Length), "ni_model_bind");
        if (m.AttentionSpans is { } spans)
        {
            var bytes16 = spans.SelectMany(s => new[] { (byte)s, (byte)(s >> 8) }).ToArray();
            Check(((delegate* unmanaged<IntPtr, byte*, int>)NativeKernels.Fn("ni_model_set_attention_spans"))(_model, (byte*)Pin(bytes16)),
                "ni_model_set_attention_spans");
        }
        ArenaBytes = (int)((delegate* unmanaged<IntPtr, uint>)NativeKernels.Fn("ni_arena_bytes"))(_model);
        _arena = new byte[ArenaBytes + 16];
        Pin(_arena);
    }

    public int ArenaBytes { get; }

    private IntPtr Pin(object o)
    {
        var h = GCHandle.Alloc(o, GCHandleType.Pinned);
        _pins.Add(h);
        return h.AddrOfPinnedObject();
    }

    private void Set(uint id, EncodedTensor t)
    {
        var f = (delegate* unmanaged<IntPtr, uint, byte, byte*, uint, byte*, uint, uint, uint, int>)NativeKernels.Fn("ni_model_set_tensor");
        Check(f(_model, id, (byte)t.Encoding, (byte*)Pin(t.Data), (uint)t.Data.Length, (byte*)Pin(t.Params), (uint)t.Params.Length,
            (uint)t.Rows, (uint)t.Cols), $"ni_model_set_tensor({id})");
    }

    private static void Check(int status, string what)
    {
        if (status != 0) throw new InvalidOperationException($"{what} returned {status}");
    }

    public int Embed(int[] ids)
    {
        fixed (int* p = ids) fixed (byte* a = _arena)
            return ((delegate* unmanaged<IntPtr, int*, uint, byte*, uint, int>)NativeKernels.Fn("ni_embed"))(_model, p, (uint)ids.Length, a, (uint)ArenaBytes);
    }

    public int RunLayer(int layer, int arenaLen = -1)
    {
        fixed (byte* a = _arena)
            return ((delegate* unmanaged<IntPtr, uint, byte*, uint, int>)NativeKernels.Fn("ni_run_layer"))(_model, (uint)layer, a, (uint)(arenaLen < 0 ? ArenaBytes : arenaLen));
    }

    public int ExitHead(int layer, int[] logits, out int entropy)
    {
        int e;
        int st;
        fixed (byte* a = _arena) fixed (int* pl = logits)
            st = ((delegate* unmanaged<IntPtr, uint, byte*, uint, int*, uint, int*, int>)NativeKernels.Fn("ni_exit_head"))(_model, (uint)layer, a, (uint)ArenaBytes, pl, (uint)logits.Length, &e);
        entropy = e;
        return st;
    }

    /// <summary>Every exit's logits and entropy, as the C runtime computes them.</summary>
    public ExitOutput[] RunAll(int[] ids)
    {
        Check(Embed(ids), "ni_embed");
        var r = new ExitOutput[_m.Dims.NumLayers];
        for (int l = 0; l < r.Length; l++)
        {
            Check(RunLayer(l), $"ni_run_layer({l})");
            var logits = new int[_m.Dims.NumLabels];
            Check(ExitHead(l, logits, out int e), $"ni_exit_head({l})");
            r[l] = new ExitOutput(logits, e);
        }
        return r;
    }

    public void Dispose()
    {
        foreach (var h in _pins) h.Free();
        _pins.Clear();
        Marshal.FreeHGlobal(_model);
    }
}
