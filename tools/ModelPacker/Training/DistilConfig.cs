namespace ModelPacker.Training;

/// <summary>
/// The <c>"distil"</c> section of a training config: how <c>modelpacker train --teacher</c> (and <c>binarize
/// --sentence-teacher</c>) learn from a sentence-encoder teacher (<c>modelpacker teacher</c>). At every exit, weighted
/// as the labels' cross-entropy, the loss adds soft_label_weight·T²·KL(teacher head ‖ student at temperature T) and
/// representation_weight·(1 − cos(P·pooled, e)), where e is the teacher's sentence embedding and P a linear projection
/// of the exit's pooled output (one per exit or one shared) that is trained with the student and never saved. The
/// transfer set adds transfer_copies augmented copies of each training utterance, labelled by the teacher.
/// </summary>
public sealed class DistilConfig
{
    public const string PerExit = "per_exit", Shared = "shared";

    public float SoftLabelWeight = 1f;
    /// <summary>1 for a distil section of one's own (binarize's sentence term was measured so); the default recipe
    /// sets <see cref="DefaultRecipe.Temperature"/>.</summary>
    public float Temperature = 1f;
    public float RepresentationWeight = 1f;
    /// <summary>"per_exit" (a projection per exit) or "shared" (one for all exits).</summary>
    public string Projection = PerExit;
    /// <summary>Augmented copies of each training utterance (0 = no transfer set).</summary>
    public int TransferCopies = 1;
    /// <summary>Per word: chance of being replaced by one of its <see cref="Neighbours"/> nearest training words (by
    /// the encoder's embedding of the word alone).</summary>
    public float ReplaceProbability = 0.15f;
    public int Neighbours = 8;
    /// <summary>Per word: chance of being dropped.</summary>
    public float WordDropout = 0.1f;
    /// <summary>Per copy: chance of one edit, a swap of two neighbouring words or the deletion of a span of 2–3.</summary>
    public float EditProbability = 0.3f;
    /// <summary>Training words seen at least this often are replacement candidates.</summary>
    public int NeighbourMinFrequency = 2;
    /// <summary>Start the word embeddings from the encoder's embedding of each piece (<see
    /// cref="Distilling.PieceEmbeddingInit"/>) instead of noise.</summary>
    public bool EmbeddingInit = true;
    /// <summary>Give those embeddings no gradient (only with <see cref="EmbeddingInit"/>): a piece seen a few times in
    /// training then stays where the encoder put it, beside the pieces it resembles, instead of drifting on a few
    /// gradients. Weight decay still shrinks all rows alike (docs/results.md, "Frozen word embeddings"). The default
    /// recipe sets it from the data (<see cref="DefaultRecipe.FreezeBelowPerIntent"/>).</summary>
    public bool FreezeEmbeddings;
    /// <summary>Weight of word-level distillation (<see cref="Distilling.WordDistillation"/>): 1 − cos between each
    /// word's last-layer state, projected, and the encoder's state of that word; 0 = off.</summary>
    public float WordWeight = 0f;

    public void Validate(string source)
    {
        void Require(bool ok, string key, string what) { if (!ok) throw new InvalidDataException($"{source}: distil.{key} {what}"); }
        Require(SoftLabelWeight >= 0 && float.IsFinite(SoftLabelWeight), "soft_label_weight", "must be >= 0");
        Require(Temperature > 0 && float.IsFinite(Temperature), "temperature", "must be positive");
        Require(RepresentationWeight >= 0 && float.IsFinite(RepresentationWeight), "representation_weight", "must be >= 0");
        Require(Projection is PerExit or Shared, "projection", $"'{Projection}' must be {PerExit} or {Shared}");
        Require(TransferCopies is >= 0 and <= 16, "transfer_copies", "must be in 0..16");
        Require(ReplaceProbability is >= 0 and <= 1, "replace_probability", "must be in [0, 1]");
        Require(Neighbours is > 0 and <= 64, "neighbours", "must be in 1..64");
        Require(WordDropout is >= 0 and < 1, "word_dropout", "must be in [0, 1)");
        Require(EditProbability is >= 0 and <= 1, "edit_probability", "must be in [0, 1]");
        Require(WordWeight >= 0 && float.IsFinite(WordWeight), "word_weight", "must be >= 0");
        Require(NeighbourMinFrequency >= 1, "neighbour_min_frequency", "must be at least 1");
    }
}
