namespace NanoIntent
{
    /// <summary>What the open image declares (ni_session_info), read once at open.</summary>
    public sealed class ModelInfo
    {
        internal ModelInfo(int[] v)
        {
            Layers = v[NativeIndexes.InfoLayers];
            Labels = v[NativeIndexes.InfoLabels];
            MaxPositions = v[NativeIndexes.InfoMaxPositions];
            VocabSize = v[NativeIndexes.InfoVocabSize];
            HiddenSize = v[NativeIndexes.InfoHiddenSize];
            ImageBytes = v[NativeIndexes.InfoImageBytes];
            ArenaBytes = v[NativeIndexes.InfoArenaBytes];
            ArenaCapacity = v[NativeIndexes.InfoArenaCapacity];
            BoardId = v[NativeIndexes.InfoBoardId];
            Flags = v[NativeIndexes.InfoFlags];
            RejectKind = v[NativeIndexes.InfoRejectKind];
            RejectThresholdQ16 = v[NativeIndexes.InfoRejectThreshold];
            UnknownLabel = v[NativeIndexes.InfoUnknownLabel];
        }

        public int Layers { get; }
        public int Labels { get; }
        /// <summary>At most this many token ids per text, [CLS] and [SEP] included; longer texts are cut.</summary>
        public int MaxPositions { get; }
        public int VocabSize { get; }
        public int HiddenSize { get; }
        public int ImageBytes { get; }
        /// <summary>Working memory the image needs, out of the firmware's static <see cref="ArenaCapacity"/>.</summary>
        public int ArenaBytes { get; }
        public int ArenaCapacity { get; }
        public int BoardId { get; }
        public int Flags { get; }

        /// <summary><see cref="RejectKind"/> values (ni_reject_kind).</summary>
        public const int RejectNone = NativeIndexes.RejectNone, RejectConfidence = NativeIndexes.RejectConfidence,
            RejectEntropy = NativeIndexes.RejectEntropy;

        /// <summary>The image's out-of-scope rule: <see cref="RejectNone"/> never answers unknown, <see cref="RejectConfidence"/>
        /// below a confidence, <see cref="RejectEntropy"/> above an entropy (<see cref="RejectThresholdQ16"/>); see
        /// <see cref="IntentResult.IsUnknown"/>.</summary>
        public int RejectKind { get; }
        /// <summary>Confidence (Q16, 65536 = 1) or entropy (Q16 nats) threshold of <see cref="RejectKind"/>.</summary>
        public int RejectThresholdQ16 { get; }
        /// <summary>The label whose prediction is answered unknown too (the model's own out-of-scope class), or -1.</summary>
        public int UnknownLabel { get; }
    }
}
