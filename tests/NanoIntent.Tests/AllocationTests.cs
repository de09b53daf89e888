using NanoIntent.App;

namespace NanoIntent.Tests;

/// <summary>After warm-up, Classify allocates no managed memory: the result, logits and stats are reused.</summary>
[Collection(NativeSessionCollection.Name)]
public sealed class AllocationTests
{
    [Fact]
    public void ClassifyAllocatesNothingAfterWarmUp()
    {
        using var classifier = IntentClassifier.OpenFile(TestImages.Default);
        string[] texts = BenchUtterances.All;
        foreach (string t in texts) classifier.Classify(t);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int layers = 0;
        for (int round = 0; round < 20; round++)
            foreach (string t in texts) layers += classifier.Classify(t).LayersComputed;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(layers > 0);
        Assert.True(allocated == 0, $"{allocated} bytes allocated by {20 * texts.Length} classifications");
    }
}
