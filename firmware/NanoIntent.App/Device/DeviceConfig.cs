namespace NanoIntent.Device
{
    /// <summary>Board wiring (ESP32-WROVER-KIT defaults); change for your board.</summary>
    internal static class DeviceConfig
    {
        internal const string ModelPartition = "model";      // boards/esp32-partitions.csv
        internal const string SerialPort = "COM1";           // UART0, the USB bridge
        internal const int BaudRate = 115200;
        internal static readonly int[] LedPins = { 0, 2, 4 };  // the kit's RGB LED
        internal const int ButtonPin = 34;
    }
}
