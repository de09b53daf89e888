using System.Globalization;
using System.Text;

namespace ModelPacker.Text;

/// <summary>
/// BERT's BasicTokenizer: removes NUL, U+FFFD and control/format characters, turns Unicode whitespace into word
/// breaks, puts every CJK ideograph in a word of its own, lower-cases and strips accents (when
/// <c>lowerCase</c>), and splits punctuation (Unicode P* categories plus the ASCII symbol ranges, so "$" and "^"
/// count) into one-character words.
/// </summary>
public static class BertNormalizer
{
    public static string[] Split(string text, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var word = new StringBuilder();

        void Flush()
        {
            if (word.Length == 0) return;
            string w = word.ToString();
            word.Clear();
            if (lowerCase) w = AccentTable.Strip(w.ToLowerInvariant());
            SplitPunctuation(w, words);
        }

        // Ill-formed UTF-16 (lone surrogates) enumerates as U+FFFD and is dropped like BERT drops U+FFFD.
        foreach (var rune in text.EnumerateRunes())
        {
            switch (Classify(rune))
            {
                case CodePointClass.Drop: continue;
                case CodePointClass.Space: Flush(); continue;
                case CodePointClass.Cjk:
                    Flush();
                    words.Add(rune.ToString());
                    continue;
                default:
                    if (rune.IsBmp) word.Append((char)rune.Value);
                    else word.Append(char.ConvertFromUtf32(rune.Value));
                    continue;
            }
        }
        Flush();
        return words.ToArray();
    }

    /// <summary>What Split does with a code point of the text: drop it (NUL, U+FFFD, C* categories), end the word
    /// (whitespace), make it a word of its own (CJK ideograph), or add it to the word. The NORMALIZER section of a
    /// flash image (NormalizerTable) is generated from this function.</summary>
    internal static CodePointClass Classify(Rune rune)
    {
        int cp = rune.Value;
        if (cp == 0 || cp == 0xFFFD) return CodePointClass.Drop;
        if (cp < 0x80)
        {
            // ASCII fast path: same classes as below.
            if (cp is ' ' or '\t' or '\n' or '\r' or '\v' or '\f') return CodePointClass.Space;
            return cp >= 0x20 && cp != 0x7F ? CodePointClass.Word : CodePointClass.Drop;
        }
        if (Rune.IsWhiteSpace(rune)) return CodePointClass.Space;
        if (IsControl(rune)) return CodePointClass.Drop;
        if (IsCjk(cp)) return CodePointClass.Cjk;
        return CodePointClass.Word;
    }

    /// <summary>What Split's word normalization makes of one code point of a word: lower-cased
    /// (ToLowerInvariant) and accent-stripped (AccentTable) when the flags say so. Split applies it to the whole
    /// word; both are context-free, so per code point is the same (NormalizerTableTests checks it).</summary>
    internal static string NormalizeWordChar(Rune rune, bool lowerCase, bool stripAccents)
    {
        string s = rune.ToString();
        if (lowerCase) s = s.ToLowerInvariant();
        if (stripAccents) s = AccentTable.Strip(s);
        return s;
    }

    private static void SplitPunctuation(string w, List<string> words)
    {
        int start = 0, i = 0;
        while (i < w.Length)
        {
            var rune = Rune.GetRuneAt(w, i);
            int n = rune.Utf16SequenceLength;
            if (IsPunctuation(rune))
            {
                if (i > start) words.Add(w[start..i]);
                words.Add(w.Substring(i, n));
                start = i + n;
            }
            i += n;
        }
        if (w.Length > start) words.Add(start == 0 ? w : w[start..]);
    }

    /// <summary>BERT's _is_control: every "C*" category (control, format, surrogate, private use, unassigned).</summary>
    internal static bool IsControl(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    /// <summary>BERT's _is_punctuation: ASCII non-alphanumeric symbols, and every "P*" category.</summary>
    internal static bool IsPunctuation(Rune rune)
    {
        int cp = rune.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>BERT's _is_chinese_char: the CJK Unified Ideographs blocks (not Hiragana, Katakana or Hangul).</summary>
    internal static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
            or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF
            or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}

/// <summary>The class of a code point of the text (BertNormalizer.Classify); the values are the NORMALIZER
/// section's class field (docs/flash-image.md).</summary>
public enum CodePointClass : byte { Drop = 0, Space = 1, Cjk = 2, Word = 3 }
