using System;

namespace NanoIntent
{
    /// <summary>
    /// A native step failed: <see cref="Status"/> is the negative ni_status code and <see cref="StatusName"/> the
    /// loader's name for it ("NI_ERR_SECTION_CRC"), both in the message next to what was being done.
    /// </summary>
    public class NanoIntentException : Exception
    {
        public NanoIntentException(string operation, int status, string statusName)
            : base(operation + ": " + statusName + " (" + status.ToString() + ")")
        {
            Status = status;
            StatusName = statusName;
        }

        public int Status { get; }
        public string StatusName { get; }

        /// <summary>Throws for a negative native return; otherwise returns it. The error path alone allocates.</summary>
        internal static int Check(int result, string operation)
        {
            if (result < 0) throw new NanoIntentException(operation, result, NameOf(result));
            return result;
        }

        /// <summary>The native name of a status code; "NI_STATUS_<code>" when the native side cannot name it.</summary>
        internal static string NameOf(int status)
        {
            byte[] utf8 = new byte[64];
            int n = NativeSession.StatusName(status, utf8);
            if (n <= 0) return "NI_STATUS_" + status.ToString();
            if (n > utf8.Length) n = utf8.Length;
            return Utf8.Decode(utf8, n);
        }
    }
}
