using System.Numerics.Tensors;
using ModelPacker.Model;

namespace ModelPacker.Binarization;

/// <summary>
/// Starting values of the input binarizers: alpha_x = mean |x − beta| of the layer's input over calibration
/// utterances run through the binarized student itself (the attention context of a binary model has nothing in common
/// with the teacher's). Inputs depend on the alphas upstream, so the pass is repeated. With pooler_input "int8" one
/// more pass then sets the poolers' int8 step S = max |h| / 127 over every layer input h_0..h_{L-1} and the [CLS] rows
/// of h_L, the residual stream's range as the packer's calibration measures it (docs/numerics.md).
/// </summary>
public static class InputBinarizerCalibration
{
    public static void Run(AlbertParameters student, IReadOnlyList<int[]> utterances, int passes = 2, int chunk = 64)
    {
        var binarizers = student.InputBinarizers;
        if (binarizers.Count == 0) throw new ArgumentException("the model has no input binarizers (not a binarized config)");
        if (utterances.Count == 0) throw new ArgumentException("calibration needs at least one utterance");
        var sums = new double[binarizers.Count];
        var counts = new long[binarizers.Count];
        var betas = binarizers.Select(b => b.Beta.Data[0]).ToArray();
        var computation = new AlbertComputation(student.Config)
        {
            InputObserver = (i, x) =>
            {
                double s = 0;
                foreach (float v in x) s += Math.Abs(v - betas[i]);
                sums[i] += s;
                counts[i] += x.Length;
            },
        };
        for (int pass = 0; pass < passes; pass++)
        {
            Array.Clear(sums); Array.Clear(counts);
            var weights = new ModelWeights(student);
            for (int start = 0; start < utterances.Count; start += chunk)
                computation.Forward(weights, new PackedBatch(utterances.Skip(start).Take(chunk).ToList()));
            for (int i = 0; i < binarizers.Count; i++)
                if (counts[i] > 0 && sums[i] > 0) binarizers[i].Alpha.Data[0] = (float)(sums[i] / counts[i]);
        }
        if (student.PoolerInputScale is { } scale) scale.Data[0] = PoolerInputStep(student, utterances, chunk);
    }

    /// <summary>max |h| / 127 over h_0..h_{L−1} (every token) and the [CLS] rows of h_L with the final alphas (h does not
    /// depend on the poolers).</summary>
    private static float PoolerInputStep(AlbertParameters student, IReadOnlyList<int[]> utterances, int chunk)
    {
        int h = student.Config.HiddenSize, layers = student.Config.NumHiddenLayers;
        var computation = new AlbertComputation(student.Config);
        var weights = new ModelWeights(student);
        double max = 0;
        for (int start = 0; start < utterances.Count; start += chunk)
        {
            var batch = new PackedBatch(utterances.Skip(start).Take(chunk).ToList());
            computation.Forward(weights, batch);
            for (int l = 0; l < layers; l++) max = Math.Max(max, TensorPrimitives.MaxMagnitude(computation.Hidden(l)));
            for (int q = 0; q < batch.Count; q++)
                max = Math.Max(max, TensorPrimitives.MaxMagnitude(computation.Hidden(layers).Slice(batch.Offsets[q] * h, h)));
        }
        return max > 0 ? (float)(max / 127.0) : student.PoolerInputScale!.Data[0];
    }
}
