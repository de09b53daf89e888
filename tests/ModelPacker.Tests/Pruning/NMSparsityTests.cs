using System.Buffers.Binary;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.IntegerRuntime.Kernels;
using ModelPacker.Model;
using ModelPacker.Pruning;
using ModelPacker.Quantization;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Pruning;

/// <summary>
/// 2:4 sparsity and scheme int8-2of4 (docs/numerics.md section 3m): the encoding's bytes and its checks, the magnitude
/// mask, the fine-tuning transform (masks follow the weights, then stay fixed), the quantizer's refusal of a checkpoint
/// that is not 2:4, and <c>sparsify --pattern 2:4</c> then <c>pack --scheme int8-2of4</c> through the CLI.
/// </summary>
public class NMSparsityTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private static readonly RowParams[] TwoRows = [new RowParams(-7, 1 << 30, 40), new RowParams(1 << 30, 3, 1)];

    [Fact]
    public void RowsAreTheKeptValuesThenOnePositionNibbleAGroupLowNibbleFirst()
    {
        // row 0: groups (5, 0, 0, -3) and (0, 0, 0, 0); row 1: (0, 0, 9, 0) and (0, -128, 127, 0); 8 columns, 2 groups
        var w = new sbyte[] { 5, 0, 0, -3, 0, 0, 0, 0, 0, 0, 9, 0, 0, -128, 127, 0 };
        var t = Int8TwoOfFourEncoding.Instance.Encode(new QuantizedTensor(2, 8, w, TwoRows), "t");
        // (5, -3) at (0, 3): nibble 0xC; (0, 0) at (0, 1): 0x4; (0, 9) at (0, 2): 0x8; (-128, 127) at (1, 2): 0x9
        Assert.Equal([5, 0xFD, 0, 0, 0x4C, 0, 9, 0x80, 127, 0x98], t.Data.Select(b => (int)b));
        Assert.Equal([-7, 1 << 30, 40, 1 << 30, 3, 1], Enumerable.Range(0, 6).Select(k => BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(4 * k))));
        Assert.Equal(w, Int8TwoOfFourEncoding.Instance.Decode(t).Weights);
        Assert.Null(Int8TwoOfFourEncoding.Instance.ValidateData(t));
        Assert.Equal((10, 24), Int8TwoOfFourEncoding.Instance.Sizes(2, 8));
        Assert.Equal((16, 24), Int8TwoOfFourEncoding.Instance.Sizes(2, 12));   // 3 groups: 6 values, 2 position bytes
        Assert.Null(Int8TwoOfFourEncoding.Instance.Sizes(2, 10));
        Assert.False(Int8TwoOfFourEncoding.Instance.HasEmbed);
        Assert.Equal("ffn: row 1, columns 4..7 hold 3 non-zero weights; int8_2of4 keeps 2 of every 4", Assert.Throws<InvalidDataException>(() =>
            Int8TwoOfFourEncoding.Instance.Encode(new QuantizedTensor(2, 8, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1], TwoRows), "ffn")).Message);
        Assert.Contains("ffn: 6 columns", Assert.Throws<InvalidDataException>(() =>
            Int8TwoOfFourEncoding.Instance.Encode(new QuantizedTensor(1, 6, new sbyte[6], [TwoRows[0]]), "ffn")).Message);
    }

    [Fact]
    public void EveryPositionNibbleMustNameTwoDistinctAscendingColumnsAndTheUnusedOneIsZero()
    {
        Assert.Equal([4, 8, 9, 12, 13, 14], Enumerable.Range(0, 16).Where(TwoOfFourKernels.NibbleOk));
        var w = new sbyte[2 * 12];
        var t = Int8TwoOfFourEncoding.Instance.Encode(new QuantizedTensor(2, 12, w, TwoRows), "t");
        (NiStatus, string)? With(int at, byte value)
        {
            var d = (byte[])t.Data.Clone();
            d[at] = value;
            return Int8TwoOfFourEncoding.Instance.ValidateData(new EncodedTensor(t.Encoding, 2, 12, d, t.Params));
        }
        Assert.Null(With(6, 0xE4));                                                   // (0, 1) and (2, 3)
        Assert.Equal((NiStatus.TensorParams, "row 0 group 1: position nibble 5 is not two distinct ascending columns"), With(6, 0x54));
        Assert.Equal((NiStatus.TensorParams, "row 0 group 0: position nibble 1 is not two distinct ascending columns"), With(6, 0x41));
        Assert.Equal((NiStatus.TensorParams, "row 1 group 2: position nibble 0 is not two distinct ascending columns"), With(15, 0x00));
        Assert.Equal((NiStatus.TensorParams, "row 1: the unused last position nibble is 4, not 0"), With(15, 0x44));
        Assert.Equal("1028 columns: int8_2of4 needs a multiple of 4 up to 1024", Int8TwoOfFourEncoding.Instance.ValidateParams(new byte[24], 2, 1028));
        Assert.Equal((0, 1), Int8TwoOfFourEncoding.KeptPositions([0, 0, 0, 0]));
        Assert.Equal((1, 3), Int8TwoOfFourEncoding.KeptPositions([0, 2, 0, -1]));
        Assert.Equal((0, 2), Int8TwoOfFourEncoding.KeptPositions([0, 0, 7, 0]));
        Assert.Null(Int8TwoOfFourEncoding.KeptPositions([1, 1, 1, 0]));
    }

    [Fact]
    public void TheMagnitudeMaskKeepsTheTwoLargestOfEveryGroupAndTheLowerColumnOnTies()
    {
        var mask = new bool[12];
        NMSparsity.MagnitudeMask([0.1f, -0.5f, 0.3f, 0.2f, 1, 1, 1, 1, 0, 0, -2, 0], 4, mask);
        Assert.Equal([false, true, true, false, true, true, false, false, true, false, true, false], mask);
        var p = TestModels.RandomParameters(61, weightStd: 0.1);
        Assert.NotNull(NMSparsity.FirstViolation(p));
        var before = (float[])p.FfnWeight.Data.Clone();
        NMSparsity.Prune(p);
        Assert.Null(NMSparsity.FirstViolation(p));
        for (int g = 0; g < before.Length; g += 4)
        {
            var kept = Enumerable.Range(g, 4).Where(i => p.FfnWeight.Data[i] != 0).ToArray();
            Assert.Equal(2, kept.Length);
            Assert.All(kept, i => Assert.Equal(before[i], p.FfnWeight.Data[i]));
            float smallestKept = kept.Min(i => Math.Abs(before[i]));
            Assert.All(Enumerable.Range(g, 4).Except(kept), i => Assert.True(Math.Abs(before[i]) <= smallestKept));
        }
        Assert.Equal(7 + p.Exits.Length, NMSparsity.SparseWeights(p).Count);
        Assert.DoesNotContain(p.WordEmbeddings, NMSparsity.SparseWeights(p));
        Assert.DoesNotContain(p.Exits[0].ClassifierWeight, NMSparsity.SparseWeights(p));
    }

    [Fact]
    public void TheMasksFollowTheWeightsThenStayFixedAndOnlyThenStopTheGradientOfPrunedWeights()
    {
        var p = TestModels.RandomParameters(62, weightStd: 0.1);
        IWeightTransform masks = new NMSparsityTransform(p, recomputeSteps: 2);
        var eff = new float[p.QueryWeight.Length];
        void Snapshot() { foreach (var t in NMSparsity.SparseWeights(p)) masks.TransformWeight(t, t == p.QueryWeight ? eff : new float[t.Length]); }
        var grad = Enumerable.Repeat(1f, p.QueryWeight.Length).ToArray();
        Snapshot();                                                       // snapshot 1: recomputed
        var expect = new bool[eff.Length];
        NMSparsity.MagnitudeMask(p.QueryWeight.Data, p.QueryWeight.Cols, expect);
        Assert.Equal(expect, eff.Select(v => v != 0).ToArray());
        masks.TransformGradient(p.QueryWeight, grad);
        Assert.All(grad, g => Assert.Equal(1f, g));                       // moving masks: straight through
        for (int i = 0; i < 4; i++) p.QueryWeight.Data[i] = i;            // group 0 now keeps columns 2 and 3
        Snapshot();                                                       // snapshot 2: still recomputed
        Assert.Equal([false, false, true, true], eff.Take(4).Select(v => v != 0));
        Assert.False(((NMSparsityTransform)masks).Fixed);
        for (int i = 0; i < 4; i++) p.QueryWeight.Data[i] = 4 - i;        // would keep 0 and 1, but the masks are fixed now
        Snapshot();
        Assert.True(((NMSparsityTransform)masks).Fixed);
        Assert.Equal([0f, 0f, 2f, 1f], eff.Take(4));
        masks.TransformGradient(p.QueryWeight, grad);
        Assert.Equal([0f, 0f, 1f, 1f], grad.Take(4));
        masks.TransformGradient(p.FfnBias, grad.AsSpan(0, p.FfnBias.Length).ToArray());   // not a 2:4 tensor: untouched
        ((NMSparsityTransform)masks).Apply(p);
        Assert.Equal([0f, 0f, 2f, 1f], p.QueryWeight.Data.Take(4));
    }

    [Fact]
    public void TheQuantizerRefusesACheckpointThatIsNot2of4NamingTheTensorAndPutsEveryLinearWeightIn2of4()
    {
        var p = TestModels.RandomParameters(63, weightStd: 0.1);
        var scales = Calibrator.Calibrate(p, TestModels.RandomSequences(64, 30, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        var e = Assert.Throws<InvalidDataException>(() => TwoOfFourQuantizer.Quantize(p, scales, "m/model.safetensors"));
        Assert.Equal("m/model.safetensors: tensor 'albert.encoder.embedding_hidden_mapping_in.weight' row 0, columns 0..3 hold 4 non-zero weights; " +
                     "scheme int8-2of4 needs a 2:4 checkpoint (modelpacker sparsify --pattern 2:4)", e.Message);
        NMSparsity.Prune(p);
        p.Exits[1].PoolerWeight.Data[5] = 0.25f;                          // a third non-zero in the pooler's first group
        p.Exits[1].PoolerWeight.Data[4] = p.Exits[1].PoolerWeight.Data[6] = 0.5f;
        p.Exits[1].PoolerWeight.Data[7] = 0f;
        Assert.Contains($"tensor '{p.Exits[1].PoolerWeight.Name}' row 0, columns 4..7 hold 3", Assert.Throws<InvalidDataException>(() => TwoOfFourQuantizer.Quantize(p, scales)).Message);
        NMSparsity.Prune(p);
        var m = TwoOfFourQuantizer.Quantize(p, scales);
        var dense = Int8Quantizer.Quantize(p, scales);
        Assert.Equal(SchemeId.Int8_2of4, m.Dims.Scheme);
        foreach (var (t, d) in new[] { (m.EmbeddingMappingIn, dense.EmbeddingMappingIn), (m.Query, dense.Query), (m.Ffn, dense.Ffn), (m.Exits[2].Pooler, dense.Exits[2].Pooler) })
        {
            Assert.Equal(TensorEncoding.Int8_2of4, t.Encoding);
            Assert.Equal(TensorEncodings.Get(d.Encoding).Decode(d).Weights, TensorEncodings.Get(t.Encoding).Decode(t).Weights);   // the int8 rows, stored 2:4
            Assert.Equal(d.Params, t.Params);
            Assert.Equal(t.Rows * (t.Cols / 2 + (t.Cols / 4 + 1) / 2), t.Data.Length);
        }
        foreach (var t in new[] { m.WordEmbeddings, m.PositionEmbeddings }.Concat(m.Exits.Select(x => x.Classifier)))
            Assert.Equal(TensorEncoding.Int8Row, t.Encoding);
    }

    [Fact]
    public void SparsifyFineTunesTo2of4AndPackSchemeInt8_2of4GivesAnImageTheCRuntimeReproduces()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string tuned = fixture.Path("nm-2of4"), oneShot = fixture.Path("nm-2of4-one-shot"), path = fixture.Path("tiny-2of4.nii"), cfg = fixture.Path("nm-2of4.json");
        var refused = CliRun.Of("pack", "--model", fixture.ModelDir, "--scheme", "int8-2of4", "--calibration-data", fixture.DataDir, "--out", path);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("model.safetensors: tensor 'albert.encoder.embedding_hidden_mapping_in.weight' row 0", refused.Error);
        Assert.Contains("scheme int8-2of4 needs a 2:4 checkpoint", refused.Error);
        Assert.False(File.Exists(path));
        File.WriteAllText(cfg, "{\"epochs\": 2}");
        var run = CliRun.Of("sparsify", "--pattern", "2:4", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", tuned, "--config", cfg);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("2:4 fine-tuned 2 epochs", run.Out);
        run = CliRun.Of("sparsify", "--pattern", "2:4", "--one-shot", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", oneShot);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("one-shot magnitude 2:4", run.Out);
        var dense = ModelPacker.Checkpoints.CheckpointDirectory.Load(fixture.ModelDir).Parameters;
        var shot = ModelPacker.Checkpoints.CheckpointDirectory.Load(oneShot).Parameters;
        var after = ModelPacker.Checkpoints.CheckpointDirectory.Load(tuned).Parameters;
        Assert.Null(NMSparsity.FirstViolation(shot));
        Assert.Null(NMSparsity.FirstViolation(after));
        Assert.NotEqual(shot.FfnWeight.Data, after.FfnWeight.Data);                // it trained
        NMSparsity.Prune(dense);
        Assert.Equal(dense.FfnWeight.Data, shot.FfnWeight.Data);                   // one-shot = the magnitude masks
        run = CliRun.Of("pack", "--model", tuned, "--scheme", "int8-2of4", "--calibration-data", fixture.DataDir, "--test-vectors", "6", "--out", path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("int8-2of4: V=", run.Out);
        var image = IntegerImage.Read(path);
        Assert.Equal(SchemeId.Int8_2of4, image.Model.Dims.Scheme);
        Assert.Equal(TensorEncoding.Int8_2of4, image.Model.Ffn.Encoding);
        var verify = CliRun.Of("verify", path);
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains("6 test vectors match", verify.Out);
        NativeImage.AssertReproducesTestVectors(path, "cli-tiny-2of4.nii");
    }

    [Fact]
    public void SparsifyOptionsThatCannotApplyAreUsageErrors()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string o = fixture.Path("nm-bad");
        var r = CliRun.Of("sparsify", "--pattern", "1:4", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", o);
        Assert.Equal(2, r.ExitCode);
        r = CliRun.Of("sparsify", "--pattern", "2:4", "--one-shot", "--config", fixture.ConfigPath, "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", o);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--one-shot does not train", r.Error);
        r = CliRun.Of("sparsify", "--pattern", "2:4", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", fixture.ModelDir);
        Assert.Equal(2, r.ExitCode);
        Assert.False(Directory.Exists(o));
    }
}
