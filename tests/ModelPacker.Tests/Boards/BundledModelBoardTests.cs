using ModelPacker.Boards;
using ModelPacker.IntegerRuntime;
using ModelPacker.Tests.Cli;

namespace ModelPacker.Tests.Boards;

/// <summary>
/// The bundled models (models/) packed against the repository's own board profiles (boards/): the SNIPS image goes
/// onto the ESP32-WROVER's model partition, the CLINC150 image fits the STM32F769I-DISCO's Quad-SPI region, and a
/// board too small for it (the netduinoplus2 machine's 1 MB of internal flash) refuses it with both sizes and no file
/// written (the CLINC150 image with 64 test vectors). Few calibration utterances and no test vectors keep the other
/// packs quick; the sizes compared are those of the very images pack writes.
/// </summary>
public class BundledModelBoardTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("nano-intent-boards-").FullName;
    private static readonly string BoardsDir = Path.Combine(TestPaths.RepoRoot, "boards");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static CliRun Pack(string model, string output, params string[] extra) => PackWith(model, output, "0", extra);

    private static CliRun PackWith(string model, string output, string testVectors, params string[] extra) =>
        CliRun.Of(["pack", "--model", Path.Combine(TestPaths.RepoRoot, "models", model), "--scheme", "int8",
                   "--calibration-data", TestPaths.Dataset(model), "--calibration-utterances", "100", "--test-vectors", testVectors,
                   "--boards-dir", BoardsDir, "--out", output, .. extra]);

    [Fact]
    public void SnipsImageFitsTheEsp32WroverModelPartition()
    {
        var wrover = BoardProfile.Load("esp32-wrover", BoardsDir);
        string path = Path.Combine(dir, "snips.nimg");
        var run = Pack("snips", path, "--board", "esp32-wrover");
        Assert.True(run.ExitCode == 0, run.Error);
        var image = IntegerImage.Read(path);
        Assert.Equal(wrover.Id, image.BoardId);
        Assert.InRange(new FileInfo(path).Length, 1, wrover.FlashBudgetBytes);
        Assert.InRange(image.Model.ArenaBytes, 1, wrover.RamBudgetBytes);
    }

    [Fact]
    public void Clinc150ImageFitsTheStm32f769QspiRegionAndIsRefusedByASmallerBoardWithBothSizesAndNoFile()
    {
        var disco = BoardProfile.Load("stm32f769i-disco", BoardsDir);
        var small = BoardProfile.Load("qemu-netduinoplus2", BoardsDir);
        // With 64 test vectors (about 160 KB for 151 labels): without them the image (979,184 bytes) fits the
        // netduinoplus2's 983,040 bytes.
        string unbound = Path.Combine(dir, "clinc150.nimg");
        var fits = PackWith("clinc150", unbound, "64");
        Assert.True(fits.ExitCode == 0, fits.Error);
        long bytes = new FileInfo(unbound).Length;
        Assert.InRange(bytes, 1, disco.FlashBudgetBytes);
        Assert.True(bytes > small.FlashBudgetBytes, $"the CLINC150 image ({bytes} bytes) now fits {small.Name}; pick a smaller board for this test");

        string refused = Path.Combine(dir, "clinc150-small.nimg");
        var run = PackWith("clinc150", refused, "64", "--board", small.Name);
        Assert.Equal(1, run.ExitCode);
        string error = Assert.Single(run.ErrorLines); // one line, nothing else on stderr
        Assert.StartsWith(FormattableString.Invariant(
            $"error: image of {bytes:N0} bytes does not fit board {small.Name}: its flash budget is {small.FlashBudgetBytes:N0} bytes"), error);
        Assert.False(File.Exists(refused));
    }
}
