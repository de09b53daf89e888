namespace NanoIntent.App
{
    /// <summary>Where the console's text goes: the serial port on the device, stdout in the host emulator, a buffer in tests.</summary>
    public interface IConsoleWriter
    {
        void WriteLine(string line);
    }
}
