using ModelPacker.Binarization;
using ModelPacker.Checkpoints;
using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Tests.Checkpoints;
using ModelPacker.Tests.Model;
using ModelPacker.Training;

namespace ModelPacker.Tests.Binarization;

/// <summary>The w1a1 student: how it starts from its teacher, what its forward pass reads, what it saves.</summary>
public class BinarizedModelTests
{
    private static AlbertParameters Student(string activation = BinarizationSettings.Elastic, int seed = 1) =>
        BinarizationPipeline.Student(TinyModels.Parameters(TinyModels.Config(), seed), new BinarizationSettings { ActivationBinarizer = activation });

    [Fact]
    public void StudentStartsFromTheTeacherWithTokenTypeZeroFoldedIntoThePositions()
    {
        var teacher = TinyModels.Parameters(TinyModels.Config());
        var student = BinarizationPipeline.Student(teacher, new BinarizationSettings());
        Assert.Null(teacher.Config.Binarization);
        Assert.Equal(BinarizationSettings.W1A1, student.Config.Binarization!.Scheme);
        int e = teacher.Config.EmbeddingSize;
        for (int i = 0; i < student.PositionEmbeddings.Length; i++)
            Assert.Equal(teacher.PositionEmbeddings.Data[i] + teacher.TokenTypeEmbeddings.Data[i % e], student.PositionEmbeddings.Data[i]);
        Assert.All(student.TokenTypeEmbeddings.Data, v => Assert.Equal(0f, v));
        Assert.Equal(teacher.QueryWeight.Data, student.QueryWeight.Data);
        Assert.Equal(teacher.Exits[0].ClassifierWeight.Data, student.Exits[0].ClassifierWeight.Data);
        const string layer = AlbertParameters.LayerPrefix;
        Assert.Equal(
            ["albert.encoder.embedding_hidden_mapping_in.", layer + "attention.qkv.", layer + "attention.dense.", layer + "ffn.",
             layer + "ffn_output.", "albert.encoder.highway.0.pooler.dense.", "albert.pooler."],
            student.InputBinarizers.Select(b => b.Alpha.Name[..^"act_alpha".Length]));
        Assert.All(student.InputBinarizers, b => Assert.Equal(b.Alpha.Name[..^5] + "beta", b.Beta.Name));
        Assert.Equal([false, false, true, false, false, false, false], student.InputBinarizers.Select(b => b.ThresholdIsZero));
    }

    [Fact]
    public void ForwardReadsRowCentredSignWeightsZeroTokenTypesAndFullPrecisionClassifiers()
    {
        var p = Student();
        var w = new ModelWeights(p);
        var expected = new float[p.QueryWeight.Length];
        Binarize.RowCentredSignForward(p.QueryWeight.Data, p.QueryWeight.Rows, p.QueryWeight.Cols, expected);
        Assert.Equal(expected, w.Query.W);
        var words = new float[p.WordEmbeddings.Length];
        Binarize.RowCentredSignForward(p.WordEmbeddings.Data, p.WordEmbeddings.Rows, p.WordEmbeddings.Cols, words);
        Assert.Equal(words, w.WordEmbeddings);
        Assert.All(w.TokenTypeEmbeddings, v => Assert.Equal(0f, v));
        Assert.Equal(p.Exits[1].ClassifierWeight.Data, w.Classifiers[1].W);
        Assert.Null(w.Classifiers[1].InputBinarizer);
        Assert.Equal(w.Query.InputBinarizer, w.Value.InputBinarizer);
        Assert.Same(p.FfnInput, p.InputBinarizers[w.Ffn.InputBinarizer!.Value.Index]);
    }

    [Fact]
    public void OnlyTheCentredSignsMatter()
    {
        // Adding a constant to a latent row moves its mean with it: the binarized model computes the same logits (up to
        // the rounding of the recomputed mean and scale).
        var p = Student();
        int[] ids = [2, 7, 9, 11, 3];
        var before = new AlbertModel(p).Predict(ids);
        foreach (var t in new[] { p.QueryWeight, p.FfnWeight, p.WordEmbeddings, p.Exits[0].PoolerWeight })
            for (int r = 0; r < t.Rows; r++)
                for (int c = 0; c < t.Cols; c++) t.Data[r * t.Cols + c] += 0.25f * (r % 3 - 1);
        var after = new AlbertModel(p).Predict(ids);
        for (int l = 0; l < before.Length; l++)
            for (int c = 0; c < before[l].Length; c++) Assert.Equal(before[l][c], after[l][c], 5);
        p.FfnInput!.Beta.Data[0] += 0.3f; // the threshold does change them
        Assert.True(Math.Abs(before[1][0] - new AlbertModel(p).Predict(ids)[1][0]) > 1e-3);
    }

