using ModelPacker.FlashImage;
using ModelPacker.Evaluation;
using ModelPacker.Text;

namespace ModelPacker.IntegerRuntime;

/// <summary>
/// An integer model (any scheme) run by the integer reference runtime behind <see cref="IIntentClassifier"/>: logits are the Q16
/// integers divided by 2^16 (exact in float for every value the runtime produces). Early exit uses the image's
/// thresholds (<see cref="ClassifyEarlyExit"/>).
/// </summary>
public sealed class IntegerClassifier : IIntentClassifier
{
    private readonly WordPieceTokenizer _tokenizer;
    private readonly ThreadLocal<IntegerAlbert> _runtime;

    public IntegerClassifier(IntegerModel model, Vocabulary vocabulary, IReadOnlyList<string> labels, IReadOnlyList<int> thresholdsQ16,
        NormalizerTable? normalizer = null, int maxWordChars = DefaultVocabulary.MaxWordChars)
    {
        if (labels.Count != model.Dims.NumLabels) throw new ArgumentException($"{labels.Count} labels for a model with {model.Dims.NumLabels}");
        if (thresholdsQ16.Count != model.Dims.NumLayers) throw new ArgumentException($"{thresholdsQ16.Count} thresholds for {model.Dims.NumLayers} layers");
        Model = model;
        Labels = labels;
        ThresholdsQ16 = thresholdsQ16;
        _tokenizer = new WordPieceTokenizer(vocabulary, maxInputCharsPerWord: maxWordChars, normalizer: normalizer);
        _runtime = new ThreadLocal<IntegerAlbert>(() => new IntegerAlbert(model));
    }

    public IntegerModel Model { get; }
    public IReadOnlyList<string> Labels { get; }
    public IReadOnlyList<int> ThresholdsQ16 { get; }
    /// <summary>The image's rejection rule: when the device loop's answer is "unknown".</summary>
    public RejectionRule Rejection { get; init; } = RejectionRule.None;
    public int ExitCount => Model.Dims.NumLayers;
    public int[] Encode(string text) => _tokenizer.Encode(text, Model.Dims.MaxPositions);

    public float[][] Classify(int[] tokenIds) => ToFloat(_runtime.Value!.RunAll(tokenIds));

    public float[][][] ClassifyMany(IReadOnlyList<int[]> tokenIds)
    {
        var result = new float[tokenIds.Count][][];
        Parallel.For(0, tokenIds.Count, i => result[i] = Classify(tokenIds[i]));
        return result;
    }

    /// <summary>Every exit's integer output (what test vectors hold).</summary>
    public ExitOutput[] RunAll(int[] tokenIds) => _runtime.Value!.RunAll(tokenIds);

    /// <summary>The device loop with these (or the image's) thresholds.</summary>
    public EarlyExitResult ClassifyEarlyExit(int[] tokenIds, IReadOnlyList<int>? thresholdsQ16 = null) =>
        _runtime.Value!.Classify(tokenIds, thresholdsQ16 ?? ThresholdsQ16);

    /// <summary>The answer of an exit under <paramref name="rule"/> (default: the image's): its label index or
    /// <see cref="RejectionRule.Unknown"/>.</summary>
    public int Answer(ExitOutput exit, RejectionRule? rule = null) =>
        IntegerKernels.Answer(rule ?? Rejection, exit.LogitsQ16, exit.EntropyQ16, Model.QuantParams.Exp2Frac);

    /// <summary>Softmax probability of the exit's argmax, Q16, as the device computes it.</summary>
    public int ConfidenceQ16(ExitOutput exit) =>
        IntegerKernels.ConfidenceQ16(exit.LogitsQ16, exit.LogitsQ16.Length, Model.QuantParams.Exp2Frac, out _);

    public static float[][] ToFloat(ExitOutput[] exits) =>
        exits.Select(e => e.LogitsQ16.Select(v => v / 65536f).ToArray()).ToArray();
}
