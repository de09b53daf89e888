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
        internal const int InfoRejectKind = 10;
        internal const int InfoRejectThreshold = 11;
        internal const int InfoUnknownLabel = 12;
        internal const int InfoCount = 13;

        // enum ni_session_stat_index
        internal const int StatEntropyQ16 = 0;
        internal const int StatArgmax = 1;
        internal const int StatConfidenceQ16 = 2;
        internal const int StatAnswer = 3;
        internal const int StatCount = 4;

        // ni_image.h: enum ni_answer_code, enum ni_reject_kind
        internal const int AnswerUnknown = -1;
        internal const int RejectNone = 0;
        internal const int RejectConfidence = 1;
        internal const int RejectEntropy = 2;
    }
}
