using System.Buffers.Binary;
using System.Text;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.FlashImage;

/// <summary>
/// The VOCABULARY section's strings (docs/flash-image.md): sorted strictly ascending by UTF-8 bytes, a string's token
/// id its rank, front coded in blocks of <see cref="FlashImageFormat.VocabBlockEntries"/> (a block's first string
/// whole, each next one as the length of the prefix it shares with the previous string and the rest).
/// <see cref="ImageReader"/> decodes and validates it with the loader's rules.
/// </summary>
public static class VocabularySection
{
    /// <summary>The image's order of a vocabulary: order[rank] = the index of the string that has that rank.</summary>
    public static int[] ImageOrder(IReadOnlyList<string> tokens)
    {
        var bytes = tokens.Select(t => Encoding.UTF8.GetBytes(t)).ToArray();
        var order = Enumerable.Range(0, tokens.Count).ToArray();
        Array.Sort(order, (x, y) => ImageWriter.CompareUtf8(bytes[x], bytes[y]));
        return order;
    }

    /// <summary>The section bytes of <paramref name="strings"/> in the order given (the writer's caller keeps them
    /// ascending; the read-back rejects any other order).</summary>
    public static byte[] Build(IReadOnlyList<string> strings, VocabularySettings st)
    {
        int blocks = (strings.Count + VocabBlockEntries - 1) / VocabBlockEntries;
        var body = new MemoryStream();
        var offsets = new int[blocks];
        int tableEnd = VocabHeaderSize + blocks * VocabBlockOffsetSize;
        byte[] prev = [];
        for (int i = 0; i < strings.Count; i++)
        {
            var cur = Encoding.UTF8.GetBytes(strings[i]);
            if (cur.Length is 0 or > VocabMaxTokenBytes)
                throw new InvalidDataException($"vocabulary: token '{strings[i]}' must be 1..{VocabMaxTokenBytes} UTF-8 bytes");
            int p = 0;
            if (i % VocabBlockEntries == 0) offsets[i / VocabBlockEntries] = tableEnd + (int)body.Length;
            else p = cur.AsSpan().CommonPrefixLength(prev);
            int n = cur.Length - p;
            body.WriteByte((byte)(Math.Min(p, VocabLengthEscape) << 4 | Math.Min(n, VocabLengthEscape)));
            if (p >= VocabLengthEscape) body.WriteByte((byte)p);
            if (n >= VocabLengthEscape) body.WriteByte((byte)n);
            body.Write(cur, p, n);
            prev = cur;
        }
        var b = new byte[tableEnd + body.Length];
        var s = b.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s[VocCount..], (uint)strings.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(s[VocPadId..], st.PadId);
        BinaryPrimitives.WriteUInt16LittleEndian(s[VocUnkId..], st.UnkId);
        BinaryPrimitives.WriteUInt16LittleEndian(s[VocClsId..], st.ClsId);
        BinaryPrimitives.WriteUInt16LittleEndian(s[VocSepId..], st.SepId);
        BinaryPrimitives.WriteUInt16LittleEndian(s[VocMaskId..], st.MaskId);
        BinaryPrimitives.WriteUInt16LittleEndian(s[VocMaxWordChars..], st.MaxWordChars);
        BinaryPrimitives.WriteUInt32LittleEndian(s[VocFlags..], st.Flags);
        for (int k = 0; k < blocks; k++)
            BinaryPrimitives.WriteUInt32LittleEndian(s[(VocabHeaderSize + k * VocabBlockOffsetSize)..], (uint)offsets[k]);
        body.ToArray().CopyTo(s[tableEnd..]);
        return b;
    }
}
