using System.Numerics.Tensors;
using ModelPacker.Numerics;

namespace ModelPacker.Model;

/// <summary>
/// Forward pass, loss and backward pass of the tiny ALBERT over one <see cref="PackedBatch"/>, with every activation
/// the backward pass needs kept in buffers this object owns (one instance per thread; buffers grow and are reused).
/// Gradients ACCUMULATE into the <see cref="AlbertParameters"/> given to <see cref="Backward"/>. A binarized model
/// (<see cref="ModelWeights.Binarization"/>) runs Bi-Attention and binarizes the input of every layer that has an
/// <see cref="InputBinarizer"/>, with straight-through gradients. Distillation adds its own gradients through
/// <see cref="HiddenGradient"/>, <see cref="QueryGradient"/>, ... between <see cref="Loss"/> and <see cref="Backward"/>.
/// </summary>
public sealed class AlbertComputation
{
    private readonly AlbertConfig _c;
    private readonly int _e, _h, _i, _l, _heads, _labels;
    private int _capTokens = -1, _capSeqs = -1, _capProbs = -1;
    private PackedBatch _batch = null!;
    private ModelWeights _w = null!;
    private DropoutSettings? _dropout;
    private DeterministicRandom[] _rng = [];
    private int[] _probOffsets = [];
    private bool[] _keep = [];
    private IReadOnlyList<bool>? _skipped;

    // Embeddings
    private float[] _embSum = [], _embXhat = [], _embRstd = [], _embOut = [], _embMask = [], _embIn = [];
    // Per depth l (index l = input of layer l; _hid[L] = output of the last layer)
    private float[][] _hid = [], _hidIn = [], _q = [], _k = [], _v = [], _probs = [], _probsD = [], _probMask = [], _ctx = [], _ctxIn = [];
    private float[][] _attnMask = [], _ln1Xhat = [], _ln1Rstd = [], _a = [], _aIn = [], _f = [], _fAux = [], _g = [], _gIn = [], _outMask = [], _ln2Xhat = [], _ln2Rstd = [];
    // Exits
    private float[][] _cls = [], _clsIn = [], _pooled = [], _poolMask = [], _pooledD = [], _pooledIn = [], _logits = [], _dLogits = [];
    // Backward scratch
    private float[] _dh = [], _dt = [], _dI = [], _dq = [], _dk = [], _dv = [], _dctx = [], _dS = [], _dS2 = [], _dE = [], _scratch = [], _row = [];
    // Binarized model: signs of one sequence's q, k, v; gradient of a binarized layer input
    private float[] _signs = [], _dXb = [];
    // Gradients added from outside (distillation) into the layer outputs h_0..h_L, into the pre-sign Q, K, V and
    // into each exit's pooled output
    private float[][] _gHid = [], _gQ = [], _gK = [], _gV = [], _gPool = [];
    private bool _extraGradients;

    public AlbertComputation(AlbertConfig config)
    {
        _c = config;
        _e = config.EmbeddingSize; _h = config.HiddenSize; _i = config.IntermediateSize;
        _l = config.NumHiddenLayers; _heads = config.NumAttentionHeads; _labels = config.NumLabels;
    }

    /// <summary>Logits [sequences, labels] of exit <paramref name="exit"/> after <see cref="Forward"/>.</summary>
    public ReadOnlySpan<float> Logits(int exit) => _logits[exit].AsSpan(0, _batch.Count * _labels);

    /// <summary>False when the word embeddings are frozen: <see cref="Backward"/> leaves their gradient untouched.</summary>
    public bool WordEmbeddingGradient { get; set; } = true;

    /// <summary>Sees the input of every binarized layer before binarization (calibration of alpha_x).</summary>
    public BinaryInputObserver? InputObserver { get; set; }

