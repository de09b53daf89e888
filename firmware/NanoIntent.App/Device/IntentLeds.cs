using System.Device.Gpio;

namespace NanoIntent.Device
{
    /// <summary>One LED per intent group: label index modulo the number of LEDs lights one of them; the unknown answer
    /// (index -1) lights none.</summary>
    internal sealed class IntentLeds
    {
        private readonly GpioPin[] _pins;

        internal IntentLeds(int[] pinNumbers)
        {
            var gpio = new GpioController();
            _pins = new GpioPin[pinNumbers.Length];
            for (int i = 0; i < pinNumbers.Length; i++) _pins[i] = gpio.OpenPin(pinNumbers[i], PinMode.Output);
        }

        internal void Show(int labelIndex)
        {
            int on = labelIndex < 0 ? -1 : labelIndex % _pins.Length;
            for (int i = 0; i < _pins.Length; i++) _pins[i].Write(i == on ? PinValue.High : PinValue.Low);
        }
    }
}
