using ModelPacker.Encodings;
using ModelPacker.FlashImage;

namespace ModelPacker.IntegerRuntime;

/// <summary>The arena layout of the C step API (src/runtime/ni_arena.c), byte offsets, each 4-aligned.</summary>
public sealed record ArenaLayout(int Hidden, int Q, int K, int V, int Acc, int Scores, int Wide, int Narrow, int Scratch, int ScratchBytes, int Total)
{
    public const int HeaderBytes = 16;
    /// <summary>Rows of one GEMM tile: the accumulators of a tile for every token are T·RowTile int32.</summary>
    public const int RowTile = 32;

    public static ArenaLayout Of(ModelDims d)
    {
        static int Align4(int n) => (n + 3) & ~3;
        int T = d.MaxPositions, th = Align4(T * d.HiddenSize);
        int scratch = 0;
        foreach (var enc in TensorEncodings.Implemented)
            foreach (int cols in new[] { d.EmbeddingSize, d.HiddenSize, d.IntermediateSize })
                scratch = Math.Max(scratch, enc.GemmScratchBytes(cols, T));
        int off = HeaderBytes;
        int hidden = off; off += th;
        int q = off; off += th;
        int k = off; off += th;
        int v = off; off += th;
        int acc = off; off += 4 * T * RowTile;
        int scores = off; off += 4 * T;
        int wide = off; off += Align4(2 * T * Math.Max(d.EmbeddingSize, d.HiddenSize));
        int narrow = off; off += Align4(T * Math.Max(d.IntermediateSize, Math.Max(d.EmbeddingSize, d.HiddenSize)));
        int scr = off; off += Align4(scratch);
        return new ArenaLayout(hidden, q, k, v, acc, scores, wide, narrow, scr, scratch, off);
    }
}
