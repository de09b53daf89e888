using System.Text;
using ModelPacker.Data;
using ModelPacker.FlashImage;
using ModelPacker.Text;
using Xunit.Abstractions;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.Tests.Text;

/// <summary>
/// The NORMALIZER table against BertNormalizer: exhaustively over every code point (class, punctuation,
/// replacement), the per-code-point replacement against the whole-word one, the table-driven Split against
/// BertNormalizer.Split, and the section's byte codec.
/// </summary>
public class NormalizerTableTests(ITestOutputHelper output)
{
    public static TheoryData<bool, bool> Flags => new() { { true, true }, { false, false }, { true, false }, { false, true } };

    [Theory]
    [MemberData(nameof(Flags))]
    public void Table_EqualsBertNormalizer_ForEveryCodePoint(bool lower, bool strip)
    {
        var table = NormalizerTable.Build(lower, strip);
        int mismatches = 0;
        var first = new StringBuilder();
        void Fail(int cp, string what)
        {
            if (mismatches++ < 10) first.AppendLine($"U+{cp:X4}: {what}");
        }
        for (int cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (!Rune.IsValid(cp))
            {
                if (table.Class(cp) != CodePointClass.Drop) Fail(cp, "surrogate not dropped");
                continue;
            }
            var rune = new Rune(cp);
            var cls = BertNormalizer.Classify(rune);
            string want = BertNormalizer.NormalizeWordChar(rune, lower, strip);
            // A word code point that normalizes to nothing is dropped: the same words.
            var wantClass = cls == CodePointClass.Word && want.Length == 0 ? CodePointClass.Drop : cls;
            if (table.Class(cp) != wantClass) Fail(cp, $"class {table.Class(cp)}, BertNormalizer {cls} ('{want}')");
            if (table.IsPunctuation(cp) != BertNormalizer.IsPunctuation(rune)) Fail(cp, "punctuation differs");
            if (wantClass != CodePointClass.Word) continue;
            string got = string.Concat(table.Map(cp).Select(char.ConvertFromUtf32));
            if (got != want) Fail(cp, $"maps to '{got}', BertNormalizer '{want}'");
        }
        Assert.True(mismatches == 0, $"{mismatches} code points differ:\n{first}");
    }

    [Fact]
    public void PerCodePointNormalization_EqualsWholeWordNormalization()
    {
        // Split lower-cases and strips a whole word; the table does it per code point. Every word code point, in
        // words of 1..64 neighbours, in both orders.
        var word = new List<int>();
        for (int cp = 0; cp <= 0x10FFFF; cp++)
            if (Rune.IsValid(cp) && BertNormalizer.Classify(new Rune(cp)) == CodePointClass.Word) word.Add(cp);
        var rng = new Random(7);
        foreach (var order in new[] { word, Enumerable.Reverse(word).ToList(), word.OrderBy(_ => rng.Next()).ToList() })
            for (int i = 0, n = 1; i < order.Count; i += n, n = n % 64 + 1)
            {
                var chunk = order.Skip(i).Take(n).ToList();
                string text = string.Concat(chunk.Select(char.ConvertFromUtf32));
                string whole = AccentTable.Strip(text.ToLowerInvariant());
                string each = string.Concat(chunk.Select(c => BertNormalizer.NormalizeWordChar(new Rune(c), true, true)));
                Assert.True(whole == each, $"U+{chunk[0]:X4}..: whole word '{whole}', per code point '{each}'");
            }
    }

    [Fact]
    public void Section_RoundTripsAndIsCompact()
    {
        foreach (var (lower, strip) in new[] { (true, true), (false, false), (true, false), (false, true) })
        {
            var table = NormalizerTable.Build(lower, strip);
            var bytes = table.ToBytes();
            var (back, st, err) = NormalizerTable.Parse(bytes);
            Assert.True(st == NiStatus.Ok, err);
            Assert.True(back!.SameAs(table));
            Assert.Equal(bytes, back.ToBytes());
            output.WriteLine($"lower={lower} strip={strip}: {table.RangeCount} ranges, {table.MapCount} mappings, {table.PoolCount} pool code points, {bytes.Length} bytes");
            Assert.True(bytes.Length < 64 * 1024, $"{bytes.Length} bytes");
            // Pruned to SNIPS's vocabulary, the table round-trips too.
            var pruned = table.PrunedFor(Vocabulary.Load(Path.Combine(TestPaths.RepoRoot, "models", "snips", "vocab.txt")).Tokens);
            var (prunedBack, pst, perr) = NormalizerTable.Parse(pruned.ToBytes());
            Assert.True(pst == NiStatus.Ok, perr);
            Assert.True(prunedBack!.SameAs(pruned));
        }
        Assert.Equal(0, NormalizerTable.Build(false, false).MapCount);
    }

    [Fact]
    public void TableSplit_EqualsBertNormalizerSplit_OnHardCasesAndEveryUtterance()
    {
        var table = NormalizerTable.Build(true, true);
        int n = 0;
        foreach (var text in TokenizerHardCases.All().Concat(NativeTokenizerTests.Utterances().Select(u => u.Text)))
        {
            var want = BertNormalizer.Split(text);
            var got = table.Split(text);
            if (!want.SequenceEqual(got))
                Assert.Fail($"'{Escape(text)}': table [{string.Join(" | ", got)}], BertNormalizer [{string.Join(" | ", want)}]");
            n++;
        }
        output.WriteLine($"{n} texts split equally");
    }

    internal static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (char c in s.Length > 200 ? s[..200] + "…" : s)
            sb.Append(c < 0x20 || c is >= '\u007F' and <= '\u00A0' || char.IsSurrogate(c) || c is '\u200B' or '\uFEFF' ? $"\\u{(int)c:X4}" : c.ToString());
        return sb.ToString();
    }
}
