using ModelPacker.Training;

namespace ModelPacker.Cli;

/// <summary>The training config of a pruning fine-tune: the checkpoint's own train_config.json (or the defaults) at
/// 3 epochs and 2e-4 (<see cref="SparsifyCommand.Defaults"/>), then the keys of an overrides file.</summary>
internal static class FineTuneConfig
{
    public static (TrainConfig Config, bool FromCheckpoint) Load(string modelDir, string? overridesPath)
    {
        var path = Path.Combine(modelDir, TrainCommand.TrainConfigFile);
        bool own = File.Exists(path);
        var cfg = SparsifyCommand.Defaults(own ? TrainConfig.Load(path) : TrainConfig.Default);
        if (overridesPath is not null) cfg = TrainConfig.LoadOverrides(overridesPath, cfg).Config;
        return (cfg, own);
    }
}
