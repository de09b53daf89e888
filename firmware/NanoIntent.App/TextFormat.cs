namespace NanoIntent.App
{
    /// <summary>
    /// Numbers to and from text with integer arithmetic: the same output on every platform, and no dependence on
    /// double formatting or parsing (which nanoFramework's mscorlib implements partially).
    /// </summary>
    public static class TextFormat
    {
        /// <summary>A Q16 value with three decimals ("0.125"), rounded half up.</summary>
        public static string Q16(int q16)
        {
            long thousandths = ((long)q16 * 1000 + 32768) >> 16;
            return Fixed(thousandths, 1000, 3);
        }

        /// <summary>100 ns ticks as milliseconds with two decimals ("12.34 ms").</summary>
        public static string Milliseconds(long ticks) => Fixed((ticks + 50) / 100, 100, 2) + " ms";

        /// <summary>Parses "0.5", "2", ".25" (up to six decimals) as Q16 nats; false for anything else or above 32767.</summary>
        public static bool TryParseNats(string text, out int q16)
        {
            q16 = 0;
            if (text == null || text.Length == 0 || text.Length > 20) return false;
            long whole = 0, fraction = 0, scale = 1;
            bool seenDot = false, seenDigit = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '.' && !seenDot) { seenDot = true; continue; }
                if (c < '0' || c > '9') return false;
                seenDigit = true;
                if (!seenDot) whole = whole * 10 + (c - '0');
                else if (scale < 1000000) { fraction = fraction * 10 + (c - '0'); scale *= 10; }
                if (whole > 32767) return false;
            }
            if (!seenDigit) return false;
            long value = (whole << 16) + (fraction * 65536 + scale / 2) / scale;
            if (value > 32767L << 16) return false;
            q16 = (int)value;
            return true;
        }

        /// <summary>A non-negative integer ("3"); false for anything else.</summary>
        public static bool TryParseIndex(string text, out int value)
        {
            value = 0;
            if (text == null || text.Length == 0 || text.Length > 6) return false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9') return false;
                value = value * 10 + (c - '0');
            }
            return true;
        }

        private static string Fixed(long scaled, long unit, int decimals)
        {
            string sign = scaled < 0 ? "-" : "";
            if (scaled < 0) scaled = -scaled;
            string frac = (scaled % unit).ToString();
            while (frac.Length < decimals) frac = "0" + frac;
            return sign + (scaled / unit).ToString() + "." + frac;
        }
    }
}
