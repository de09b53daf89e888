namespace ModelPacker.Model;

/// <summary>The off-ramp after one layer: tanh pooler over [CLS] and a linear classifier (DeeBERT/EdgeBERT).</summary>
public sealed class ExitHeadParameters
{
    public required NamedTensor PoolerWeight { get; init; }     // [H, H]
    public required NamedTensor PoolerBias { get; init; }       // [H]
    public required NamedTensor ClassifierWeight { get; init; } // [C, H]
    public required NamedTensor ClassifierBias { get; init; }   // [C]
    /// <summary>Binarizer of the pooler's input ([CLS] of the layer's output); null in the fp32 model.</summary>
    public InputBinarizerParameters? PoolerInput { get; init; }
}

/// <summary>
/// Every trainable tensor of the tiny ALBERT under its Hugging Face name. Linear weights are [out, in], row-major,
/// as in PyTorch. The last exit head uses ALBERT's own pooler and classifier names; earlier exits use
/// <c>albert.encoder.highway.{l}.*</c> (DeeBERT's naming).
/// </summary>
public sealed class AlbertParameters
{
    public const string LayerPrefix = "albert.encoder.albert_layer_groups.0.albert_layers.0.";

    public AlbertParameters(AlbertConfig config)
    {
        Config = config;
        int v = config.VocabSize, e = config.EmbeddingSize, h = config.HiddenSize, i = config.IntermediateSize;
        int p = config.MaxPositionEmbeddings, c = config.NumLabels, l = config.NumHiddenLayers;
        WordEmbeddings = new("albert.embeddings.word_embeddings.weight", v, e);
        PositionEmbeddings = new("albert.embeddings.position_embeddings.weight", p, e);
        TokenTypeEmbeddings = new("albert.embeddings.token_type_embeddings.weight", config.TypeVocabSize, e);
        EmbeddingLayerNormWeight = new("albert.embeddings.LayerNorm.weight", e);
        EmbeddingLayerNormBias = new("albert.embeddings.LayerNorm.bias", e);
        EmbeddingProjectionWeight = new("albert.encoder.embedding_hidden_mapping_in.weight", h, e);
        EmbeddingProjectionBias = new("albert.encoder.embedding_hidden_mapping_in.bias", h);
        QueryWeight = new(LayerPrefix + "attention.query.weight", h, h);
        QueryBias = new(LayerPrefix + "attention.query.bias", h);
        KeyWeight = new(LayerPrefix + "attention.key.weight", h, h);
        KeyBias = new(LayerPrefix + "attention.key.bias", h);
        ValueWeight = new(LayerPrefix + "attention.value.weight", h, h);
        ValueBias = new(LayerPrefix + "attention.value.bias", h);
        AttentionOutputWeight = new(LayerPrefix + "attention.dense.weight", h, h);
        AttentionOutputBias = new(LayerPrefix + "attention.dense.bias", h);
        AttentionLayerNormWeight = new(LayerPrefix + "attention.LayerNorm.weight", h);
        AttentionLayerNormBias = new(LayerPrefix + "attention.LayerNorm.bias", h);
        FfnWeight = new(LayerPrefix + "ffn.weight", i, h);
        FfnBias = new(LayerPrefix + "ffn.bias", i);
        FfnOutputWeight = new(LayerPrefix + "ffn_output.weight", h, i);
        FfnOutputBias = new(LayerPrefix + "ffn_output.bias", h);
        FullLayerNormWeight = new(LayerPrefix + "full_layer_layer_norm.weight", h);
        FullLayerNormBias = new(LayerPrefix + "full_layer_layer_norm.bias", h);
        if (config.Binarization is not null)
        {
            EmbeddingProjectionInput = new("albert.encoder.embedding_hidden_mapping_in.", false);
            QkvInput = new(LayerPrefix + "attention.qkv.", false);
            AttentionOutputInput = new(LayerPrefix + "attention.dense.", true);
            FfnInput = new(LayerPrefix + "ffn.", false);
            FfnOutputInput = new(LayerPrefix + "ffn_output.", false);
        }
        Exits = new ExitHeadParameters[l];
        for (int k = 0; k < l; k++)
        {
            bool last = k == l - 1;
            string pool = last ? "albert.pooler." : $"albert.encoder.highway.{k}.pooler.dense.";
            string cls = last ? "classifier." : $"albert.encoder.highway.{k}.classifier.";
            Exits[k] = new ExitHeadParameters
            {
                PoolerWeight = new(pool + "weight", h, h),
                PoolerBias = new(pool + "bias", h),
                ClassifierWeight = new(cls + "weight", c, h),
                ClassifierBias = new(cls + "bias", c),
                PoolerInput = config.Binarization is null || config.Binarization.PoolerReadsInt8 ? null : new(pool, false),
            };
        }
        if (config.Binarization is { PoolerReadsInt8: true })
        {
            PoolerInputScale = new("albert.encoder.pooler_input_scale", 1);
        }
        if (config.AttentionSpan is not null) AttentionSpan = new(LayerPrefix + "attention.span", config.NumAttentionHeads);
        InputBinarizers = new[] { EmbeddingProjectionInput, QkvInput, AttentionOutputInput, FfnInput, FfnOutputInput }
            .Concat(Exits.Select(e => e.PoolerInput)).OfType<InputBinarizerParameters>().ToArray();
        All = BuildList();
    }

