using System.Diagnostics;

namespace NanoIntent.Tests;

/// <summary>The committed images are exactly what their scripts pack from the committed models: the default int8 image
/// (scripts/pack-default-image.sh) and the W1A1 image (scripts/pack-w1a1-image.sh).</summary>
public sealed class DefaultImageTests
{
    [Theory]
    [InlineData("pack-default-image.sh", "models/snips/snips-int8.nimg")]
    [InlineData("pack-w1a1-image.sh", "models/snips-w1a1/snips-w1a1.nimg")]
    public async Task CommittedImageIsWhatTheScriptPacks(string script, string committed)
    {
        string dir = Directory.CreateTempSubdirectory("nano-intent-default-").FullName;
        try
        {
            string output = Path.Combine(dir, Path.GetFileName(committed));
            var psi = new ProcessStartInfo(Path.Combine(TestImages.RepoRoot, "scripts", script), output)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestImages.RepoRoot,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"{script} exited {p.ExitCode}: {await stderr}{await stdout}");
            string path = Path.Combine(TestImages.RepoRoot, committed);
            Assert.True(File.ReadAllBytes(output).AsSpan().SequenceEqual(File.ReadAllBytes(path)),
                $"{committed} differs from what scripts/{script} packs: run it and commit the image");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
