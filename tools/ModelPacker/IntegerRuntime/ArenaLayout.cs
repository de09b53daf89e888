using ModelPacker.Encodings;
using ModelPacker.FlashImage;

namespace ModelPacker.IntegerRuntime;

/// <summary>
/// The arena of the C step API (src/runtime/ni_arena.c), byte offsets from its start, each region 4-aligned;
/// T = max_positions, S = T·H:
/// <list type="bullet">
/// <item>Wide, 2·S (at least S + a pooler's packed input row): h int8 [T][H] in its first half (the spare half after it
/// is free while it holds no int16), the
/// int16 residual sums [T][H] over all of it, and before h exists one token's embedding sums (int64, 8-aligned in C:
/// up to 4 bytes skipped), int16 row and LayerNorm row;</item>
/// <item>Buf: one buffer per phase (mapping_in's input, the attention block's buffers, the context and Dense's
/// input, the GELU output as FfnOutput's input, the exit head's row);</item>
/// <item>Acc, 4·T·TileRows: the int32 accumulators of one GEMM row tile;</item>
/// <item>Row, T·TileRows: a tile's int8 outputs before packing.</item>
/// </list>
/// </summary>
public sealed record ArenaLayout(int Wide, int WideBytes, int Buf, int BufBytes, int Acc, int Row, int RowBytes, int TileRows, int Total)
{
    public const int HeaderBytes = 16;

    private static int Align4(int n) => (n + 3) & ~3;

    /// <summary>Rows per GEMM tile: the int32 tile [T][rows] stays about 1 KB (4..32 rows, a multiple of 4).</summary>
    public static int TileRowsFor(int maxPositions) => Math.Clamp((256 / maxPositions) & ~3, 4, 32);

    /// <summary>One token's embedding sums (int64 [E]), int16 row and LayerNorm row, each 4-aligned.</summary>
    public static int EmbeddingRowBytes(int e) => 8 * e + Align4(2 * e) + Align4(e);

    public static ArenaLayout Of(ModelDims d)
    {
        var scheme = Schemes.Get(d.Scheme);
        var w = TensorEncodings.Get(scheme.Weights);
        var c = TensorEncodings.Get(scheme.Classifiers);
        int T = d.MaxPositions, E = d.EmbeddingSize, H = d.HiddenSize, I = d.IntermediateSize, S = T * H, R = TileRowsFor(T);
        int buf = T * w.InputBytes(E);                                          // mapping_in's input
        buf = Math.Max(buf, scheme.Attention.BufBytes(d));                     // the attention block
        buf = Math.Max(buf, S + (w.PacksInput ? T * w.InputBytes(H) : 0));     // context, Dense's packed input
        buf = Math.Max(buf, T * w.InputBytes(I));                              // GELU output, FfnOutput's input
        buf = Math.Max(buf, c.InputBytes(H));                                  // the classifier's input row
        // the spare half of Wide holds a pooler's packed input row (binary_s8's tables are 8 bytes a column)
        int pooler = scheme.PoolerAlternative == 0 ? 0 : TensorEncodings.Get(scheme.PoolerAlternative).InputBytes(H);
        int wideBytes = Math.Max(Math.Max(2 * S, S + pooler), 4 + EmbeddingRowBytes(E));
        int off = HeaderBytes;
        int wide = off; off += wideBytes;
        int bufAt = off; off += Align4(buf);
        int acc = off; off += 4 * T * R;
        int rowAt = off; off += Align4(T * R);
        return new ArenaLayout(wide, wideBytes, bufAt, Align4(buf), acc, rowAt, Align4(T * R), R, off);
    }
}

/// <summary>The regions of one arena as the steps and attention blocks use them (ni_arena_view), each exactly as
/// long as the layout gives it, so a step that overruns its region fails instead of corrupting the next one.</summary>
public sealed class ArenaView
{
    public ArenaView(ModelDims d)
    {
        Dims = d;
        Layout = ArenaLayout.Of(d);
        Bytes = new byte[Layout.Total];
        int s = d.MaxPositions * d.HiddenSize;
        Hidden = Bytes.AsMemory(Layout.Wide, s);
        Wide = Bytes.AsMemory(Layout.Wide, Layout.WideBytes);
        Spare = Bytes.AsMemory(Layout.Wide + s, Layout.WideBytes - s);
        Buf = Bytes.AsMemory(Layout.Buf, Layout.BufBytes);
        Acc = Bytes.AsMemory(Layout.Acc, 4 * d.MaxPositions * Layout.TileRows);
        Row = Bytes.AsMemory(Layout.Row, Layout.RowBytes);
    }

    public ModelDims Dims { get; }
    public ArenaLayout Layout { get; }
    public byte[] Bytes { get; }
    /// <summary>h, int8 [T][H] (the first half of Wide).</summary>
    public Memory<byte> Hidden { get; }
    /// <summary>int16 [T][H]; before h exists, one token's embedding rows.</summary>
    public Memory<byte> Wide { get; }
    /// <summary>The second half of Wide, free while Wide holds no int16.</summary>
    public Memory<byte> Spare { get; }
    public Memory<byte> Buf { get; }
    /// <summary>int32 [T][TileRows].</summary>
    public Memory<byte> Acc { get; }
    public Memory<byte> Row { get; }
    public int TileRows => Layout.TileRows;
    public int MaxPositions => Dims.MaxPositions;
}