    public AlbertConfig Config { get; }
    public NamedTensor WordEmbeddings { get; }
    public NamedTensor PositionEmbeddings { get; }
    public NamedTensor TokenTypeEmbeddings { get; }
    public NamedTensor EmbeddingLayerNormWeight { get; }
    public NamedTensor EmbeddingLayerNormBias { get; }
    public NamedTensor EmbeddingProjectionWeight { get; }
    public NamedTensor EmbeddingProjectionBias { get; }
    public NamedTensor QueryWeight { get; }
    public NamedTensor QueryBias { get; }
    public NamedTensor KeyWeight { get; }
    public NamedTensor KeyBias { get; }
    public NamedTensor ValueWeight { get; }
    public NamedTensor ValueBias { get; }
    public NamedTensor AttentionOutputWeight { get; }
    public NamedTensor AttentionOutputBias { get; }
    public NamedTensor AttentionLayerNormWeight { get; }
    public NamedTensor AttentionLayerNormBias { get; }
    public NamedTensor FfnWeight { get; }
    public NamedTensor FfnBias { get; }
    public NamedTensor FfnOutputWeight { get; }
    public NamedTensor FfnOutputBias { get; }
    public NamedTensor FullLayerNormWeight { get; }
    public NamedTensor FullLayerNormBias { get; }
    public ExitHeadParameters[] Exits { get; }

    // Binarizers of the binary layers' inputs (null in the fp32 model). Q, K and V share one input and one binarizer.
    public InputBinarizerParameters? EmbeddingProjectionInput { get; }
    public InputBinarizerParameters? QkvInput { get; }
    public InputBinarizerParameters? AttentionOutputInput { get; }
    public InputBinarizerParameters? FfnInput { get; }
    public InputBinarizerParameters? FfnOutputInput { get; }
    /// <summary>
    /// The step S of the int8 grid the poolers read h[CLS] on (pooler_input "int8"; null otherwise): the residual
    /// stream's scale, max |h| / 127 over the calibration utterances as the packer measures it. Not trained.
    /// </summary>
    public NamedTensor? PoolerInputScale { get; }
    /// <summary>S before calibration (a new student, a random initialisation): the int8 grid of ±4, about a LayerNorm
    /// output's range. A gradient buffer's S stays 0.</summary>
    public const float ProvisionalPoolerInputScale = 4f / 127;
    /// <summary>The learned span z_h of each head in tokens (config <c>attention_span</c>; null otherwise), in
    /// [−ramp, max_position_embeddings]; a new span starts at max_position_embeddings (every key kept).</summary>
    public NamedTensor? AttentionSpan { get; }
    /// <summary>Every input binarizer (empty in the fp32 model); the index is the binarizer's id in the passes.</summary>
    public IReadOnlyList<InputBinarizerParameters> InputBinarizers { get; }

    /// <summary>Every tensor, in a fixed order (the optimizer and the checkpoint writer rely on it).</summary>
    public IReadOnlyList<NamedTensor> All { get; }

    public NamedTensor this[string name] =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"no tensor named '{name}'");

    public long ParameterCount => All.Sum(t => (long)t.Length);

    /// <summary>BERT initialisation: N(0, initializer_range) for matrices, LayerNorm gain 1, biases 0, binarizers
    /// alpha 1 and beta 0, the poolers' int8 input step provisional.</summary>
    public void InitializeRandom(int seed)
    {
        var rng = new Random(seed);
        float std = Config.InitializerRange;
        foreach (var t in All)
        {
            if (t.Shape.Length == 2)
                for (int j = 0; j < t.Length; j++) t.Data[j] = std * NextGaussian(rng);
            else if (t.Name.Contains("LayerNorm.weight") || t.Name.Contains("layer_norm.weight") || t.Name.EndsWith("act_alpha"))
                Array.Fill(t.Data, 1f);
            else if (t == PoolerInputScale)
                t.Data[0] = ProvisionalPoolerInputScale;
            else if (t == AttentionSpan)
                Array.Fill(t.Data, (float)Config.MaxPositionEmbeddings);
            else
                Array.Clear(t.Data);
        }
    }

    private static float NextGaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    private List<NamedTensor> BuildList()
    {
        var list = new List<NamedTensor>
        {
            WordEmbeddings, PositionEmbeddings, TokenTypeEmbeddings, EmbeddingLayerNormWeight, EmbeddingLayerNormBias,
            EmbeddingProjectionWeight, EmbeddingProjectionBias,
            QueryWeight, QueryBias, KeyWeight, KeyBias, ValueWeight, ValueBias,
            AttentionOutputWeight, AttentionOutputBias, AttentionLayerNormWeight, AttentionLayerNormBias,
            FfnWeight, FfnBias, FfnOutputWeight, FfnOutputBias, FullLayerNormWeight, FullLayerNormBias,
        };
        foreach (var e in Exits) list.AddRange([e.PoolerWeight, e.PoolerBias, e.ClassifierWeight, e.ClassifierBias]);
        foreach (var b in InputBinarizers) list.AddRange([b.Alpha, b.Beta]);
        if (PoolerInputScale is not null) list.Add(PoolerInputScale);
        if (AttentionSpan is not null) list.Add(AttentionSpan);
        return list;
    }
}
