using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>
/// Pruned word embeddings (docs/numerics.md section 3i): magnitude pruning (global and per row) against a brute-force
/// choice, the int8_sparse_embed codec (exact round trip, lengths, lookups equal to int8_row's on the same integers, its
/// whole-tensor check with one-line reasons), and <c>pack --embedding-density</c> through the CLI on the tiny model the
/// CLI fixture trains, with the C runtime reproducing the image.
/// </summary>
public class EmbeddingPruningTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private static float[] RandomTable(int n, int seed)
    {
        var r = new Random(seed);
        var t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (float)(r.NextDouble() * 2 - 1);
        t[3] = t[5] = 0.25f;   // a tie
        return t;
    }

    [Theory]
    [InlineData(0.4)]
    [InlineData(0.6)]
    [InlineData(0.05)]
    public void GlobalPruningKeepsTheLargestMagnitudesOfTheTable(double density)
    {
        const int rows = 30, cols = 12;
        var original = RandomTable(rows * cols, 1);
        var t = (float[])original.Clone();
        long kept = EmbeddingPruning.Prune(t, rows, cols, density, EmbeddingPruningMode.Global);
        int want = (int)Math.Round(density * rows * cols, MidpointRounding.AwayFromZero);
        Assert.Equal(want, kept);
        Assert.Equal(want, t.Count(v => v != 0));
        // brute force: the want-th largest magnitude is the threshold; nothing kept is smaller than anything dropped
        float smallestKept = original.Where((v, i) => t[i] != 0).Min(Math.Abs);
        float largestDropped = original.Where((v, i) => t[i] == 0).Max(Math.Abs);
        Assert.True(smallestKept >= largestDropped, $"kept {smallestKept} < dropped {largestDropped}");
        for (int i = 0; i < t.Length; i++) Assert.True(t[i] == 0 || t[i] == original[i]);   // kept values unchanged
    }

    [Fact]
    public void RowPruningKeepsTheSameShareOfEveryRowAndTiesGoToTheLowerColumn()
    {
        const int rows = 7, cols = 10;
        var original = RandomTable(rows * cols, 2);
        var t = (float[])original.Clone();
        Assert.Equal(rows * 3, EmbeddingPruning.Prune(t, rows, cols, 0.3, EmbeddingPruningMode.Row));
        for (int r = 0; r < rows; r++)
        {
            var row = t.AsSpan(r * cols, cols).ToArray();
            Assert.Equal(3, row.Count(v => v != 0));
            var orig = original.AsSpan(r * cols, cols).ToArray();
            float third = orig.Select(Math.Abs).OrderDescending().ElementAt(2);
            for (int c = 0; c < cols; c++) Assert.Equal(Math.Abs(orig[c]) > third, row[c] != 0 && Math.Abs(orig[c]) != third);
        }
        var tie = new float[] { 0.5f, 0.1f, 0.5f, 0.5f };   // keep 2 of three equal magnitudes: columns 0 and 2
        EmbeddingPruning.Prune(tie, 1, 4, 0.5, EmbeddingPruningMode.Row);
        Assert.Equal(new[] { 0.5f, 0f, 0.5f, 0f }, tie);
        var full = RandomTable(20, 3);
        Assert.Equal(20, EmbeddingPruning.Prune((float[])full.Clone(), 4, 5, 1.0, EmbeddingPruningMode.Global));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddingPruning.Prune(full, 4, 5, 0, EmbeddingPruningMode.Global));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddingPruning.Prune(full, 4, 5, 1.5, EmbeddingPruningMode.Row));
    }

    private static QuantizedTensor Sparse(int rows, int cols, double density, int seed)
    {
        var r = new Random(seed);
        var w = new sbyte[rows * cols];
        for (int k = 0; k < w.Length; k++) w[k] = r.NextDouble() < density ? (sbyte)r.Next(-128, 128) : (sbyte)0;
        for (int c = 0; c < cols; c++) w[c] = 0;              // row 0 empty
        for (int c = 0; c < cols; c++) w[cols + c] = -128;    // row 1 full
        var p = Enumerable.Range(0, rows).Select(_ => new RowParams(0, r.Next(0, int.MaxValue), r.Next(1, 63))).ToArray();
        return new QuantizedTensor(rows, cols, w, p);
    }

    [Theory]
    [InlineData(12, 0.4)]
    [InlineData(96, 0.2)]
    [InlineData(36, 0.9)]
    public void TheSparseCodecIsExactAndItsLookupIsInt8RowsLookup(int cols, double density)
    {
        var q = Sparse(25, cols, density, cols);
        var sparse = Int8SparseEmbedEncoding.Instance.Encode(q, "t");
        var dense = Int8RowEncoding.Instance.Encode(q, "t");
        int nonZero = q.Weights.Count(v => v != 0), bb = (cols + 7) / 8;
        Assert.Equal(25 * (4 + bb) + nonZero, sparse.Data.Length);
        Assert.Equal(nonZero, Int8SparseEmbedEncoding.KeptCount(sparse));
        Assert.Null(sparse.Problem());
        var back = Int8SparseEmbedEncoding.Instance.Decode(sparse);
        Assert.Equal(q.Weights, back.Weights);
        Assert.Equal(q.RowParams, back.RowParams);
        for (int row = 0; row < q.Rows; row++)
        {
            var a = Enumerable.Range(0, cols).Select(c => (long)c * 31 - 5).ToArray();
            var b = (long[])a.Clone();
            Int8SparseEmbedEncoding.Instance.EmbedAdd(sparse, row, a);
            Int8RowEncoding.Instance.EmbedAdd(dense, row, b);
            Assert.Equal(b, a);
        }
    }

    [Fact]
    public void ACorruptedSparseTableIsRejectedWithItsReason()
    {
        var t = Int8SparseEmbedEncoding.Instance.Encode(Sparse(6, 12, 0.5, 9), "t");
        ITensorEncoding e = Int8SparseEmbedEncoding.Instance;
        (NiStatus, string)? Check(Action<byte[]> change, int lengthChange = 0)
        {
            var data = t.Data.ToArray();
            change(data);
            if (lengthChange != 0) data = lengthChange < 0 ? data[..^(-lengthChange)] : [.. data, .. new byte[lengthChange]];
            return e.ValidateData(t with { Data = data });
        }
        Assert.Null(Check(_ => { }));
        var offset = Check(d => d[8]++);
        Assert.Equal(NiStatus.TensorSize, offset?.Item1);
        Assert.StartsWith("row 2 offset", offset?.Item2);
        Assert.Equal(NiStatus.TensorSize, Check(d => d[d[4 * 3]] ^= 1)?.Item1);   // row 3 keeps one value more or less
        var past = Check(d => d[d[4 * 5] + 1] |= 0x80);                              // row 5 keeps column 15 of 12
        Assert.Equal(NiStatus.TensorParams, past?.Item1);
        Assert.Contains("past 12", past?.Item2);
        Assert.Equal(NiStatus.TensorSize, Check(_ => { }, -1)?.Item1);
        var longer = Check(_ => { }, 2);
        Assert.Equal(NiStatus.TensorSize, longer?.Item1);
        Assert.Contains("its rows end at", longer?.Item2);
        Assert.Equal(NiStatus.TensorSize, e.ValidateData(t with { Data = t.Data[..20] })?.Status);   // shorter than the offsets
    }

    [Fact]
    public void OnlyTheWordEmbeddingsOfInt8AndAf8ModelsMayBeSparse()
    {
        Assert.Equal(TensorEncoding.Int8SparseEmbed, Schemes.Int8.EmbeddingAlternative);
        Assert.Equal(TensorEncoding.Int8SparseEmbed, Schemes.Af8.EmbeddingAlternative);
        Assert.Equal((TensorEncoding)0, Schemes.W1A1.EmbeddingAlternative);
        foreach (var s in new[] { Schemes.Int8, Schemes.Af8 })
        {
            Assert.True(s.Allows((ushort)TensorId.WordEmbeddings, TensorEncoding.Int8SparseEmbed));
            Assert.False(s.Allows((ushort)TensorId.PositionEmbeddings, TensorEncoding.Int8SparseEmbed));
            Assert.False(s.Allows((ushort)TensorId.EmbeddingMappingIn, TensorEncoding.Int8SparseEmbed));
        }
        Assert.False(Schemes.W1A1.Allows((ushort)TensorId.WordEmbeddings, TensorEncoding.Int8SparseEmbed));
        var w1a1 = W1A1TestModels.Random(3);
        var ex = Assert.Throws<InvalidDataException>(() => EmbeddingPruning.Sparse(w1a1, "m"));
        Assert.Contains("scheme w1a1 has no pruned word embedding encoding", ex.Message);
    }

    [Fact]
    public void PackEmbeddingDensityWritesASparseTableTheCRuntimeReproduces()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string path = fixture.Path("tiny-emb40.nii"), dense = fixture.Path("tiny-emb-dense.nii");
        // E = 8: 0.25 keeps 2 columns a row, 7 bytes with its offset and bitmap instead of 8
        var run = CliRun.Of("pack", "--model", fixture.ModelDir, "--embedding-density", "0.25", "--embedding-pruning", "row",
            "--calibration-data", fixture.DataDir, "--test-vectors", "6", "--out", path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("word embeddings pruned to density 0.25 (row)", run.Out);
        var image = IntegerImage.Read(path);
        var words = image.Model.WordEmbeddings;
        Assert.Equal(TensorEncoding.Int8SparseEmbed, words.Encoding);
        Assert.Equal(TensorEncoding.Int8Row, image.Model.PositionEmbeddings.Encoding);
        long cells = (long)words.Rows * words.Cols;
        Assert.InRange(Int8SparseEmbedEncoding.KeptCount(words), 1, 2L * words.Rows);
        var full = CliRun.Of("pack", "--model", fixture.ModelDir, "--calibration-data", fixture.DataDir, "--test-vectors", "6", "--out", dense);
        Assert.True(full.ExitCode == 0, full.Error);
        // the image shrinks by what the table does (int8 rows: V·E data bytes), up to the 32-byte alignment of the tensors after it
        long saved = new FileInfo(dense).Length - new FileInfo(path).Length, tableSaving = cells - words.Data.Length;
        Assert.True(tableSaving > 0 && Math.Abs(saved - tableSaving) < 64, $"image {saved} bytes smaller, the table {tableSaving}");
        Assert.Equal(IntegerImage.Read(dense).Model.ArenaBytes, image.Model.ArenaBytes);
        var verify = CliRun.Of("verify", path);
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains("6 test vectors match", verify.Out);
        NativeImage.AssertReproducesTestVectors(path, "cli-tiny-emb40.nii");
        Assert.Contains("int8_sparse_embed", CliRun.Of("inspect", path).Out);
    }

    [Theory]
    [InlineData("0", "--embedding-density 0 is not a share in (0, 1]")]
    [InlineData("1.5", "--embedding-density 1.5 is not a share in (0, 1]")]
    public void ADensityOutsideZeroToOneIsAUsageError(string density, string message)
    {
        var run = CliRun.Of("pack", "--model", fixture.ModelDir, "--embedding-density", density, "--calibration-data", fixture.DataDir,
            "--out", fixture.Path("never.nii"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.False(File.Exists(fixture.Path("never.nii")));
    }

    [Fact]
    public void EmbeddingPruningWithoutADensityIsAUsageError()
    {
        var run = CliRun.Of("pack", "--model", fixture.ModelDir, "--embedding-pruning", "row", "--calibration-data", fixture.DataDir,
            "--out", fixture.Path("never2.nii"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--embedding-pruning needs --embedding-density", run.Error);
    }
}