    public PackedBatch Batch => _batch;
    /// <summary>Applications of the shared layer: <see cref="Hidden"/>(Layers) is the last one's output.</summary>
    public int Layers => _l;
    /// <summary>h_l [tokens, H]: l = 0 is the embedding mapping's output, l ≥ 1 the output of layer l.</summary>
    public ReadOnlySpan<float> Hidden(int l) => _hid[l].AsSpan(0, _batch.TokenCount * _h);
    /// <summary>Q, K and V [tokens, H] of layer l as the linear layers produce them (before any binarization).</summary>
    public ReadOnlySpan<float> Query(int l) => _q[l].AsSpan(0, _batch.TokenCount * _h);
    public ReadOnlySpan<float> Key(int l) => _k[l].AsSpan(0, _batch.TokenCount * _h);
    public ReadOnlySpan<float> Value(int l) => _v[l].AsSpan(0, _batch.TokenCount * _h);
    /// <summary>Whether token row q is a real token (not [PAD]).</summary>
    public bool IsToken(int q) => _keep[q];
    /// <summary>Pooled output tanh(W·h[CLS] + b) [sequences, H] of exit l (before the classifier's dropout).</summary>
    public ReadOnlySpan<float> Pooled(int exit) => _pooled[exit].AsSpan(0, _batch.Count * _h);

    /// <summary>dLoss/dlogits of exit <paramref name="exit"/> as <see cref="Loss"/> left it; other losses add to it.</summary>
    public Span<float> LogitsGradient(int exit) => _dLogits[exit].AsSpan(0, _batch.Count * _labels);
    /// <summary>Gradients that <see cref="Backward"/> adds into h_l and into layer l's Q, K, V; zero after each
    /// <see cref="Forward"/> once used.</summary>
    public Span<float> HiddenGradient(int l) => Extra(_gHid, l);
    public Span<float> QueryGradient(int l) => Extra(_gQ, l);
    public Span<float> KeyGradient(int l) => Extra(_gK, l);
    public Span<float> ValueGradient(int l) => Extra(_gV, l);
    /// <summary>Gradient that <see cref="Backward"/> adds into exit l's pooled output [sequences, H].</summary>
    public Span<float> PooledGradient(int exit)
    {
        if (!_extraGradients) { ClearExtraGradients(); _extraGradients = true; }
        return _gPool[exit].AsSpan(0, _batch.Count * _h);
    }

    private Span<float> Extra(float[][] buffers, int l)
    {
        if (!_extraGradients) { ClearExtraGradients(); _extraGradients = true; }
        return buffers[l].AsSpan(0, _batch.TokenCount * _h);
    }

    private void ClearExtraGradients()
    {
        foreach (var b in (float[][])[.. _gHid, .. _gQ, .. _gK, .. _gV]) b.AsSpan(0, _batch.TokenCount * _h).Clear();
        foreach (var b in _gPool) b.AsSpan(0, _batch.Count * _h).Clear();
    }

    /// <summary>Runs the model. <paramref name="dropout"/> null = inference (no dropout). <paramref name="skipped"/>
    /// (LayerDrop): the applications of the layer to skip, each then the identity (its exit reads its input).</summary>
    public void Forward(ModelWeights w, PackedBatch batch, DropoutSettings? dropout = null, IReadOnlyList<bool>? skipped = null)
    {
        if (w.Config.HiddenSize != _h || w.Config.NumHiddenLayers != _l || w.Config.NumLabels != _labels)
            throw new ArgumentException("weights do not match this computation's config");
        if (skipped is not null && skipped.Count != _l) throw new ArgumentException($"need {_l} skip flags, got {skipped.Count}");
        _w = w; _batch = batch; _dropout = dropout is { Any: true } ? dropout : null; _skipped = skipped;
        int n = batch.TokenCount, s = batch.Count;
        Ensure(batch);
        if (_extraGradients) ClearExtraGradients();
        for (int q = 0; q < n; q++) _keep[q] = batch.Tokens[q] != _c.PadTokenId;
        if (_dropout is { } dd)
            for (int q = 0; q < s; q++) _rng[q] = DeterministicRandom.For(dd.Seed, dd.Step, batch.FirstExampleIndex + q);

        // Embeddings: word + position + token type 0, LayerNorm(E), dropout, mapping to H.
        for (int q = 0; q < s; q++)
        {
            int o = batch.Offsets[q], t = batch.Length(q);
            if (t > _c.MaxPositionEmbeddings) throw new ArgumentException($"sequence of {t} tokens exceeds max_position_embeddings {_c.MaxPositionEmbeddings}");
            for (int p = 0; p < t; p++)
            {
                int id = batch.Tokens[o + p];
                if ((uint)id >= (uint)_c.VocabSize) throw new ArgumentException($"token id {id} is outside the vocabulary of {_c.VocabSize}");
                var dst = _embSum.AsSpan((o + p) * _e, _e);
                TensorPrimitives.Add(w.WordEmbeddings.AsSpan(id * _e, _e), w.PositionEmbeddings.AsSpan(p * _e, _e), dst);
                TensorPrimitives.Add(dst, w.TokenTypeEmbeddings.AsSpan(0, _e), dst);
            }
        }
        LayerNorm.Forward(_embSum, w.EmbeddingLayerNormWeight, w.EmbeddingLayerNormBias, _embOut, _embXhat, _embRstd, n, _e, _c.LayerNormEps);
        Dropout(_embOut, _embMask, n, _e, _dropout?.Hidden ?? 0);
        var embIn = LinearInput(_embOut, _embIn, n * _e, w.EmbeddingProjection);
        Gemm.LinearForward(embIn, w.EmbeddingProjection.WT, w.EmbeddingProjection.B, _hid[0], n, _e, _h);

        for (int l = 0; l < _l; l++)
        {
            if (Skipped(l)) _hid[l].AsSpan(0, n * _h).CopyTo(_hid[l + 1]);
            else LayerForward(l, n);
            ExitForward(l, s);
        }
    }

