using System.Text;
using ModelPacker.Data;

namespace ModelPacker.Text;

/// <summary>
/// A WordPiece vocabulary in BERT's vocab.txt format: one token per line, id = 0-based line number. Continuation
/// pieces start with "##". The five special tokens are found by name, wherever they are, unless an image's header
/// gives their ids (<see cref="FromTokens"/>).
/// </summary>
public sealed class Vocabulary
{
    public const string Pad = "[PAD]", Unk = "[UNK]", Cls = "[CLS]", Sep = "[SEP]", Mask = "[MASK]";
    public const string ContinuationPrefix = "##";

    /// <summary>The special tokens in the order <see cref="WordPieceTrainer"/> puts them first.</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = [Pad, Unk, Cls, Sep, Mask];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _wordStart;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuation; // keyed without "##"

    private Vocabulary(string[] tokens, string source, SpecialIds? given = null)
    {
        _tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        var continuation = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            string t = tokens[i];
            if (!_ids.TryAdd(t, i)) throw Error(source, i, $"duplicate token '{t}' (first at id {_ids[t]})");
            if (t.StartsWith(ContinuationPrefix, StringComparison.Ordinal) && t.Length > ContinuationPrefix.Length)
                continuation[t[ContinuationPrefix.Length..]] = i;
        }
        _wordStart = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuation = continuation.GetAlternateLookup<ReadOnlySpan<char>>();

        if (given is { } g)
        {
            foreach (int id in (int[])[g.Pad, g.Unk, g.Cls, g.Sep, g.Mask])
                if ((uint)id >= (uint)tokens.Length) throw Error(source, -1, $"special token id {id} outside the {tokens.Length} tokens");
            (PadId, UnkId, ClsId, SepId, MaskId) = (g.Pad, g.Unk, g.Cls, g.Sep, g.Mask);
            return;
        }
        PadId = Special(Pad, source);
        UnkId = Special(Unk, source);
        ClsId = Special(Cls, source);
        SepId = Special(Sep, source);
        MaskId = Special(Mask, source);
    }

    /// <summary>The five special tokens' ids, as an image's VOCABULARY header states them.</summary>
    public readonly record struct SpecialIds(int Pad, int Unk, int Cls, int Sep, int Mask);

    public SpecialIds Specials => new(PadId, UnkId, ClsId, SepId, MaskId);

    private int Special(string token, string source) =>
        _ids.TryGetValue(token, out int id) ? id : throw Error(source, -1, $"missing special token {token}");

    // A vocabulary read from a file names file and line; one built in memory names the token position.
    private static Exception Error(string source, int id, string problem) =>
        source.Length > 0 ? new DataFormatException(source, id + 1, problem)
                          : new ArgumentException(id >= 0 ? $"vocabulary token {id}: {problem}" : $"vocabulary: {problem}");

    public int Count => _tokens.Length;
    public string this[int id] => _tokens[id];
    public IReadOnlyList<string> Tokens => _tokens;

    public int PadId { get; }
    public int UnkId { get; }
    public int ClsId { get; }
    public int SepId { get; }
    public int MaskId { get; }

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>Looks up a word-initial piece (no "##").</summary>
    internal bool TryGetWordStartId(ReadOnlySpan<char> piece, out int id) => _wordStart.TryGetValue(piece, out id);

    /// <summary>Looks up a continuation piece given WITHOUT its "##" prefix.</summary>
    internal bool TryGetContinuationId(ReadOnlySpan<char> piece, out int id) => _continuation.TryGetValue(piece, out id);

    /// <summary>A vocabulary built in memory; the special tokens are found by name unless <paramref name="specials"/>
    /// gives their ids (an image's header does: the device uses those, whatever strings they name).</summary>
    public static Vocabulary FromTokens(IEnumerable<string> tokens, SpecialIds? specials = null)
    {
        var array = tokens.ToArray();
        for (int i = 0; i < array.Length; i++)
        {
            if (string.IsNullOrEmpty(array[i])) throw new ArgumentException($"vocabulary token {i}: empty token");
            if (array[i].AsSpan().IndexOfAny('\n', '\r') >= 0)
                throw new ArgumentException($"vocabulary token {i}: contains a line break");
        }
        return new Vocabulary(array, "", specials);
    }

    /// <summary>Reads vocab.txt (UTF-8, LF or CRLF). An empty line or a duplicate token is an error.</summary>
    public static Vocabulary Load(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "no such file");
        string text = File.ReadAllText(path, Encoding.UTF8);
        var lines = text.Split('\n');
        int count = lines.Length;
        if (count > 0 && lines[^1].Length == 0) count--; // final line break
        var tokens = new string[count];
        for (int i = 0; i < count; i++)
        {
            string t = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            if (t.Length == 0) throw new DataFormatException(path, i + 1, "empty token");
            tokens[i] = t;
        }
        if (count == 0) throw new DataFormatException(path, "empty vocabulary");
        return new Vocabulary(tokens, path);
    }

    /// <summary>Writes vocab.txt (UTF-8 without BOM, LF) to a temporary file, then renames it into place.</summary>
    public void Save(string path) => ModelPacker.IO.AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var t in _tokens) writer.WriteLine(t);
    });
}
