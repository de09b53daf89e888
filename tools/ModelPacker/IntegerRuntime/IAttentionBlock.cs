using ModelPacker.FlashImage;

namespace ModelPacker.IntegerRuntime;

/// <summary>
/// The attention block of a scheme (C: ni_attention_block, one per scheme row): Q, K, V from the layer input and
/// the context, written where the rest of the layer (shared by every scheme) reads it.
/// </summary>
public interface IAttentionBlock
{
    /// <summary>"softmax", "Bi-Attention".</summary>
    string Name { get; }
    /// <summary>Bytes of the arena's Buf the block needs at T = max_positions (it also has Wide's spare half).</summary>
    int BufBytes(ModelDims d);
    /// <summary>h (the arena's Hidden, int8 [n][H]) → context int8 [n][H] at the start of Buf.</summary>
    void Run(IntegerModel m, ArenaView a, int n);
}
