using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;

namespace ModelPacker.Quantization;

/// <summary>Test vectors for an image: token ids and the integer reference's logits and entropy at every exit.</summary>
public static class TestVectorBuilder
{
    /// <summary><paramref name="count"/> utterances spread over <paramref name="utterances"/>, plus (when count ≥ 2)
    /// one sequence of exactly max_positions tokens so the arena's full size is exercised.</summary>
    public static List<TestVector> Build(IntegerModel model, IReadOnlyList<int[]> utterances, int count, RejectionRule? rejection = null)
    {
        var chosen = new List<int[]>();
        if (count <= 0 || utterances.Count == 0) return [];
        int regular = count >= 2 ? count - 1 : count;
        for (int k = 0; k < regular && k < utterances.Count; k++)
            chosen.Add(utterances[(int)((long)k * utterances.Count / Math.Min(regular, utterances.Count))]);
        if (count >= 2)
        {
            // Real tokens from the utterances, joined and cut to the model's maximum length.
            var longest = utterances.SelectMany(u => u).Take(model.Dims.MaxPositions).ToArray();
            if (longest.Length == model.Dims.MaxPositions) chosen.Add(longest);
        }
        var runtime = new IntegerAlbert(model);
        return chosen.Select(ids =>
        {
            var exits = runtime.RunAll(ids);
            return new TestVector(ids.Select(i => (ushort)i).ToArray(), exits.Select(e => e.LogitsQ16).ToArray(),
                exits.Select(e => e.EntropyQ16).ToArray(),
                exits.Select(e => IntegerKernels.Answer(rejection ?? RejectionRule.None, e.LogitsQ16, e.EntropyQ16, model.QuantParams.Exp2Frac)).ToArray());
        }).ToList();
    }

    /// <summary>Runs every vector through the reference; one mismatch per differing (vector, layer), in order; empty when all match.</summary>
    public static List<TestVectorMismatch> Verify(IntegerModel model, IReadOnlyList<TestVector> vectors, RejectionRule? rejection = null)
    {
        var failures = new List<TestVectorMismatch>();
        var runtime = new IntegerAlbert(model);
        for (int i = 0; i < vectors.Count; i++)
        {
            var v = vectors[i];
            var exits = runtime.RunAll(v.Tokens.Select(t => (int)t).ToArray());
            for (int l = 0; l < exits.Length; l++)
            {
                if (TestVectorMismatch.Compare(i, l, v.Logits[l], exits[l].LogitsQ16, v.Entropies[l], exits[l].EntropyQ16) is { } m)
                    failures.Add(m);
                int answer = IntegerKernels.Answer(rejection ?? RejectionRule.None, exits[l].LogitsQ16, exits[l].EntropyQ16, model.QuantParams.Exp2Frac);
                if (v.Answers is not null && v.Answers[l] != answer)
                    failures.Add(new TestVectorMismatch(i, l, $"answer is {answer}, expected {v.Answers[l]}"));
            }
        }
        return failures;
    }
}
