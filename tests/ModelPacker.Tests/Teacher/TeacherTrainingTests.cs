using ModelPacker.Data;
using ModelPacker.Teacher;
using ModelPacker.Tests.Checkpoints;

namespace ModelPacker.Tests.Teacher;

public class TeacherTrainingTests(MiniLmFixture miniLm) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public void Without_test_scoring_the_test_split_is_not_encoded_and_the_same_head_is_chosen_as_fitted_alone()
    {
        using var temp = new TempDirectory();
        TeacherCommandTests.WriteSnipsSubset(temp["data"], train: 4, validation: 2, test: 2);
        var data = DatasetLoader.Load(temp["data"]);

        var counting = new CountingEmbedder(miniLm.Encoder);
        var quick = TeacherTraining.Run(data, new CachedEmbedder(counting, null), scoreTest: false);
        Assert.Null(quick.Test);
        Assert.All(quick.Candidates, c => Assert.Null(c.Test));
        Assert.Equal(data.Train.Count + data.Validation.Count, counting.Seen.Count);
        Assert.Empty(counting.Seen.Intersect(data.Test.Select(e => e.Text).Except(data.Train.Concat(data.Validation).Select(e => e.Text))));

        var full = TeacherTraining.Run(data, new CachedEmbedder(miniLm.Encoder, null));
        Assert.NotNull(full.Test);
        Assert.Equal(data.Test.Count, full.Test!.Count);
        Assert.Equal(full.Teacher.Options, quick.Teacher.Options);
        Assert.Equal(full.Candidates.Select(c => c.ValidationAccuracy), quick.Candidates.Select(c => c.ValidationAccuracy));

        // The candidates are fitted in parallel; the chosen head is the one a fit of its options alone gives.
        var embeddings = miniLm.Encoder.Embed(data.Train.Select(e => e.Text).ToList());
        var alone = HeadTrainer.Train(SentenceTeacherHead.Flatten(embeddings, miniLm.Encoder.Dimension),
            data.Train.Select(e => data.LabelId(e.Label)).ToArray(), miniLm.Encoder.Dimension, data.Labels.Length, quick.Teacher.Options);
        Assert.Equal(alone.Tensors.Select(t => t.Data), quick.Teacher.Head.Tensors.Select(t => t.Data));

        // The summary and teacher.json leave the test split out rather than print zeros.
        Assert.DoesNotContain(TeacherSummary.Lines(quick, "d"), l => l.StartsWith("Test accuracy"));
        Assert.DoesNotContain("\"test\"", TeacherSummary.ToJson(quick, "d"));
        Assert.Contains("\"test\"", TeacherSummary.ToJson(full, "d"));
    }
}
