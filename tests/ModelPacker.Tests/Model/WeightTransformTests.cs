using ModelPacker.Model;
using ModelPacker.Training;

namespace ModelPacker.Tests.Model;

/// <summary>The quantization-aware-training seam: weights and linear inputs pass through an <see cref="IWeightTransform"/>.</summary>
public class WeightTransformTests
{
    /// <summary>Rounds weights to a grid (a fake quantizer); counts the linear inputs it sees.</summary>
    private sealed class RoundingTransform(float step, bool inputs) : IWeightTransform
    {
        public HashSet<string> InputSites { get; } = [];
        public void TransformWeight(NamedTensor master, Span<float> effective)
        {
            for (int i = 0; i < master.Length; i++) effective[i] = MathF.Round(master.Data[i] / step) * step;
        }
        public void TransformLinearInput(string weightName, Span<float> input)
        {
            lock (InputSites) InputSites.Add(weightName);
            if (inputs) for (int i = 0; i < input.Length; i++) input[i] = MathF.Round(input[i] / step) * step;
        }
    }

    private static AlbertParameters Rounded(AlbertParameters p, float step)
    {
        var q = TrainingPipeline.Clone(p);
        foreach (var t in q.All)
            if (t.Shape.Length == 2)
                for (int i = 0; i < t.Length; i++) t.Data[i] = MathF.Round(t.Data[i] / step) * step;
        return q;
    }

    [Fact]
    public void ForwardUsesTransformedWeightsAndSeesEveryLinearInput()
    {
        var cfg = TinyModels.Config();
        var p = TinyModels.Parameters(cfg);
        var tr = new RoundingTransform(0.1f, inputs: false);
        var viaTransform = new AlbertModel(p, tr).Predict([2, 7, 9, 3]);
        var viaRounded = new AlbertModel(Rounded(p, 0.1f)).Predict([2, 7, 9, 3]);
        var plain = new AlbertModel(p).Predict([2, 7, 9, 3]);
        for (int l = 0; l < 2; l++) Assert.Equal(viaRounded[l], viaTransform[l]);
        Assert.NotEqual(plain[1], viaTransform[1]);
        // embedding projection, Q (shared with K and V), attention dense, ffn, ffn_output, every pooler and classifier
        Assert.Equal(5 + 2 * cfg.NumHiddenLayers, tr.InputSites.Count);
    }

    [Fact]
    public void BackwardIsStraightThrough()
    {
        // With a transform, the master weights get the gradient computed at the transformed weights.
        var cfg = TinyModels.Config();
        var p = TinyModels.Parameters(cfg);
        var batch = TinyModels.Batch();
        float[] ew = [0.5f, 1f];
        AlbertParameters Grad(AlbertParameters at, IWeightTransform? t)
        {
            var comp = new AlbertComputation(cfg);
            comp.Forward(new ModelWeights(at, t), batch);
            comp.Loss(ew, 0f, 1f / 3, out _);
            var g = new AlbertParameters(cfg);
            comp.Backward(g);
            return g;
        }
        var ste = Grad(p, new RoundingTransform(0.1f, inputs: false));
        var atRounded = Grad(Rounded(p, 0.1f), null);
        for (int k = 0; k < ste.All.Count; k++) Assert.Equal(atRounded.All[k].Data, ste.All[k].Data);
        var withInputs = Grad(p, new RoundingTransform(0.1f, inputs: true));
        Assert.NotEqual(ste.FfnWeight.Data, withInputs.FfnWeight.Data);
    }
}

