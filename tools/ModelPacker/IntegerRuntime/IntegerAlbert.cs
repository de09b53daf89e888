using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.IntegerRuntime;

/// <summary>Logits (Q16 nats) and entropy (Q16 nats) of one exit.</summary>
public sealed record ExitOutput(int[] LogitsQ16, int EntropyQ16)
{
    public int Predicted
    {
        get
        {
            int best = 0;
            for (int i = 1; i < LogitsQ16.Length; i++) if (LogitsQ16[i] > LogitsQ16[best]) best = i;
            return best;
        }
    }
}

/// <summary>One classification with early exit: the exit layer and every exit computed up to it.</summary>
public sealed record EarlyExitResult(int ExitLayer, IReadOnlyList<ExitOutput> Exits)
{
    public ExitOutput Final => Exits[ExitLayer];
}

/// <summary>
/// The integer reference runtime: the step API of ni_runtime.h (embed, run one layer, run one exit head) executing
/// exactly the operations of the C runtime (src/runtime/ni_steps.c) on buffers laid out as its arena
/// (<see cref="ArenaLayout"/>). Every linear layer is a token-batched GEMM through the encoding table, row tile by
/// row tile, each tile requantized as soon as it is computed. The scheme's attention block is either int8 Q, K, V with
/// the integer softmax or Q, K, V sign bits with Bi-Attention (docs/numerics.md). One instance per thread (it owns its
/// working buffers, like the C caller owns its arena).
/// </summary>
public sealed class IntegerAlbert
{
    private readonly IntegerModel _m;
    private readonly ArenaLayout _lay;
    private readonly sbyte[] _hidden, _q, _k, _v, _narrow;
    private readonly uint[] _qBits, _kBits, _vBits;
    private readonly int[] _acc, _scores;
    private readonly short[] _wide;
    private readonly byte[] _scratch;
    private int _n, _layersDone = -1;

    public IntegerAlbert(IntegerModel model)
    {
        _m = model;
        _lay = ArenaLayout.Of(model.Dims);
        var d = model.Dims;
        int th = d.MaxPositions * d.HiddenSize, bits = d.MaxPositions * (d.HiddenSize / 32);
        _hidden = new sbyte[th]; _q = new sbyte[th]; _k = new sbyte[th]; _v = new sbyte[th];
        _qBits = new uint[bits]; _kBits = new uint[bits]; _vBits = new uint[bits];
        _acc = new int[d.MaxPositions * ArenaLayout.RowTile];
        _scores = new int[d.MaxPositions];
        _wide = new short[d.MaxPositions * Math.Max(d.EmbeddingSize, d.HiddenSize)];
        _narrow = new sbyte[d.MaxPositions * Math.Max(d.IntermediateSize, Math.Max(d.EmbeddingSize, d.HiddenSize))];
        _scratch = new byte[_lay.ScratchBytes];
    }

    public IntegerModel Model => _m;

    private delegate void TileSink(int r0, int r1);

    /// <summary>y = W x for n tokens, row tile by row tile; <paramref name="sink"/> requantizes each tile out of _acc.</summary>
    private void Gemm(EncodedTensor w, ReadOnlySpan<sbyte> x, int n, TileSink sink)
    {
        var enc = w.Traits;
        for (int r0 = 0; r0 < w.Rows; r0 += ArenaLayout.RowTile)
        {
            int r1 = Math.Min(w.Rows, r0 + ArenaLayout.RowTile);
            enc.Gemm(w, x, w.Cols, n, r0, r1, _acc, ArenaLayout.RowTile, _scratch);
            sink(r0, r1);
        }
    }

    /// <summary>out[t][r] = sat8(rq(W x_t + bias)), out rows <paramref name="outStride"/> apart.</summary>
    private void Linear(EncodedTensor w, ReadOnlySpan<sbyte> x, int n, sbyte[] output, int outStride) =>
        Gemm(w, x, n, (r0, r1) => IntegerKernels.RequantTileS8(_acc, ArenaLayout.RowTile, w, r0, r1, n, output, outStride));

    /// <summary>wide[t][r] = sat16(rq(W x_t + bias) + rq(residual[t][r])).</summary>
    private void LinearAdd(EncodedTensor w, ReadOnlySpan<sbyte> x, int n, sbyte[] residual, Requant residualRq) =>
        Gemm(w, x, n, (r0, r1) => IntegerKernels.RequantTileAddS16(_acc, ArenaLayout.RowTile, w, r0, r1, n, residual, residualRq, _wide, w.Rows));

    /// <summary>bits of token t, row r = (W x_t + bias ≥ 0).</summary>
    private void LinearSign(EncodedTensor w, ReadOnlySpan<sbyte> x, int n, uint[] bits) =>
        Gemm(w, x, n, (r0, r1) => IntegerKernels.SignTile(_acc, ArenaLayout.RowTile, w, r0, r1, n, bits, w.Rows / 32));

    public void Embed(ReadOnlySpan<int> tokenIds)
    {
        var d = _m.Dims;
        _layersDone = -1;
        if (tokenIds.Length == 0 || tokenIds.Length > d.MaxPositions)
            throw new ArgumentException($"{tokenIds.Length} tokens; the model takes 1..{d.MaxPositions}");
        foreach (int id in tokenIds)
            if ((uint)id >= (uint)d.VocabSize) throw new ArgumentException($"token id {id} is outside the vocabulary of {d.VocabSize}");
        int e = d.EmbeddingSize, n = tokenIds.Length;
        var sum = new int[e];
        for (int t = 0; t < n; t++)
        {
            IntegerKernels.EmbedTokenS16(_m.WordEmbeddings, _m.PositionEmbeddings, tokenIds[t], t, sum, _wide);
            IntegerKernels.LayerNormS16(_wide, _m.QuantParams.EmbeddingLn, e, _narrow.AsSpan(t * e, e));
        }
        Linear(_m.EmbeddingMappingIn, _narrow, n, _hidden, d.HiddenSize);
        _n = n;
        _layersDone = 0;
    }

