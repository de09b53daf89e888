namespace NanoIntent
{
    /// <summary>
    /// UTF-8 bytes to string. nanoFramework keeps System.Text.Encoding in a separate package (nanoFramework.System.Text)
    /// and this library depends on mscorlib only; it decodes labels and status names once, at open or on an error.
    /// The loader has already rejected malformed UTF-8 (NI_ERR_UTF8); anything malformed still becomes U+FFFD.
    /// </summary>
    internal static class Utf8
    {
        internal static string Decode(byte[] bytes, int count)
        {
            char[] chars = new char[count];
            int n = 0;
            int i = 0;
            while (i < count)
            {
                int b = bytes[i];
                int length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
                if (length == 0 || i + length > count) { chars[n++] = '\uFFFD'; i++; continue; }
                int cp = length == 1 ? b : b & (0x7F >> length);
                bool ok = true;
                for (int k = 1; k < length; k++)
                {
                    int c = bytes[i + k];
                    if ((c & 0xC0) != 0x80) { ok = false; break; }
                    cp = (cp << 6) | (c & 0x3F);
                }
                if (!ok) { chars[n++] = '\uFFFD'; i++; continue; }
                i += length;
                if (cp >= 0x10000)
                {
                    cp -= 0x10000;
                    chars[n++] = (char)(0xD800 + (cp >> 10));
                    chars[n++] = (char)(0xDC00 + (cp & 0x3FF));
                }
                else chars[n++] = (char)cp;
            }
            return new string(chars, 0, n);
        }
    }
}
