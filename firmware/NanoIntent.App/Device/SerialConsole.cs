using System.IO.Ports;
using NanoIntent.App;

namespace NanoIntent.Device
{
    /// <summary>The console's line input and text output over a UART.</summary>
    internal sealed class SerialConsole : IConsoleWriter
    {
        private readonly SerialPort _port;

        internal SerialConsole(string portName, int baudRate)
        {
            _port = new SerialPort(portName, baudRate);
            _port.NewLine = "\n";
            _port.Open();
        }

        /// <summary>A complete line when one has arrived, otherwise null (does not block).</summary>
        internal string TryReadLine() => _port.BytesToRead > 0 ? _port.ReadLine().Trim() : null;

        public void WriteLine(string line) => _port.WriteLine(line);
    }
}
