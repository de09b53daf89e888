using ModelPacker.Binarization;
using ModelPacker.Model;
using ModelPacker.Tests.Model;
using ModelPacker.Training;

namespace ModelPacker.Tests.Binarization;

/// <summary>
/// A binarized assistant (an earlier binarize run, <c>binarize --assistant</c>) as the distillation teacher: its
/// binarized forward is the target, so a student that equals it has nothing left to learn from it, while the fp32
/// teacher it came from still pulls the same student.
/// </summary>
public class AssistantDistillationTests
{
    private static readonly float[] ExitWeights = [0.4f, 1f];

    /// <summary>Largest |gradient| the distillation terms alone put on the logits, hidden states and Q, K, V.</summary>
    private static float DistillationGradient(AlbertParameters student, AlbertParameters teacher)
    {
        var batch = TinyModels.Batch();
        var comp = new AlbertComputation(student.Config);
        var distillation = new Distillation(teacher, new BinarizeConfig { KdWeight = 1f, KdTemperature = 2f, HiddenWeight = 1f, DmdWeight = 1f },
            ExitWeights, 1);
        comp.Forward(new ModelWeights(student), batch);
        comp.Loss(ExitWeights, 0f, 1f / batch.Count, out _);
        for (int l = 0; l < ExitWeights.Length; l++) comp.LogitsGradient(l).Clear();  // only the distillation terms
        distillation.Add(0, comp, 1f / batch.Count);
        float max = 0;
        void Take(ReadOnlySpan<float> g) { foreach (var v in g) max = MathF.Max(max, MathF.Abs(v)); }
        for (int l = 0; l < ExitWeights.Length; l++) Take(comp.LogitsGradient(l));
        for (int l = 0; l <= student.Config.NumHiddenLayers; l++) Take(comp.HiddenGradient(l));
        for (int l = 0; l < student.Config.NumHiddenLayers; l++)
        {
            Take(comp.QueryGradient(l)); Take(comp.KeyGradient(l)); Take(comp.ValueGradient(l));
        }
        return max;
    }

    [Fact]
    public void A_student_equal_to_its_binarized_assistant_gets_no_distillation_gradient_while_the_fp32_teacher_still_pulls_it()
    {
        var cfg = TinyModels.Config();
        var teacher = TinyModels.Parameters(cfg, seed: 8);
        var student = BinarizationPipeline.Student(teacher, new BinarizationSettings());
        var assistant = BinarizationPipeline.Student(teacher, new BinarizationSettings());

        Assert.Equal(0f, DistillationGradient(student, assistant));
        Assert.True(DistillationGradient(student, teacher) > 1e-4f);
    }
}
