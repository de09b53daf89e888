using System;
using NanoIntent.App;

namespace NanoIntent.HostApp
{
    /// <summary>The serial console's output on the host: standard output.</summary>
    internal sealed class StdoutWriter : IConsoleWriter
    {
        public void WriteLine(string line) => Console.Out.WriteLine(line);
    }
}
