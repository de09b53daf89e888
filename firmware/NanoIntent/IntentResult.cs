namespace NanoIntent
{
    /// <summary>
    /// The result of <see cref="IntentClassifier.Classify"/>. One instance per classifier, overwritten by every call
    /// (no allocation per classification): read it, or copy what you keep, before classifying again.
    /// </summary>
    public sealed class IntentResult
    {
        internal readonly int[][] LayerLogitsQ16;
        internal readonly int[] LayerEntropyQ16;

        internal IntentResult(int layers, int labels)
        {
            LayerLogitsQ16 = new int[layers][];
            for (int l = 0; l < layers; l++) LayerLogitsQ16[l] = new int[labels];
            LayerEntropyQ16 = new int[layers];
        }

        /// <summary><see cref="LabelIndex"/> of the answer "I don't know".</summary>
        public const int UnknownIndex = -1;
        /// <summary><see cref="Intent"/> of the answer "I don't know" (in parentheses: not a label name).</summary>
        public const string UnknownIntent = "(unknown)";

        /// <summary>The intent's label as the image names it ("BookRestaurant"), or <see cref="UnknownIntent"/>.</summary>
        public string Intent { get; internal set; }
        /// <summary>The intent's label index, or <see cref="UnknownIndex"/>.</summary>
        public int LabelIndex { get; internal set; }
        /// <summary>True when the image's out-of-scope rule answered "I don't know" (<see cref="ModelInfo.RejectKind"/>):
        /// the exit was too unsure, or the model predicted its own out-of-scope label.</summary>
        public bool IsUnknown => LabelIndex == UnknownIndex;
        /// <summary>What the model predicted at the exit layer, unknown or not: its label and index.</summary>
        public string Predicted { get; internal set; }
        public int PredictedIndex { get; internal set; }
        /// <summary>Softmax probability of the predicted label at the exit layer, Q16 (65536 = 1), the runtime's integer exp.</summary>
        public int ConfidenceQ16 { get; internal set; }
        public double Confidence => Q16.ToDouble(ConfidenceQ16);
        /// <summary>The layer (0-based) whose exit answered.</summary>
        public int ExitLayer { get; internal set; }
        /// <summary>Layers run: ExitLayer + 1.</summary>
        public int LayersComputed => ExitLayer + 1;
        /// <summary>Token ids the text became, [CLS] and [SEP] included.</summary>
        public int TokenCount { get; internal set; }

        /// <summary>Exit entropy of a computed layer (0..ExitLayer), Q16 nats.</summary>
        public int EntropyQ16(int layer) => LayerEntropyQ16[CheckLayer(layer)];
        public double EntropyNats(int layer) => Q16.ToDouble(EntropyQ16(layer));

        /// <summary>Q16 logits of a computed layer's exit; the array is reused by the next classification.</summary>
        public int[] LogitsQ16(int layer) => LayerLogitsQ16[CheckLayer(layer)];

        private int CheckLayer(int layer)
        {
            if (layer < 0 || layer > ExitLayer) throw new System.ArgumentOutOfRangeException("layer");
            return layer;
        }
    }
}
