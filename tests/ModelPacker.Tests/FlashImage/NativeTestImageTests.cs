using ModelPacker.FlashImage;

namespace ModelPacker.Tests.FlashImage;

/// <summary>
/// Writes images for the C loader's ctest image_csharp_images into native-kernels/build/test-images (or
/// $NANO_INTENT_TEST_IMAGES): valid ones (tiny ALBERTs with random weights, int8, W1A1, af8, int4 and int8-sparse) must load in C, and
/// $NANO_INTENT_TEST_IMAGES): valid ones (tiny ALBERTs with random weights, int8, W1A1, af8, int4 and int8-2of4) must load in C, and
/// bad-&lt;STATUS&gt;-&lt;case&gt;.nimg must fail in C with exactly the status the C# reader gives here.
/// </summary>
public class NativeTestImageTests
{
    public static string Directory() =>
        Environment.GetEnvironmentVariable("NANO_INTENT_TEST_IMAGES") is { Length: > 0 } d
            ? d : Path.Combine(TinyImages.RepoRoot(), "native-kernels", "build", "test-images");

    [Fact]
    public void WritesValidAndCorruptImagesForTheCLoader()
    {
        var dir = Directory();
        System.IO.Directory.CreateDirectory(dir);
        foreach (var old in System.IO.Directory.GetFiles(dir, "*.nimg")) File.Delete(old);

        var valid = new Dictionary<string, ImageContent>
        {
            ["tiny-random-albert.nimg"] = TinyImages.RandomAlbert(seed: 1),
            ["tiny-random-albert-no-test-vectors.nimg"] = TinyImages.RandomAlbert(seed: 2, testVectors: false),
            ["four-layers-board-3.nimg"] = TinyImages.RandomAlbert(seed: 4, config: TinyImages.TinyConfig(layers: 4, labels: 7), boardId: 3),
            ["tiny-random-w1a1.nimg"] = TinyImages.Random(SchemeId.W1A1),
            ["tiny-random-af8.nimg"] = TinyImages.Random(SchemeId.Af8),
            ["tiny-random-gobo3.nimg"] = TinyImages.Random(SchemeId.Gobo3),
            ["tiny-random-span.nimg"] = TinyImages.WithSpans(),
            ["tiny-random-int4.nimg"] = TinyImages.Random(SchemeId.Int4),
            ["tiny-random-ipq.nimg"] = TinyImages.Random(SchemeId.Ipq),
            ["tiny-random-int8-sparse.nimg"] = TinyImages.Random(SchemeId.Int8Sparse),
            ["tiny-random-2of4.nimg"] = TinyImages.Random(SchemeId.Int8_2of4),
        };
        foreach (var (name, content) in valid)
        {
            var image = ImageWriter.Write(content, Path.Combine(dir, name));
            Assert.Equal(content.Dims, ImageReader.Read(image, name).Content.Dims);
        }

        int bad = 0;
        foreach (var (name, change, want, scheme) in ImageTamper.Cases())
        {
            var t = new ImageTamper(ImageWriter.Build(TinyImages.TamperBase(name, scheme)));
            change(t);
            var image = t.Fixed();
            var ex = Assert.Throws<InvalidDataException>(() => ImageReader.Read(image, name));
            Assert.Equal(want, FlashImageError.StatusOf(ex));
            File.WriteAllBytes(Path.Combine(dir, $"bad-{want.CName()}-{name}.nimg"), image);
            bad++;
        }
        // checksum failures too: a flipped bit in a section and in the hash
        var flip = ImageWriter.Build(TinyImages.RandomAlbert(seed: 1));
        var vocab = ImageReader.Read(flip, "x").Sections.Single(s => s.Kind == SectionKind.Vocabulary);
        flip[vocab.Offset + 40] ^= 0x10;
        File.WriteAllBytes(Path.Combine(dir, "bad-NI_ERR_SECTION_CRC-vocabulary-bit.nimg"), flip);
        var hash = ImageWriter.Build(TinyImages.RandomAlbert(seed: 1));
        hash[FlashImageFormat.HdrSha256 + 7] ^= 1;
        File.WriteAllBytes(Path.Combine(dir, "bad-NI_ERR_IMAGE_HASH-sha-bit.nimg"), hash);
        var truncated = ImageWriter.Build(TinyImages.RandomAlbert(seed: 1));
        File.WriteAllBytes(Path.Combine(dir, "bad-NI_ERR_TRUNCATED-half.nimg"), truncated[..(truncated.Length / 2)]);
        Assert.True(bad > 60);
    }
}
