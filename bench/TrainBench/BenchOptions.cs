using System.Globalization;

/// <summary>The command line: the mode (only "throughput", the default) and known --name value pairs; anything else
/// is a usage error.</summary>
/// <param name="SteadySteps">Null: one epoch of the config's training data.</param>
sealed record BenchOptions(string ConfigPath, string DataPath, int WindowSteps, double TolerancePercent, int MaxWarmUpSteps, int? SteadySteps)
{
    public static BenchOptions Parse(string[] argv, string defaultConfig, string defaultData)
    {
        int i = 0;
        if (argv.Length > 0 && !argv[0].StartsWith("--"))
        {
            if (argv[0] != "throughput") throw new UsageException($"unknown mode '{argv[0]}'");
            i = 1;
        }
        var known = new HashSet<string> { "--config", "--data", "--window", "--tolerance", "--max-warmup-steps", "--steady-steps" };
        var given = new Dictionary<string, string>();
        for (; i < argv.Length; i += 2)
        {
            if (!known.Contains(argv[i])) throw new UsageException($"unknown argument '{argv[i]}'");
            if (i + 1 >= argv.Length) throw new UsageException($"{argv[i]} needs a value");
            if (!given.TryAdd(argv[i], argv[i + 1])) throw new UsageException($"{argv[i]} is given twice");
        }
        int window = WholeNumber(given, "--window", 40, 1, 100_000);
        int maxWarmUp = WholeNumber(given, "--max-warmup-steps", 1200, 2, 1_000_000);
        if (maxWarmUp < 2 * window) throw new UsageException($"--max-warmup-steps {maxWarmUp} leaves room for fewer than two windows of {window} steps");
        int? steadySteps = given.ContainsKey("--steady-steps") ? WholeNumber(given, "--steady-steps", 0, 1, 1_000_000) : null;
        string toleranceText = given.GetValueOrDefault("--tolerance") ?? "3";
        if (!double.TryParse(toleranceText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double tolerance) || tolerance <= 0 || tolerance > 50)
            throw new UsageException($"--tolerance '{toleranceText}' is not a percentage above 0 and at most 50");
        return new BenchOptions(given.GetValueOrDefault("--config") ?? defaultConfig, given.GetValueOrDefault("--data") ?? defaultData,
            window, tolerance, maxWarmUp, steadySteps);
    }

    private static int WholeNumber(Dictionary<string, string> given, string name, int fallback, int min, int max)
    {
        if (!given.TryGetValue(name, out var text)) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new UsageException($"{name} '{text}' is not a whole number from {min} to {max}");
        return value;
    }
}

/// <summary>A bad command line: exit 2 with the usage line.</summary>
sealed class UsageException(string message) : Exception(message);
