namespace ModelPacker.Data;

/// <summary>One labelled utterance.</summary>
public sealed record IntentExample(string Text, string Label);
