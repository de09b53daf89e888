using ModelPacker.Encodings;
using ModelPacker.FlashImage;

namespace ModelPacker.Tests.FlashImage;

/// <summary>
/// The validator's length rule for fixed- and variable-length encodings (ModelValidator.Lengths and Content): a
/// fixed-length encoding needs exactly its sizes; a variable-length one at least them, and then its ValidateData decides.
/// </summary>
public class VariableLengthRulesTests
{
    /// <summary>int8 rows as they are, but declaring itself variable-length: data may carry a trailer whose first byte
    /// must say how many bytes follow it (a stand-in for an outlier list).</summary>
    private sealed class TrailerEncoding : ITensorEncoding
    {
        private readonly ITensorEncoding _inner = Int8RowEncoding.Instance;
        public TensorEncoding Id => _inner.Id;
        public string Name => "trailer";
        public (int Data, int Params)? Sizes(int rows, int cols) => _inner.Sizes(rows, cols);
        public bool VariableLength => true;
        public (NiStatus Status, string Message)? ValidateData(EncodedTensor t)
        {
            int fixedLength = t.Rows * t.Cols, extra = t.Data.Length - fixedLength;
            if (extra == 0) return null;
            return t.Data[fixedLength] == extra - 1 ? null : (NiStatus.TensorSize, $"trailer says {t.Data[fixedLength]} bytes, {extra - 1} follow");
        }
        public string? ValidateParams(ReadOnlySpan<byte> parameters, int rows, int cols) => _inner.ValidateParams(parameters, rows, cols);
        public RowParams RowParams(EncodedTensor t, int row) => _inner.RowParams(t, row);
        public EncodedTensor Encode(QuantizedTensor q, string what) => _inner.Encode(q, what);
        public QuantizedTensor Decode(EncodedTensor t) => _inner.Decode(t);
        public bool HasGemm => true;
        public bool HasEmbed => true;
        public int InputBytes(int cols) => _inner.InputBytes(cols);
        public bool PacksInput => false;
        public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) => _inner.PackInput(t, x, c0, count, input);
        public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
            _inner.Gemm(t, input, inStride, n, r0, r1, acc, accStride);
        public void EmbedAdd(EncodedTensor t, int row, Span<long> output) => _inner.EmbedAdd(t, row, output);
    }

    [Fact]
    public void FixedLengthEncodingsNeedExactlyTheirSizes()
    {
        ITensorEncoding enc = Int8RowEncoding.Instance;
        var (data, prm) = enc.Sizes(3, 8)!.Value;
        Assert.False(enc.VariableLength);
        Assert.Null(ModelValidator.Lengths(enc, 3, 8, data, prm));
        Assert.Equal(NiStatus.TensorSize, ModelValidator.Lengths(enc, 3, 8, data + 1, prm)?.Status);
        Assert.Equal(NiStatus.TensorSize, ModelValidator.Lengths(enc, 3, 8, data, prm - 1)?.Status);
        Assert.Null(enc.ValidateData(new EncodedTensor(enc.Id, 3, 8, new byte[data], new byte[prm])));
    }

    [Fact]
    public void VariableLengthEncodingsNeedAtLeastTheirSizesAndTheirOwnCheck()
    {
        ITensorEncoding enc = new TrailerEncoding();
        var (data, prm) = enc.Sizes(3, 8)!.Value;
        Assert.Null(ModelValidator.Lengths(enc, 3, 8, data, prm));
        Assert.Null(ModelValidator.Lengths(enc, 3, 8, data + 5, prm));
        var shorter = ModelValidator.Lengths(enc, 3, 8, data - 1, prm);
        Assert.Equal(NiStatus.TensorSize, shorter?.Status);
        Assert.Contains("at least", shorter?.Message);

        var withTrailer = new byte[data + 3];
        withTrailer[data] = 2;   // two bytes follow: agrees
        Assert.Null(enc.ValidateData(new EncodedTensor(enc.Id, 3, 8, withTrailer, new byte[prm])));
        withTrailer[data] = 7;   // claims more than is there
        var bad = enc.ValidateData(new EncodedTensor(enc.Id, 3, 8, withTrailer, new byte[prm]));
        Assert.Equal(NiStatus.TensorSize, bad?.Status);
        Assert.Contains("trailer says 7", bad?.Message);
    }
}
