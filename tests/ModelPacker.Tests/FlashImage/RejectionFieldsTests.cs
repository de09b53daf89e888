using ModelPacker.FlashImage;
using ModelPacker.Tests.IntegerRuntime;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.Tests.FlashImage;

/// <summary>
/// THRESHOLDS' rejection fields and the test vectors' answers through the writer, the C# reader and the C loader:
/// every kind round trips, an image that never rejects has the layout of images written before the fields existed
/// (reject_kind 0, no fields, records without answers) and loads in both, and a tampered field is a named error.
/// </summary>
public class RejectionFieldsTests
{
    private static ImageContent With(RejectionRule rule, bool answers)
    {
        var c = TinyImages.RandomAlbert(seed: 4);
        var exp2 = ModelPacker.IntegerRuntime.QuantParams.FromBytes(c.QuantParams, c.Dims, "tiny").Exp2Frac;
        return new ImageContent
        {
            Dims = c.Dims, ArenaBytes = c.ArenaBytes, Tensors = c.Tensors, QuantParams = c.QuantParams, Vocabulary = c.Vocabulary,
            VocabularySettings = c.VocabularySettings, Labels = c.Labels, Thresholds = c.Thresholds, Rejection = rule,
            TestVectors = c.TestVectors!.Select(v => v with
            {
                Answers = answers ? v.Logits.Select((l, k) => ModelPacker.IntegerRuntime.IntegerKernels.Answer(rule, l, v.Entropies[k], exp2)).ToArray() : null,
            }).ToList(),
        };
    }

    public static TheoryData<RejectKind, int, int> Rules => new()
    {
        { RejectKind.Entropy, 0, -1 }, { RejectKind.Entropy, int.MaxValue, 2 }, { RejectKind.Entropy, 40000, 0 },
        { RejectKind.Confidence, 0, 1 }, { RejectKind.Confidence, 65536, -1 }, { RejectKind.Confidence, 30000, 2 },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void EveryRuleAndTheAnswersRoundTripAndTheCLoaderReadsThem(RejectKind kind, int threshold, int label)
    {
        var rule = new RejectionRule(kind, threshold, label);
        var content = With(rule, answers: true);
        var bytes = ImageWriter.Build(content);
        var t = new ImageTamper(bytes);
        Assert.Equal(ThresholdsHeaderSize + 4 * content.Dims.NumLayers + RejectionFieldsSize, t.SecLen(SectionKind.Thresholds));
        Assert.Equal(TestVectorsFlagAnswers, t.U32(t.Sec(SectionKind.TestVectors) + 12));
        var back = ImageReader.Read(bytes, "r.nimg").Content;
        Assert.Equal(rule, back.Rejection);
        Assert.Equal(content.TestVectors!.Select(v => v.Answers), back.TestVectors!.Select(v => v.Answers));
        Assert.Equal(0, NativeImage.TryOpen(bytes));
    }

    [Fact]
    public void AnImageThatNeverRejectsHasTheOlderLayoutAndLoadsInCAndCSharp()
    {
        var bytes = ImageWriter.Build(With(RejectionRule.None, answers: false));
        var t = new ImageTamper(bytes);
        Assert.Equal(ThresholdsHeaderSize + 4 * 2, t.SecLen(SectionKind.Thresholds));
        Assert.Equal(0u, t.U32(t.Sec(SectionKind.Thresholds) + ThrRejectKind));   // the former reserved word
        Assert.Equal(0u, t.U32(t.Sec(SectionKind.TestVectors) + 12));
        var back = ImageReader.Read(bytes, "old.nimg").Content;
        Assert.Equal(RejectionRule.None, back.Rejection);
        Assert.All(back.TestVectors!, v => Assert.Null(v.Answers));
        Assert.Equal(0, NativeImage.TryOpen(bytes));
    }

    [Fact]
    public void ATamperedFieldIsANamedErrorInCAndCSharp()
    {
        var bytes = ImageWriter.Build(With(new RejectionRule(RejectKind.Confidence, 30000, 2), answers: true));
        foreach (var (change, want, what) in new (Action<ImageTamper>, NiStatus, string)[]
        {
            (t => t.W32(t.Rejection() + RejThreshold, 65537), NiStatus.Thresholds, "confidence threshold 65537 outside 0..65536"),
            (t => t.W32(t.Rejection() + RejUnknownLabel, 3), NiStatus.Thresholds, "unknown label 3 outside -1..2"),
            (t => t.W32(t.Sec(SectionKind.Thresholds) + ThrRejectKind, 7), NiStatus.Thresholds, "reject_kind 7 unknown"),
        })
        {
            var t = new ImageTamper((byte[])bytes.Clone());
            change(t);
            var e = Assert.Throws<InvalidDataException>(() => ImageReader.Read(t.Fixed(), "bad.nimg"));
            Assert.Equal(want, FlashImageError.StatusOf(e));
            Assert.Contains("bad.nimg: THRESHOLDS: " + what, e.Message);
            Assert.Equal((int)want, NativeImage.TryOpen(t.Image));
        }
    }
}