    private void LayerForward(int l, int n)
    {
        var w = _w;
        var x = _hid[l];
        var xin = LinearInput(x, _hidIn[l], n * _h, w.Query);
        Gemm.LinearForward(xin, w.Query.WT, w.Query.B, _q[l], n, _h, _h);
        Gemm.LinearForward(xin, w.Key.WT, w.Key.B, _k[l], n, _h, _h);
        Gemm.LinearForward(xin, w.Value.WT, w.Value.B, _v[l], n, _h, _h);
        float pAttn = _dropout?.Attention ?? 0;
        for (int q = 0; q < _batch.Count; q++)
        {
            int o = _batch.Offsets[q], t = _batch.Length(q), po = _probOffsets[q], pl = _heads * t * t;
            var probs = _probs[l].AsSpan(po, pl);
            if (w.Binarization is { } bin) // Bi-Attention: no attention dropout
            {
                BiAttention.Forward(_q[l].AsSpan(o * _h), _k[l].AsSpan(o * _h), _v[l].AsSpan(o * _h), t, _h, _heads,
                    _keep.AsSpan(o, t), bin.AttentionThreshold, probs, _ctx[l].AsSpan(o * _h), _signs);
                continue;
            }
            Span<float> mask = Span<float>.Empty, probsD = probs;
            if (pAttn > 0)
            {
                mask = _probMask[l].AsSpan(po, pl);
                _rng[q].FillDropoutMask(mask, pAttn);
                probsD = _probsD[l].AsSpan(po, pl);
            }
            MultiHeadAttention.Forward(_q[l].AsSpan(o * _h), _k[l].AsSpan(o * _h), _v[l].AsSpan(o * _h), t, _h, _heads,
                _keep.AsSpan(o, t), probs, probsD, mask, _ctx[l].AsSpan(o * _h), w.AttentionSpan, SpanRamp);
        }
        var ctxIn = LinearInput(_ctx[l], _ctxIn[l], n * _h, w.AttentionOutput);
        var r = _dt; // attention output, then residual sum
        Gemm.LinearForward(ctxIn, w.AttentionOutput.WT, w.AttentionOutput.B, r, n, _h, _h);
        Dropout(r, _attnMask[l], n, _h, _dropout?.Hidden ?? 0);
        TensorPrimitives.Add(r.AsSpan(0, n * _h), x.AsSpan(0, n * _h), r.AsSpan(0, n * _h));
        LayerNorm.Forward(r, w.AttentionLayerNormWeight, w.AttentionLayerNormBias, _a[l], _ln1Xhat[l], _ln1Rstd[l], n, _h, _c.LayerNormEps);

        var aIn = LinearInput(_a[l], _aIn[l], n * _h, w.Ffn);
        Gemm.LinearForward(aIn, w.Ffn.WT, w.Ffn.B, _f[l], n, _h, _i);
        if (_c.HiddenAct == "gelu") Activations.GeluErfForward(_f[l].AsSpan(0, n * _i), _g[l], _fAux[l]);
        else Activations.GeluNewForward(_f[l].AsSpan(0, n * _i), _g[l], _fAux[l]);
        var gIn = LinearInput(_g[l], _gIn[l], n * _i, w.FfnOutput);
        Gemm.LinearForward(gIn, w.FfnOutput.WT, w.FfnOutput.B, r, n, _i, _h);
        Dropout(r, _outMask[l], n, _h, _dropout?.Hidden ?? 0);
        TensorPrimitives.Add(r.AsSpan(0, n * _h), _a[l].AsSpan(0, n * _h), r.AsSpan(0, n * _h));
        LayerNorm.Forward(r, w.FullLayerNormWeight, w.FullLayerNormBias, _hid[l + 1], _ln2Xhat[l], _ln2Rstd[l], n, _h, _c.LayerNormEps);
    }

