namespace ModelPacker.Teacher;

/// <summary>A trained head together with what it means: the encoder whose embeddings it reads and its class labels.</summary>
public sealed record SentenceTeacherHead(string EncoderId, string[] Labels, SoftmaxHead Head, HeadTrainingOptions Options)
{
    /// <summary>Logits [n, classes] of row-major embeddings [n, dimension].</summary>
    public float[] Logits(float[][] embeddings)
    {
        var x = Flatten(embeddings, Head.Inputs);
        var z = new float[embeddings.Length * Head.Classes];
        Head.Logits(x, embeddings.Length, z);
        return z;
    }

    /// <summary>Class probabilities at <paramref name="temperature"/>, one row per embedding (soft labels).</summary>
    public float[][] Probabilities(float[][] embeddings, float temperature = 1f)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be positive");
        var z = Logits(embeddings);
        var rows = new float[embeddings.Length][];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = z.AsSpan(i * Head.Classes, Head.Classes).ToArray();
            SoftmaxHead.Softmax(rows[i], temperature);
        }
        return rows;
    }

    /// <summary>Index of the highest logit for each embedding.</summary>
    public int[] Predict(float[][] embeddings)
    {
        var z = Logits(embeddings);
        var predicted = new int[embeddings.Length];
        for (int i = 0; i < predicted.Length; i++)
            predicted[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(z.AsSpan(i * Head.Classes, Head.Classes));
        return predicted;
    }

    internal static float[] Flatten(float[][] rows, int dimension)
    {
        var x = new float[rows.Length * dimension];
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != dimension)
                throw new ArgumentException($"embedding {i} has {rows[i].Length} values, the head reads {dimension}");
            rows[i].CopyTo(x, i * dimension);
        }
        return x;
    }
}
