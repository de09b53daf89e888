namespace NanoIntent
{
    /// <summary>Indexes and status codes of native-kernels/include/nano_intent/ni_session.h.</summary>
    internal static class NativeIndexes
    {
        // enum ni_session_info_index
        internal const int InfoLayers = 0;
        internal const int InfoLabels = 1;
        internal const int InfoMaxPositions = 2;
        internal const int InfoVocabSize = 3;
        internal const int InfoHiddenSize = 4;
        internal const int InfoImageBytes = 5;
        internal const int InfoArenaBytes = 6;
        internal const int InfoArenaCapacity = 7;
        internal const int InfoBoardId = 8;
        internal const int InfoFlags = 9;
        internal const int InfoCount = 10;

        // enum ni_session_stat_index
        internal const int StatEntropyQ16 = 0;
        internal const int StatArgmax = 1;
        internal const int StatConfidenceQ16 = 2;
        internal const int StatCount = 3;
    }
}