    private void ExitForward(int l, int s)
    {
        var cls = _cls[l];
        for (int q = 0; q < s; q++) _hid[l + 1].AsSpan(_batch.Offsets[q] * _h, _h).CopyTo(cls.AsSpan(q * _h, _h));
        var pool = _w.Poolers[l];
        var clsIn = LinearInput(cls, _clsIn[l], s * _h, pool);
        Gemm.LinearForward(clsIn, pool.WT, pool.B, _pooled[l], s, _h, _h);
        TensorPrimitives.Tanh(_pooled[l].AsSpan(0, s * _h), _pooled[l]);
        _pooled[l].AsSpan(0, s * _h).CopyTo(_pooledD[l]);
        Dropout(_pooledD[l], _poolMask[l], s, _h, _dropout?.Classifier ?? 0);
        var cl = _w.Classifiers[l];
        var pIn = LinearInput(_pooledD[l], _pooledIn[l], s * _h, cl);
        Gemm.LinearForward(pIn, cl.WT, cl.B, _logits[l], s, _h, _labels);
    }

    /// <summary>
    /// Label-smoothed cross-entropy, weighted over exits and multiplied by <paramref name="scale"/> (1 / batch size, so
    /// shard gradients sum to the batch mean). Returns the scaled loss; prepares the logits' gradients for
    /// <see cref="Backward"/>. <paramref name="correctLastExit"/> counts argmax hits of the last exit.
    /// </summary>
    public double Loss(ReadOnlySpan<float> exitWeights, float labelSmoothing, float scale, out int correctLastExit)
    {
        if (exitWeights.Length != _l) throw new ArgumentException($"need {_l} exit loss weights, got {exitWeights.Length}");
        int s = _batch.Count, c = _labels;
        double loss = 0;
        correctLastExit = 0;
        for (int l = 0; l < _l; l++)
        {
            float wl = exitWeights[l];
            for (int q = 0; q < s; q++)
            {
                var z = _logits[l].AsSpan(q * c, c);
                var dz = _dLogits[l].AsSpan(q * c, c);
                int y = _batch.Labels[q];
                if ((uint)y >= (uint)c) throw new ArgumentException($"label {y} is outside 0..{c - 1}");
                if (l == _l - 1 && TensorPrimitives.IndexOfMax(z) == y) correctLastExit++;
                loss += wl * scale * SoftmaxCrossEntropy.Forward(z, y, labelSmoothing, dz);
                TensorPrimitives.Multiply(dz, wl * scale, dz);
            }
        }
        return loss;
    }

