using System.Diagnostics;

namespace NanoIntent.Tests;

/// <summary>The committed default image is exactly what scripts/pack-default-image.sh packs from the committed model.</summary>
public sealed class DefaultImageTests
{
    [Fact]
    public async Task CommittedImageIsWhatTheScriptPacks()
    {
        string dir = Directory.CreateTempSubdirectory("nano-intent-default-").FullName;
        try
        {
            string output = Path.Combine(dir, "snips-int8.nimg");
            var psi = new ProcessStartInfo(Path.Combine(TestImages.RepoRoot, "scripts", "pack-default-image.sh"), output)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestImages.RepoRoot,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"pack-default-image.sh exited {p.ExitCode}: {await stderr}{await stdout}");
            Assert.True(File.ReadAllBytes(output).AsSpan().SequenceEqual(File.ReadAllBytes(TestImages.Default)),
                $"{TestImages.Default} differs from what scripts/pack-default-image.sh packs: run it and commit the image");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
