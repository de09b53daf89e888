using NanoIntent.App;

namespace NanoIntent.Tests;

/// <summary>The console's commands (the same interpreter the device runs over its serial port).</summary>
[Collection(NativeSessionCollection.Name)]
public sealed class ConsoleTests : IDisposable
{
    private sealed class Lines : IConsoleWriter
    {
        public readonly List<string> All = new();
        public void WriteLine(string line) => All.Add(line);
    }

    private readonly IntentClassifier _classifier = IntentClassifier.OpenFile(TestImages.Default);
    private readonly Lines _out = new();
    private readonly CommandInterpreter _console;

    public ConsoleTests() => _console = new CommandInterpreter(_classifier, _out);
    public void Dispose() => _classifier.Dispose();

    private List<string> Run(string line)
    {
        _out.All.Clear();
        _console.Execute(line);
        return _out.All.ToList();
    }

    [Fact]
    public void ClassifyPrintsTheReferenceIntentExitLayerAndTime()
    {
        const string text = "rate this book four out of six stars";
        var reference = TestImages.Reference(TestImages.Default);
        var r = reference.ClassifyEarlyExit(reference.Encode(text));
        string line = Assert.Single(Run("classify " + text));
        Assert.StartsWith(reference.Labels[r.Final.Predicted] + " confidence ", line);
        Assert.Contains($" exit layer {r.ExitLayer + 1} of {reference.Model.Dims.NumLayers} entropy {TextFormat.Q16(r.Final.EntropyQ16)} nats ", line);
        Assert.EndsWith(" ms", line);
        Assert.Equal("classify " + text, _console.LastCommand);
    }

    [Fact]
    public void ThresholdChangesTheExitLayerAndResets()
    {
        int layers = _classifier.Info.Layers;
        for (int l = 1; l <= layers; l++) Assert.Single(Run($"threshold {l} 0"));
        Assert.Contains($" exit layer {layers} of ", Assert.Single(Run("classify play music")));
        Assert.Equal(["threshold 1 = 100.000 nats"], Run("threshold 1 100"));
        Assert.Contains(" exit layer 1 of ", Assert.Single(Run("classify play music")));
        Assert.Equal(["threshold 2 = 0.500 nats"], Run("threshold 2 .5"));
        Assert.Equal(0.5, _classifier.ThresholdNats(1), 1e-9);
        string reset = Assert.Single(Run("threshold reset"));
        for (int l = 0; l < layers; l++) Assert.Equal(_classifier.DefaultThresholdQ16(l), _classifier.ThresholdQ16(l));
        Assert.StartsWith("thresholds (nats, per layer): " + TextFormat.Q16(_classifier.DefaultThresholdQ16(0)), reset);
    }

    [Theory]
    [InlineData("threshold 1")]
    [InlineData("threshold x 1")]
    [InlineData("threshold 1 -1")]
    [InlineData("threshold 1 1e3")]
    [InlineData("threshold 0 1")]
    [InlineData("threshold 99 1")]
    [InlineData("frobnicate")]
    public void BadCommandsAreOneErrorLine(string command)
    {
        string line = Assert.Single(Run(command));
        Assert.StartsWith("error: ", line);
    }

    [Fact]
    public void InfoNamesTheModelSizesAndThresholds()
    {
        var lines = Run("info");
        var m = _classifier.Info;
        Assert.Equal(5, lines.Count);
        Assert.StartsWith($"model: {m.Layers} layers, {m.Labels} intents, hidden {m.HiddenSize}, vocabulary {m.VocabSize}", lines[0]);
        Assert.Equal($"sizes: image {new FileInfo(TestImages.Default).Length} bytes, arena {m.ArenaBytes} of {m.ArenaCapacity} bytes", lines[1]);
        Assert.StartsWith("thresholds (nats, per layer): ", lines[2]);
        Assert.Equal("intents: " + string.Join(" ", TestImages.Reference(TestImages.Default).Labels), lines[3]);
        Assert.Equal("unknown when: never", lines[4]); // the bundled SNIPS image: no out-of-scope rule
    }

    [Fact]
    public void BenchTimesEveryUtterance()
    {
        var lines = Run("bench");
        Assert.Equal(BenchUtterances.All.Length + 1, lines.Count);
        for (int i = 0; i < BenchUtterances.All.Length; i++)
        {
            Assert.Matches(@"^\d+\.\d\d ms \S+ \(\d+ layers\) ", lines[i]);
            Assert.EndsWith(BenchUtterances.All[i], lines[i]);
        }
        Assert.StartsWith($"bench: {BenchUtterances.All.Length} utterances, mean ", lines[^1]);
    }

    [Fact]
    public void HelpListsTheCommands() => Assert.Equal([CommandInterpreter.HelpText], Run("help"));

    [Fact]
    public void EmptyLinesPrintNothing() => Assert.Empty(Run("   "));
}