    /// <summary>Accumulates the gradient of the last <see cref="Loss"/> into <paramref name="grads"/>.</summary>
    public void Backward(AlbertParameters grads)
    {
        var w = _w;
        int n = _batch.TokenCount, s = _batch.Count;
        var dh = _dh.AsSpan(0, n * _h);
        dh.Clear();
        for (int l = _l - 1; l >= 0; l--)
        {
            ExitBackward(l, s, grads, dh);
            if (_extraGradients) TensorPrimitives.Add(dh, _gHid[l + 1].AsSpan(0, n * _h), dh);
            if (!Skipped(l)) LayerBackward(l, n, grads);   // a skipped application passes dh through unchanged
        }
        if (_extraGradients) TensorPrimitives.Add(dh, _gHid[0].AsSpan(0, n * _h), dh);
        // dh is now the gradient of h0: back through the mapping, dropout, LayerNorm and the embedding lookups.
        var ep = w.EmbeddingProjection;
        Gemm.LinearBackwardWeight(_dh, Input(_embOut, _embIn), grads.EmbeddingProjectionWeight.Data, grads.EmbeddingProjectionBias.Data, n, _e, _h, _scratch);
        BackwardInput(_dh, ep, _embOut, _dE, n, accumulate: false, grads);
        DropoutBackward(_dE, _embMask, n * _e, _dropout?.Hidden ?? 0);
        LayerNorm.Backward(_dE, _embXhat, _embRstd, w.EmbeddingLayerNormWeight, _dE, grads.EmbeddingLayerNormWeight.Data, grads.EmbeddingLayerNormBias.Data, n, _e, _row);
        var dWord = grads.WordEmbeddings.Data; var dPos = grads.PositionEmbeddings.Data; var dType = grads.TokenTypeEmbeddings.Data.AsSpan(0, _e);
        for (int q = 0; q < s; q++)
        {
            int o = _batch.Offsets[q], t = _batch.Length(q);
            for (int p = 0; p < t; p++)
            {
                var g = _dE.AsSpan((o + p) * _e, _e);
                var wr = dWord.AsSpan(_batch.Tokens[o + p] * _e, _e);
                if (WordEmbeddingGradient) TensorPrimitives.Add(wr, g, wr);
                var pr = dPos.AsSpan(p * _e, _e);
                TensorPrimitives.Add(pr, g, pr);
                TensorPrimitives.Add(dType, g, dType);
            }
        }
    }

    private void ExitBackward(int l, int s, AlbertParameters grads, Span<float> dh)
    {
        var g = grads.Exits[l];
        var cl = _w.Classifiers[l];
        var pool = _w.Poolers[l];
        Gemm.LinearBackwardWeight(_dLogits[l], Input(_pooledD[l], _pooledIn[l]), g.ClassifierWeight.Data, g.ClassifierBias.Data, s, _h, _labels, _scratch);
        var dp = _dS2.AsSpan(0, s * _h);
        Gemm.LinearBackwardInput(_dLogits[l], cl.W, dp, s, _h, _labels, accumulate: false);
        DropoutBackward(dp, _poolMask[l], s * _h, _dropout?.Classifier ?? 0);
        if (_extraGradients) TensorPrimitives.Add(dp, _gPool[l].AsSpan(0, s * _h), dp);
        Activations.TanhBackward(dp, _pooled[l].AsSpan(0, s * _h), dp);
        Gemm.LinearBackwardWeight(dp, Input(_cls[l], _clsIn[l]), g.PoolerWeight.Data, g.PoolerBias.Data, s, _h, _h, _scratch);
        var dcls = _dS.AsSpan(0, s * _h);
        BackwardInput(dp, pool, _cls[l], dcls, s, accumulate: false, grads);
        for (int q = 0; q < s; q++)
        {
            var row = dh.Slice(_batch.Offsets[q] * _h, _h);
            TensorPrimitives.Add(row, dcls.Slice(q * _h, _h), row);
        }
    }

