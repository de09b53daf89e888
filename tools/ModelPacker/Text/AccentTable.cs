using System.Text;

namespace ModelPacker.Text;

/// <summary>
/// Accent stripping as BERT does it: canonical decomposition (NFD), then every nonspacing mark (Mn) dropped.
/// string.Normalize does nothing under InvariantGlobalization, so the decompositions come from a generated table
/// (AccentTable.Data.cs) and Hangul syllables are decomposed by the Unicode algorithm.
/// </summary>
internal static partial class AccentTable
{
    private static readonly Dictionary<int, string> Map;

    // A static constructor, not a field initializer: it runs after the generated part's arrays are initialised.
    static AccentTable()
    {
        Map = new Dictionary<int, string>(CodePoints.Length);
        for (int i = 0; i < CodePoints.Length; i++) Map[CodePoints[i]] = Stripped[i];
    }

    /// <summary>NFD of <paramref name="text"/> without nonspacing marks.</summary>
    public static string Strip(string text)
    {
        if (IsPlainAscii(text)) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            if (Map.TryGetValue(cp, out var replacement)) sb.Append(replacement);
            else if (cp is >= HangulBase and < HangulBase + HangulCount) AppendHangulJamo(sb, cp);
            else if (Rune.GetUnicodeCategory(rune) != System.Globalization.UnicodeCategory.NonSpacingMark) sb.Append(rune);
        }
        return sb.ToString();
    }

    private static bool IsPlainAscii(string s)
    {
        foreach (char c in s) if (c >= 0x80) return false;
        return true;
    }

    // Unicode 3.12, "Conjoining Jamo Behavior": a precomposed syllable is L V (T).
    private const int HangulBase = 0xAC00, HangulCount = 11172, JamoL = 0x1100, JamoV = 0x1161, JamoT = 0x11A7;
    private const int VCount = 21, TCount = 28, NCount = VCount * TCount;

    private static void AppendHangulJamo(StringBuilder sb, int cp)
    {
        int s = cp - HangulBase;
        sb.Append((char)(JamoL + s / NCount));
        sb.Append((char)(JamoV + s % NCount / TCount));
        if (s % TCount != 0) sb.Append((char)(JamoT + s % TCount));
    }
}
