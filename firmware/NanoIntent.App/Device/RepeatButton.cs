using System.Device.Gpio;

namespace NanoIntent.Device
{
    /// <summary>A push button (active low); each press is taken once by the main loop.</summary>
    internal sealed class RepeatButton
    {
        private bool _pressed;

        internal RepeatButton(int pinNumber)
        {
            GpioPin pin = new GpioController().OpenPin(pinNumber, PinMode.InputPullUp);
            pin.DebounceTimeout = new System.TimeSpan(0, 0, 0, 0, 50);
            pin.ValueChanged += (sender, e) => { if (e.ChangeType == PinEventTypes.Falling) _pressed = true; };
        }

        internal bool TakePress()
        {
            bool pressed = _pressed;
            _pressed = false;
            return pressed;
        }
    }
}
