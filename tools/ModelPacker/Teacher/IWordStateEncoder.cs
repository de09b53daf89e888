namespace ModelPacker.Teacher;

/// <summary>
/// A frozen encoder's state of every word of an utterance (its last layer, averaged over the word's pieces): the
/// targets of word-level distillation. Words are the pieces' groups as a BERT basic tokenizer splits them (spaces
/// and punctuation), the same split as the student's tokenizer, so word i of the teacher is word i of the student.
/// </summary>
public interface IWordStateEncoder : IDisposable
{
    /// <summary>Names the encoder and its exact weights, as <see cref="ISentenceEmbedder.EncoderId"/>.</summary>
    string EncoderId { get; }

    /// <summary>Length of each word's state.</summary>
    int Dimension { get; }

    /// <summary>Per text, its words' states one after another (words × <see cref="Dimension"/> values).</summary>
    float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellation = default);
}
