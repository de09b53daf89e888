using System.CommandLine;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker verify image</c>: the codec's full validation (structure, offsets, CRCs, SHA-256, tensor params,
/// QUANT_PARAMS), then every embedded test vector through the integer reference. Exit 0 only when all match.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliEnvironment env)
    {
        var path = new Argument<string>("image") { Description = "Flash image to check" };
        var command = new Command("verify", "Validate a flash image and re-run its test vectors through the integer reference") { path };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            string file = result.GetValue(path)!;
            byte[] bytes;
            try { bytes = File.ReadAllBytes(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            { throw new InvalidDataException($"{file}: cannot read the image: {e.Message}"); }
            var parsed = ImageReader.Read(bytes, file, IntegerImage.Rules);
            var image = IntegerImage.FromContent(parsed.Content, file);
            env.Out.WriteLine($"{file}: structure, CRC-32 of {parsed.Sections.Count} sections and SHA-256 valid; {bytes.Length:N0} bytes, arena {image.Model.ArenaBytes:N0}");
            var vectors = image.TestVectors ?? [];
            if (vectors.Count == 0)
            {
                env.Out.WriteLine($"{file}: no test vectors to run");
                return ExitCodes.Success;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var failures = TestVectorBuilder.Verify(image.Model, vectors);
            double perSecond = vectors.Count / clock.Elapsed.TotalSeconds;
            foreach (var f in failures.Take(10)) env.Error.WriteLine($"mismatch: {file}: {f}");
            if (failures.Count > 0)
                throw new InvalidDataException($"{file}: {failures.Count} mismatches in {vectors.Count} test vectors x {image.Model.Dims.NumLayers} layers");
            env.Out.WriteLine($"{file}: {vectors.Count} test vectors match the integer reference at all {image.Model.Dims.NumLayers} layers " +
                              $"(C# reference, one thread, every exit: {perSecond:F1} utterances/s)");
            return ExitCodes.Success;
        })));
        return command;
    }
}
