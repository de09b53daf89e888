using System.Runtime.InteropServices;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>
/// The host build of the C kernels (native-kernels/build/host/libnano_intent.so, or $NANO_INTENT_NATIVE_LIB), bound
/// through function pointers. A missing library fails the test with the command that builds it.
/// </summary>
internal static unsafe class NativeKernels
{
    private static readonly Lazy<IntPtr> Handle = new(Load);

    public static string LibraryPath
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("NANO_INTENT_NATIVE_LIB");
            if (!string.IsNullOrEmpty(env)) return env;
            return Path.Combine(RepoRoot(), "native-kernels", "build", "host", "libnano_intent.so");
        }
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "nano.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (nano.sln) not found above " + AppContext.BaseDirectory);
    }

    private static IntPtr Load()
    {
        var path = LibraryPath;
        if (!File.Exists(path))
            throw new FileNotFoundException($"native kernels library {path} is missing; build it with: cmake -S native-kernels -B native-kernels/build/host && cmake --build native-kernels/build/host -j2 (or set NANO_INTENT_NATIVE_LIB)");
        return NativeLibrary.Load(path);
    }

    public static IntPtr Fn(string name) => NativeLibrary.GetExport(Handle.Value, name);

    public static long RoundShift(long v, int shift) => ((delegate* unmanaged<long, int, long>)Fn("ni_round_shift"))(v, shift);
    public static long DivRound(long n, long d) => ((delegate* unmanaged<long, long, long>)Fn("ni_div_round"))(n, d);
    public static uint Isqrt64(ulong v) => ((delegate* unmanaged<ulong, uint>)Fn("ni_isqrt64"))(v);
    public static int RequantS32(int acc, Requant rq) => ((delegate* unmanaged<int, Requant, int>)Fn("ni_requant_s32"))(acc, rq);

    public static void Gemm(sbyte[] w, int cols, sbyte[] x, int xStride, int n, int r0, int r1, int[] acc, int accStride, string fn = "ni_gemm_s8")
    {
        fixed (sbyte* pw = w, px = x) fixed (int* pa = acc)
            ((delegate* unmanaged<sbyte*, uint, sbyte*, uint, uint, uint, uint, int*, uint, void>)Fn(fn))(
                pw, (uint)cols, px, (uint)xStride, (uint)n, (uint)r0, (uint)r1, pa, (uint)accStride);
    }

    public static void RequantTileS8(EncodedTensor t, int r0, int r1, int[] acc, int accStride, int n, sbyte[] output, int outStride)
    {
        using var nt = new NativeTensor(t);
        fixed (int* pa = acc) fixed (sbyte* po = output)
            ((delegate* unmanaged<NativeTensor.Struct*, uint, uint, int*, uint, uint, sbyte*, uint, void>)Fn("ni_requant_tile_s8"))(
                nt.Pointer, (uint)r0, (uint)r1, pa, (uint)accStride, (uint)n, po, (uint)outStride);
    }

    public static void RequantTileAddS16(EncodedTensor t, int r0, int r1, int[] acc, int accStride, int n, Requant rq, short[] io, int ioStride)
    {
        using var nt = new NativeTensor(t);
        fixed (int* pa = acc) fixed (short* po = io)
            ((delegate* unmanaged<NativeTensor.Struct*, uint, uint, int*, uint, uint, Requant, short*, uint, void>)Fn("ni_requant_tile_add_s16"))(
                nt.Pointer, (uint)r0, (uint)r1, pa, (uint)accStride, (uint)n, rq, po, (uint)ioStride);
    }

    public static void RequantTileLogits(EncodedTensor t, int r0, int r1, int[] acc, int[] output)
    {
        using var nt = new NativeTensor(t);
        fixed (int* pa = acc, po = output)
            ((delegate* unmanaged<NativeTensor.Struct*, uint, uint, int*, int*, void>)Fn("ni_requant_tile_logits"))(nt.Pointer, (uint)r0, (uint)r1, pa, po);
    }

    public static void SignTileBits(EncodedTensor t, int r0, int r1, int[] acc, int accStride, int n, uint[] bits, int bitsStride)
    {
        using var nt = new NativeTensor(t);
        fixed (int* pa = acc) fixed (uint* pb = bits)
            ((delegate* unmanaged<NativeTensor.Struct*, uint, uint, int*, uint, uint, uint*, uint, void>)Fn("ni_sign_tile_bits"))(
                nt.Pointer, (uint)r0, (uint)r1, pa, (uint)accStride, (uint)n, pb, (uint)bitsStride);
    }

    public static void LayerNorm(short[] x, LayerNormParam[] p, sbyte[] output)
    {
        fixed (short* px = x) fixed (LayerNormParam* pp = p) fixed (sbyte* po = output)
            ((delegate* unmanaged<short*, LayerNormParam*, uint, sbyte*, void>)Fn("ni_layernorm_s16"))(px, pp, (uint)x.Length, po);
    }

    public static void SoftmaxQ15(int[] scores, Requant rq, int[] expTable)
    {
        fixed (int* ps = scores, pe = expTable)
            ((delegate* unmanaged<int*, uint, Requant, int*, void>)Fn("ni_softmax_q15"))(ps, (uint)scores.Length, rq, pe);
    }

    public static int Entropy(int[] logits, int[] exp2, int[] log2)
    {
        fixed (int* pl = logits, pe = exp2, pg = log2)
            return ((delegate* unmanaged<int*, uint, int*, int*, int>)Fn("ni_entropy_q16"))(pl, (uint)logits.Length, pe, pg);
    }

    public static int Confidence(int[] logits, int[] exp2, out int argmax)
    {
        uint a;
        int c;
        fixed (int* pl = logits, pe = exp2)
            c = ((delegate* unmanaged<int*, uint, int*, uint*, int>)Fn("ni_confidence_q16"))(pl, (uint)logits.Length, pe, &a);
        argmax = (int)a;
        return c;
    }

    public static void EmbedToken(EncodedTensor word, EncodedTensor pos, int token, int position, short[] output)
    {
        using var w = new NativeTensor(word);
        using var p = new NativeTensor(pos);
        var sum = new long[word.Cols];
        fixed (long* ps = sum) fixed (short* po = output)
            ((delegate* unmanaged<NativeTensor.Struct*, NativeTensor.Struct*, uint, uint, long*, short*, void>)Fn("ni_embed_token_s16"))(
                w.Pointer, p.Pointer, (uint)token, (uint)position, ps, po);
    }

    public static void AttentionHead(sbyte[] q, sbyte[] k, sbyte[] v, int stride, int n, int headDim, byte[] qparams, int[] scores, sbyte[] ctx)
    {
        fixed (sbyte* pq = q, pk = k, pv = v, pc = ctx) fixed (byte* pp = qparams) fixed (int* ps = scores)
            ((delegate* unmanaged<sbyte*, sbyte*, sbyte*, uint, uint, uint, byte*, int*, sbyte*, void>)Fn("ni_attention_head_s8"))(
                pq, pk, pv, (uint)stride, (uint)n, (uint)headDim, pp, ps, pc);
    }

    public static int QparamsValidate(byte[] bytes, NativeDims dims)
    {
        fixed (byte* pb = bytes)
            return ((delegate* unmanaged<byte*, uint, NativeDims*, int>)Fn("ni_qparams_validate"))(pb, (uint)bytes.Length, &dims);
    }
}

