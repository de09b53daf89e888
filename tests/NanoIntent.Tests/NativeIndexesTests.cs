using System.Text.RegularExpressions;

namespace NanoIntent.Tests;

/// <summary>The firmware's copies of the native constants (NativeIndexes) equal ni_session.h's and ni_image.h's.</summary>
public sealed class NativeIndexesTests
{
    private static Dictionary<string, int> Enums(string header)
    {
        string text = File.ReadAllText(Path.Combine(TestImages.RepoRoot, "native-kernels", "include", "nano_intent", header));
        return Regex.Matches(text, @"^\s+(NI_\w+)\s*=\s*(-?\d+)\s*,?", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
    }

    [Fact]
    public void EveryIndexEqualsTheHeaders()
    {
        var session = Enums("ni_session.h");
        var image = Enums("ni_image.h");
        var want = new Dictionary<string, int>
        {
            ["NI_INFO_LAYERS"] = NativeIndexes.InfoLayers, ["NI_INFO_LABELS"] = NativeIndexes.InfoLabels,
            ["NI_INFO_MAX_POSITIONS"] = NativeIndexes.InfoMaxPositions, ["NI_INFO_VOCAB_SIZE"] = NativeIndexes.InfoVocabSize,
            ["NI_INFO_HIDDEN_SIZE"] = NativeIndexes.InfoHiddenSize, ["NI_INFO_IMAGE_BYTES"] = NativeIndexes.InfoImageBytes,
            ["NI_INFO_ARENA_BYTES"] = NativeIndexes.InfoArenaBytes, ["NI_INFO_ARENA_CAPACITY"] = NativeIndexes.InfoArenaCapacity,
            ["NI_INFO_BOARD_ID"] = NativeIndexes.InfoBoardId, ["NI_INFO_FLAGS"] = NativeIndexes.InfoFlags,
            ["NI_INFO_REJECT_KIND"] = NativeIndexes.InfoRejectKind, ["NI_INFO_REJECT_THRESHOLD"] = NativeIndexes.InfoRejectThreshold,
            ["NI_INFO_UNKNOWN_LABEL"] = NativeIndexes.InfoUnknownLabel, ["NI_INFO_COUNT"] = NativeIndexes.InfoCount,
            ["NI_STAT_ENTROPY_Q16"] = NativeIndexes.StatEntropyQ16, ["NI_STAT_ARGMAX"] = NativeIndexes.StatArgmax,
            ["NI_STAT_CONFIDENCE_Q16"] = NativeIndexes.StatConfidenceQ16, ["NI_STAT_ANSWER"] = NativeIndexes.StatAnswer,
            ["NI_STAT_COUNT"] = NativeIndexes.StatCount,
        };
        Assert.Equal(want.Keys.Order(), session.Keys.Order());
        foreach (var (name, value) in want) Assert.True(session[name] == value, $"{name}: ni_session.h {session[name]}, NativeIndexes {value}");
        Assert.Equal((image["NI_ANSWER_UNKNOWN"], image["NI_REJECT_NONE"], image["NI_REJECT_CONFIDENCE"], image["NI_REJECT_ENTROPY"]),
            (NativeIndexes.AnswerUnknown, NativeIndexes.RejectNone, NativeIndexes.RejectConfidence, NativeIndexes.RejectEntropy));
    }
}
