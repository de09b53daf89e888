using ModelPacker.Distilling;
using ModelPacker.Teacher;
using ModelPacker.Text;

namespace ModelPacker.Tests.Teacher;

/// <summary>One session of the packaged MiniLM graph for the word-state tests.</summary>
public sealed class MiniLmWordStatesFixture : IDisposable
{
    public MiniLmWordStates Encoder { get; } = new(batchSize: 8, threads: 1);

    public void Dispose() => Encoder.Dispose();
}

/// <summary>The packaged MiniLM's word states: one per word as the student's tokenizer splits it, in context, and
/// independent of the batch a text is encoded in.</summary>
public class MiniLmWordStatesTests(MiniLmWordStatesFixture fixture) : IClassFixture<MiniLmWordStatesFixture>
{
    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        Numerics.GradientCheck.Dot(a.ToArray(), b.ToArray()) / Math.Sqrt(Numerics.GradientCheck.Dot(a.ToArray(), a.ToArray()) * Numerics.GradientCheck.Dot(b.ToArray(), b.ToArray()));

    [Fact]
    public void Words_are_the_students_words()
    {
        string[] texts = ["Book a table at Luigi's for two, tonight!", "transfer 200 dollars to my checking account", "unaffable supercalifragilistic"];
        var states = fixture.Encoder.Encode(texts);
        // a student vocabulary that splits differently into pieces still sees the same words
        var vocab = Vocabulary.FromTokens([.. Vocabulary.SpecialTokens, .. "abcdefghijklmnopqrstuvwxyz0123456789',!".Select(c => c.ToString()),
            .. "abcdefghijklmnopqrstuvwxyz0".Select(c => "##" + c)]);
        var tokenizer = new WordPieceTokenizer(vocab);
        int[] expected = [12, 7, 2];
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i] * fixture.Encoder.Dimension, states[i].Length);
            Assert.Equal(expected[i], WordAlignment.Of(texts[i], tokenizer).Words);
            Assert.Contains(states[i], x => x != 0);
        }
    }

    [Fact]
    public void A_word_state_depends_on_its_context_not_on_the_batch()
    {
        int d = fixture.Encoder.Dimension;
        string river = "we walked along the river bank", money = "open an account at the bank";
        var alone = fixture.Encoder.Encode([river])[0];
        var batch = fixture.Encoder.Encode(["play jazz", river, money, "could you please find me a quiet italian restaurant near the station"]);
        for (int i = 0; i < alone.Length; i++) Assert.Equal(alone[i], batch[1][i], 4);
        var bankRiver = batch[1].AsSpan(5 * d, d); var bankMoney = batch[2].AsSpan(5 * d, d);
        var walked = batch[1].AsSpan(1 * d, d);
        Assert.True(Cosine(bankRiver, bankMoney) > Cosine(bankRiver, walked), "the same word in two contexts is closer than two words");
        Assert.True(Cosine(bankRiver, bankMoney) < 0.99, "but not the same state");
    }
}