    /// <summary>On entry _dh holds dL/d(output of layer l); on exit dL/d(input of layer l).</summary>
    private void LayerBackward(int l, int n, AlbertParameters g)
    {
        var w = _w;
        int nh = n * _h;
        float pHidden = _dropout?.Hidden ?? 0;
        // full_layer_layer_norm
        var dr2 = _dt.AsSpan(0, nh);
        LayerNorm.Backward(_dh, _ln2Xhat[l], _ln2Rstd[l], w.FullLayerNormWeight, dr2, g.FullLayerNormWeight.Data, g.FullLayerNormBias.Data, n, _h, _row);
        // residual: da = dr2 (+ FFN path); ffn_output path
        var da = _dh.AsSpan(0, nh); // reuse: dh is consumed
        dr2.CopyTo(da);
        DropoutBackward(dr2, _outMask[l], nh, pHidden);
        Gemm.LinearBackwardWeight(_dt, Input(_g[l], _gIn[l]), g.FfnOutputWeight.Data, g.FfnOutputBias.Data, n, _i, _h, _scratch);
        BackwardInput(_dt, w.FfnOutput, _g[l], _dI, n, accumulate: false, g);
        if (_c.HiddenAct == "gelu") Activations.GeluErfBackward(_dI.AsSpan(0, n * _i), _f[l], _fAux[l], _dI);
        else Activations.GeluNewBackward(_dI.AsSpan(0, n * _i), _f[l], _fAux[l], _dI);
        Gemm.LinearBackwardWeight(_dI, Input(_a[l], _aIn[l]), g.FfnWeight.Data, g.FfnBias.Data, n, _h, _i, _scratch);
        BackwardInput(_dI, w.Ffn, _a[l], _dh, n, accumulate: true, g);
        // attention LayerNorm
        var dr1 = _dt.AsSpan(0, nh);
        LayerNorm.Backward(_dh, _ln1Xhat[l], _ln1Rstd[l], w.AttentionLayerNormWeight, dr1, g.AttentionLayerNormWeight.Data, g.AttentionLayerNormBias.Data, n, _h, _row);
        dr1.CopyTo(_dh); // residual to the layer input
        DropoutBackward(dr1, _attnMask[l], nh, pHidden);
        Gemm.LinearBackwardWeight(_dt, Input(_ctx[l], _ctxIn[l]), g.AttentionOutputWeight.Data, g.AttentionOutputBias.Data, n, _h, _h, _scratch);
        BackwardInput(_dt, w.AttentionOutput, _ctx[l], _dctx, n, accumulate: false, g);
        for (int q = 0; q < _batch.Count; q++)
        {
            int o = _batch.Offsets[q], t = _batch.Length(q), po = _probOffsets[q], pl = _heads * t * t;
            var probs = _probs[l].AsSpan(po, pl);
            if (w.Binarization is not null)
            {
                BiAttention.Backward(_dctx.AsSpan(o * _h), _q[l].AsSpan(o * _h), _k[l].AsSpan(o * _h), _v[l].AsSpan(o * _h), t, _h, _heads,
                    probs, _dq.AsSpan(o * _h), _dk.AsSpan(o * _h), _dv.AsSpan(o * _h), _signs);
                continue;
            }
            bool drop = (_dropout?.Attention ?? 0) > 0;
            MultiHeadAttention.Backward(_dctx.AsSpan(o * _h), _q[l].AsSpan(o * _h), _k[l].AsSpan(o * _h), _v[l].AsSpan(o * _h), t, _h, _heads,
                probs, drop ? _probsD[l].AsSpan(po, pl) : probs, drop ? _probMask[l].AsSpan(po, pl) : Span<float>.Empty,
                _dq.AsSpan(o * _h), _dk.AsSpan(o * _h), _dv.AsSpan(o * _h), _row, w.AttentionSpan, SpanRamp,
                g.AttentionSpan is { } dz ? dz.Data : Span<float>.Empty);
        }
        if (_extraGradients)
        {
            TensorPrimitives.Add(_dq.AsSpan(0, nh), _gQ[l].AsSpan(0, nh), _dq);
            TensorPrimitives.Add(_dk.AsSpan(0, nh), _gK[l].AsSpan(0, nh), _dk);
            TensorPrimitives.Add(_dv.AsSpan(0, nh), _gV[l].AsSpan(0, nh), _dv);
        }
        var xin = Input(_hid[l], _hidIn[l]);
        Gemm.LinearBackwardWeight(_dq, xin, g.QueryWeight.Data, g.QueryBias.Data, n, _h, _h, _scratch);
        Gemm.LinearBackwardWeight(_dk, xin, g.KeyWeight.Data, g.KeyBias.Data, n, _h, _h, _scratch);
        Gemm.LinearBackwardWeight(_dv, xin, g.ValueWeight.Data, g.ValueBias.Data, n, _h, _h, _scratch);
        // Q, K and V read one input: their three input gradients meet before its binarizer (if any).
        var dx = w.Query.InputBinarizer is null ? _dh : _dXb;
        Gemm.LinearBackwardInput(_dq, w.Query.W, dx, n, _h, _h, accumulate: dx == _dh);
        Gemm.LinearBackwardInput(_dk, w.Key.W, dx, n, _h, _h, accumulate: true);
        Gemm.LinearBackwardInput(_dv, w.Value.W, dx, n, _h, _h, accumulate: true);
        if (w.Query.InputBinarizer is { } b) BinarizerBackward(b, _hid[l], _dh, nh, accumulate: true, g);
    }

