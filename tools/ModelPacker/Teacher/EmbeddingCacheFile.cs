using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using ModelPacker.FlashImage;
using ModelPacker.IO;

namespace ModelPacker.Teacher;

/// <summary>
/// The on-disk form of the embedding cache, one file per encoder. Little-endian:
/// <code>
/// "NIEMBC01"                      8-byte magic
/// u32 n, n bytes                  encoder id (UTF-8)
/// u32 dimension, u32 count
/// count × (u32 n, n bytes text, dimension × f32)
/// u32 CRC-32 of every byte before it
/// </code>
/// A file that fails any check (magic, lengths, duplicate text, another encoder or dimension, checksum) is an error
/// naming the file, not silently rebuilt: the file is only ever replaced by a rename, so damage means a disk problem
/// or a foreign file, and re-encoding quietly would hide it (and cost minutes). Deleting the file rebuilds it.
/// </summary>
public static class EmbeddingCacheFile
{
    private static readonly byte[] Magic = "NIEMBC01"u8.ToArray();

    /// <summary>Cache file for <paramref name="encoderId"/> in <paramref name="directory"/>: a readable slug plus a
    /// hash of the whole id, so two encoders (or two versions of one package) never share a file.</summary>
    public static string PathFor(string directory, string encoderId)
    {
        var slug = new StringBuilder();
        foreach (char c in encoderId)
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
        uint hash = Crc32.Compute(Encoding.UTF8.GetBytes(encoderId));
        return Path.Combine(directory, $"{slug.ToString().Trim('_')}-{hash:x8}.embcache");
    }

    public static void Write(string path, string encoderId, int dimension, IReadOnlyDictionary<string, float[]> vectors)
    {
        using var buffer = new MemoryStream();
        var writer = new BinaryWriter(buffer);
        writer.Write(Magic);
        WriteString(writer, encoderId);
        writer.Write((uint)dimension);
        writer.Write((uint)vectors.Count);
        // Ordinal order makes the file a function of its contents, whatever order texts were added in.
        foreach (var (text, vector) in vectors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (vector.Length != dimension) throw new ArgumentException($"embedding of length {vector.Length}, expected {dimension}");
            WriteString(writer, text);
            writer.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        writer.Flush();
        uint crc = Crc32.Compute(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        writer.Write(crc);
        writer.Flush();
        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>Reads and checks a cache file written for <paramref name="encoderId"/>; any problem is an
    /// <see cref="InvalidDataException"/> whose one-line message names the file.</summary>
    public static Dictionary<string, float[]> Read(string path, string encoderId, int dimension)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var reader = new Reader(bytes, path);
        if (bytes.Length < Magic.Length + 4 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw reader.Corrupt("not an embedding cache (bad magic)");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        if (Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)) != stored) throw reader.Corrupt("checksum mismatch");
        reader.Skip(Magic.Length);
        string id = reader.String();
        if (id != encoderId) throw reader.Corrupt($"written by encoder '{id}', expected '{encoderId}'");
        uint dim = reader.UInt32();
        if (dim != dimension) throw reader.Corrupt($"embeddings of dimension {dim}, expected {dimension}");
        uint count = reader.UInt32();
        var vectors = new Dictionary<string, float[]>((int)Math.Min(count, 1_000_000), StringComparer.Ordinal);
        for (uint i = 0; i < count; i++)
        {
            string text = reader.String();
            var vector = MemoryMarshal.Cast<byte, float>(reader.Bytes(dimension * 4)).ToArray();
            if (!vectors.TryAdd(text, vector)) throw reader.Corrupt($"entry {i} repeats a text");
        }
        if (reader.Remaining != 4) throw reader.Corrupt($"{reader.Remaining - 4} bytes after the last entry");
        return vectors;
    }

    private static void WriteString(BinaryWriter writer, string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        writer.Write((uint)utf8.Length);
        writer.Write(utf8);
    }

    /// <summary>Bounds-checked cursor over the file (the checksum trailer excluded).</summary>
    private sealed class Reader(byte[] bytes, string path)
    {
        private int _offset;
        private readonly int _end = bytes.Length - 4;

        public int Remaining => bytes.Length - _offset;

        public void Skip(int n) => Bytes(n);

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

        public string String()
        {
            uint n = UInt32();
            if (n > int.MaxValue) throw Corrupt($"string length {n} at byte {_offset - 4}");
            return Encoding.UTF8.GetString(Bytes((int)n));
        }

        public ReadOnlySpan<byte> Bytes(int n)
        {
            if (n < 0 || n > _end - _offset) throw Corrupt($"truncated at byte {_offset}");
            var span = bytes.AsSpan(_offset, n);
            _offset += n;
            return span;
        }

        public InvalidDataException Corrupt(string problem) =>
            new($"{path}: corrupt embedding cache: {problem}; delete the file to re-encode");
    }
}
