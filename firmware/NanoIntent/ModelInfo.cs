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
    }
}
