namespace ModelPacker.Tests.Text;

/// <summary>Texts that exercise every corner of BERT's normalization and WordPiece, for the comparisons of the
/// device tokenizer (C, table-driven C#) with WordPieceTokenizer.</summary>
internal static class TokenizerHardCases
{
    public static IEnumerable<string> All()
    {
        string[] fixedCases =
        [
            "", " ", "\t\r\n", "a", "A", "hello world", "Hello, World!", "don't stop", "l'été", "e-mail",
            // accents, decomposition, case
            "Crème brûlée à Noël", "Việt Nam", "naïve café résumé", "ÀÉÎÕÜ àéîõü", "Ångström Å", "Ⅻ ⅻ", "ǅ ǈ ǋ",
            "e\u0301 a\u0300\u0316 o\u0308\u0304", "\u0301\u0302 \u0301", "İstanbul ıi I İ i̇", "ß ẞ Straße", "ΣΑΣ σας ς",
            "Ελληνικά ΆΈΉΊΌΎΏ ΐΰ", "Русский ЁЙ ёй Ї", "ﬁ ﬂ ﬀ ﬃ Ĳ ĳ œ Œ æ", "ｆｕｌｌｗｉｄｔｈ　ＡＢＣ　１２３！？", "ﾊﾝｶｸ ｶﾀｶﾅ",
            // scripts
            "中文分词测试", "ah博推zz", "日本語のテキスト、カタカナ。", "한국어 텍스트 각 힣 가", "ᄀ ᅡ ᆨ", "عربي العربية", "עברית",
            "हिन्दी भाषा", "ภาษาไทย", "𠀀𠀁 𪜀 𫝀 𫠠 𬺰 丽 𪘀", "Ⰰ ⰰ 𐐀 𐐨 𞤀", "Ꭰ ꭰ",
            // emoji, symbols
            "I ❤️ pizza 🍕🍕", "👩‍👩‍👧‍👦 family", "🇫🇷 flag", "✔ ✓ ★ ☆ ™ © ®", "$5.99 €10 £3 ¥100", "^_^ ~x` |a| \\b\\",
            // control, format, unassigned, private use
            "a\u0000b", "a\u0001b\u0007c\u001Fd", "a\u007Fb\u0080c\u0085d\u009Fe", "zero\u200Bwidth\u200Cjoin\u200Dx",
            "bi\u00ADdi\u2060rect\uFEFFional\u202Ex", "a\uFFFDb", "a\uFFFEb\uFFFFc", "a\u0378b\uE000c\U000F0000d\U0010FFFFe",
            "a\U000E0001b\U000E007Fc", "\u0600\u06DD x",
            // lone surrogates (.NET strings)
            "a\uD800b", "\uDC00", "x\uDBFFy\uDFFFz", "\uD83D", "\uDE00\uD83D",
            // punctuation runs and kinds
            "!!!???...", "wait...what?!", "«Bonjour» — dit-il…", "“quoted” ‘single’ „low“", "a—b–c‐d", "(a)[b]{c}<d>",
            "@user #tag https://example.com/x?y=1&z=2", "¡Hola! ¿Qué?", "a·b・c", "。、！？「」",
            // whitespace kinds
            "one\u00A0two\u2003three\u2028four\u2029five\u000Bsix\u000Cseven\u1680eight\u3000nine\u202Ften\u205Fe",
            "a\u001Cb\u001Dc\u001Ed\u001Ff", "a\u0085b", "  leading and trailing  ",
            // numbers
            "123 4,567.89 1st 2nd 3rd 10:30pm 2024-01-01", "٣ ४ ๓ ①②③ ¹²³ ½",
        ];
        foreach (var s in fixedCases) yield return s;
        // words longer than max_word_chars (100) code points, around the limit, and in surrogate pairs
        yield return new string('a', 99);
        yield return new string('a', 100);
        yield return new string('a', 101);
        yield return new string('x', 250) + " after";
        yield return string.Concat(Enumerable.Repeat("😀", 101));
        yield return string.Concat(Enumerable.Repeat("é", 101));
        yield return string.Concat(Enumerable.Repeat("e\u0301", 100)); // 200 code points before stripping, 100 after
        yield return "play " + string.Concat(Enumerable.Repeat("the ", 200)) + "end"; // longer than every model's positions
        yield return string.Concat(Enumerable.Repeat("unbelievable ", 60));
        yield return string.Join(" ", Enumerable.Range(0, 300).Select(i => i.ToString()));
        // every BMP code point once, in chunks (every class next to every other)
        for (int start = 0; start < 0x10000; start += 512)
        {
            var sb = new System.Text.StringBuilder();
            for (int cp = start; cp < start + 512; cp++) sb.Append((char)cp);
            yield return sb.ToString();
        }
        var rng = new Random(20261130);
        for (int k = 0; k < 300; k++)
        {
            var sb = new System.Text.StringBuilder();
            int n = rng.Next(1, 40);
            for (int i = 0; i < n; i++)
            {
                int r = rng.Next(10);
                int cp = r switch
                {
                    < 4 => rng.Next(0x20, 0x7F),
                    < 6 => rng.Next(0x80, 0x800),
                    < 8 => rng.Next(0x800, 0x10000),
                    _ => rng.Next(0x10000, 0x110000),
                };
                if (cp is >= 0xD800 and <= 0xDFFF && rng.Next(2) == 0) sb.Append((char)cp); // a lone surrogate
                else if (cp is >= 0xD800 and <= 0xDFFF) sb.Append(' ');
                else sb.Append(char.ConvertFromUtf32(cp));
            }
            yield return sb.ToString();
        }
    }
}
