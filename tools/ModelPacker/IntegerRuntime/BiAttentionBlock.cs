using System.Runtime.InteropServices;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.IntegerRuntime;

/// <summary>Scheme W1A1 (C: ni_attention_w1a1.c): Q, K, V as the sign bits of their binary linear layers
/// (bit = acc + bias ≥ 0) in one pass over the tokens, then Bi-Attention on the bits (docs/numerics.md "Scheme W1A1").</summary>
public sealed class BiAttentionBlock : IAttentionBlock
{
    public static readonly BiAttentionBlock Instance = new();
    public string Name => "Bi-Attention";

    /// <summary>The context int8 [T][H] and the attention kernel's scratch. Wide's spare half (T·H bytes) holds h
    /// packed for each of Q, K and V (their act_thresholds may differ) and the three sign-bit buffers: 6·T·H/8 bytes.</summary>
    public int BufBytes(ModelDims d) => d.MaxPositions * d.HiddenSize + BinaryKernels.AttentionScratchBytes(d.MaxPositions, d.HiddenSize, d.NumHeads);

    public void Run(IntegerModel m, ArenaView a, int n)
    {
        var d = m.Dims;
        int H = d.HiddenSize, T = a.MaxPositions, words = H / 32;
        EncodedTensor[] t = [m.Query, m.Key, m.Value];
        var inputs = new Memory<byte>[3];
        var strides = new int[3];
        var bits = new Memory<byte>[3];
        var room = a.Spare;
        for (int i = 0; i < 3; i++)
        {
            int bytes = T * TiledLinear.InputBytes(t[i]);
            (inputs[i], strides[i]) = TiledLinear.Input(t[i], a.Hidden, H, n, room[..bytes]);
            room = room[bytes..];
        }
        for (int i = 0; i < 3; i++)
        {
            bits[i] = room[..(4 * words * T)];
            bits[i].Span[..(4 * words * n)].Clear();
            room = room[(4 * words * T)..];
        }
        TiledLinear.Tiles(t, inputs, strides, [Epilogue.SignBits(bits[0], words), Epilogue.SignBits(bits[1], words), Epilogue.SignBits(bits[2], words)], n, a);
        BinaryKernels.Attention(MemoryMarshal.Cast<byte, uint>(bits[0].Span), MemoryMarshal.Cast<byte, uint>(bits[1].Span),
            MemoryMarshal.Cast<byte, uint>(bits[2].Span), n, H, d.NumHeads, m.QuantParams.AttentionThreshold,
            MemoryMarshal.Cast<byte, sbyte>(a.Buf.Span[..(T * H)]));
    }
}