    private void Dropout(float[] x, float[] mask, int rows, int cols, float p)
    {
        if (p <= 0) return;
        for (int q = 0; q < _batch.Count; q++)
        {
            // Token rows of sequence q, or row q itself for per-sequence tensors (the exit heads).
            int r0 = rows == _batch.Count ? q : _batch.Offsets[q];
            int r1 = rows == _batch.Count ? q + 1 : _batch.Offsets[q + 1];
            var m = mask.AsSpan(r0 * cols, (r1 - r0) * cols);
            _rng[q].FillDropoutMask(m, p);
            var xs = x.AsSpan(r0 * cols, (r1 - r0) * cols);
            TensorPrimitives.Multiply(xs, m, xs);
        }
    }

    private static void DropoutBackward(Span<float> d, float[] mask, int count, float p)
    {
        if (p <= 0) return;
        TensorPrimitives.Multiply(d[..count], mask.AsSpan(0, count), d[..count]);
    }

    /// <summary>The input the linear layer sees: x itself, its binarized copy when the layer has an input binarizer, or
    /// its transformed copy when a weight transform is set.</summary>
    private float[] LinearInput(float[] x, float[] store, int count, LinearWeights layer)
    {
        if (layer.InputBinarizer is { } b)
        {
            InputObserver?.Invoke(b.Index, x.AsSpan(0, count));
            Binarize.ElasticForward(x.AsSpan(0, count), b.Alpha, b.Beta, store);
            return store;
        }
        if (_w.Transform is null) return x;
        x.AsSpan(0, count).CopyTo(store);
        _w.Transform.TransformLinearInput(layer.Name, store.AsSpan(0, count));
        return store;
    }

    /// <summary>dX (=|+=) dY·W for the layer's input x [m, In]: straight through its binarizer when it has one.</summary>
    private void BackwardInput(ReadOnlySpan<float> dy, LinearWeights layer, float[] x, Span<float> dx, int m, bool accumulate, AlbertParameters g)
    {
        if (layer.InputBinarizer is not { } b)
        {
            Gemm.LinearBackwardInput(dy, layer.W, dx, m, layer.In, layer.Out, accumulate);
            return;
        }
        Gemm.LinearBackwardInput(dy, layer.W, _dXb, m, layer.In, layer.Out, accumulate: false);
        BinarizerBackward(b, x, dx, m * layer.In, accumulate, g);
    }

    /// <summary>Takes dL/d(binarized input) from _dXb to dx and adds alpha_x's and beta's gradients.</summary>
    private void BinarizerBackward(InputBinarizer b, float[] x, Span<float> dx, int count, bool accumulate, AlbertParameters g)
    {
        Binarize.ElasticBackward(_dXb.AsSpan(0, count), x.AsSpan(0, count), b.Alpha, b.Beta, dx[..count], accumulate, out double dAlpha, out double dBeta);
        var p = g.InputBinarizers[b.Index];
        p.Alpha.Data[0] += (float)dAlpha;
        p.Beta.Data[0] += (float)dBeta;
    }

    private bool Skipped(int l) => _skipped is not null && _skipped[l];

    private float SpanRamp => _c.AttentionSpan?.Ramp ?? 0f;

    private float[] Input(float[] x, float[] store) => _w.Transform is null && _w.Binarization is null ? x : store;

