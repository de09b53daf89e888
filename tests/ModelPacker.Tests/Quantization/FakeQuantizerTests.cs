using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Quantization;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

public class FakeQuantizerTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public void WeightsAndLinearInputsLandOnTheInt8GridTheQuantizerUses()
    {
        var p = TestModels.RandomParameters(41, weightStd: 0.1);
        var scales = Calibrator.Calibrate(p, TestModels.RandomSequences(42, 30, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        var fq = new FakeQuantizer(p, scales);
        var eff = new float[p.QueryWeight.Length];
        fq.TransformWeight(p.QueryWeight, eff);
        var q = ModelPacker.Encodings.Int8RowEncoding.Instance.Decode(Int8Quantizer.Linear(p.QueryWeight, p.QueryBias, scales.Hidden, scales.Query));
        var (_, rowScales) = Int8Quantizer.QuantizeRows(p.QueryWeight.Data, p.QueryWeight.Rows, p.QueryWeight.Cols);
        for (int i = 0; i < eff.Length; i++)
            Assert.Equal(q.Weights[i] * rowScales[i / p.QueryWeight.Cols], eff[i], 1e-6);
        var bias = new float[p.QueryBias.Length];
        fq.TransformWeight(p.QueryBias, bias);
        Assert.Equal(p.QueryBias.Data, bias);                                  // 1-D tensors pass through

        double s = scales.Hidden;
        float[] x = [(float)(2.6 * s), (float)(-2.6 * s), (float)(1000 * s), (float)(-1000 * s), (float)(0.49 * s)];
        fq.TransformLinearInput(p.QueryWeight.Name, x);
        Assert.Equal(new[] { 3 * s, -3 * s, 127 * s, -128 * s, 0 }, x.Select(v => (double)v), new ToleranceComparer(1e-6));
        float[] untouched = [0.123f];
        fq.TransformLinearInput("not.a.weight", untouched);
        Assert.Equal(0.123f, untouched[0]);
    }

    [Fact]
    public void FinetuneInt8WritesACheckpointThatPacksAndVerifies()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string tuned = fixture.Path("qat"), image = fixture.Path("qat.nii");
        var run = CliRun.Of("finetune-int8", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", tuned, "--epochs", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("fake-quantized validation accuracy", run.Out);
        var before = ModelPacker.Checkpoints.CheckpointDirectory.Load(fixture.ModelDir).Parameters;
        var after = ModelPacker.Checkpoints.CheckpointDirectory.Load(tuned).Parameters;
        Assert.NotEqual(before.FfnWeight.Data, after.FfnWeight.Data);           // it trained
        run = CliRun.Of("pack", "--model", tuned, "--calibration-data", fixture.DataDir, "--out", image, "--test-vectors", "4");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(0, CliRun.Of("verify", image).ExitCode);
        Assert.Equal(2, CliRun.Of("finetune-int8", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", fixture.ModelDir).ExitCode);
    }

    private sealed class ToleranceComparer(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol;
        public int GetHashCode(double v) => 0;
    }
}
