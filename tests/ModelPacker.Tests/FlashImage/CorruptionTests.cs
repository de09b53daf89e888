using ModelPacker.FlashImage;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.Tests.FlashImage;

/// <summary>The reader rejects truncated, bit-flipped and tampered images with the C loader's status.</summary>
public class CorruptionTests
{
    private static NiStatus StatusOf(byte[] image)
    {
        try
        {
            ImageReader.Read(image, "t.nimg");
            return NiStatus.Ok;
        }
        catch (InvalidDataException e)
        {
            Assert.DoesNotContain('\n', e.Message);
            Assert.StartsWith("t.nimg: ", e.Message);
            return FlashImageError.StatusOf(e) ?? throw new Xunit.Sdk.XunitException("no status: " + e.Message);
        }
    }

    [Fact]
    public void EveryPrefixIsTruncatedAndExtraBytesAreLength()
    {
        var image = ImageWriter.Build(TinyImages.RandomAlbert());
        for (int n = 0; n < image.Length; n++) Assert.Equal(NiStatus.Truncated, StatusOf(image[..n]));
        Assert.Equal(NiStatus.Length, StatusOf([.. image, 0]));
    }

    [Fact]
    public void BitFlipsAreNamedByWhatTheyHit()
    {
        var image = ImageWriter.Build(TinyImages.RandomAlbert());
        var file = ImageReader.Read(image, "t.nimg");
        int tableEnd = HeaderSize + file.Sections.Count * SectionEntrySize;
        var hitSections = new HashSet<SectionKind>();
        for (int at = 0; at < image.Length; at++)
        {
            int bit = at % 8;
            var section = file.Sections.FirstOrDefault(s => at >= s.Offset && at < s.Offset + s.Length);
            // The NORMALIZER (~10 KB of generated table) is sampled: its first 256 bytes, then every 37th.
            if (section?.Kind == SectionKind.Normalizer && at - section.Offset >= 256 && at % 37 != 0) continue;
            image[at] ^= (byte)(1 << bit);
            NiStatus want =
                at < 4 ? NiStatus.BadMagic : at < 6 ? NiStatus.Version : at < 8 ? NiStatus.HeaderSize :
                at is >= HdrTotalLength and < HdrTotalLength + 4 ? (BitConverter.ToUInt32(image, HdrTotalLength) > image.Length ? NiStatus.Truncated : NiStatus.Length) :
                at is >= HdrSectionCount and < HdrSectionCount + 2 ? (BitConverter.ToUInt16(image, HdrSectionCount) is 0 or > MaxSections ? NiStatus.SectionCount : NiStatus.HeaderCrc) :
                at is >= HdrSectionEntrySize and < HdrSectionEntrySize + 2 ? NiStatus.SectionCount :
                at is >= HdrSha256 and < HdrSha256 + 32 ? NiStatus.ImageHash :
                at < tableEnd ? NiStatus.HeaderCrc :
                section != null ? NiStatus.SectionCrc : NiStatus.ImageHash;
            Assert.True(want == StatusOf(image), $"bit {bit} of byte {at}: want {want}, got {StatusOf(image)}");
            if (section != null) hitSections.Add(section.Kind);
            image[at] ^= (byte)(1 << bit);
        }
        Assert.Equal(10, hitSections.Count); // every section was hit
        Assert.Equal(NiStatus.Ok, StatusOf(image));
    }

    public static IEnumerable<object[]> TamperCases() => ImageTamper.Cases().Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(TamperCases))]
    public void TamperingBehindValidChecksumsIsCaughtStructurally(string name)
    {
        var c = ImageTamper.Cases().Single(x => x.Name == name);
        var t = new ImageTamper(ImageWriter.Build(TinyImages.TamperBase(c.Name, c.Scheme)));
        c.Change(t);
        Assert.Equal(c.Want, StatusOf(t.Fixed()));
    }

    [Fact]
    public void MessagesNameTheSectionOrTensor()
    {
        var t = new ImageTamper(ImageWriter.Build(TinyImages.RandomAlbert()));
        t.Add32(t.Tensor(SectionKind.Layer, 4) + TenRows, 1);
        var ex = Assert.Throws<InvalidDataException>(() => ImageReader.Read(t.Fixed(), "m.nimg"));
        Assert.Equal("m.nimg: LAYER tensor Ffn (entry 4): shape [17, 8], the MODEL dims demand [16, 8] (NI_ERR_TENSOR_SHAPE)", ex.Message);
        var t2 = new ImageTamper(ImageWriter.Build(TinyImages.RandomAlbert()));
        t2.Image[t2.Sec(SectionKind.Labels) + 3] ^= 1;
        var ex2 = Assert.Throws<InvalidDataException>(() => ImageReader.Read(t2.Image, "m.nimg"));
        Assert.StartsWith("m.nimg: LABELS: CRC-32", ex2.Message);
        Assert.EndsWith("(NI_ERR_SECTION_CRC)", ex2.Message);
    }
}
