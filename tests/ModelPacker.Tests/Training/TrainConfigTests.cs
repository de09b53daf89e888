using ModelPacker.Training;

namespace ModelPacker.Tests.Training;

public class TrainConfigTests
{
    private static string Write(string json)
    {
        string path = Path.Combine(Path.GetTempPath(), $"trainconfig-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void BundledConfigsLoad()
    {
        foreach (var name in new[] { "snips", "clinc150", "snips-w1a1" })
        {
            var path = Path.Combine(TestPaths.RepoRoot, "models", name, "train_config.json");
            var c = TrainConfig.Load(path);
            var albert = c.ToAlbertConfig(1000, ["a", "b"]);
            Assert.Equal(c.HiddenSize, albert.HiddenSize);
            Assert.Equal(c.MaxLength, albert.MaxPositionEmbeddings);
        }
        // The built-in defaults are the bundled SNIPS model's configuration (labels only).
        var snips = TrainConfig.Load(Path.Combine(TestPaths.RepoRoot, "models", "snips", "train_config.json"));
        Assert.Equal(TrainConfig.Default.ToJson(), snips.ToJson());
    }

    [Fact]
    public void Overrides_change_only_the_keys_the_file_sets_inside_sections_too()
    {
        var baseConfig = new TrainConfig { Epochs = 17, MaxLength = 56, TokenDropout = 0.05f, Distil = new DistilConfig { TransferCopies = 2 } };
        var (c, keys) = TrainConfig.LoadOverrides(Write("{ \"epochs\": 5, \"seed\": 42, \"distil\": { \"temperature\": 2 } }"), baseConfig);
        Assert.Equal(["epochs", "seed", "distil.temperature"], keys);
        Assert.Equal(5, c.Epochs);
        Assert.Equal(42, c.Seed);
        Assert.Equal(2f, c.Distil!.Temperature);
        Assert.Equal(2, c.Distil.TransferCopies); // kept from the base, beside the overridden temperature
        Assert.Equal(56, c.MaxLength);
        Assert.Equal(0.05f, c.TokenDropout);
        // Everything else is the base's: only the three keys differ from it.
        var expected = new TrainConfig { Epochs = 5, Seed = 42, MaxLength = 56, TokenDropout = 0.05f, Distil = new DistilConfig { TransferCopies = 2, Temperature = 2 } };
        Assert.Equal(expected.ToJson(), c.ToJson());
        Assert.Equal(17, baseConfig.Epochs); // the base is not modified
    }

    [Fact]
    public void An_empty_override_file_is_the_base()
    {
        var baseConfig = new TrainConfig { Epochs = 9, InitializerRange = 0.05f };
        var (c, keys) = TrainConfig.LoadOverrides(Write("{ }"), baseConfig);
        Assert.Empty(keys);
        Assert.Equal(baseConfig.ToJson(), c.ToJson());
    }

    [Theory]
    [InlineData("{ \"epoch\": 5 }", "epoch")]
    [InlineData("{ \"epochs\": 0 }", "epochs")]
    [InlineData("{ \"num_attention_heads\": 3 }", "num_attention_heads")]
    public void Bad_overrides_are_one_line_errors_naming_the_file_and_key(string json, string key)
    {
        string path = Write(json);
        var e = Assert.Throws<InvalidDataException>(() => TrainConfig.LoadOverrides(path, new TrainConfig()));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(key, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void MissingKeysKeepDefaults()
    {
        var c = TrainConfig.Load(Write("{ \"hidden_size\": 64, \"exit_loss_weights\": [0.5, 0.5, 1, 1] }"));
        Assert.Equal(64, c.HiddenSize);
        Assert.Equal(TrainConfig.Default.Epochs, c.Epochs);
        Assert.Equal([0.5f, 0.5f, 1f, 1f], c.ResolvedExitLossWeights());
    }

    [Theory]
    [InlineData("{ \"hiden_size\": 64 }", "hiden_size")]
    [InlineData("{ \"hidden_size\": 130 }", "num_attention_heads")]
    [InlineData("{ \"learning_rate\": -1 }", "learning_rate")]
    [InlineData("{ \"epochs\": \"ten\" }", "line 1")]
    [InlineData("{ \"exit_loss_weights\": [1] }", "exit_loss_weights")]
    [InlineData("{ \"hidden_act\": \"relu\" }", "hidden_act")]
    [InlineData("{ \"max_length\": 2 }", "max_length")]
    [InlineData("{ \"epochs\": 3,\n  \"batch_size\": 0 }", "batch_size")]
    [InlineData("not json", "line")]
    [InlineData("{ \"binarize\": { \"kd_weight\": -1 } }", "binarize.kd_weight")]
    [InlineData("{ \"binarize\": { \"activation_binarizer\": \"relu\" } }", "binarize.activation_binarizer")]
    [InlineData("{ \"binarize\": { \"dmd\": 1 } }", "dmd")]
    [InlineData("{ \"distil\": { \"temperature\": 0 } }", "distil.temperature")]
    [InlineData("{ \"distil\": { \"projection\": \"both\" } }", "distil.projection")]
    [InlineData("{ \"distil\": { \"transfer_copies\": 17 } }", "distil.transfer_copies")]
    [InlineData("{ \"distil\": { \"word_dropout\": 1 } }", "distil.word_dropout")]
    [InlineData("{ \"distil\": { \"cosine_weight\": 1 } }", "cosine_weight")]
    public void BadConfigIsAOneLineErrorNamingTheFile(string json, string mention)
    {
        string path = Write(json);
        var e = Assert.Throws<InvalidDataException>(() => TrainConfig.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(mention, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void DefaultExitWeightsIncreaseWithDepth()
    {
        var w = new TrainConfig { NumHiddenLayers = 4 }.ResolvedExitLossWeights();
        Assert.Equal([0.25f, 0.5f, 0.75f, 1f], w);
    }

    [Fact]
    public void BinarizeSectionRoundTripsAndIsAbsentFromPlainConfigs()
    {
        var c = TrainConfig.Load(Write("{ \"epochs\": 3, \"binarize\": { \"activation_binarizer\": \"sign\", \"dmd_weight\": 0.25 } }"));
        Assert.Equal("sign", c.Binarize!.ActivationBinarizer);
        Assert.Equal(0.25f, c.Binarize.DmdWeight);
        Assert.Equal(new BinarizeConfig().KdWeight, c.Binarize.KdWeight);
        var again = TrainConfig.Load(Write(c.ToJson()));
        Assert.Equal(c.ToJson(), again.ToJson());
        Assert.Contains("\"dmd_weight\": 0.25", c.ToJson());
        Assert.DoesNotContain("binarize", TrainConfig.Default.ToJson());
    }

    [Fact]
    public void DistilSectionRoundTripsAndIsAbsentFromPlainConfigs()
    {
        var c = TrainConfig.Load(Write("{ \"distil\": { \"projection\": \"shared\", \"transfer_copies\": 2 } }"));
        Assert.Equal(DistilConfig.Shared, c.Distil!.Projection);
        Assert.Equal(2, c.Distil.TransferCopies);
        Assert.Equal(new DistilConfig().RepresentationWeight, c.Distil.RepresentationWeight);
        Assert.Equal(c.ToJson(), TrainConfig.Load(Write(c.ToJson())).ToJson());
        Assert.Contains("\"representation_weight\": 1", c.ToJson());
        Assert.DoesNotContain("distil", TrainConfig.Default.ToJson());
    }
}
