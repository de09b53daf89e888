using System.Diagnostics;
using ModelPacker.Data;
using NanoIntent;

// Usage: firmware-bench <image> <dataset dir> [repeats]
// Classifies the dataset's test split with the host library (C# early-exit loop over libnano_intent_interop, as the
// host emulator does) and prints managed bytes allocated per Classify after warm-up and microseconds per utterance,
// with the image's thresholds (early exit) and with thresholds 0 (full depth).
if (args.Length is < 2 or > 3 || (args.Length == 3 && !int.TryParse(args[2], out _)))
{
    Console.Error.WriteLine("usage: firmware-bench <image.nimg> <dataset dir> [repeats (default 3)]");
    return 2;
}
int repeats = args.Length == 3 ? int.Parse(args[2]) : 3;
string[] texts = DatasetLoader.Load(args[1]).Test.Select(e => e.Text).ToArray();
using var classifier = IntentClassifier.OpenFile(args[0]);

foreach (string t in texts) classifier.Classify(t); // warm-up: JIT, native pages
long before = GC.GetAllocatedBytesForCurrentThread();
foreach (string t in texts) classifier.Classify(t);
long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
Console.WriteLine($"managed bytes per Classify after warm-up: {(double)bytes / texts.Length:0.###} ({bytes} bytes over {texts.Length} utterances)");

Measure("host emulator early-exit");
for (int l = 0; l < classifier.Info.Layers; l++) classifier.SetThresholdQ16(l, 0);
Measure("host emulator full-depth");
return 0;

void Measure(string name)
{
    long layers = 0;
    var watch = Stopwatch.StartNew();
    for (int r = 0; r < repeats; r++)
        foreach (string t in texts) layers += classifier.Classify(t).LayersComputed;
    double seconds = watch.Elapsed.TotalSeconds;
    int n = repeats * texts.Length;
    Console.WriteLine($"{name,-24} {seconds * 1e6 / n,7:0.0} us/utterance  {n / seconds,6:0.0} utterances/s  mean layers {(double)layers / n:0.00}  ({n} utterances, tokenizer included)");
}