    private void Ensure(PackedBatch b)
    {
        int n = b.TokenCount, s = b.Count;
        if (_probOffsets.Length < s + 1) _probOffsets = new int[s + 1];
        int probs = 0;
        for (int q = 0; q < s; q++) { _probOffsets[q] = probs; probs += _heads * b.Length(q) * b.Length(q); }
        _probOffsets[s] = probs;
        bool binary = _w.Binarization is not null;
        if (n <= _capTokens && s <= _capSeqs && probs <= _capProbs && (_w.Transform is null || _embIn.Length > 0)
            && (!binary || _signs.Length > 0)) return;
        n = Math.Max(n, _capTokens); s = Math.Max(s, _capSeqs); probs = Math.Max(probs, _capProbs);
        _capTokens = n; _capSeqs = s; _capProbs = probs;
        bool tr = _w.Transform is not null || binary;
        bool drop = true; // masks are small; allocate them always so dropout can be switched per call
        float[] A(long len) => new float[Math.Max(len, 1)];
        float[][] PerLayer(int count, long len, bool when = true) => Enumerable.Range(0, count).Select(_ => when ? A(len) : []).ToArray();
        _rng = new DeterministicRandom[s];
        _keep = new bool[n];
        _embSum = A(n * _e); _embXhat = A(n * _e); _embRstd = A(n); _embOut = A(n * _e); _embMask = drop ? A(n * _e) : []; _embIn = tr ? A(n * _e) : [];
        _hid = PerLayer(_l + 1, n * _h); _hidIn = PerLayer(_l, n * _h, tr);
        _q = PerLayer(_l, n * _h); _k = PerLayer(_l, n * _h); _v = PerLayer(_l, n * _h);
        _probs = PerLayer(_l, probs); _probsD = PerLayer(_l, probs); _probMask = PerLayer(_l, probs);
        _ctx = PerLayer(_l, n * _h); _ctxIn = PerLayer(_l, n * _h, tr);
        _attnMask = PerLayer(_l, n * _h); _ln1Xhat = PerLayer(_l, n * _h); _ln1Rstd = PerLayer(_l, n);
        _a = PerLayer(_l, n * _h); _aIn = PerLayer(_l, n * _h, tr);
        _f = PerLayer(_l, n * _i); _fAux = PerLayer(_l, n * _i); _g = PerLayer(_l, n * _i); _gIn = PerLayer(_l, n * _i, tr);
        _outMask = PerLayer(_l, n * _h); _ln2Xhat = PerLayer(_l, n * _h); _ln2Rstd = PerLayer(_l, n);
        _cls = PerLayer(_l, s * _h); _clsIn = PerLayer(_l, s * _h, tr);
        _pooled = PerLayer(_l, s * _h); _poolMask = PerLayer(_l, s * _h); _pooledD = PerLayer(_l, s * _h); _pooledIn = PerLayer(_l, s * _h, tr);
        _logits = PerLayer(_l, s * _labels); _dLogits = PerLayer(_l, s * _labels);
        _dh = A(n * _h); _dt = A(n * _h); _dI = A(n * _i); _dq = A(n * _h); _dk = A(n * _h); _dv = A(n * _h); _dctx = A(n * _h);
        _dS = A(s * _h); _dS2 = A(s * _h); _dE = A(n * _e);
        _scratch = A((long)Math.Max(n, s) * Math.Max(Math.Max(_i, _h), _labels));
        _row = A(Math.Max(Math.Max(_h, _e), _c.MaxPositionEmbeddings));
        int tokens = Math.Max(n, s), widest = Math.Max(Math.Max(_e, _h), _i);
        _signs = binary ? A(3L * n * _h) : [];
        _dXb = binary ? A((long)tokens * widest) : [];
        _gHid = PerLayer(_l + 1, n * _h); _gQ = PerLayer(_l, n * _h); _gK = PerLayer(_l, n * _h); _gV = PerLayer(_l, n * _h);
        _gPool = PerLayer(_l, s * _h);
        _extraGradients = false;
    }
}

/// <summary>Receives the input of binarized layer <paramref name="binarizer"/> (an index into
/// <see cref="AlbertParameters.InputBinarizers"/>) before it is binarized.</summary>
public delegate void BinaryInputObserver(int binarizer, ReadOnlySpan<float> input);
