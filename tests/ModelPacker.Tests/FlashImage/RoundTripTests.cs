using System.Buffers.Binary;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.Tests.FlashImage;

public class RoundTripTests
{
    [Fact]
    public void TinyRandomAlbertRoundTripsThroughWriterAndReader()
    {
        var content = TinyImages.RandomAlbert(seed: 3, boardId: 5);
        var image = ImageWriter.Build(content);
        var file = ImageReader.Read(image, "tiny.nimg");
        var back = file.Content;

        Assert.Equal(content.Dims, back.Dims);
        Assert.Equal(5u, back.BoardId);
        Assert.Equal(content.ArenaBytes, back.ArenaBytes);
        Assert.Equal(content.Tensors.Count, back.Tensors.Count);
        foreach (var (id, t) in content.Tensors)
        {
            var b = back.Tensor(id);
            Assert.Equal((t.Encoding, t.Rows, t.Cols), (b.Encoding, b.Rows, b.Cols));
            Assert.Equal(t.Data, b.Data);
            Assert.Equal(t.Params, b.Params);
        }
        Assert.Equal(content.QuantParams, back.QuantParams);
        Assert.Equal(content.Labels, back.Labels);
        Assert.Equal(content.Thresholds, back.Thresholds);
        Assert.Equal(content.VocabularySettings, back.VocabularySettings);
        Assert.Equal(content.Vocabulary, back.Vocabulary);
        Assert.Equal(content.TestVectors!.Count, back.TestVectors!.Count);
        for (int i = 0; i < content.TestVectors.Count; i++)
        {
            Assert.Equal(content.TestVectors[i].Tokens, back.TestVectors[i].Tokens);
            Assert.Equal(content.TestVectors[i].Logits, back.TestVectors[i].Logits);
            Assert.Equal(content.TestVectors[i].Entropies, back.TestVectors[i].Entropies);
        }
        Assert.Equal("Météo", back.Labels[2]);
        Assert.True(back.Normalizer!.SameAs(ModelPacker.Text.NormalizerTable.ForFlags(content.VocabularySettings.Flags)
            .PrunedFor(content.Vocabulary)));
    }

    [Fact]
    public void LayoutFollowsTheSpec()
    {
        var image = ImageWriter.Build(TinyImages.RandomAlbert());
        var file = ImageReader.Read(image, "tiny.nimg");
        Assert.Equal(Magic, BinaryPrimitives.ReadUInt32LittleEndian(image));
        Assert.Equal("NIFI"u8.ToArray(), image[..4]);
        Assert.Equal(Enumerable.Range(1, 10).Select(k => (SectionKind)k), file.Sections.Select(s => s.Kind));
        Assert.All(file.Sections, s => Assert.Equal(0, s.Offset % SectionAlign));
        Assert.Equal(file.Sections[0].Offset, Align(HeaderSize + 10 * SectionEntrySize, SectionAlign));
        for (int i = 1; i < file.Sections.Count; i++)
            Assert.Equal(Align(file.Sections[i - 1].Offset + file.Sections[i - 1].Length, SectionAlign), file.Sections[i].Offset);
        Assert.Equal(image.Length, file.Sections[^1].Offset + file.Sections[^1].Length);
        Assert.All(file.Placements, p => Assert.Equal(0, p.DataOffset % TensorDataAlign));
        // vocabulary sorted by UTF-8 bytes, the order the C binary search uses
        var bytes = file.Content.Vocabulary.Select(v => System.Text.Encoding.UTF8.GetBytes(v)).ToList();
        for (int i = 1; i < bytes.Count; i++) Assert.True(bytes[i - 1].AsSpan().SequenceCompareTo(bytes[i]) < 0);
        Assert.Equal("über", file.Content.Vocabulary[^1]); // 0xC3 sorts after every ASCII token
        // front coded: block offsets, then each string as its lengths byte (escapes for 15 and more) and suffix
        var voc = file.Sections.Single(s => s.Kind == SectionKind.Vocabulary);
        var sec = image.AsSpan(voc.Offset, voc.Length);
        int blocks = (bytes.Count + VocabBlockEntries - 1) / VocabBlockEntries, pos = VocabHeaderSize + blocks * VocabBlockOffsetSize;
        for (int i = 0; i < bytes.Count; i++)
        {
            int p = i % VocabBlockEntries == 0 ? 0 : bytes[i].AsSpan().CommonPrefixLength(bytes[i - 1]), n = bytes[i].Length - p;
            if (i % VocabBlockEntries == 0) Assert.Equal((uint)pos, BinaryPrimitives.ReadUInt32LittleEndian(sec[(VocabHeaderSize + i / VocabBlockEntries * 4)..]));
            Assert.Equal(Math.Min(p, 15) << 4 | Math.Min(n, 15), sec[pos++]);
            if (p >= 15) Assert.Equal(p, sec[pos++]);
            if (n >= 15) Assert.Equal(n, sec[pos++]);
            Assert.True(sec.Slice(pos, n).SequenceEqual(bytes[i].AsSpan(p)));
            pos += n;
        }
        Assert.Equal(voc.Length, pos);
        Assert.Contains(bytes, b => b.Length >= 15); // the escapes are exercised
        Assert.Contains(bytes.Zip(bytes.Skip(1)), x => x.First.AsSpan().CommonPrefixLength(x.Second) >= 15);
    }

