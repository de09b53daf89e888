using System.Numerics.Tensors;
using ModelPacker.Binarization;
using ModelPacker.Checkpoints;
using ModelPacker.Model;
using ModelPacker.Tests.Checkpoints;
using ModelPacker.Tests.Model;
using ModelPacker.Training;
using ModelPacker.Tests.Numerics;

namespace ModelPacker.Tests.Binarization;

/// <summary>
/// <c>pooler_input: "int8"</c>: the exit poolers keep 1-bit weights but read h[CLS] rounded to the residual stream's
/// int8 grid (no input binarizer), with that grid's step calibrated, frozen and saved with the checkpoint.
/// </summary>
public class PoolerInputTests
{
    private static AlbertParameters Student(string pooler = BinarizationSettings.PoolerInt8, string activation = BinarizationSettings.Sign) =>
        BinarizationPipeline.Student(TinyModels.Parameters(TinyModels.Config()),
            new BinarizationSettings { ActivationBinarizer = activation, PoolerInput = pooler });

    private static readonly int[][] Utterances = [[2, 7, 9, 11, 3], [2, 5, 3], [2, 13, 17, 4, 6, 3]];

    [Fact]
    public void Int8PoolersHaveNoInputBinarizerAndOneFrozenStep()
    {
        var p = Student();
        Assert.All(p.Exits, e => Assert.Null(e.PoolerInput));
        Assert.Equal(5, p.InputBinarizers.Count);   // mapping-in, Q/K/V, Dense, FFN, FFN output
        Assert.Equal("albert.encoder.pooler_input_scale", p.PoolerInputScale!.Name);
        Assert.Contains(p.PoolerInputScale, p.All);
        Assert.Equal(AlbertParameters.ProvisionalPoolerInputScale, p.PoolerInputScale.Data[0]);
        var grad = new[] { 1f };
        ((IWeightTransform)new WeightBinarizer(p)).TransformGradient(p.PoolerInputScale, grad);
        Assert.Equal(0f, grad[0]);
        var binary = Student(BinarizationSettings.PoolerBinary);
        Assert.Null(binary.PoolerInputScale);
        Assert.Equal(7, binary.InputBinarizers.Count);
        p.PoolerInputScale.Data[0] = 0;
        Assert.Contains("pooler_input_scale' = 0", Assert.Throws<InvalidDataException>(() => new ModelWeights(p)).Message);
    }

    [Fact]
    public void EachExitReadsHClsOnTheInt8Grid()
    {
        var p = Student();
        p.PoolerInputScale!.Data[0] = 0.05f;
        var w = new ModelWeights(p);
        var batch = new PackedBatch(Utterances);
        var comp = new AlbertComputation(p.Config);
        comp.Forward(w, batch);
        int h = p.Config.HiddenSize, c = p.Config.NumLabels;
        bool clamped = false, rounded = false;
        for (int l = 0; l < p.Config.NumHiddenLayers; l++)
            for (int q = 0; q < batch.Count; q++)
            {
                // by hand: x = sat8(round(h / S))·S, tanh(W x + b), classifier
                var x = comp.Hidden(l + 1).Slice(batch.Offsets[q] * h, h).ToArray();
                var raw = (float[])x.Clone();
                for (int i = 0; i < h; i++)
                {
                    x[i] = (float)(Math.Clamp(Math.Round(raw[i] / (double)0.05f, MidpointRounding.AwayFromZero), -128, 127) * 0.05f);
                    clamped |= Math.Abs(raw[i]) > 127 * 0.05f;
                    rounded |= x[i] != raw[i];
                }
                var pooled = new float[h];
                for (int r = 0; r < h; r++) pooled[r] = MathF.Tanh(w.Poolers[l].B[r] + (float)GradientCheck.Dot(w.Poolers[l].W.AsSpan(r * h, h), x));
                for (int k = 0; k < c; k++)
                {
                    float logit = w.Classifiers[l].B[k] + (float)GradientCheck.Dot(w.Classifiers[l].W.AsSpan(k * h, h), pooled);
                    Assert.Equal(logit, comp.Logits(l)[q * c + k], 3);
                }
            }
        Assert.True(rounded && !clamped, "the grid should round h (and this step leaves room to spare)");
        // and the grid matters: another step moves the logits
        p.PoolerInputScale.Data[0] = 0.5f;
        var coarse = new AlbertComputation(p.Config);
        coarse.Forward(new ModelWeights(p), batch);
        Assert.NotEqual(comp.Logits(1).ToArray(), coarse.Logits(1).ToArray());
    }

    [Fact]
    public void CalibrationSetsTheStepToTheResidualStreamsRange()
    {
        var p = Student();
        InputBinarizerCalibration.Run(p, Utterances, passes: 2);
        // max |h| over every layer input h_0..h_{L-1} (all tokens) and the [CLS] rows of h_L, / 127 (the packer's h site)
        var comp = new AlbertComputation(p.Config);
        var batch = new PackedBatch(Utterances);
        comp.Forward(new ModelWeights(p), batch);
        int h = p.Config.HiddenSize, L = p.Config.NumHiddenLayers;
        double max = 0;
        for (int l = 0; l < L; l++) max = Math.Max(max, TensorPrimitives.MaxMagnitude(comp.Hidden(l)));
        for (int q = 0; q < batch.Count; q++) max = Math.Max(max, TensorPrimitives.MaxMagnitude(comp.Hidden(L).Slice(batch.Offsets[q] * h, h)));
        Assert.Equal(max / 127, p.PoolerInputScale!.Data[0], 5);
        Assert.NotEqual(AlbertParameters.ProvisionalPoolerInputScale, p.PoolerInputScale.Data[0]);
    }

