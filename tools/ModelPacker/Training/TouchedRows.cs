namespace ModelPacker.Training;

/// <summary>
/// The rows of an embedding gradient that may be non-zero: the token ids a batch looked up. Lets the trainer clear
/// and sum those rows instead of the whole table (5,000 rows, of which one step touches a few hundred).
/// </summary>
public sealed class TouchedRows(int rows)
{
    private readonly bool[] _mark = new bool[rows];
    private readonly List<int> _rows = [];

    /// <summary>The marked rows, in the order first marked.</summary>
    public IReadOnlyList<int> Rows => _rows;

    public bool Contains(int row) => _mark[row];

    /// <summary>Zeroes the marked rows of <paramref name="table"/> ([rows, width]) and forgets them.</summary>
    public void Clear(float[] table, int width)
    {
        foreach (int r in _rows) Array.Clear(table, r * width, width);
        Forget();
    }

    /// <summary>Forgets the marks (the caller has cleared the whole table).</summary>
    public void Forget()
    {
        foreach (int r in _rows) _mark[r] = false;
        _rows.Clear();
    }

    /// <summary>Marks every id of <paramref name="ids"/>.</summary>
    public void Record(ReadOnlySpan<int> ids)
    {
        foreach (int id in ids) Mark(id);
    }

    /// <summary>Adds the marks of <paramref name="others"/>[1..count) to this set (buffer 0 receives their sums).</summary>
    public void Union(TouchedRows[] others, int count)
    {
        for (int i = 1; i < count; i++)
            foreach (int r in others[i]._rows) Mark(r);
    }

    private void Mark(int row)
    {
        if (_mark[row]) return;
        _mark[row] = true;
        _rows.Add(row);
    }
}
