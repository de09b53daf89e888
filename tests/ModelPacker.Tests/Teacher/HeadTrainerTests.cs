using ModelPacker.Checkpoints;
using ModelPacker.Model;
using ModelPacker.Teacher;
using ModelPacker.Tests.Numerics;

namespace ModelPacker.Tests.Teacher;

public class HeadTrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("head-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Three Gaussian clusters on the unit sphere in 16 dimensions, like sentence embeddings of three intents.</summary>
    private static (float[] X, int[] Y) Clusters(int perClass, int seed)
    {
        const int d = 16;
        var centres = new[] { GradientCheck.Random(d, 100), GradientCheck.Random(d, 101), GradientCheck.Random(d, 102) };
        var noise = GradientCheck.Random(3 * perClass * d, seed, 0.35f);
        var x = new float[3 * perClass * d];
        var y = new int[3 * perClass];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = i % 3;
            double norm = 0;
            for (int j = 0; j < d; j++) norm += Math.Pow(x[i * d + j] = centres[y[i]][j] + noise[i * d + j], 2);
            for (int j = 0; j < d; j++) x[i * d + j] /= (float)Math.Sqrt(norm);
        }
        return (x, y);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    public void Learns_held_out_clusters_deterministically(int hidden)
    {
        var (x, y) = Clusters(40, seed: 1);
        var (heldX, heldY) = Clusters(20, seed: 2);
        var options = new HeadTrainingOptions { Hidden = hidden, L2 = 1e-5f, Epochs = 30, BatchSize = 16, LearningRate = 1e-2f };
        var a = HeadTrainer.Train(x, y, 16, 3, options);
        var b = HeadTrainer.Train(x, y, 16, 3, options);
        for (int p = 0; p < a.Tensors.Length; p++) Assert.Equal(a.Tensors[p].Data, b.Tensors[p].Data);

        var teacher = new SentenceTeacherHead("test encoder", ["a", "b", "c"], a, options);
        var rows = Enumerable.Range(0, heldY.Length).Select(i => heldX.AsSpan(i * 16, 16).ToArray()).ToArray();
        var predicted = teacher.Predict(rows);
        double accuracy = predicted.Zip(heldY).Count(p => p.First == p.Second) / (double)heldY.Length;
        Assert.True(accuracy >= 0.95, $"held-out accuracy {accuracy:P1}");
        // Untrained logistic regression is uniform: training must have moved it.
        Assert.Contains(a.Tensor(SoftmaxHead.OutputWeight).Data, w => w != 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Head_file_round_trips_tensors_labels_and_encoder(int hidden)
    {
        var head = new SoftmaxHead(4, hidden, 3);
        for (int p = 0; p < head.Tensors.Length; p++) GradientCheck.Random(head.Tensors[p].Length, p).CopyTo(head.Tensors[p].Data, 0);
        var teacher = new SentenceTeacherHead("enc v1", ["x", "y", "z"], head, new HeadTrainingOptions { Hidden = hidden, L2 = 3e-6f });
        string path = Path.Combine(_dir, TeacherHeadFile.FileName);
        TeacherHeadFile.Write(path, teacher);
        var back = TeacherHeadFile.Read(path);
        Assert.Equal("enc v1", back.EncoderId);
        Assert.Equal(["x", "y", "z"], back.Labels);
        Assert.Equal(hidden, back.Head.Hidden);
        Assert.Equal(3e-6f, back.Options.L2);
        for (int p = 0; p < head.Tensors.Length; p++) Assert.Equal(head.Tensors[p].Data, back.Head.Tensors[p].Data);
    }

    [Fact]
    public void A_checkpoint_that_is_not_a_teacher_head_is_a_one_line_error()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        SafeTensorsWriter.Write(path, [new NamedTensor("output.weight", 3, 4)], SafeTensorsWriter.PyTorchMetadata);
        var e = Assert.Throws<CheckpointFormatException>(() => TeacherHeadFile.Read(path));
        Assert.Equal($"{path}: metadata 'kind' missing; not a teacher head", e.Message);
    }
}