    [Fact]
    public void BuildIsDeterministicAndChecksumsMatchIndependentComputations()
    {
        var a = ImageWriter.Build(TinyImages.RandomAlbert(seed: 11));
        var b = ImageWriter.Build(TinyImages.RandomAlbert(seed: 11));
        Assert.Equal(a, b);
        var copy = (byte[])a.Clone();
        copy.AsSpan(HdrSha256, 32).Clear();
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(copy), a[HdrSha256..(HdrSha256 + 32)]);
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0x414FA339u, Crc32.Compute("The quick brown fox jumps over the lazy dog"u8));
    }

    [Fact]
    public void ImageWithoutTestVectorsHasNineSections()
    {
        var file = ImageReader.Read(ImageWriter.Build(TinyImages.RandomAlbert(testVectors: false)), "x");
        Assert.Equal(9, file.Sections.Count);
        Assert.DoesNotContain(file.Sections, s => s.Kind == SectionKind.TestVectors);
        Assert.Null(file.Content.TestVectors);
    }

    [Fact]
    public void WriteIsAtomicAndRefusesInvalidContent()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ni-write-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "model.nimg");
            var image = ImageWriter.Write(TinyImages.RandomAlbert(), path);
            Assert.Equal(image, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir));

            var bad = TinyImages.RandomAlbert();
            var badContent = new ImageContent
            {
                Dims = bad.Dims, Tensors = bad.Tensors, QuantParams = bad.QuantParams, Vocabulary = bad.Vocabulary,
                VocabularySettings = bad.VocabularySettings, Labels = ["only", "two"], Thresholds = bad.Thresholds,
            };
            var other = Path.Combine(dir, "bad.nimg");
            var ex = Assert.Throws<InvalidDataException>(() => ImageWriter.Write(badContent, other));
            Assert.Equal(NiStatus.Labels, FlashImageError.StatusOf(ex));
            Assert.DoesNotContain('\n', ex.Message);
            Assert.False(File.Exists(other));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void WriterRejectsTensorsOutsideTheModel()
    {
        var c = TinyImages.RandomAlbert();
        var extra = c.Tensors.Append(new ImageTensor(FlashImageFormat.ExitTensor(5, ExitPart.Pooler), new EncodedTensor(TensorEncoding.Int8Row, 8, 8, new byte[64], new byte[96]))).ToList();
        var bad = new ImageContent
        {
            Dims = c.Dims, Tensors = extra, QuantParams = c.QuantParams, Vocabulary = c.Vocabulary,
            VocabularySettings = c.VocabularySettings, Labels = c.Labels, Thresholds = c.Thresholds,
        };
        var ex = Assert.Throws<InvalidDataException>(() => ImageWriter.Build(bad));
        Assert.Contains("Exit5.Pooler", ex.Message);
    }
}
