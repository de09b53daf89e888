using ModelPacker.Data;
using ModelPacker.IntegerRuntime;

namespace NanoIntent.Tests;

/// <summary>
/// The host emulator's library (C# early-exit loop over the native session) answers exactly as the C# integer
/// reference (IntegerAlbert with the image's thresholds) on every test utterance: token count, exit layer, the
/// Q16 logits and entropy of every layer computed, and the answer under the image's out-of-scope rule (a label or
/// unknown; the packed CLINC150 image is calibrated with one, the bundled SNIPS image has none).
/// </summary>
[Collection(NativeSessionCollection.Name)]
public sealed class ReferenceEquivalenceTests
{
    [Fact] public void SnipsTestSplitOnTheBundledImage() => AssertSameAsReference(TestImages.Default, "snips");

    [Fact] public void Clinc150TestSplitInScopeAndOutOfScope() => AssertSameAsReference(TestImages.PackedTestImage("clinc150"), "clinc150");

    private static void AssertSameAsReference(string image, string dataset)
    {
        var examples = DatasetLoader.Load(TestImages.Dataset(dataset)).Test;
        Assert.NotEmpty(examples);
        var reference = TestImages.Reference(image);
        var expected = new EarlyExitResult[examples.Count];
        var ids = new int[examples.Count][];
        Parallel.For(0, examples.Count, i =>
        {
            ids[i] = reference.Encode(examples[i].Text);
            expected[i] = reference.ClassifyEarlyExit(ids[i]);
        });

        using var classifier = IntentClassifier.OpenFile(image);
        for (int l = 0; l < classifier.Info.Layers; l++)
            Assert.Equal(reference.ThresholdsQ16[l], classifier.ThresholdQ16(l));
        for (int i = 0; i < reference.Labels.Count; i++) Assert.Equal(reference.Labels[i], classifier.Label(i));

        Assert.Equal((int)reference.Rejection.Kind, classifier.Info.RejectKind);
        Assert.Equal(reference.Rejection.ThresholdQ16, classifier.Info.RejectThresholdQ16);
        Assert.Equal(reference.Rejection.UnknownLabel, classifier.Info.UnknownLabel);
        var tokenIds = new int[classifier.Info.MaxPositions];
        int outOfScope = 0, unknown = 0;
        for (int i = 0; i < examples.Count; i++)
        {
            string where = $"{dataset} test #{i} '{examples[i].Text}'";
            var r = classifier.Classify(examples[i].Text);
            var e = expected[i];
            int n = classifier.TokenIds(tokenIds);
            Assert.True(ids[i].AsSpan().SequenceEqual(tokenIds.AsSpan(0, n)),
                $"{where}: token ids [{string.Join(' ', tokenIds[..n])}], reference [{string.Join(' ', ids[i])}]");
            Assert.Equal(n, r.TokenCount);
            Assert.True(e.ExitLayer == r.ExitLayer, $"{where}: exit layer {r.ExitLayer}, reference {e.ExitLayer}");
            for (int l = 0; l <= e.ExitLayer; l++)
            {
                Assert.True(e.Exits[l].LogitsQ16.AsSpan().SequenceEqual(r.LogitsQ16(l)), $"{where}: layer {l} logits differ");
                Assert.True(e.Exits[l].EntropyQ16 == r.EntropyQ16(l), $"{where}: layer {l} entropy {r.EntropyQ16(l)}, reference {e.Exits[l].EntropyQ16}");
            }
            Assert.True(reference.Labels[e.Final.Predicted] == r.Predicted, $"{where}: predicted {r.Predicted}, reference {reference.Labels[e.Final.Predicted]}");
            int answer = reference.Answer(e.Final);
            Assert.True(answer == r.LabelIndex, $"{where}: answer {r.LabelIndex} ({r.Intent}), reference {answer}");
            Assert.Equal(answer == ModelPacker.FlashImage.RejectionRule.Unknown ? IntentResult.UnknownIntent : reference.Labels[answer], r.Intent);
            if (r.IsUnknown) unknown++;
            if (examples[i].Label == IntentDataset.OutOfScopeLabel) outOfScope++;
        }
        if (dataset == "clinc150")
        {
            Assert.True(outOfScope > 0, "the CLINC150 test split has no out-of-scope utterances");
            Assert.True(unknown > 0, "the calibrated CLINC150 image never answered unknown");
        }
    }
}
