using ModelPacker.FlashImage;
using ModelPacker.Model;
using ModelPacker.Tests.FlashImage;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace NanoIntent.Tests;

/// <summary>
/// Every way an open can fail ends in one NanoIntentException whose message names the loader's status, and leaves
/// nothing open: the bundled image opens right afterwards.
/// </summary>
[Collection(NativeSessionCollection.Name)]
public sealed class ErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nano-intent-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MissingFile() => AssertOpenFails(() => IntentClassifier.OpenFile(Path.Combine(_dir, "missing.nimg")), "NI_ERR_PARTITION");

    [Fact]
    public void PartitionWithoutNanoIntentModel()
    {
        TestImages.SetModelEnvironment(null);
        AssertOpenFails(() => IntentClassifier.OpenPartition("model"), "NI_ERR_PARTITION");
    }

    [Fact]
    public void BitFlipInTheLayerSection()
    {
        var t = new ImageTamper(File.ReadAllBytes(TestImages.Default));
        t.Image[t.Sec(SectionKind.Layer) + t.SecLen(SectionKind.Layer) / 2] ^= 0x10;
        AssertFileFails(t.Image, "NI_ERR_SECTION_CRC");
    }

    [Fact]
    public void Truncated()
    {
        byte[] image = File.ReadAllBytes(TestImages.Default);
        AssertFileFails(image.AsSpan(0, image.Length - 4096).ToArray(), "NI_ERR_TRUNCATED");
    }

    [Fact]
    public void WrongVersion()
    {
        var t = new ImageTamper(File.ReadAllBytes(TestImages.Default));
        t.W16(HdrVersion, (uint)t.U16(HdrVersion) + 1);
        AssertFileFails(t.Fixed(), "NI_ERR_VERSION");
    }

    /// <summary>A valid image whose arena (4 x max positions x hidden) is larger than the host build's static arena.</summary>
    [Fact]
    public void ArenaLargerThanTheNativeCapacity()
    {
        int capacity;
        using (var c = IntentClassifier.OpenFile(TestImages.Default)) capacity = c.Info.ArenaCapacity;
        var config = TinyImages.TinyConfig();
        config = new AlbertConfig
        {
            VocabSize = config.VocabSize, EmbeddingSize = 8, NumAttentionHeads = 2, IntermediateSize = 16, NumHiddenLayers = 1,
            Labels = config.Labels, MaxPositionEmbeddings = 512, HiddenSize = 4 * ((capacity / (4 * 512) + 4) / 4 + 1),
        };
        byte[] image = ImageWriter.Build(TinyImages.RandomAlbert(seed: 3, config: config, testVectors: false));
        AssertFileFails(image, "NI_ERR_ARENA_CAPACITY");
    }

    private void AssertFileFails(byte[] image, string status)
    {
        string path = Path.Combine(_dir, status + ".nimg");
        File.WriteAllBytes(path, image);
        AssertOpenFails(() => IntentClassifier.OpenFile(path), status);
    }

    private static void AssertOpenFails(Func<IntentClassifier> open, string status)
    {
        var e = Assert.Throws<NanoIntentException>(() => open().Dispose());
        Assert.Equal(status, e.StatusName);
        Assert.Contains(status, e.Message);
        Assert.True(e.Status < 0, $"status {e.Status}");
        using var fresh = IntentClassifier.OpenFile(TestImages.Default);
        Assert.False(string.IsNullOrEmpty(fresh.Classify("play some music").Intent));
    }
}
