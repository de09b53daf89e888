namespace NanoIntent
{
    /// <summary>Q16 fixed point (value * 2^16) to and from double, without System.Math (not in nanoFramework's mscorlib).</summary>
    public static class Q16
    {
        public const int One = 65536;

        public static double ToDouble(int q16) => q16 / 65536.0;

        /// <summary>Rounds to the nearest Q16 value; false when <paramref name="value"/> is negative, NaN or too large.</summary>
        public static bool TryFromDouble(double value, out int q16)
        {
            q16 = 0;
            if (!(value >= 0 && value <= 32767.0)) return false;
            q16 = (int)(value * 65536.0 + 0.5);
            return true;
        }
    }
}