    [Fact]
    public void ExitHeadGradientsMatchFiniteDifferencesOverTheRoundedInput()
    {
        // The pooler's input is constant in its bias and the classifier: the loss is smooth there, and the analytic
        // gradient through the rounded h[CLS] must match finite differences.
        var p = Student();
        p.PoolerInputScale!.Data[0] = 0.05f;
        var batch = TinyModels.Batch();
        float[] exitWeights = [0.4f, 1f];
        var comp = new AlbertComputation(p.Config);
        double Loss()
        {
            comp.Forward(new ModelWeights(p), batch);
            return comp.Loss(exitWeights, 0.1f, 1f / batch.Count, out _);
        }
        Loss();
        var grads = new AlbertParameters(p.Config);
        comp.Backward(grads);
        foreach (var e in new[] { 0, 1 })
        {
            var ex = p.Exits[e];
            GradientCheck.Assert($"exit {e} pooler bias", ex.PoolerBias.Data, grads.Exits[e].PoolerBias.Data, GradientCheck.Sample(ex.PoolerBias.Length, 12, e), Loss,
                eps: 2e-3f, absTol: 4e-4, relTol: 3e-2);
            GradientCheck.Assert($"exit {e} classifier", ex.ClassifierWeight.Data, grads.Exits[e].ClassifierWeight.Data, GradientCheck.Sample(ex.ClassifierWeight.Length, 16, e + 5), Loss,
                eps: 2e-3f, absTol: 4e-4, relTol: 3e-2);
        }
        Assert.Equal(0f, grads.PoolerInputScale!.Data[0]);   // nothing flows into the step
    }

    [Fact]
    public void TheCheckpointKeepsTheSettingAndTheStep()
    {
        using var temp = new TempDirectory();
        var p = Student();
        p.PoolerInputScale!.Data[0] = 0.0421f;
        var vocabulary = ModelPacker.Text.Vocabulary.FromTokens(Enumerable.Range(0, p.Config.VocabSize)
            .Select(i => i < TinyCheckpoint.Tokens.Length ? TinyCheckpoint.Tokens[i] : $"w{i}"));
        CheckpointDirectory.Save(temp["m"], p, vocabulary);
        Assert.Contains("\"pooler_input\": \"int8\"", File.ReadAllText(Path.Combine(temp["m"], CheckpointDirectory.ConfigFile)));
        var loaded = CheckpointDirectory.Load(temp["m"]);
        Assert.True(loaded.Config.Binarization!.PoolerReadsInt8);
        Assert.Empty(loaded.Notes);
        Assert.Equal(0.0421f, loaded.Parameters.PoolerInputScale!.Data[0]);
        int[] ids = [2, 7, 9, 3];
        Assert.Equal(new AlbertModel(p).Predict(ids), new AlbertModel(loaded.Parameters).Predict(ids));
        // a config written before the setting existed (no "pooler_input") is a binary-pooler model
        var config = File.ReadAllText(Path.Combine(temp["m"], CheckpointDirectory.ConfigFile)).Replace(",\n    \"pooler_input\": \"int8\"", "");
        Assert.DoesNotContain("pooler_input", config);
        var old = System.Text.Json.JsonSerializer.Deserialize<AlbertConfig>(config)!;
        Assert.Equal(BinarizationSettings.PoolerBinary, old.Binarization!.PoolerInput);
    }

    [Fact]
    public void UnknownSettingsAreNamedErrors()
    {
        var settings = new BinarizationSettings { PoolerInput = "int4" };
        Assert.Equal("config.json: pooler_input 'int4' must be binary or int8",
            Assert.Throws<InvalidDataException>(() => settings.Validate("config.json", 32)).Message);
        var train = new BinarizeConfig { PoolerInput = "sign" };
        Assert.Equal("train.json: binarize.pooler_input 'sign' must be binary or int8",
            Assert.Throws<InvalidDataException>(() => train.Validate("train.json")).Message);
    }

    [Fact]
    public void MultiStepStartsAnInt8PoolerStudentFromABinaryPoolerRunAndCalibratesItsStepAfresh()
    {
        var first = Student(BinarizationSettings.PoolerBinary, BinarizationSettings.None);
        first.Exits[1].PoolerWeight.Data[3] = 1.25f;
        var second = Student();
        BinarizationPipeline.StartFrom(second, first);
        Assert.Equal(1.25f, second.Exits[1].PoolerWeight.Data[3]);
        Assert.Equal(AlbertParameters.ProvisionalPoolerInputScale, second.PoolerInputScale!.Data[0]);
    }
}