    [Fact]
    public void PaddingKeysAreMaskedInBiAttention()
    {
        var model = new AlbertModel(Student());
        var plain = model.Predict([2, 13, 17, 3]);
        var padded = model.Predict([2, 13, 17, 3, 0, 0]);
        for (int l = 0; l < plain.Length; l++) Assert.Equal(plain[l], padded[l]);
    }

    [Fact]
    public void CalibrationSetsAlphaToTheMeanAbsoluteInput()
    {
        var p = Student();
        var reference = TrainingPipeline.Clone(p);
        int[][] utterances = [[2, 7, 9, 11, 3], [2, 5, 3], [2, 13, 17, 4, 6, 3]];
        InputBinarizerCalibration.Run(p, utterances, passes: 1);
        var sums = new double[p.InputBinarizers.Count]; var counts = new long[sums.Length];
        var comp = new AlbertComputation(reference.Config)
        {
            InputObserver = (i, x) => { foreach (float v in x) sums[i] += Math.Abs(v); counts[i] += x.Length; },
        };
        comp.Forward(new ModelWeights(reference), new PackedBatch(utterances));
        for (int i = 0; i < sums.Length; i++) Assert.Equal(sums[i] / counts[i], p.InputBinarizers[i].Alpha.Data[0], 4);
        Assert.Equal(14, counts[0] / reference.Config.EmbeddingSize); // the embedding mapping sees each of the 14 tokens once
        Assert.Equal(14 * reference.Config.NumHiddenLayers, counts[1] / reference.Config.HiddenSize); // Q, K, V's input at every depth
    }

    [Theory]
    [InlineData(BinarizationSettings.Elastic)]
    [InlineData(BinarizationSettings.Sign)]
    public void TheVariantDecidesWhichBinarizersLearn(string activation)
    {
        var p = Student(activation);
        var binarizer = (IWeightTransform)new WeightBinarizer(p);
        bool learns = activation == BinarizationSettings.Elastic;
        foreach (var b in p.InputBinarizers)
        {
            Assert.Equal(learns ? 1f : 0f, Gradient(b.Alpha));
            Assert.Equal(learns && !b.ThresholdIsZero ? 1f : 0f, Gradient(b.Beta));
        }
        Assert.Equal(0f, Gradient(p.TokenTypeEmbeddings));
        Assert.Equal(1f, Gradient(p.Exits[0].ClassifierWeight));
        Assert.Equal(1f, Gradient(p.FfnBias));
        var g = Enumerable.Range(0, p.FfnWeight.Length).Select(i => (float)(i % 5)).ToArray();
        binarizer.TransformGradient(p.FfnWeight, g);
        Assert.Equal(0.0, g.AsSpan(0, p.FfnWeight.Cols).ToArray().Sum(), 4); // the centring's gradient

        float Gradient(NamedTensor t)
        {
            var grad = Enumerable.Repeat(1f, t.Length).ToArray();
            binarizer.TransformGradient(t, grad);
            return grad.Distinct().Single();
        }
    }

    [Fact]
    public void CheckpointKeepsTheBinarizationAndTheBinarizers()
    {
        using var temp = new TempDirectory();
        var p = Student(BinarizationSettings.Sign);
        p.FfnOutputInput!.Alpha.Data[0] = 0.37f; p.FfnOutputInput.Beta.Data[0] = -0.05f;
        var vocabulary = ModelPacker.Text.Vocabulary.FromTokens(Enumerable.Range(0, p.Config.VocabSize)
            .Select(i => i < TinyCheckpoint.Tokens.Length ? TinyCheckpoint.Tokens[i] : $"w{i}"));
        CheckpointDirectory.Save(temp["m"], p, vocabulary);
        var loaded = CheckpointDirectory.Load(temp["m"]);
        Assert.Equal(BinarizationSettings.Sign, loaded.Config.Binarization!.ActivationBinarizer);
        Assert.Empty(loaded.Notes); // no tensor in the file went unused
        Assert.Equal(0.37f, loaded.Parameters[AlbertParameters.LayerPrefix + "ffn_output.act_alpha"].Data[0]);
        Assert.Equal(-0.05f, loaded.Parameters[AlbertParameters.LayerPrefix + "ffn_output.act_beta"].Data[0]);
        int[] ids = [2, 7, 9, 3];
        Assert.Equal(new AlbertModel(p).Predict(ids), new AlbertModel(loaded.Parameters).Predict(ids));
        // an fp32 config does not mention binarization
        CheckpointDirectory.Save(temp["fp32"], TinyModels.Parameters(TinyModels.Config()), vocabulary);
        Assert.DoesNotContain("binarization", File.ReadAllText(Path.Combine(temp["fp32"], CheckpointDirectory.ConfigFile)));
    }
}
