using System.Runtime.InteropServices;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Encodings;

/// <summary>
/// The C encoding table (ni_encoding_find, called through its function pointers in the host library) and the C#
/// registry are the same table: same ids and names, sizes, params validation, row params, input packing, GEMM and
/// embedding rows; and the C model rules (ni_dims_validate, ni_tensor_check_format) equal the C# validator.
/// </summary>
public unsafe class EncodingTableBitExactnessTests
{
    /// <summary>ni_encoding_traits: u8 id, name, then ten function pointers (pointer-aligned).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Traits
    {
        public byte Id;
        public byte* Name;
        public delegate* unmanaged<uint, uint, uint*, uint*, int> Sizes;
        public delegate* unmanaged<byte*, uint, uint, uint, int> Validate;
        public delegate* unmanaged<NativeTensor.Struct*, uint, RowParams> RowParams;
        public delegate* unmanaged<uint, uint> InputBytes;
        public delegate* unmanaged<NativeTensor.Struct*, sbyte*, uint, uint, byte*, void> PackInput;
        public delegate* unmanaged<NativeTensor.Struct*, byte*, uint, uint, uint, uint, int*, uint, void> Gemm;
        public delegate* unmanaged<NativeTensor.Struct*, uint, long*, void> EmbedAdd;
        public delegate* unmanaged<uint, uint> AccBound;
        public delegate* unmanaged<NativeTensor.Struct*, int*, int> InputThreshold;
        public delegate* unmanaged<NativeTensor.Struct*, int> ValidateData;
    }

    private static Traits* Find(int id) => ((delegate* unmanaged<byte, Traits*>)NativeKernels.Fn("ni_encoding_find"))((byte)id);

    [Fact]
    public void BothTablesHaveTheSameRows()
    {
        for (int id = 0; id < 256; id++)
        {
            var c = Find(id);
            var cs = TensorEncodings.Find((TensorEncoding)id);
            Assert.Equal(cs != null, c != null);
            if (c == null) continue;
            Assert.Equal(id, c->Id);
            Assert.Equal(cs!.Name.ToUpperInvariant(), Marshal.PtrToStringUTF8((IntPtr)c->Name));
            Assert.Equal(!cs.HasGemm, c->Gemm == null);   // an embedding-only encoding has no GEMM traits at all
            Assert.Equal(!cs.HasEmbed, c->EmbedAdd == null);
            Assert.Equal(cs.HasGemm, c->AccBound != null);
            Assert.Equal(cs.VariableLength, c->ValidateData != null);   // both sides accept lengths beyond Sizes, or neither
            if (!cs.HasGemm) Assert.True(c->PackInput == null && c->InputBytes == null);
            else Assert.Equal(!cs.PacksInput, c->PackInput == null);
            foreach (int cols in new[] { 4, 32, 96, 1024, 4096 })
            {
                if (cols % 32 == 0 && cs.HasGemm) Assert.Equal((uint)cs.InputBytes(cols), c->InputBytes((uint)cols));   // a shape every encoding accepts
                foreach (int rows in new[] { 0, 1, 7, 65535 })
                {
                    uint data, prm;
                    Assert.Equal(1, c->Sizes((uint)rows, (uint)cols, &data, &prm));
                    Assert.Equal(cs.Sizes(rows, cols), ((int)data, (int)prm));
                }
            }
        }
    }

