using System.Runtime.InteropServices;
using ModelPacker.Encodings;

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
/// the operations of the C runtime (src/runtime/ni_steps.c) in its arena layout (<see cref="ArenaView"/>). Every
/// linear layer runs over all tokens at once, row tile by row tile, through the encoding table
/// (<see cref="TiledLinear"/>); the scheme's attention block makes the context, everything else is shared by every
/// scheme. One instance per thread (it owns its arena, like the C caller).
/// </summary>
public sealed class IntegerAlbert
{
    private readonly IntegerModel _m;
    private readonly ArenaView _a;
    private int _n, _layersDone = -1;

    public IntegerAlbert(IntegerModel model)
    {
        _m = model;
        _a = new ArenaView(model.Dims);
    }

    public IntegerModel Model => _m;

    public void Embed(ReadOnlySpan<int> tokenIds)
    {
        var d = _m.Dims;
        _layersDone = -1;
        if (tokenIds.Length == 0 || tokenIds.Length > d.MaxPositions)
            throw new ArgumentException($"{tokenIds.Length} tokens; the model takes 1..{d.MaxPositions}");
        foreach (int id in tokenIds)
            if ((uint)id >= (uint)d.VocabSize) throw new ArgumentException($"token id {id} is outside the vocabulary of {d.VocabSize}");
        int E = d.EmbeddingSize, n = tokenIds.Length, inBytes = TiledLinear.InputBytes(_m.EmbeddingMappingIn);
        // one token at a time in Wide (h is written only after every token): the sums, the int16 row, the LayerNorm
        // output, which is stored as mapping_in's input row in Buf
        var at = _a.Wide.Span[..ArenaLayout.EmbeddingRowBytes(E)];
        var sum = MemoryMarshal.Cast<byte, long>(at[..(8 * E)]);
        var wide = MemoryMarshal.Cast<byte, short>(at.Slice(8 * E, 2 * E));
        var ln = MemoryMarshal.Cast<byte, sbyte>(at.Slice(8 * E + Align4(2 * E), E));
        for (int t = 0; t < n; t++)
        {
            IntegerKernels.EmbedTokenS16(_m.WordEmbeddings, _m.PositionEmbeddings, tokenIds[t], t, sum, wide);
            IntegerKernels.LayerNormS16(wide, _m.QuantParams.EmbeddingLn, E, ln);
            TiledLinear.StoreInput(_m.EmbeddingMappingIn, ln, 0, E, _a.Buf.Span.Slice(t * inBytes, inBytes));
        }
        TiledLinear.Run(_m.EmbeddingMappingIn, _a.Buf, inBytes, Epilogue.S8(_a.Hidden, d.HiddenSize), n, _a);
        _n = n;
        _layersDone = 0;
    }

    private static int Align4(int n) => (n + 3) & ~3;

    /// <summary>One residual branch closed: Wide (int16 [n][H], holding the branch input as int8 values) += the
    /// requantized <paramref name="t"/> applied to <paramref name="input"/>, then the LayerNorm writes the int8 result
    /// back into the first half of Wide (h or a).</summary>
    private void ResidualLayerNorm(EncodedTensor t, Memory<byte> input, int stride, Requant residualRq, LayerNormParam[] ln, int n, int H)
    {
        IntegerKernels.WidenS8InPlace(_a.Wide.Span, n * H);
        TiledLinear.Run(t, input, stride, Epilogue.AddS16(_a.Wide, H, residualRq), n, _a);
        var wide = MemoryMarshal.Cast<byte, short>(_a.Wide.Span);
        var hidden = MemoryMarshal.Cast<byte, sbyte>(_a.Hidden.Span);
        for (int k = 0; k < n; k++) IntegerKernels.LayerNormS16(wide.Slice(k * H, H), ln, H, hidden.Slice(k * H, H));
    }

    public void RunLayer(int layer)
    {
        var d = _m.Dims;
        if (_layersDone < 0) throw new InvalidOperationException("no embedded sequence: call Embed first");
        if (layer != _layersDone) throw new InvalidOperationException($"layer {layer} run out of order (next is {_layersDone})");
        if (layer >= d.NumLayers) throw new ArgumentOutOfRangeException(nameof(layer));
        int n = _n, H = d.HiddenSize, S = _a.MaxPositions * H;
        var qp = _m.QuantParams;

        // attention: h -> context int8 [n][H] at Buf; then h + Dense(context) -> LayerNorm -> a (over h)
        _m.Scheme.Attention.Run(_m, _a, n);
        var (input, stride) = TiledLinear.Input(_m.AttentionDense, _a.Buf, H, n, _a.Buf[S..]);
        ResidualLayerNorm(_m.AttentionDense, input, stride, qp.AttentionResidual, qp.AttentionLn, n, H);

        // feed-forward: GELU(Ffn(a)) stored as FfnOutput's input at Buf; a + FfnOutput(g) -> LayerNorm -> h
        (input, stride) = TiledLinear.Input(_m.Ffn, _a.Hidden, H, n, _a.Spare);
        int gStride = TiledLinear.InputBytes(_m.FfnOutput);
        TiledLinear.Run(_m.Ffn, input, stride, Epilogue.S8(_a.Buf, gStride, qp.Gelu, _m.FfnOutput, _a.Row), n, _a);
        ResidualLayerNorm(_m.FfnOutput, _a.Buf, gStride, qp.FullResidual, qp.FullLn, n, H);
        _layersDone = layer + 1;
    }

    public ExitOutput ExitHead(int layer)
    {
        var d = _m.Dims;
        if (_layersDone != layer + 1) throw new InvalidOperationException($"exit {layer} needs layer {layer} to be the last layer run");
        var e = _m.Exits[layer];
        // pooler over h[CLS] (row 0) -> tanh -> the classifier's input row at Buf -> logits
        var (input, stride) = TiledLinear.Input(e.Pooler, _a.Hidden, d.HiddenSize, 1, _a.Spare);
        TiledLinear.Run(e.Pooler, input, stride, Epilogue.S8(_a.Buf, 0, _m.QuantParams.Tanh[layer], e.Classifier, _a.Row), 1, _a);
        var logits = new int[d.NumLabels];
        TiledLinear.Run(e.Classifier, _a.Buf, TiledLinear.InputBytes(e.Classifier), Epilogue.Logits(logits), 1, _a);
        int entropy = IntegerKernels.EntropyQ16(logits, d.NumLabels, _m.QuantParams.Exp2Frac, _m.QuantParams.Log2Frac);
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
