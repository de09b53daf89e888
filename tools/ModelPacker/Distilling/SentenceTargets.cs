namespace ModelPacker.Distilling;

/// <summary>
/// What the sentence teacher says about each training example, by example index: its head's logits (in the
/// student's label order) and its sentence embedding. Examples at or beyond <see cref="Count"/> (e.g. a transfer
/// set labelled by another teacher) have no targets and are left out of the sentence losses.
/// </summary>
public sealed class SentenceTargets
{
    public SentenceTargets(float[][] logits, float[][] embeddings)
    {
        if (logits.Length != embeddings.Length) throw new ArgumentException("one logit row and one embedding per example");
        if (logits.Length == 0) throw new ArgumentException("no examples");
        Classes = logits[0].Length; Dimension = embeddings[0].Length;
        if (logits.Any(r => r.Length != Classes) || embeddings.Any(r => r.Length != Dimension))
            throw new ArgumentException("rows of different lengths");
        Logits = logits; Embeddings = embeddings;
    }

    public float[][] Logits { get; }
    public float[][] Embeddings { get; }
    public int Count => Logits.Length;
    public int Classes { get; }
    public int Dimension { get; }
}
