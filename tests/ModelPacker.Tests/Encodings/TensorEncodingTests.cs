using System.Buffers.Binary;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Tests.Encodings;

/// <summary>
/// Every row of the encoding table against its own definition: codec round trip, sizes, params validation, and the
/// reference GEMM and embed_add against a plain sum over the decoded integers.
/// </summary>
public class TensorEncodingTests
{
    /// <summary>A random tensor in the encoding's value range (what a quantizer could produce).</summary>
    private static QuantizedTensor RandomTensor(TensorEncoding e, int rows, int cols, Random r)
    {
        var w = new sbyte[rows * cols];
        if (e == TensorEncoding.BinaryEmbed)
        {
            // magnitudes m_r with one shift k; the largest m_r in [128, 256) when k > 0 (the encoder's smallest k)
            for (int k = 0; k < w.Length; k++) w[k] = r.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            int shift = r.Next(0, BinaryEmbedEncoding.MaxShift + 1), top = r.Next(0, rows);
            var ep = Enumerable.Range(0, rows).Select(row => new RowParams(0,
                (row == top ? r.Next(shift == 0 ? 0 : 128, 256) : r.Next(0, 256)) << (shift + 1), 1)).ToArray();
            return new QuantizedTensor(rows, cols, w, ep);
        }
        if (e == TensorEncoding.BinarySign)   // only a bias a row: {bias, 1, 1}
        {
            for (int k = 0; k < w.Length; k++) w[k] = r.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            var sp = Enumerable.Range(0, rows).Select(_ => new RowParams(r.Next(short.MinValue, short.MaxValue + 1), 1, 1)).ToArray();
            return new QuantizedTensor(rows, cols, w, sp, r.Next(-128, 128));
        }
        if (e == TensorEncoding.BinaryS8)     // binary's rows over an int8 input: no threshold
        {
            for (int k = 0; k < w.Length; k++) w[k] = r.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            int shift = r.Next(1, 63);
            var s8 = Enumerable.Range(0, rows).Select(_ => new RowParams(r.Next(short.MinValue, short.MaxValue + 1), r.Next(0, ushort.MaxValue + 1), shift)).ToArray();
            return new QuantizedTensor(rows, cols, w, s8);
        }
        if (e == TensorEncoding.Binary)
        {
            for (int k = 0; k < w.Length; k++) w[k] = r.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            int shift = r.Next(1, 63);
            var bp = Enumerable.Range(0, rows).Select(_ => new RowParams(r.Next(short.MinValue, short.MaxValue + 1), r.Next(0, ushort.MaxValue + 1), shift)).ToArray();
            return new QuantizedTensor(rows, cols, w, bp, r.Next(-128, 128));
        }
        if (e == TensorEncoding.Int8_2of4) // 2 random int8 columns of every 4 (a kept value may be 0); int8_row's params
        {
            for (int g = 0; g < w.Length; g += 4)
            {
                int a = r.Next(4), b = (a + 1 + r.Next(3)) % 4;
                w[g + a] = (sbyte)r.Next(-128, 128);
                w[g + b] = (sbyte)r.Next(-128, 128);
            }
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ => new RowParams(r.Next(-(1 << 30), 1 << 30), r.Next(0, int.MaxValue), r.Next(1, 63))).ToArray());
        }
        if (e == TensorEncoding.Int4)         // values -8..7; int8_row's params
        {
            for (int k = 0; k < w.Length; k++) w[k] = (sbyte)r.Next(-8, 8);
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ => new RowParams(r.Next(-(1 << 30), 1 << 30), r.Next(0, int.MaxValue), r.Next(1, 63))).ToArray());
        }
        for (int k = 0; k < w.Length; k++) w[k] = (sbyte)r.Next(-128, 128);
        if (e == TensorEncoding.AdaptivFloat) // codes; one multiplier and shift for the tensor
        {
            int mult = r.Next(0, int.MaxValue), shift = r.Next(1, 63);
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ => new RowParams(r.Next(-(1 << 30), 1 << 30), mult, shift)).ToArray());
        }
        if (e == TensorEncoding.Int8SparseEmbed)   // pruned int8 rows: about 60 % zeros, row 0 empty
            for (int k = 0; k < w.Length; k++) if (k < cols || r.Next(10) < 6) w[k] = 0;
        if (e == TensorEncoding.Int8Sparse) Int8SparseTestTensors.Prune(w, cols, r);
        var p = Enumerable.Range(0, rows).Select(_ => new RowParams(r.Next(-(1 << 30), 1 << 30), r.Next(0, int.MaxValue), r.Next(1, 63))).ToArray();
        return new QuantizedTensor(rows, cols, w, p);
    }

    /// <summary>What the GEMM multiplies for stored weight w: the AdaptivFloat code's value, else w itself.</summary>
    private static int WeightValue(TensorEncoding e, sbyte w) => e == TensorEncoding.AdaptivFloat ? AdaptivFloatKernels.Values[(byte)w] : w;

    /// <summary>The encodings whose codec stores int8 integers (<see cref="QuantizedTensor"/>); gobo3 stores int16 centroids and
    /// outliers and has its own codec tests (Gobo3EncodingTests), as ipq (a codebook and indices, IpqEncodingTests).</summary>
    public static TheoryData<TensorEncoding> Encodings() => new(TensorEncodings.Implemented.Where(e => e.Id is not (TensorEncoding.Gobo3 or TensorEncoding.Ipq)).Select(e => e.Id));
    /// <summary>The encodings that are GEMM operands (binary_embed is only looked up), gobo3 aside as above.</summary>
    public static TheoryData<TensorEncoding> GemmEncodings() => new(TensorEncodings.Implemented.Where(e => e.HasGemm && e.Id is not (TensorEncoding.Gobo3 or TensorEncoding.Ipq)).Select(e => e.Id));
    /// <summary>The encodings an embedding table may have (binary_sign is only a GEMM operand).</summary>
    public static TheoryData<TensorEncoding> EmbedEncodings() => new(TensorEncodings.Implemented.Where(e => e.HasEmbed).Select(e => e.Id));

    [Fact]
    public void TheTableHasEveryImplementedEncodingOnceAndNoReservedOne()
    {
        Assert.Equal([TensorEncoding.Int8Row, TensorEncoding.Binary, TensorEncoding.BinaryEmbed, TensorEncoding.BinarySign, TensorEncoding.BinaryS8, TensorEncoding.AdaptivFloat, TensorEncoding.Gobo3, TensorEncoding.Int8SparseEmbed, TensorEncoding.Int4, TensorEncoding.Ipq, TensorEncoding.Int8Sparse,
                      TensorEncoding.Int8_2of4],
            TensorEncodings.Implemented.Select(e => e.Id));
        Assert.Equal([true, true, false, true, true, true, true, false, true, true, true, true], TensorEncodings.Implemented.Select(e => e.HasGemm));
        Assert.Equal([true, true, true, false, false, false, false, true, false, false, false, false], TensorEncodings.Implemented.Select(e => e.HasEmbed));
        Assert.Equal([false, false, false, false, false, false, true, true, false, true, true, true], TensorEncodings.Implemented.Select(e => e.VariableLength));
        Assert.Equal([false, true, true, true, false, false, false, false, false, false], TensorEncodings.Implemented.Where(e => e.HasGemm).Select(e => e.PacksInput));
        foreach (var id in new[] { TensorEncoding.Fp32, (TensorEncoding)0, (TensorEncoding)200 })
            Assert.Null(TensorEncodings.Find(id));
        Assert.Equal(["int8_row", "binary", "binary_embed", "binary_sign", "binary_s8", "adaptivfloat", "gobo3", "int8_sparse_embed", "int4", "ipq", "int8_sparse", "int8_2of4"], TensorEncodings.Implemented.Select(e => e.Name));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void EncodeDecodeRoundTripsAndTheBytesHaveTheEncodingsSizes(TensorEncoding id)
    {
        var enc = TensorEncodings.Get(id);
        var r = new Random(100 + (int)id);
        foreach (var (rows, cols) in new[] { (1, 32), (7, 64), (33, 96), (5, 1024), (8, 64) })
        {
            var q = RandomTensor(id, rows, cols, r);
            var t = enc.Encode(q, "t");
            Assert.Equal((id, rows, cols), (t.Encoding, t.Rows, t.Cols));
            var least = enc.Sizes(rows, cols)!.Value;
            if (id == TensorEncoding.Int8Sparse)   // the block size with fewer bytes, its kept blocks
                Assert.Equal((new[] { 1, 4, Int8SparseEncoding.Block4x4 }.Where(b => Int8SparseEncoding.Fits(b, rows))
                    .Min(b => Int8SparseEncoding.DataBytes(rows, Int8SparseEncoding.CountBlocks(q, b), b)), least.Params), ((long)t.Data.Length, t.Params.Length));
            else if (id == TensorEncoding.Int8SparseEmbed)   // the least data plus one byte per kept value (int8_2of4's are exact)
                Assert.Equal((least.Data + q.Weights.Count(v => v != 0), least.Params), (t.Data.Length, t.Params.Length));
            else Assert.Equal(least, (t.Data.Length, t.Params.Length));
            Assert.Null(enc.ValidateParams(t.Params, rows, cols));
            Assert.Null(t.Problem());
            var back = enc.Decode(t);
            Assert.Equal(q.Weights, back.Weights);
            Assert.Equal(q.RowParams, back.RowParams);
            Assert.Equal(q.InputThreshold, back.InputThreshold);
            for (int row = 0; row < rows; row++) Assert.Equal(q.RowParams[row], t.RowParams(row));
        }
    }

    [Theory]
    [MemberData(nameof(GemmEncodings))]
    public void GemmOverPackedInputsEqualsThePlainSumOverTheDecodedIntegersForEveryTileAndStride(TensorEncoding id)
    {
        var enc = TensorEncodings.Get(id);
        var r = new Random(200 + (int)id);
        foreach (var (rows, cols, n) in new[] { (5, 32, 1), (40, 64, 3), (33, 128, 12), (3, 1024, 2) })
        {
            var q = RandomTensor(id, rows, cols, r);
            var t = enc.Encode(q, "t");
            int xStride = cols + 4 * r.Next(0, 3);
            var x = new sbyte[n * xStride];
            for (int k = 0; k < x.Length; k++) x[k] = (sbyte)r.Next(-128, 128);
            if (q.InputThreshold is { } thr) x[0] = (sbyte)thr;                  // exactly at the threshold: +1
            // each token's input row as the GEMM reads it, packed in two pieces (the second one not word-aligned)
            int inStride = enc.InputBytes(cols) + 4 * r.Next(0, 2), split = 8 * r.Next(1, cols / 8);
            var input = new byte[n * inStride];
            for (int tok = 0; tok < n; tok++)
            {
                var row = x.AsSpan(tok * xStride, cols);
                enc.PackInput(t, row[..split], 0, split, input.AsSpan(tok * inStride));
                enc.PackInput(t, row[split..], split, cols - split, input.AsSpan(tok * inStride));
            }
            int r0 = r.Next(0, rows), r1 = r.Next(r0 + 1, rows + 1), accStride = r1 - r0 + r.Next(0, 3);
            var acc = Enumerable.Repeat(int.MinValue, n * accStride).ToArray();
            enc.Gemm(t, input, inStride, n, r0, r1, acc, accStride);
            for (int tok = 0; tok < n; tok++)
                for (int row = r0; row < r1; row++)
                {
                    long want = 0;
                    for (int c = 0; c < cols; c++) want += WeightValue(id, q.Weights[row * cols + c]) * q.InputValue(x[tok * xStride + c]);
                    Assert.Equal(want, acc[tok * accStride + row - r0]);
                }
            for (int tok = 0; tok < n; tok++)                                   // outside the tile: untouched
                for (int k = r1 - r0; k < accStride; k++) Assert.Equal(int.MinValue, acc[tok * accStride + k]);
        }
    }

    [Theory]
    [MemberData(nameof(EmbedEncodings))]
    public void EmbedAddAddsEachWeightTimesItsRowMultiplierRounded(TensorEncoding id)
    {
        var enc = TensorEncodings.Get(id);
        var r = new Random(300 + (int)id);
        var q = RandomTensor(id, 9, 64, r);
        for (int k = 0; k < q.RowParams.Length && id != TensorEncoding.BinaryEmbed; k++)   // embedding-sized scales
            q.RowParams[k] = q.RowParams[k] with { Multiplier = r.Next(0, 1 << 15), Shift = id == TensorEncoding.Binary ? q.RowParams[0].Shift : r.Next(1, 20) };
        var t = enc.Encode(q, "t");
        for (int row = 0; row < q.Rows; row++)
        {
            var output = Enumerable.Range(0, q.Cols).Select(c => (long)c - 30).ToArray();
            enc.EmbedAdd(t, row, output);
            var p = q.RowParams[row];
            for (int c = 0; c < q.Cols; c++)
                Assert.Equal(c - 30 + FixedPoint.RoundShift((long)q.Weights[row * q.Cols + c] * p.Multiplier, p.Shift), output[c]);
        }
    }

    [Fact]
    public void AdaptivFloatIsOneCodeByteAWeightThenOneRequantizationAndABiasARow()
    {
        var w = new sbyte[] { 0x00, 0x01, 0x7F, unchecked((sbyte)0x80), unchecked((sbyte)0xFF), 0x10, 0x20, 0x0F };
        var t = AdaptivFloatEncoding.Instance.Encode(new QuantizedTensor(2, 4, w, [new RowParams(-7, 1 << 30, 40), new RowParams(1 << 30, 1 << 30, 40)]), "t");
        Assert.Equal(w.Select(v => (byte)v), t.Data);
        Assert.Equal([1 << 30, 40, -7, 1 << 30], Enumerable.Range(0, 4).Select(k => BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(4 * k))));
        Assert.Equal(new RowParams(1 << 30, 1 << 30, 40), t.RowParams(1));
        // the table: zero codes, the smallest and largest magnitudes, a sign, one binade up
        Assert.Equal([0, 17, 3968, 0, -3968, 32, 64, 31], w.Select(v => (int)AdaptivFloatKernels.Values[(byte)v]));
        Assert.False(AdaptivFloatEncoding.Instance.HasEmbed);
        var shifts = new QuantizedTensor(2, 4, w, [new RowParams(0, 5, 40), new RowParams(0, 5, 41)]);
        Assert.Equal("ffn: row 1 requantizes by (5, 41), row 0 by (5, 40); adaptivfloat has one for the tensor",
            Assert.Throws<InvalidDataException>(() => AdaptivFloatEncoding.Instance.Encode(shifts, "ffn")).Message);
        Assert.Contains("ffn: 6 columns", Assert.Throws<InvalidDataException>(() => AdaptivFloatEncoding.Instance.Encode(
            new QuantizedTensor(1, 6, new sbyte[6], [new RowParams(0, 5, 40)]), "ffn")).Message);
    }

    [Fact]
    public void Int4IsTwoWeightsAByteLowNibbleFirstThenInt8RowParams()
    {
        var w = new sbyte[] { -1, -8, 0, 7, 1, 2, -3, 4 };
        var t = Int4Encoding.Instance.Encode(new QuantizedTensor(2, 4, w, [new RowParams(-7, 1 << 30, 40), new RowParams(1 << 30, 3, 1)]), "t");
        Assert.Equal([0x8F, 0x70, 0x21, 0x4D], t.Data.Select(b => (int)b));
        Assert.Equal([-7, 1 << 30, 40, 1 << 30, 3, 1], Enumerable.Range(0, 6).Select(k => BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(4 * k))));
        Assert.Equal(new RowParams(1 << 30, 3, 1), t.RowParams(1));
        Assert.Equal(w, Int4Encoding.Instance.Decode(t).Weights);
        Assert.False(Int4Encoding.Instance.HasEmbed);
        Assert.Equal("ffn: weight 8 at row 1, column 2 is outside int4 [-8, 7]", Assert.Throws<InvalidDataException>(() => Int4Encoding.Instance.Encode(
            new QuantizedTensor(2, 4, [0, 0, 0, 0, 0, 0, 8, 0], [new RowParams(0, 5, 40), new RowParams(0, 5, 40)]), "ffn")).Message);
        Assert.Contains("ffn: 6 columns", Assert.Throws<InvalidDataException>(() => Int4Encoding.Instance.Encode(
            new QuantizedTensor(1, 6, new sbyte[6], [new RowParams(0, 5, 40)]), "ffn")).Message);
    }

    [Fact]
    public void Int4ParamsValidationNamesTheField()
    {
        var t = Int4Encoding.Instance.Encode(RandomTensor(TensorEncoding.Int4, 4, 64, new Random(4)), "t");
        string? Check(Action<byte[]> change, int cols = 64)
        {
            var p = (byte[])t.Params.Clone();
            change(p);
            return Int4Encoding.Instance.ValidateParams(p, 4, cols);
        }
        Assert.Null(Check(_ => { }));
        Assert.Equal("row 1: multiplier -1 < 0", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(12 + 4), -1)));
        Assert.Equal("row 0: shift 0 outside 1..62", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(8), 0)));
        Assert.Equal("row 3: shift 63 outside 1..62", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(36 + 8), 63)));
        Assert.Equal("row 2: bias 1073741825 outside +-2^30", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(24), (1 << 30) + 1)));
        Assert.Null(Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(24), -(1 << 30))));
        Assert.Equal("66 columns: int4 needs a multiple of 4 up to 1024", Check(_ => { }, cols: 66));
        Assert.Equal("1028 columns: int4 needs a multiple of 4 up to 1024", Check(_ => { }, cols: 1028));
        Assert.Equal("params are 47 bytes, 4 rows need 48", Int4Encoding.Instance.ValidateParams(t.Params.AsSpan(0, 47), 4, 64));
        Assert.Equal((128, 48), Int4Encoding.Instance.Sizes(4, 64));
    }

    [Fact]
    public void AdaptivFloatParamsValidationNamesTheField()
    {
        var t = AdaptivFloatEncoding.Instance.Encode(RandomTensor(TensorEncoding.AdaptivFloat, 4, 64, new Random(4)), "t");
        string? Check(Action<byte[]> change, int cols = 64)
        {
            var p = (byte[])t.Params.Clone();
            change(p);
            return AdaptivFloatEncoding.Instance.ValidateParams(p, 4, cols);
        }
        Assert.Null(Check(_ => { }));
        Assert.Equal("multiplier -1 < 0", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p, -1)));
        Assert.Equal("shift 0 outside 1..62", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(4), 0)));
        Assert.Equal("shift 63 outside 1..62", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(4), 63)));
        Assert.Equal("row 2: bias 1073741825 outside +-2^30", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(16), (1 << 30) + 1)));
        Assert.Null(Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(16), -(1 << 30))));
        Assert.Equal("66 columns: adaptivfloat needs a multiple of 4 up to 1024", Check(_ => { }, cols: 66));
        Assert.Equal("1028 columns: adaptivfloat needs a multiple of 4 up to 1024", Check(_ => { }, cols: 1028));
        Assert.Equal("params are 23 bytes, 4 rows need 24", AdaptivFloatEncoding.Instance.ValidateParams(t.Params.AsSpan(0, 23), 4, 64));
    }

    [Fact]
    public void BinaryBitsAreLittleEndianWordsWithColumnCInBitCMod32()
    {
        var w = new sbyte[2 * 64];
        Array.Fill(w, (sbyte)-1);
        w[0] = 1; w[33] = 1; w[64 + 31] = 1;
        var t = BinaryEncoding.Instance.Encode(new QuantizedTensor(2, 64, w, [new RowParams(-3, 7, 5), new RowParams(4, 65535, 5)], -2), "t");
        Assert.Equal(16, t.Data.Length);
        Assert.Equal([1u, 2u, 0x80000000u, 0u], Enumerable.Range(0, 4).Select(k => BinaryPrimitives.ReadUInt32LittleEndian(t.Data.AsSpan(4 * k))));
        Assert.Equal([-2, 5, 0, 0], Enumerable.Range(0, 4).Select(k => BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(4 * k))));
        Assert.Equal(-3, BinaryPrimitives.ReadInt16LittleEndian(t.Params.AsSpan(16)));
        Assert.Equal(65535, BinaryPrimitives.ReadUInt16LittleEndian(t.Params.AsSpan(22)));
        Assert.Equal(new RowParams(4, 65535, 5), t.RowParams(1));
    }

    [Fact]
    public void BinaryParamsValidationNamesTheField()
    {
        var t = BinaryEncoding.Instance.Encode(RandomTensor(TensorEncoding.Binary, 4, 64, new Random(5)), "t");
        string? Check(Action<byte[]> change, int cols = 64)
        {
            var p = (byte[])t.Params.Clone();
            change(p);
            return BinaryEncoding.Instance.ValidateParams(p, 4, cols);
        }
        Assert.Null(Check(_ => { }));
        Assert.Equal("act_threshold 128 outside -128..127", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p, 128)));
        Assert.Equal("shift 0 outside 1..62", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(4), 0)));
        Assert.Equal("shift 63 outside 1..62", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(4), 63)));
        Assert.Equal("reserved header fields not zero", Check(p => p[12] = 1));
        Assert.Equal("48 columns: binary needs a multiple of 32 up to 1024", Check(_ => { }, cols: 48));
        Assert.Equal("1056 columns: binary needs a multiple of 32 up to 1024", Check(_ => { }, cols: 1056));
        Assert.Equal("params are 31 bytes, 4 rows need 32", BinaryEncoding.Instance.ValidateParams(t.Params.AsSpan(0, 31), 4, 64));
    }

    [Fact]
    public void EncodingRejectsValuesItCannotStoreNamingTheTensorAndRow()
    {
        var q = RandomTensor(TensorEncoding.Binary, 3, 32, new Random(6));
        var zero = q with { Weights = q.Weights.Select((v, k) => k == 40 ? (sbyte)0 : v).ToArray() };
        Assert.Equal("ffn: row 1 column 8 is 0; binary weights are -1 or +1",
            Assert.Throws<InvalidDataException>(() => BinaryEncoding.Instance.Encode(zero, "ffn")).Message);
        var bias = q with { RowParams = q.RowParams.Select((p, k) => k == 2 ? p with { Bias = 40000 } : p).ToArray() };
        Assert.Equal("ffn: row 2 bias 40000 does not fit int16", Assert.Throws<InvalidDataException>(() => BinaryEncoding.Instance.Encode(bias, "ffn")).Message);
        var mult = q with { RowParams = q.RowParams.Select((p, k) => k == 0 ? p with { Multiplier = 65536 } : p).ToArray() };
        Assert.Contains("row 0 multiplier 65536 does not fit uint16", Assert.Throws<InvalidDataException>(() => BinaryEncoding.Instance.Encode(mult, "ffn")).Message);
        var shifts = q with { RowParams = q.RowParams.Select((p, k) => k == 1 ? p with { Shift = p.Shift % 62 + 1 } : p).ToArray() };
        Assert.Contains("row 1 has shift", Assert.Throws<InvalidDataException>(() => BinaryEncoding.Instance.Encode(shifts, "ffn")).Message);
        Assert.Contains("needs an input threshold", Assert.Throws<InvalidDataException>(() => BinaryEncoding.Instance.Encode(q with { InputThreshold = null }, "ffn")).Message);
        var i8 = RandomTensor(TensorEncoding.Int8Row, 2, 8, new Random(7));
        Assert.Contains("no input threshold", Assert.Throws<InvalidDataException>(() => Int8RowEncoding.Instance.Encode(i8 with { InputThreshold = 0 }, "q")).Message);
        var badShift = i8 with { RowParams = [i8.RowParams[0], i8.RowParams[1] with { Shift = 0 }] };
        Assert.Contains("q: row 1 params", Assert.Throws<InvalidDataException>(() => Int8RowEncoding.Instance.Encode(badShift, "q")).Message);
    }

    [Fact]
    public void BinaryEmbedIsSignWordsThenAShiftAndOneMagnitudeByteARow()
    {
        var w = new sbyte[3 * 32];
        Array.Fill(w, (sbyte)-1);
        w[0] = 1; w[32 + 31] = 1;
        // values 2·130 = 260, 2·255 = 510, 2·7 = 14: shift 1, magnitudes 130, 255, 7
        var t = BinaryEmbedEncoding.Instance.Encode(new QuantizedTensor(3, 32, w, [new(0, 260 << 1, 1), new(0, 510 << 1, 1), new(0, 14 << 1, 1)]), "t");
        Assert.Equal([1u, 0x80000000u, 0u], Enumerable.Range(0, 3).Select(k => BinaryPrimitives.ReadUInt32LittleEndian(t.Data.AsSpan(4 * k))));
        Assert.Equal(8 + 3, t.Params.Length);
        Assert.Equal([1, 0], Enumerable.Range(0, 2).Select(k => BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(4 * k))));
        Assert.Equal([130, 255, 7], t.Params.Skip(8).Select(b => (int)b));
        Assert.Equal(510, BinaryEmbedEncoding.Value(t, 1));
        var sum = new long[32];
        BinaryEmbedEncoding.Instance.EmbedAdd(t, 1, sum);
        Assert.Equal(510, sum[31]);
        Assert.Equal(-510, sum[0]);
        Assert.False(BinaryEmbedEncoding.Instance.HasGemm);
        Assert.Throws<InvalidOperationException>(() => BinaryEmbedEncoding.Instance.Gemm(t, new byte[4], 4, 1, 0, 1, new int[1], 1));
    }

    [Fact]
    public void BinaryEmbedParamsValidationNamesTheField()
    {
        var t = BinaryEmbedEncoding.Instance.Encode(RandomTensor(TensorEncoding.BinaryEmbed, 4, 64, new Random(8)), "t");
        string? Check(Action<byte[]> change, int cols = 64)
        {
            var p = (byte[])t.Params.Clone();
            change(p);
            return BinaryEmbedEncoding.Instance.ValidateParams(p, 4, cols);
        }
        Assert.Null(Check(_ => { }));
        Assert.Null(Check(p => { p[8] = 255; BinaryPrimitives.WriteInt32LittleEndian(p, 7); }));
        Assert.Equal("shift 8 outside 0..7", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p, 8)));
        Assert.Equal("shift -1 outside 0..7", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p, -1)));
        Assert.Equal("reserved header field not zero", Check(p => p[7] = 1));
        Assert.Equal("48 columns: binary_embed needs a multiple of 32 up to 1024", Check(_ => { }, cols: 48));
        Assert.Equal("params are 11 bytes, 4 rows need 12", BinaryEmbedEncoding.Instance.ValidateParams(t.Params.AsSpan(0, 11), 4, 64));
    }

    [Fact]
    public void BinaryEmbedRejectsRowParamsThatAreNotOneByteMagnitudesOfOneShift()
    {
        var q = RandomTensor(TensorEncoding.BinaryEmbed, 3, 32, new Random(9));
        QuantizedTensor With(int row, RowParams p) => q with { RowParams = q.RowParams.Select((x, k) => k == row ? p : x).ToArray() };
        Assert.Contains("emb: row 1 params (bias 3", Assert.Throws<InvalidDataException>(() => BinaryEmbedEncoding.Instance.Encode(With(1, new(3, 2, 1)), "emb")).Message);
        Assert.Contains("emb: row 0 params", Assert.Throws<InvalidDataException>(() => BinaryEmbedEncoding.Instance.Encode(With(0, new(0, 3, 1)), "emb")).Message);
        Assert.Contains("emb: row 2 params", Assert.Throws<InvalidDataException>(() => BinaryEmbedEncoding.Instance.Encode(With(2, new(0, 4, 2)), "emb")).Message);
        // 257 and 256 need shift 1, where 257 is not m << 1
        var odd = q with { RowParams = [new(0, 257 << 1, 1), new(0, 256 << 1, 1), new(0, 2, 1)] };
        Assert.Equal("emb: row 0 magnitude 257 is not m << 1 with m <= 255",
            Assert.Throws<InvalidDataException>(() => BinaryEmbedEncoding.Instance.Encode(odd, "emb")).Message);
        var big = q with { RowParams = [new(0, (256 << 7) << 1, 1), new(0, 2, 1), new(0, 2, 1)] };
        Assert.Contains("emb: row 0 magnitude 32768", Assert.Throws<InvalidDataException>(() => BinaryEmbedEncoding.Instance.Encode(big, "emb")).Message);
    }

    [Fact]
    public void BinarySignIsSignWordsThenAThresholdAndOneBiasARowWithoutAMultiplier()
    {
        var w = new sbyte[2 * 32];
        Array.Fill(w, (sbyte)1);
        var t = BinarySignEncoding.Instance.Encode(new QuantizedTensor(2, 32, w, [new(-300, 1, 1), new(32767, 1, 1)], -5), "q");
        Assert.Equal(8 + 2 * 2, t.Params.Length);
        Assert.Equal([-5, 0], Enumerable.Range(0, 2).Select(k => BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(4 * k))));
        Assert.Equal([(short)-300, (short)32767], Enumerable.Range(0, 2).Select(k => BinaryPrimitives.ReadInt16LittleEndian(t.Params.AsSpan(8 + 2 * k))));
        Assert.Equal(new RowParams(-300, 1, 1), t.RowParams(0));
        Assert.Equal(BinaryEncoding.Instance.Encode(new QuantizedTensor(2, 32, w, [new(0, 1, 1), new(0, 1, 1)], -5), "b").Data, t.Data);
        Assert.Contains("q: row 1 has multiplier 7", Assert.Throws<InvalidDataException>(() =>
            BinarySignEncoding.Instance.Encode(new QuantizedTensor(2, 32, w, [new(0, 1, 1), new(0, 7, 1)], 0), "q")).Message);
        Assert.Equal("act_threshold 128 outside -128..127", BinarySignEncoding.Instance.ValidateParams([128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 32));
        Assert.Equal("reserved header field not zero", BinarySignEncoding.Instance.ValidateParams([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], 2, 32));
        Assert.False(BinarySignEncoding.Instance.HasEmbed);
        Assert.Throws<InvalidOperationException>(() => BinarySignEncoding.Instance.EmbedAdd(t, 0, new long[32]));
    }

    [Fact]
    public void BinaryS8IsSignWordsThenAShiftAndABiasAndMultiplierARowOverTheInt8InputAsItIs()
    {
        var w = new sbyte[2 * 32];
        Array.Fill(w, (sbyte)1);
        w[1] = -1;
        var q = new QuantizedTensor(2, 32, w, [new(-300, 40000, 17), new(32767, 65535, 17)]);
        var t = BinaryS8Encoding.Instance.Encode(q, "pool");
        Assert.Equal(8 + 2 * 4, t.Params.Length);
        Assert.Equal([17, 0], Enumerable.Range(0, 2).Select(k => BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(4 * k))));
        Assert.Equal(new RowParams(32767, 65535, 17), t.RowParams(1));
        Assert.Equal(BinaryEncoding.Instance.Encode(q with { InputThreshold = 0 }, "b").Data, t.Data);
        // x = 1..32: row 0 is Σx − 2·x[1] = 528 − 4; the -128 and 127 extremes exactly
        var x = Enumerable.Range(1, 32).Select(v => (sbyte)v).ToArray();
        var input = new byte[BinaryS8Encoding.Instance.InputBytes(32)];
        BinaryS8Encoding.Instance.PackInput(t, x, 0, 32, input);
        var acc = new int[2];
        BinaryS8Encoding.Instance.Gemm(t, input, input.Length, 1, 0, 2, acc, 2);
        Assert.Equal([524, 528], acc);
        Array.Fill(x, (sbyte)-128);
        BinaryS8Encoding.Instance.PackInput(t, x, 0, 32, input);
        BinaryS8Encoding.Instance.Gemm(t, input, input.Length, 1, 0, 2, acc, 2);
        Assert.Equal([-128 * 30, -128 * 32], acc);
        Assert.Contains("pool: binary_s8 multiplies its int8 input as it is", Assert.Throws<InvalidDataException>(() =>
            BinaryS8Encoding.Instance.Encode(q with { InputThreshold = 3 }, "pool")).Message);
        Assert.Contains("pool: row 1 has shift 9", Assert.Throws<InvalidDataException>(() =>
            BinaryS8Encoding.Instance.Encode(q with { RowParams = [new(0, 1, 17), new(0, 1, 9)] }, "pool")).Message);
        Assert.Equal("shift 0 outside 1..62", BinaryS8Encoding.Instance.ValidateParams([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 32));
        Assert.Equal("reserved header field not zero", BinaryS8Encoding.Instance.ValidateParams([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, 32));
        Assert.Equal("40 columns: binary_s8 needs a multiple of 32 up to 1024", BinaryS8Encoding.Instance.ValidateParams(t.Params, 2, 40));
        Assert.Throws<ArgumentException>(() => BinaryS8Encoding.Instance.PackInput(t, x.AsSpan(0, 6), 2, 6, input));   // part of a group
        Assert.False(BinaryS8Encoding.Instance.HasEmbed);
        Assert.Throws<InvalidOperationException>(() => BinaryS8Encoding.Instance.EmbedAdd(t, 0, new long[32]));
    }
}
