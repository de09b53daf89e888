using ModelPacker.Cli;
using ModelPacker.FlashImage;

namespace ModelPacker.Tests.FlashImage;

public class InspectCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CommandTree.Run(args, CliEnvironment.ForWriters(o, e));
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void PrintsHeaderSectionsTensorsLabelsAndThresholds()
    {
        var dir = Directory.CreateTempSubdirectory("ni-inspect-");
        try
        {
            var path = Path.Combine(dir.FullName, "tiny.nimg");
            var image = ImageWriter.Write(TinyImages.RandomAlbert(boardId: 9), path);
            var (code, output, err) = Run("inspect", path);
            Assert.Equal(0, code);
            Assert.Equal("", err);
            Assert.Contains($"NIFI version {FlashImageFormat.FormatVersion}, {image.Length:N0} bytes, valid", output);
            var ids = TinyImages.Settings(40);
            Assert.Contains($"Vocabulary: 40 strings, token id = rank in UTF-8 byte order, front coded; pad [PAD] ({ids.PadId}), unk [UNK] ({ids.UnkId})", output);
            Assert.Contains("Board id", output);
            foreach (var s in new[] { "EMBEDDINGS", "MODEL", "LAYER", "EXIT_HEADS", "QUANT_PARAMS", "VOCABULARY", "LABELS", "THRESHOLDS", "TEST_VECTORS" })
                Assert.Contains(s, output);
            foreach (var t in new[] { "WordEmbeddings", "FfnOutput", "Exit0.Pooler", "Exit1.Classifier", "[40, 8]", "int8_row", "Weight bytes by section and encoding" })
                Assert.Contains(t, output);
            Assert.Contains("Météo", output);
            Assert.Contains("0.3052", output); // 20000 / 65536
            Assert.Contains("Test vectors: 3 utterances", output);
            Assert.Contains("expected logits, entropies and answers at each of 2 layers", output);
            Assert.Contains("Unknown when: entropy > 0.9000 nats, or the label 'Météo'", output); // TinyImages.Rejection
            var n = ImageReader.Read(image, path).Content.Normalizer!;
            Assert.Contains($"Normalizer: {n.RangeCount:N0} ranges, {n.MapCount:N0} mappings, {n.PoolCount:N0} pool code points ({n.ByteLength:N0} bytes)", output);
            Assert.Contains("V=40 E=8 H=8 heads=2 I=16 L=2 P=8 C=3, GeluTanh, scheme int8", output);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void CorruptImageIsOneLineNamingTheSectionAndStatus()
    {
        var dir = Directory.CreateTempSubdirectory("ni-inspect-");
        try
        {
            var image = ImageWriter.Build(TinyImages.RandomAlbert());
            var t = new ImageTamper(image);
            t.W32(t.Sec(SectionKind.Labels), 2);
            var path = Path.Combine(dir.FullName, "bad.nimg");
            File.WriteAllBytes(path, t.Fixed());
            var (code, output, err) = Run("inspect", path);
            Assert.Equal(ExitCodes.Failure, code);
            Assert.Equal("", output);
            Assert.Equal($"error: {path}: LABELS: 2 labels, MODEL says 3 (NI_ERR_LABELS)", err.TrimEnd());
            Assert.Equal(ExitCodes.Usage, Run("inspect", Path.Combine(dir.FullName, "missing.nimg")).Code);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
