using ModelPacker.Model;

namespace ModelPacker.Pruning;

/// <summary>
/// The block a pruning mask keeps or prunes whole: <see cref="Rows"/> × <see cref="Cols"/> weights of a [rows, cols]
/// tensor, blocks tiling it row-major (block index = (r / Rows) · (cols / Cols) + c / Cols). 1 and 4 are one row's
/// 1 or 4 adjacent weights (an int converts to that), 4x4 four rows × four columns (what int8_sparse's b = 16 stores).
/// </summary>
public readonly record struct BlockShape(int Rows, int Cols)
{
    public static readonly BlockShape Four = new(1, 4), FourByFour = new(4, 4);

    /// <summary>A block of <paramref name="width"/> adjacent weights of one row.</summary>
    public static implicit operator BlockShape(int width) => new(1, width);

    public int Weights => Rows * Cols;

    /// <summary>"1", "4" or "4x4" (the CLI's --block values).</summary>
    public static BlockShape Parse(string text) => text switch
    {
        "1" => new(1, 1),
        "4" => Four,
        "4x4" => FourByFour,
        _ => throw new FormatException($"block {text}: 1, 4 or 4x4"),
    };

    public override string ToString() => Rows == 1 ? $"{Cols}" : $"{Rows}x{Cols}";

    /// <summary>Whether these blocks tile a [rows, cols] tensor.</summary>
    public bool Tiles(int rows, int cols) => rows % Rows == 0 && cols % Cols == 0;

    /// <summary>Blocks of a [rows, cols] tensor (that they tile).</summary>
    public int Count(int rows, int cols) => rows / Rows * (cols / Cols);

    public int Count(NamedTensor t) => Count(t.Rows, t.Cols);

    /// <summary>The block of weight <paramref name="i"/> (row-major) of a tensor of <paramref name="cols"/> columns.</summary>
    public int Of(int i, int cols) => i / cols / Rows * (cols / Cols) + i % cols / Cols;

    /// <summary>Throws naming the tensor when these blocks do not tile it.</summary>
    public void CheckTiles(NamedTensor t)
    {
        if (!Tiles(t.Rows, t.Cols))
            throw new InvalidDataException($"{t.Name} {t.ShapeText}: blocks of {this} need rows a multiple of {Rows} and columns of {Cols}");
    }
}
