using System.Buffers.Binary;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.FlashImage;

/// <summary>
/// The optional ATTENTION_SPAN section (docs/flash-image.md): u32 count (= num_heads), u32 reserved, then one u16
/// span per head of the shared layer, zero-padded to a multiple of 4 bytes. A query row i ≥ 1 of head h sees the keys
/// j with |i − j| &lt; span_h; [CLS]'s row sees every key; span 0 skips the head (its context is 0). The C loader's
/// rules (image_span.c) in C#.
/// </summary>
public static class AttentionSpanSection
{
    public static int Length(int heads) => AttentionSpanHeaderSize + Align(2 * heads, 4);

    public static byte[] Build(IReadOnlyList<int> spans)
    {
        var b = new byte[Length(spans.Count)];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)spans.Count);
        for (int h = 0; h < spans.Count; h++)
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(AttentionSpanHeaderSize + 2 * h), (ushort)spans[h]);
        return b;
    }

    /// <summary>The spans of a section, or the status and message of the first rule it breaks.</summary>
    public static (int[]? Spans, NiStatus Status, string Message) Parse(ReadOnlySpan<byte> s, ModelDims d)
    {
        if (s.Length < AttentionSpanHeaderSize) return (null, NiStatus.SectionFormat, "shorter than its header");
        if (BinaryPrimitives.ReadUInt32LittleEndian(s[4..]) != 0) return (null, NiStatus.Reserved, "reserved field not zero");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(s);
        if (count != (uint)d.NumHeads || s.Length != Length(d.NumHeads))
            return (null, NiStatus.AttentionSpan, $"{count} spans in {s.Length} bytes, MODEL has {d.NumHeads} heads");
        var spans = new int[count];
        for (int h = 0; h < count; h++)
        {
            spans[h] = BinaryPrimitives.ReadUInt16LittleEndian(s[(AttentionSpanHeaderSize + 2 * h)..]);
            if (spans[h] > d.MaxPositions) return (null, NiStatus.AttentionSpan, $"head {h} span {spans[h]} exceeds max_positions {d.MaxPositions}");
        }
        foreach (byte pad in s[(AttentionSpanHeaderSize + 2 * (int)count)..])
            if (pad != 0) return (null, NiStatus.Reserved, "padding not zero");
        if ((Schemes.Get(d.Scheme).Tables & QuantTables.Softmax) == 0) return (null, NiStatus.AttentionSpan, $"scheme {d.Scheme} has no softmax attention to cut");
        return (spans, NiStatus.Ok, "");
    }

    /// <summary>Throws the one-line error of <see cref="Parse"/> for spans held in memory (a model about to be written).</summary>
    public static void Validate(IReadOnlyList<int> spans, ModelDims d, string source)
    {
        if (spans.Any(s => s is < 0 or > ushort.MaxValue))
            throw FlashImageError.Create(NiStatus.AttentionSpan, $"{source}: ATTENTION_SPAN: a span outside 0..max_positions ({NiStatus.AttentionSpan.CName()})");
        var (_, st, msg) = Parse(Build(spans), d);
        if (st != NiStatus.Ok) throw FlashImageError.Create(st, $"{source}: ATTENTION_SPAN: {msg} ({st.CName()})");
    }
}