/// <summary>
/// An <see cref="EncodedTensor"/> as the C <c>ni_tensor</c> (encoding, data and params pointers, lengths, shape), its
/// bytes pinned while it lives.
/// </summary>
internal sealed unsafe class NativeTensor : IDisposable
{
    [StructLayout(LayoutKind.Sequential)]
    public struct Struct
    {
        public byte Encoding;
        public byte* Data, Params;
        public uint DataLength, ParamsLength, Rows, Cols;
    }

    private GCHandle _data, _params;
    private readonly Struct* _struct;

    public NativeTensor(EncodedTensor t)
    {
        _data = GCHandle.Alloc(t.Data, GCHandleType.Pinned);
        _params = GCHandle.Alloc(t.Params, GCHandleType.Pinned);
        _struct = (Struct*)NativeMemory.Alloc((nuint)sizeof(Struct));
        *_struct = new Struct
        {
            Encoding = (byte)t.Encoding, Data = (byte*)_data.AddrOfPinnedObject(),
            Params = t.Params.Length == 0 ? null : (byte*)_params.AddrOfPinnedObject(),
            DataLength = (uint)t.Data.Length, ParamsLength = (uint)t.Params.Length, Rows = (uint)t.Rows, Cols = (uint)t.Cols,
        };
    }

    public Struct* Pointer => _struct;

    public void Dispose()
    {
        NativeMemory.Free(_struct);
        _data.Free();
        _params.Free();
    }
}

/// <summary>ni_model_dims as laid out in C (10 × uint32).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeDims
{
    public uint VocabSize, EmbeddingSize, HiddenSize, NumHeads, IntermediateSize, NumLayers, MaxPositions, NumLabels, Activation, Scheme;

    public static NativeDims Of(ModelDims d) => new()
    {
        VocabSize = (uint)d.VocabSize, EmbeddingSize = (uint)d.EmbeddingSize, HiddenSize = (uint)d.HiddenSize,
        NumHeads = (uint)d.NumHeads, IntermediateSize = (uint)d.IntermediateSize, NumLayers = (uint)d.NumLayers,
        MaxPositions = (uint)d.MaxPositions, NumLabels = (uint)d.NumLabels, Activation = (uint)d.Activation, Scheme = (uint)d.Scheme,
    };
}
