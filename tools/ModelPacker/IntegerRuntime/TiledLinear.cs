using System.Runtime.InteropServices;
using ModelPacker.Encodings;

namespace ModelPacker.IntegerRuntime;

/// <summary>What happens to one finished GEMM tile (acc[k·accStride + (r − r0)], k &lt; n) (C: ni_epilogue).</summary>
public abstract class Epilogue
{
    public abstract void Apply(EncodedTensor t, int r0, int r1, ReadOnlySpan<int> acc, int accStride, int n);

    /// <summary>int8 outputs, row k at out[k·outStride ..], through <paramref name="lut"/> (null: none), stored as
    /// <paramref name="consumer"/>'s input (null: plain int8); <paramref name="rowTmp"/> holds one tile's int8 [n][tile]
    /// before packing.</summary>
    public static Epilogue S8(Memory<byte> output, int outStride, sbyte[]? lut = null, EncodedTensor? consumer = null, Memory<byte> rowTmp = default) =>
        new S8Epilogue(output, outStride, lut, consumer, rowTmp);

    /// <summary>int16 residual sums in place: wide[k·stride + r] (holding the residual) += the requantized tile.</summary>
    public static Epilogue AddS16(Memory<byte> wide, int wideStride, Requant residualRq) => new AddS16Epilogue(wide, wideStride, residualRq);

    public static Epilogue SignBits(Memory<byte> bits, int bitsStride) => new SignBitsEpilogue(bits, bitsStride);

    public static Epilogue Logits(int[] logits) => new LogitsEpilogue(logits);

    private sealed class S8Epilogue(Memory<byte> output, int outStride, sbyte[]? lut, EncodedTensor? consumer, Memory<byte> rowTmp) : Epilogue
    {
        public override void Apply(EncodedTensor t, int r0, int r1, ReadOnlySpan<int> acc, int accStride, int n)
        {
            int w = r1 - r0;
            bool packs = consumer != null && consumer.Traits.PacksInput;
            // plain int8 goes straight to its place; a packed consumer's tile goes through rowTmp
            var o = MemoryMarshal.Cast<byte, sbyte>(packs ? rowTmp.Span : output.Span[r0..]);
            int stride = packs ? w : outStride;
            IntegerKernels.RequantTileS8(t, r0, r1, acc, accStride, n, o, stride);
            for (int k = 0; k < n; k++)
            {
                var row = o.Slice(k * stride, w);
                if (lut != null) IntegerKernels.Lut(row, lut, row, w);
                if (packs) TiledLinear.StoreInput(consumer!, row, r0, w, output.Span[(k * outStride)..]);
            }
        }
    }

    private sealed class AddS16Epilogue(Memory<byte> wide, int wideStride, Requant residualRq) : Epilogue
    {
        public override void Apply(EncodedTensor t, int r0, int r1, ReadOnlySpan<int> acc, int accStride, int n) =>
            IntegerKernels.RequantTileAddS16(t, r0, r1, acc, accStride, n, residualRq, MemoryMarshal.Cast<byte, short>(wide.Span), wideStride);
    }

    private sealed class SignBitsEpilogue(Memory<byte> bits, int bitsStride) : Epilogue
    {
        public override void Apply(EncodedTensor t, int r0, int r1, ReadOnlySpan<int> acc, int accStride, int n) =>
            IntegerKernels.SignTileBits(t, r0, r1, acc, accStride, n, MemoryMarshal.Cast<byte, uint>(bits.Span), bitsStride);
    }

    private sealed class LogitsEpilogue(int[] logits) : Epilogue
    {
        public override void Apply(EncodedTensor t, int r0, int r1, ReadOnlySpan<int> acc, int accStride, int n) =>
            IntegerKernels.RequantTileLogits(t, r0, r1, acc, logits);
    }
}

/// <summary>
/// Linear layers over all n tokens of the utterance, row tile by row tile (C: ni_linear.c): the encoding's
/// token-batched GEMM fills an int32 tile of rows [r0, r1) for every token, then the epilogue requantizes it at once.
/// </summary>
public static class TiledLinear
{
    /// <summary>Runs tensors[i] (all with the same row count) over the same n tokens, tile by tile: for each tile each
    /// tensor's GEMM then its epilogue (Q, K and V in one pass). inputs[i]: tensor i's input rows, strides[i] apart.</summary>
    public static void Tiles(EncodedTensor[] tensors, Memory<byte>[] inputs, int[] strides, Epilogue[] epilogues, int n, ArenaView a)
    {
        int R = a.TileRows, rows = tensors[0].Rows;
        var acc = MemoryMarshal.Cast<byte, int>(a.Acc.Span);
        for (int r0 = 0; r0 < rows; r0 += R)
        {
            int r1 = Math.Min(rows, r0 + R);
            for (int i = 0; i < tensors.Length; i++)
            {
                tensors[i].Traits.Gemm(tensors[i], inputs[i].Span, strides[i], n, r0, r1, acc, R);
                epilogues[i].Apply(tensors[i], r0, r1, acc, R, n);
            }
        }
    }

    public static void Run(EncodedTensor t, Memory<byte> input, int stride, Epilogue epilogue, int n, ArenaView a) =>
        Tiles([t], [input], [stride], [epilogue], n, a);

    /// <summary>The input rows of t for int8 rows x (row k at x[k·xStride ..]): x itself when t's encoding reads int8,
    /// else the n rows packed into <paramref name="room"/> (t's input bytes per row).</summary>
    public static (Memory<byte> Input, int Stride) Input(EncodedTensor t, Memory<byte> x, int xStride, int n, Memory<byte> room)
    {
        var e = t.Traits;
        if (!e.PacksInput) return (x, xStride);
        int stride = e.InputBytes(t.Cols);
        var xs = MemoryMarshal.Cast<byte, sbyte>(x.Span);
        for (int k = 0; k < n; k++) e.PackInput(t, xs.Slice(k * xStride, t.Cols), 0, t.Cols, room.Span.Slice(k * stride, stride));
        return (room, stride);
    }

    /// <summary>Stores int8 values x[0..count) as input columns [c0, c0 + count) of t's input row.</summary>
    public static void StoreInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) =>
        t.Traits.PackInput(t, x, c0, count, input);

    public static int InputBytes(EncodedTensor t) => t.Traits.InputBytes(t.Cols);
}
