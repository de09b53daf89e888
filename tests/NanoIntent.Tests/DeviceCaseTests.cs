using NFUnitTest.Shared;

namespace NanoIntent.Tests;

/// <summary>The shared device cases (tests/NFUnitTest/Shared) on the host: the bundled image behind the partition
/// "model", as the nanoFramework emulator provides it through NANO_INTENT_MODEL.</summary>
[Collection(NativeSessionCollection.Name)]
public sealed class DeviceCaseTests : IDisposable
{
    public DeviceCaseTests() => TestImages.SetModelEnvironment(TestImages.Default);
    public void Dispose() => TestImages.SetModelEnvironment(null);

    [Fact] public void GoldenIntentsAndExitLayers() => DeviceCases.GoldenIntentsAndExitLayers();
    [Fact] public void EmptyTextIsClsSep() => DeviceCases.EmptyTextIsClsSep();
    [Fact] public void NulCharactersAreDropped() => DeviceCases.NulCharactersAreDropped();
    [Fact] public void NullTextThrows() => DeviceCases.NullTextThrows();
    [Fact] public void ClassifyAfterDisposeThrows() => DeviceCases.ClassifyAfterDisposeThrows();
    [Fact] public void DoubleOpenThrowsAndKeepsTheFirst() => DeviceCases.DoubleOpenThrowsAndKeepsTheFirst();
    [Fact] public void ThresholdsChangeExitLayers() => DeviceCases.ThresholdsChangeExitLayers();
}
