using System.CommandLine;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker verify image</c>: the codec's full validation (structure, offsets, CRCs, SHA-256, tensor params,
/// QUANT_PARAMS), then every embedded test vector through the integer reference. Exit 0 only when all match; a
/// mismatch is one error line (count and first mismatch), and <c>--details</c> lists every one on stdout.
/// The test vectors were written by this same C# reference, so a match proves the image round-trips intact, not that
/// the arithmetic is right; the C runtime (ctest runtime_vectors_*) is the independent check of that.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliEnvironment env)
    {
        var path = new Argument<string>("image") { Description = "Flash image to check" };
        var details = new Option<bool>("--details") { Description = "On a mismatch, also list every mismatching test vector and layer on stdout" };
        var command = new Command("verify",
            "Validate a flash image and re-run its test vectors through the C# integer reference that wrote them. " +
            "This catches a damaged or mis-encoded image, not wrong arithmetic: the C runtime's tests (ctest runtime_vectors_*) check that independently") { path, details };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            string file = result.GetValue(path)!;
            byte[] bytes;
            try { bytes = File.ReadAllBytes(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            { throw new InvalidDataException($"{file}: cannot read the image: {e.Message}"); }
            var parsed = ImageReader.Read(bytes, file);
            var image = IntegerImage.FromContent(parsed.Content, file);
            env.Out.WriteLine($"{file}: structure, CRC-32 of {parsed.Sections.Count} sections and SHA-256 valid; {bytes.Length:N0} bytes, arena {image.Model.ArenaBytes:N0}");
            var vectors = image.TestVectors ?? [];
            if (vectors.Count == 0)
            {
                env.Out.WriteLine($"{file}: no test vectors to run");
                return ExitCodes.Success;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var failures = TestVectorBuilder.Verify(image.Model, vectors, image.Rejection);
            double perSecond = vectors.Count / clock.Elapsed.TotalSeconds;
            if (failures.Count > 0)
            {
                if (result.GetValue(details))
                    foreach (var f in failures) env.Out.WriteLine($"mismatch: {f}");
                int badVectors = failures.Select(f => f.Vector).Distinct().Count();
                throw new InvalidDataException($"{file}: {badVectors} of {vectors.Count} test vectors do not match the integer reference " +
                                               $"(layers 0..{image.Model.Dims.NumLayers - 1}); first: {failures[0]}");
            }
            env.Out.WriteLine($"{file}: {vectors.Count} test vectors match the integer reference at all {image.Model.Dims.NumLayers} layers " +
                              $"(C# reference, one thread, every exit: {perSecond:F1} utterances/s)");
            return ExitCodes.Success;
        })));
        return command;
    }
}
