using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Quantization;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>What every post-training scheme that re-encodes the int8 model's linear layers (af8, gobo3) must do the same way.</summary>
internal static class SchemePacking
{
    /// <summary><c>pack --scheme</c> on the CLI fixture's tiny model: the image carries the scheme, the FFN in
    /// <paramref name="encoding"/> and the word embeddings int8; verify passes; the C runtime reproduces its vectors;
    /// inspect names the scheme and the encoding. <paramref name="modelDir"/> (default: the fixture's model) and
    /// <paramref name="options"/> (more pack options) for a fine-tuned checkpoint.</summary>
    public static void PackWritesAnImageTheCRuntimeReproduces(CliFixture fixture, Scheme scheme, TensorEncoding encoding, string? modelDir = null,
        params string[] options)
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string name = modelDir is null ? scheme.Name : $"{scheme.Name}-{Path.GetFileName(modelDir)}", path = fixture.Path($"tiny-{name}.nii");
        var run = CliRun.Of(["pack", "--model", modelDir ?? fixture.ModelDir, "--scheme", scheme.Name, .. options, "--calibration-data", fixture.DataDir,
            "--test-vectors", "6", "--out", path]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"{scheme.Name}: V=", run.Out);
        var image = IntegerImage.Read(path);
        Assert.Equal(scheme.Id, image.Model.Dims.Scheme);
        Assert.Equal(encoding, image.Model.Ffn.Encoding);
        Assert.Equal(TensorEncoding.Int8Row, image.Model.WordEmbeddings.Encoding);
        var verify = CliRun.Of("verify", path);
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains("6 test vectors match", verify.Out);
        NativeImage.AssertReproducesTestVectors(path, $"cli-tiny-{name}.nii");
        var inspect = CliRun.Of("inspect", path);
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.Contains($"scheme {scheme.Name}", inspect.Out);
        Assert.Contains(TensorEncodings.Get(encoding).Name, inspect.Out);
    }

    /// <summary>A bias of 10^6 over weights of 10^-6: beyond 2^30 accumulator units, a packing error naming the tensor and row.</summary>
    public static void ABiasBeyond2To30AccumulatorUnitsIsAnError(Int8Quantizer.LinearQuantizer linear)
    {
        var w = new NamedTensor("ffn.weight", 2, 4);
        var b = new NamedTensor("ffn.bias", 2);
        w.Data[0] = 1e-6f;
        b.Data[1] = 1e6f;
        var ex = Assert.Throws<InvalidDataException>(() => linear(w, b, 1e-3, 1.0));
        Assert.StartsWith("ffn.bias: bias 1000000 of row 1", ex.Message);
    }
}