    public void RunLayer(int layer)
    {
        var d = _m.Dims;
        if (_layersDone < 0) throw new InvalidOperationException("no embedded sequence: call Embed first");
        if (layer != _layersDone) throw new InvalidOperationException($"layer {layer} run out of order (next is {_layersDone})");
        if (layer >= d.NumLayers) throw new ArgumentOutOfRangeException(nameof(layer));
        int n = _n, h = d.HiddenSize, i = d.IntermediateSize;
        var qp = _m.QuantParams;
        if (_m.Scheme.Attention == AttentionKind.Bitwise) BitwiseAttention(n);
        else SoftmaxAttention(n);
        // _q holds the int8 context of every token; the attention LayerNorm output a overwrites it.
        LinearAdd(_m.AttentionDense, _q, n, _hidden, qp.AttentionResidual);
        for (int t = 0; t < n; t++) IntegerKernels.LayerNormS16(_wide.AsSpan(t * h, h), qp.AttentionLn, h, _q.AsSpan(t * h, h));
        Linear(_m.Ffn, _q, n, _narrow, i);
        IntegerKernels.Lut(_narrow, qp.Gelu, _narrow, n * i);
        LinearAdd(_m.FfnOutput, _narrow, n, _q, qp.FullResidual);
        for (int t = 0; t < n; t++) IntegerKernels.LayerNormS16(_wide.AsSpan(t * h, h), qp.FullLn, h, _hidden.AsSpan(t * h, h));
        _layersDone = layer + 1;
    }

    /// <summary>Scheme int8: int8 Q, K, V, the integer softmax per query row and head; the context overwrites q.</summary>
    private void SoftmaxAttention(int n)
    {
        var d = _m.Dims;
        int h = d.HiddenSize, dh = d.HeadSize;
        Linear(_m.Query, _hidden, n, _q, h);
        Linear(_m.Key, _hidden, n, _k, h);
        Linear(_m.Value, _hidden, n, _v, h);
        for (int row = 0; row < n; row++)
            for (int head = 0; head < d.NumHeads; head++)
            {
                var q = _q.AsSpan(row * h + head * dh, dh);
                IntegerKernels.AttentionHead(q, _k.AsSpan(head * dh), _v.AsSpan(head * dh), h, n, dh, _m.QuantParams, _scores, q);
            }
    }

    /// <summary>Scheme W1A1: Q, K, V sign bits, Bi-Attention; the int8 context goes into q.</summary>
    private void BitwiseAttention(int n)
    {
        var d = _m.Dims;
        LinearSign(_m.Query, _hidden, n, _qBits);
        LinearSign(_m.Key, _hidden, n, _kBits);
        LinearSign(_m.Value, _hidden, n, _vBits);
        BinaryKernels.Attention(_qBits, _kBits, _vBits, n, d.HiddenSize, d.NumHeads, _m.QuantParams.AttentionThreshold, _q);
    }

    public ExitOutput ExitHead(int layer)
    {
        var d = _m.Dims;
        if (_layersDone != layer + 1) throw new InvalidOperationException($"exit {layer} needs layer {layer} to be the last layer run");
        var e = _m.Exits[layer];
        int h = d.HiddenSize, c = d.NumLabels;
        Linear(e.Pooler, _hidden, 1, _narrow, h);   // row 0 = [CLS]
        IntegerKernels.Lut(_narrow, _m.QuantParams.Tanh[layer], _narrow, h);
        var logits = new int[c];
        Gemm(e.Classifier, _narrow, 1, (r0, r1) => IntegerKernels.RequantTileLogits(_acc, e.Classifier, r0, r1, logits));
        int entropy = IntegerKernels.EntropyQ16(logits, c, _m.QuantParams.Exp2Frac, _m.QuantParams.Log2Frac);
        return new ExitOutput(logits, entropy);
    }

    /// <summary>Every exit (no early exit): what the test vectors record.</summary>
    public ExitOutput[] RunAll(ReadOnlySpan<int> tokenIds)
    {
        Embed(tokenIds);
        var exits = new ExitOutput[_m.Dims.NumLayers];
        for (int l = 0; l < exits.Length; l++)
        {
            RunLayer(l);
            exits[l] = ExitHead(l);
        }
        return exits;
    }

    /// <summary>The device loop: stop after the first layer whose entropy is below its threshold (Q16 nats).</summary>
    public EarlyExitResult Classify(ReadOnlySpan<int> tokenIds, IReadOnlyList<int> thresholdsQ16)
    {
        Embed(tokenIds);
        var exits = new List<ExitOutput>();
        int last = _m.Dims.NumLayers - 1;
        for (int l = 0; l <= last; l++)
        {
            RunLayer(l);
            var o = ExitHead(l);
            exits.Add(o);
            if (l == last || o.EntropyQ16 < thresholdsQ16[l]) return new EarlyExitResult(l, exits);
        }
        throw new InvalidOperationException("unreachable");
    }
}
