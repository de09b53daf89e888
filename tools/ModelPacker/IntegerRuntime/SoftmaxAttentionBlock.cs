using System.Runtime.InteropServices;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;

namespace ModelPacker.IntegerRuntime;

/// <summary>Scheme int8 (C: ni_attention_int8.c): int8 Q, K, V in one pass over the tokens, then per query row and
/// head the integer softmax and its context (docs/numerics.md "Attention").</summary>
public sealed class SoftmaxAttentionBlock : IAttentionBlock
{
    public static readonly SoftmaxAttentionBlock Instance = new();
    public string Name => "softmax";

    /// <summary>q (then the context) [T][H] and v [T][H] int8, the scores of one query row; k lies in Wide's spare half.</summary>
    public int BufBytes(ModelDims d) => 2 * d.MaxPositions * d.HiddenSize + 4 * d.MaxPositions;

    public void Run(IntegerModel m, ArenaView a, int n)
    {
        var d = m.Dims;
        int H = d.HiddenSize, dh = d.HeadSize, S = a.MaxPositions * H;
        Memory<byte> q = a.Buf[..S], v = a.Buf.Slice(S, S), k = a.Spare;
        EncodedTensor[] t = [m.Query, m.Key, m.Value];
        var inputs = new Memory<byte>[3];
        var strides = new int[3];
        for (int i = 0; i < 3; i++) (inputs[i], strides[i]) = TiledLinear.Input(t[i], a.Hidden, H, n, Memory<byte>.Empty);
        TiledLinear.Tiles(t, inputs, strides, [Epilogue.S8(q, H), Epilogue.S8(k, H), Epilogue.S8(v, H)], n, a);
        // Only the n real tokens exist, so no padding mask is needed. The context overwrites q row by row. With
        // attention spans a row reads only the keys of its window, and a head of span 0 writes a context of 0.
        var spans = m.AttentionSpans;
        var qs = MemoryMarshal.Cast<byte, sbyte>(q.Span);
        var ks = MemoryMarshal.Cast<byte, sbyte>(k.Span);
        var vs = MemoryMarshal.Cast<byte, sbyte>(v.Span);
        var scores = MemoryMarshal.Cast<byte, int>(a.Buf.Span.Slice(2 * S, 4 * a.MaxPositions));
        for (int i = 0; i < n; i++)
            for (int h = 0; h < d.NumHeads; h++)
            {
                var qh = qs.Slice(i * H + h * dh, dh);
                var (lo, hi) = spans is null ? (0, n) : Window(i, n, spans[h]);
                if (hi == lo) { qh.Clear(); continue; }
                IntegerKernels.AttentionHead(qh, ks[(lo * H + h * dh)..], vs[(lo * H + h * dh)..], H, hi - lo, dh, m.QuantParams, scores, qh);
            }
    }

    /// <summary>The keys [lo, hi) query row <paramref name="i"/> of a head with span <paramref name="span"/> reads
    /// (C: ni_span_window): |i − j| &lt; span, every key for [CLS] (i = 0), none for span 0.</summary>
    public static (int Lo, int Hi) Window(int i, int n, int span) =>
        span == 0 ? (0, 0) : i == 0 ? (0, n) : (Math.Max(0, i - span + 1), Math.Min(n, i + span));
}
