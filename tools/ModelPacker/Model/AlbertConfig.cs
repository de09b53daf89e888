using System.Text.Json.Serialization;

namespace ModelPacker.Model;

/// <summary>
/// Hyper-parameters of the tiny ALBERT, serialised as Hugging Face's <c>config.json</c> (same key names), so a
/// checkpoint written here loads in transformers and an ALBERT fine-tuned there loads here.
/// </summary>
public sealed class AlbertConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "albert";
    [JsonPropertyName("architectures")] public string[] Architectures { get; set; } = ["AlbertForSequenceClassification"];
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 4000;
    [JsonPropertyName("embedding_size")] public int EmbeddingSize { get; set; } = 64;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 128;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 4;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 512;
    /// <summary>How many times the one shared layer is applied (ALBERT's depth L).</summary>
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 4;
    /// <summary>ALBERT allows several layer groups; this project shares ONE layer across all depths.</summary>
    [JsonPropertyName("num_hidden_groups")] public int NumHiddenGroups { get; set; } = 1;
    [JsonPropertyName("inner_group_num")] public int InnerGroupNum { get; set; } = 1;
    /// <summary>Maximum tokens per utterance including [CLS] and [SEP].</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 32;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; set; } = 2;
    /// <summary>"gelu" (erf) or "gelu_new" (tanh approximation, ALBERT's default).</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu_new";
    [JsonPropertyName("hidden_dropout_prob")] public float HiddenDropoutProb { get; set; } = 0.1f;
    [JsonPropertyName("attention_probs_dropout_prob")] public float AttentionProbsDropoutProb { get; set; } = 0.1f;
    [JsonPropertyName("classifier_dropout_prob")] public float ClassifierDropoutProb { get; set; } = 0.1f;
    [JsonPropertyName("layer_norm_eps")] public float LayerNormEps { get; set; } = 1e-12f;
    [JsonPropertyName("initializer_range")] public float InitializerRange { get; set; } = 0.02f;
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; set; } = 0;
    [JsonPropertyName("id2label")] public Dictionary<string, string> Id2Label { get; set; } = new();
    [JsonPropertyName("label2id")] public Dictionary<string, int> Label2Id { get; set; } = new();
    [JsonPropertyName("torch_dtype")] public string TorchDtype { get; set; } = "float32";
    /// <summary>Null for the fp32 model; the w1a1 settings for a binarized one.</summary>
    [JsonPropertyName("binarization")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BinarizationSettings? Binarization { get; set; }
    /// <summary>Null without spans; the ramp of the learned attention spans otherwise.</summary>
    [JsonPropertyName("attention_span")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AttentionSpanSettings? AttentionSpan { get; set; }

    [JsonIgnore] public int NumLabels => Id2Label.Count;
    [JsonIgnore] public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Labels in id order.</summary>
    [JsonIgnore]
    public string[] Labels
    {
        get
        {
            var labels = new string[Id2Label.Count];
            for (int i = 0; i < labels.Length; i++)
                labels[i] = Id2Label.TryGetValue(i.ToString(System.Globalization.CultureInfo.InvariantCulture), out var l)
                    ? l : throw new InvalidDataException($"config.json: id2label has no entry for id {i}");
            return labels;
        }
        set
        {
            Id2Label = new Dictionary<string, string>();
            Label2Id = new Dictionary<string, int>();
            for (int i = 0; i < value.Length; i++)
            {
                Id2Label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = value[i];
                Label2Id[value[i]] = i;
            }
        }
    }

    /// <summary>Throws a one-line error naming the first inconsistent field.</summary>
    public void Validate(string source = "config.json")
    {
        void Require(bool ok, string what) { if (!ok) throw new InvalidDataException($"{source}: {what}"); }
        Require(VocabSize > 5, $"vocab_size {VocabSize} must be > 5 (the special tokens alone take 5)");
        Require(EmbeddingSize > 0 && HiddenSize > 0 && IntermediateSize > 0, "embedding_size, hidden_size and intermediate_size must be positive");
        Require(NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads == 0, $"hidden_size {HiddenSize} must be divisible by num_attention_heads {NumAttentionHeads}");
        Require(NumHiddenLayers > 0, "num_hidden_layers must be positive");
        Require(NumHiddenGroups == 1 && InnerGroupNum == 1, "only one shared layer is supported (num_hidden_groups = inner_group_num = 1)");
        Require(MaxPositionEmbeddings >= 3, "max_position_embeddings must be at least 3 ([CLS] token [SEP])");
        Require(HiddenAct is "gelu" or "gelu_new", $"hidden_act '{HiddenAct}' is not supported (use gelu or gelu_new)");
        Require(NumLabels >= 2, "id2label must name at least two labels");
        Binarization?.Validate(source, HeadSize);
        AttentionSpan?.Validate(source);
        Require(AttentionSpan is null || Binarization is null, "attention_span works with the softmax attention only, not with binarization");
    }
}
