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
/// exactly the operations of the C runtime (src/runtime/ni_steps.c), in the same order, on the same buffers.
/// One instance per thread (it owns its working buffers, like the C caller owns its arena).
/// </summary>
public sealed class IntegerAlbert
{
    private readonly IntegerModel _m;
    private readonly sbyte[] _hidden, _q, _k, _v, _narrow;
    private readonly int[] _acc, _scores;
    private readonly short[] _wide;
    private int _n, _layersDone = -1;

    public IntegerAlbert(IntegerModel model)
    {
        _m = model;
        var d = model.Dims;
        int th = d.MaxPositions * d.HiddenSize;
        _hidden = new sbyte[th]; _q = new sbyte[th]; _k = new sbyte[th]; _v = new sbyte[th];
        _acc = new int[Math.Max(d.IntermediateSize, Math.Max(d.HiddenSize, d.NumLabels))];
        _scores = new int[d.MaxPositions];
        _wide = new short[Math.Max(d.EmbeddingSize, d.HiddenSize)];
        _narrow = new sbyte[Math.Max(d.IntermediateSize, Math.Max(d.EmbeddingSize, d.HiddenSize))];
    }

    public IntegerModel Model => _m;

    private void Linear(Int8RowTensor t, ReadOnlySpan<sbyte> x, Span<sbyte> output)
    {
        IntegerKernels.Gemv(t.Data, x, _acc, t.Rows, t.Cols);
        IntegerKernels.RequantRowsS8(_acc, t.Params, output, t.Rows);
    }

    public void Embed(ReadOnlySpan<int> tokenIds)
    {
        var d = _m.Dims;
        _layersDone = -1;
        if (tokenIds.Length == 0 || tokenIds.Length > d.MaxPositions)
            throw new ArgumentException($"{tokenIds.Length} tokens; the model takes 1..{d.MaxPositions}");
        foreach (int id in tokenIds)
            if ((uint)id >= (uint)d.VocabSize) throw new ArgumentException($"token id {id} is outside the vocabulary of {d.VocabSize}");
        int e = d.EmbeddingSize, h = d.HiddenSize;
        for (int t = 0; t < tokenIds.Length; t++)
        {
            IntegerKernels.EmbedTokenS16(_m.WordEmbeddings, _m.PositionEmbeddings, tokenIds[t], t, _wide);
            IntegerKernels.LayerNormS16(_wide, _m.QuantParams.EmbeddingLn, e, _narrow);
            Linear(_m.EmbeddingMappingIn, _narrow.AsSpan(0, e), _hidden.AsSpan(t * h, h));
        }
        _n = tokenIds.Length;
        _layersDone = 0;
    }

    public void RunLayer(int layer)
    {
        var d = _m.Dims;
        if (_layersDone < 0) throw new InvalidOperationException("no embedded sequence: call Embed first");
        if (layer != _layersDone) throw new InvalidOperationException($"layer {layer} run out of order (next is {_layersDone})");
        if (layer >= d.NumLayers) throw new ArgumentOutOfRangeException(nameof(layer));
        int n = _n, h = d.HiddenSize, dh = d.HeadSize, i = d.IntermediateSize;
        var qp = _m.QuantParams;
        for (int t = 0; t < n; t++)
        {
            var x = _hidden.AsSpan(t * h, h);
            Linear(_m.Query, x, _q.AsSpan(t * h, h));
            Linear(_m.Key, x, _k.AsSpan(t * h, h));
            Linear(_m.Value, x, _v.AsSpan(t * h, h));
        }
        for (int row = 0; row < n; row++)
            for (int head = 0; head < d.NumHeads; head++)
            {
                var q = _q.AsSpan(row * h + head * dh, dh);
                IntegerKernels.AttentionHead(q, _k.AsSpan(head * dh), _v.AsSpan(head * dh), h, n, dh, qp, _scores, q);
            }
        for (int t = 0; t < n; t++)
        {
            var row = _q.AsSpan(t * h, h);
            IntegerKernels.Gemv(_m.AttentionDense.Data, row, _acc, h, h);
            IntegerKernels.RequantRowsAddS16(_acc, _m.AttentionDense.Params, _hidden.AsSpan(t * h, h), qp.AttentionResidual, _wide, h);
            IntegerKernels.LayerNormS16(_wide, qp.AttentionLn, h, row);
            Linear(_m.Ffn, row, _narrow);
            IntegerKernels.Lut(_narrow, qp.Gelu, _narrow, i);
            IntegerKernels.Gemv(_m.FfnOutput.Data, _narrow.AsSpan(0, i), _acc, h, i);
            IntegerKernels.RequantRowsAddS16(_acc, _m.FfnOutput.Params, row, qp.FullResidual, _wide, h);
            IntegerKernels.LayerNormS16(_wide, qp.FullLn, h, _hidden.AsSpan(t * h, h));
        }
        _layersDone = layer + 1;
    }

    public ExitOutput ExitHead(int layer)
    {
        var d = _m.Dims;
        if (_layersDone != layer + 1) throw new InvalidOperationException($"exit {layer} needs layer {layer} to be the last layer run");
        var e = _m.Exits[layer];
        int h = d.HiddenSize, c = d.NumLabels;
        Linear(e.Pooler, _hidden.AsSpan(0, h), _narrow);
        IntegerKernels.Lut(_narrow, _m.QuantParams.Tanh[layer], _narrow, h);
        IntegerKernels.Gemv(e.Classifier.Data, _narrow.AsSpan(0, h), _acc, c, h);
        var logits = new int[c];
        IntegerKernels.RequantRowsLogits(_acc, e.Classifier.Params, logits, c);
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
