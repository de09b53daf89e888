using ModelPacker.Model;
using ModelPacker.Quantization;

namespace ModelPacker.Pruning;

/// <summary>Magnitude (Zhu and Gupta 2017) or movement (Sanh et al. 2020) pruning.</summary>
public enum PruningMethod { Magnitude, Movement }

/// <summary>
/// What <c>modelpacker prune</c> does (docs/cli.md): prune every linear weight scheme int8-sparse stores sparse (see
/// <see cref="Tensors"/>) to <see cref="Sparsity"/> in blocks of <see cref="Block"/> (1 or 4 consecutive weights of a row, or 4×4),
/// each tensor on its own (per-tensor sparsity: exactly round(s · blocks) blocks of every tensor are pruned). The
/// sparsity follows the cubic schedule from 0 at <see cref="Begin"/> to s at <see cref="End"/> (shares of the
/// fine-tuning steps); magnitude masks are recomputed every <see cref="MaskEvery"/> steps, movement masks every step
/// from scores trained by Adam at <see cref="ScoreLearningRate"/>.
/// </summary>
public sealed record PruningSettings(PruningMethod Method, double Sparsity, BlockShape Block = default, double Begin = 0.1, double End = 0.7,
    int MaskEvery = 10, double ScoreLearningRate = 1e-2)
{
    /// <summary>The block pruned whole; not given (default): single weights.</summary>
    public BlockShape Block { get; init; } = Block == default ? new BlockShape(1, 1) : Block;

    /// <summary>Throws naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (!(Sparsity >= 0 && Sparsity < 1)) throw new ArgumentOutOfRangeException(nameof(Sparsity), Sparsity, "the sparsity is a share of weights, 0 <= s < 1");
        if (Block != new BlockShape(1, 1) && Block != BlockShape.Four && Block != BlockShape.FourByFour)
            throw new ArgumentOutOfRangeException(nameof(Block), Block, "blocks are 1 (unstructured), 4 weights of a row or 4x4");
        if (!(Begin >= 0 && Begin < End && End <= 1)) throw new ArgumentOutOfRangeException(nameof(End), End, "the schedule needs 0 <= begin < end <= 1");
        if (MaskEvery < 1) throw new ArgumentOutOfRangeException(nameof(MaskEvery), MaskEvery, "masks are recomputed every 1 or more steps");
        if (!(ScoreLearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(ScoreLearningRate), ScoreLearningRate, "the score learning rate is > 0");
    }

    /// <summary>The tensors pruned (what scheme int8-sparse stores sparse): mapping-in, Q, K, V, attention output, FFN
    /// in and out, and every exit's pooler. The embedding tables and exit classifiers are not pruned.</summary>
    public static IEnumerable<NamedTensor> Tensors(AlbertParameters p) => QuantNoise.Int4Weights(p);
}
