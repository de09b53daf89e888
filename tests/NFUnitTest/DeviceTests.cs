using nanoFramework.TestFramework;
using NFUnitTest.Shared;

namespace NFUnitTest
{
    /// <summary>The shared device cases under nanoFramework.TestFramework (device or emulator with NANO_INTENT_MODEL set
    /// to models/snips/snips-int8.nimg). tests/NanoIntent.Tests runs the same cases on the host.</summary>
    [TestClass]
    public class DeviceTests
    {
        [TestMethod] public void GoldenIntentsAndExitLayers() => DeviceCases.GoldenIntentsAndExitLayers();
        [TestMethod] public void EmptyTextIsClsSep() => DeviceCases.EmptyTextIsClsSep();
        [TestMethod] public void NulCharactersAreDropped() => DeviceCases.NulCharactersAreDropped();
        [TestMethod] public void NullTextThrows() => DeviceCases.NullTextThrows();
        [TestMethod] public void ClassifyAfterDisposeThrows() => DeviceCases.ClassifyAfterDisposeThrows();
        [TestMethod] public void DoubleOpenThrowsAndKeepsTheFirst() => DeviceCases.DoubleOpenThrowsAndKeepsTheFirst();
        [TestMethod] public void ThresholdsChangeExitLayers() => DeviceCases.ThresholdsChangeExitLayers();
    }
}
