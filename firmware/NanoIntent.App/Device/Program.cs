using System.Threading;
using NanoIntent;
using NanoIntent.App;

namespace NanoIntent.Device
{
    /// <summary>
    /// The device entry point (NanoIntent.App.nfproj only): opens the "model" partition, then runs the console
    /// over the serial port; an LED per intent group shows the last answer, the button repeats the last command.
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            var serial = new SerialConsole(DeviceConfig.SerialPort, DeviceConfig.BaudRate);
            IntentClassifier classifier;
            try { classifier = IntentClassifier.OpenPartition(DeviceConfig.ModelPartition); }
            catch (NanoIntentException e)
            {
                serial.WriteLine("error: " + e.Message);
                Thread.Sleep(Timeout.Infinite);
                return;
            }
            var console = new CommandInterpreter(classifier, serial);
            var leds = new IntentLeds(DeviceConfig.LedPins);
            var button = new RepeatButton(DeviceConfig.ButtonPin);
            serial.WriteLine(CommandInterpreter.HelpText);
            while (true)
            {
                string line = serial.TryReadLine();
                if (line == null && button.TakePress()) line = console.LastCommand;
                if (line == null) { Thread.Sleep(10); continue; }
                console.Execute(line);
                if (console.LastResult != null) leds.Show(console.LastResult.LabelIndex);
            }
        }
    }
}