    private static QuantizedTensor RandomTensor(ITensorEncoding e, int rows, int cols, Random r)
    {
        var w = new sbyte[rows * cols];
        if (e.Id == TensorEncoding.Int8SparseEmbed)   // int8 rows of random density (an empty row, a full one), int8_row params
        {
            for (int row = 0; row < rows; row++)
            {
                double density = row == 0 ? 0 : row == 1 ? 1 : r.NextDouble();
                for (int k = 0; k < cols; k++) w[row * cols + k] = r.NextDouble() < density ? (sbyte)r.Next(-128, 128) : (sbyte)0;
            }
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ =>
                new RowParams(0, r.Next(0, int.MaxValue), r.Next(1, 63))).ToArray());
        }
        if (!e.HasGemm)   // binary_embed: a magnitude byte per row and one shift (the largest magnitude >= 128 when shift > 0)
        {
            for (int k = 0; k < w.Length; k++) w[k] = r.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            int shift = r.Next(0, BinaryEmbedEncoding.MaxShift + 1);
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(row =>
                new RowParams(0, (row == 0 && shift > 0 ? r.Next(128, 256) : r.Next(0, 256)) << (shift + 1), 1)).ToArray());
        }
        if (e.Id == TensorEncoding.BinarySign)   // a bias a row, no multiplier: {bias, 1, 1}
        {
            for (int k = 0; k < w.Length; k++) w[k] = r.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ =>
                new RowParams(r.Next(short.MinValue, short.MaxValue + 1), 1, 1)).ToArray(), r.Next(-128, 128));
        }
        if (e.Id == TensorEncoding.BinaryS8)   // int8 input, no threshold: one shift, int16 bias and uint16 multiplier a row
        {
            for (int k = 0; k < w.Length; k++) w[k] = r.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            int shift = r.Next(1, 63);
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ =>
                new RowParams(r.Next(short.MinValue, short.MaxValue + 1), r.Next(0, 1 << 16), shift)).ToArray());
        }
        if (e.PacksInput)
        {
            for (int k = 0; k < w.Length; k++) w[k] = r.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
            int shift = r.Next(1, 63);
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ =>
                new RowParams(r.Next(short.MinValue, short.MaxValue + 1), r.Next(0, 1 << 16), shift)).ToArray(), r.Next(-128, 128));
        }
        if (e.Id == TensorEncoding.Int8_2of4)   // 2 random int8 columns of every 4; int8_row's params
        {
            for (int g = 0; g < w.Length; g += 4)
            {
                int a = r.Next(4), b = (a + 1 + r.Next(3)) % 4;
                w[g + a] = (sbyte)r.Next(-128, 128);
                w[g + b] = (sbyte)r.Next(-128, 128);
            }
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ =>
                new RowParams(r.Next(-(1 << 30), 1 << 30), r.Next(0, int.MaxValue), r.Next(1, 63))).ToArray());
        }
        if (e.Id == TensorEncoding.Int4)   // values -8..7 packed two a byte; int8_row's params
        {
            for (int k = 0; k < w.Length; k++) w[k] = (sbyte)r.Next(-8, 8);
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ =>
                new RowParams(r.Next(-(1 << 30), 1 << 30), r.Next(0, int.MaxValue), r.Next(1, 63))).ToArray());
        }
        for (int k = 0; k < w.Length; k++) w[k] = (sbyte)r.Next(-128, 128);
        if (e.Id == TensorEncoding.Int8Sparse) Int8SparseTestTensors.Prune(w, cols, r);
        if (e.Id == TensorEncoding.AdaptivFloat)   // codes; one multiplier and shift for the tensor, a bias a row
        {
            int mult = r.Next(0, int.MaxValue), shift = r.Next(1, 63);
            return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ =>
                new RowParams(r.Next(-(1 << 30), 1 << 30), mult, shift)).ToArray());
        }
        return new QuantizedTensor(rows, cols, w, Enumerable.Range(0, rows).Select(_ =>
            new RowParams(r.Next(-(1 << 30), 1 << 30), r.Next(0, int.MaxValue), r.Next(1, 63))).ToArray());
    }

    /// <summary>A random tensor of encoding <paramref name="e"/>: gobo3 (and ipq) is built from its own integers (indices, centroids,
    /// outliers), the others from <see cref="RandomTensor"/>.</summary>
    private static EncodedTensor RandomEncoded(ITensorEncoding e, int rows, int cols, Random r) =>
        e.Id == TensorEncoding.Gobo3 ? Gobo3TestTensors.RandomEncoded(rows, cols, r)
        : e.Id == TensorEncoding.Ipq ? IpqTestTensors.RandomEncoded(rows, cols, r) : e.Encode(RandomTensor(e, rows, cols, r), "t");

    public static TheoryData<TensorEncoding> Encodings() => new(TensorEncodings.Implemented.Select(e => e.Id));

    [Theory]
    [MemberData(nameof(Encodings))]
    public void ValidateAcceptsAndRejectsTheSameParams(TensorEncoding id)
    {
        var cs = TensorEncodings.Get(id);
        var c = Find((int)id);
        var r = new Random(400 + (int)id);
        int rejected = 0;
        for (int trial = 0; trial < 600; trial++)
        {
            int rows = r.Next(1, 9), cols = 32 * r.Next(1, 5);
            var p = RandomEncoded(cs, rows, cols, r).Params;
            switch (trial % 6)
            {
                case 1: p[r.Next(p.Length)] = (byte)r.Next(256); break;                         // one byte anywhere
                case 2: p[r.Next(Math.Min(p.Length, 16))] ^= (byte)(1 << r.Next(8)); break;    // a header / first-row bit
                case 3: cols = r.Next(0, 1100); break;                                         // any shape
                case 4: p = p[..^r.Next(1, 4)]; break;                                          // short
                case 5: BitConverter.GetBytes(r.Next(-200, 200)).CopyTo(p, 4 * r.Next(0, Math.Min(4, p.Length / 4))); break;
            }
            int want;
            fixed (byte* pp = p) want = c->Validate(pp, (uint)p.Length, (uint)rows, (uint)cols);
            bool ok = cs.ValidateParams(p, rows, cols) == null;
            Assert.True(want == (ok ? 1 : 0), $"trial {trial}: C says {want}, C# says {cs.ValidateParams(p, rows, cols) ?? "valid"}");
            if (!ok) rejected++;
        }
        Assert.InRange(rejected, 100, 500);   // both outcomes were exercised
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void RowParamsPackingGemmAndEmbeddingRowsAreBitIdentical(TensorEncoding id)
    {
        var cs = TensorEncodings.Get(id);
        var c = Find((int)id);
        var r = new Random(500 + (int)id);
        foreach (var (rows, cols, n) in new[] { (5, 32, 1), (40, 64, 3), (33, 128, 12), (3, 1024, 2), (64, 384, 32) })
        {
            var t = RandomEncoded(cs, rows, cols, r);
            using var nt = new NativeTensor(t);
            for (int row = 0; row < rows; row++) Assert.Equal(cs.RowParams(t, row), c->RowParams(nt.Pointer, (uint)row));
            for (int row = 0; row < rows && cs.HasEmbed; row += Math.Max(1, rows / 4))
            {
                var sumC = Enumerable.Range(0, cols).Select(k => (long)k * 1000 - 7).ToArray();
                var sumCs = (long[])sumC.Clone();
                fixed (long* ps = sumC) c->EmbedAdd(nt.Pointer, (uint)row, ps);
                cs.EmbedAdd(t, row, sumCs);
                Assert.Equal(sumCs, sumC);
            }
            if (!cs.HasGemm) continue;   // binary_embed: row params and embedding rows are all it has
            var x = new sbyte[n * cols];
            for (int k = 0; k < x.Length; k++) x[k] = (sbyte)r.Next(-128, 128);
            int stride = cs.InputBytes(cols) + 4;
            var inC = new byte[n * stride];
            var inCs = new byte[n * stride];
            int split = 8 * r.Next(1, cols / 8);                                               // a piece not word-aligned
            for (int k = 0; k < n; k++)
            {
                fixed (sbyte* px = x) fixed (byte* pin = inC)
                    if (c->PackInput != null)
                    {
                        c->PackInput(nt.Pointer, px + k * cols, 0, (uint)split, pin + k * stride);
                        c->PackInput(nt.Pointer, px + k * cols + split, (uint)split, (uint)(cols - split), pin + k * stride);
                    }
                    else Marshal.Copy((IntPtr)(px + k * cols), inC, k * stride, cols);
                cs.PackInput(t, x.AsSpan(k * cols, split), 0, split, inCs.AsSpan(k * stride));
                cs.PackInput(t, x.AsSpan(k * cols + split, cols - split), split, cols - split, inCs.AsSpan(k * stride));
            }
            Assert.Equal(inCs, inC);
            int r0 = r.Next(0, rows), r1 = r.Next(r0 + 1, rows + 1);
            var accC = new int[n * (r1 - r0)];
            var accCs = new int[n * (r1 - r0)];
            fixed (byte* pin = inC) fixed (int* pa = accC)
                c->Gemm(nt.Pointer, pin, (uint)stride, (uint)n, (uint)r0, (uint)r1, pa, (uint)(r1 - r0));
            cs.Gemm(t, inCs, stride, n, r0, r1, accCs, r1 - r0);
            Assert.Equal(accCs, accC);
        }
    }

    [Fact]
    public void TheDimsAndTensorEntryRulesAreTheCLoadersRules()
    {
        var r = new Random(600);
        int[] dimValues = [0, 3, 4, 8, 12, 20, 32, 48, 64, 96, 100, 128, 1024, 1056];
        int valid = 0, entries = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            int Pick() => dimValues[r.Next(dimValues.Length)];
            var d = new ModelDims(r.Next(0, 3) == 0 ? r.Next(0, 70000) : 100, Pick(), Pick(), r.Next(0, 5), Pick(), r.Next(0, 34),
                r.Next(0, 3) == 0 ? r.Next(0, 600) : 12, r.Next(0, 3) == 0 ? r.Next(0, 1100) : 7, (ActivationId)r.Next(0, 4), (SchemeId)r.Next(0, 7));
            var nd = NativeDims.Of(d);
            bool ok = ((delegate* unmanaged<NativeDims*, int>)NativeKernels.Fn("ni_dims_validate"))(&nd) == 1;
            Assert.True(ok == (d.Problem() == null), $"{d}: C {(ok ? "accepts" : "rejects")}, C# {d.Problem() ?? "accepts"}");
            if (!ok) continue;
            valid++;
            foreach (var tid in TensorNames.Required(d).Take(12))
            {
                var exp = TensorNames.Expected(tid, d)!.Value;
                var enc = r.Next(0, 11) is var e && e >= 4
                    ? (e == 4 ? TensorEncoding.BinaryEmbed : e == 5 ? TensorEncoding.BinarySign : e == 6 ? TensorEncoding.BinaryS8 : e == 7 ? TensorEncoding.AdaptivFloat : e == 8 ? TensorEncoding.Int8SparseEmbed : e == 9 ? TensorEncoding.Int4 : TensorEncoding.Ipq) : (TensorEncoding)e;
                int rows = exp.Rows + (r.Next(8) == 0 ? 1 : 0), cols = exp.Cols;
                var sizes = TensorEncodings.Find(enc)?.Sizes(rows, cols) ?? (0, 0);
                int data = sizes.Data + (r.Next(8) == 0 && sizes.Data >= 4 ? -4 : 0), prm = sizes.Params + (r.Next(8) == 0 ? 4 : 0);
                int cst = ((delegate* unmanaged<NativeDims*, uint, byte, uint, uint, uint, uint, int>)NativeKernels.Fn("ni_tensor_check_format"))(
                    &nd, tid, (byte)enc, (uint)rows, (uint)cols, (uint)data, (uint)prm);
                var failure = ModelValidator.Entry(d, tid, enc, rows, cols, data, prm);
                Assert.Equal(cst, (int)(failure?.Status ?? NiStatus.Ok));
                entries++;
            }
        }
        Assert.InRange(valid, 50, 2900);
        Assert.True(entries > 500);
    }

    /// <summary>int8_sparse_embed's whole-tensor check (C validate_data, C# ValidateData) gives the same status on valid
    /// tables and on tables with one byte, one offset or the length corrupted.</summary>
    [Fact]
    public void SparseEmbedValidateDataIsTheSameInCAndCSharp()
    {
        var cs = TensorEncodings.Get(TensorEncoding.Int8SparseEmbed);
        var c = Find((int)TensorEncoding.Int8SparseEmbed);
        var r = new Random(700);
        var seen = new HashSet<NiStatus>();
        for (int trial = 0; trial < 600; trial++)
        {
            int rows = r.Next(1, 9), cols = 4 * r.Next(1, 40);
            var t = cs.Encode(RandomTensor(cs, rows, cols, r), "t");
            var data = t.Data;
            switch (trial % 5)
            {
                case 1: data[r.Next(data.Length)] ^= (byte)(1 << r.Next(8)); break;                                  // any bit
                case 2: BitConverter.GetBytes(r.Next(0, data.Length + 8)).CopyTo(data, 4 * r.Next(rows)); break;   // an offset
                case 3: data = data[..^1]; break;                                                                  // short
                case 4: data = [.. data, 0]; break;                                                                // long
            }
            var bad = t with { Data = data };
            using var nt = new NativeTensor(bad);
            var want = (NiStatus)c->ValidateData(nt.Pointer);
            var got = cs.ValidateData(bad)?.Status ?? NiStatus.Ok;
            Assert.True(want == got, $"trial {trial}: C {want}, C# {got} ({cs.ValidateData(bad)?.Message})");
            seen.Add(got);
        }
        Assert.Equal(new HashSet<NiStatus> { NiStatus.Ok, NiStatus.TensorSize, NiStatus.TensorParams }, seen);
    }

    /// <summary>int8_sparse's whole-tensor check (C validate_data, C# ValidateData) gives the same status on valid tensors
    /// (blocks of 1 and 4) and on tensors with one bit, one row start, one block column or the length corrupted.</summary>
    [Fact]
    public void Int8SparseValidateDataIsTheSameInCAndCSharp()
    {
        var cs = TensorEncodings.Get(TensorEncoding.Int8Sparse);
        var c = Find((int)TensorEncoding.Int8Sparse);
        var r = new Random(710);
        var seen = new HashSet<NiStatus>();
        for (int trial = 0; trial < 600; trial++)
        {
            int rows = r.Next(2, 9), cols = 4 * r.Next(1, 40);   // row 1 dense: at least one block
            var t = cs.Encode(RandomTensor(cs, rows, cols, r), "t");
            var data = t.Data;
            int blocks = Int8SparseEncoding.KeptBlocks(t), units = Int8SparseEncoding.Units(t);
            switch (trial % 6)
            {
                case 1: data[r.Next(data.Length)] ^= (byte)(1 << r.Next(8)); break;                                          // any bit
                case 2: BitConverter.GetBytes(r.Next(0, blocks + 3)).CopyTo(data, 4 + 4 * r.Next(units + 1)); break;      // a row start
                case 3: BitConverter.GetBytes((ushort)r.Next(0, cols + 2)).CopyTo(data, Int8SparseEncoding.ColsOffset(units) + 2 * r.Next(blocks)); break; // a column
                case 4: data = data[..^1]; break;                                                                          // short
                case 5: data = [.. data, 0]; break;                                                                        // long
            }
            var bad = t with { Data = data };
            using var nt = new NativeTensor(bad);
            var want = (NiStatus)c->ValidateData(nt.Pointer);
            var got = cs.ValidateData(bad)?.Status ?? NiStatus.Ok;
            Assert.True(want == got, $"trial {trial}: C {want}, C# {got} ({cs.ValidateData(bad)?.Message})");
            seen.Add(got);
        }
        Assert.Equal(new HashSet<NiStatus> { NiStatus.Ok, NiStatus.TensorSize, NiStatus.TensorParams }, seen);
    }
}
