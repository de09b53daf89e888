namespace ModelPacker.Data;

/// <summary>
/// Loads an intent dataset from a directory (recognised by its files) or a single CSV/JSONL file.
/// <list type="bullet">
/// <item>CLINC150: a directory holding data_full.json (or that file itself). Splits train/val/test as given; the
/// oos_* lists join them with label "oos" unless <see cref="DatasetOptions.IncludeOutOfScope"/> is false.</item>
/// <item>SNIPS, Banking77 and user data: a directory with train.jsonl or train.csv, optional test.* and optional
/// validation.* or val.* (same extension rules). Columns come from <see cref="DatasetOptions"/>; Banking77's
/// "category" header is found by the label-column fallback. Missing validation: taken from train, stratified,
/// <see cref="DatasetOptions.ValidationFraction"/> of each intent. Missing test: 10 % of each intent taken from
/// train first.</item>
/// <item>A single .csv/.jsonl file: split 80/10/10 (test 10 % first, then validation by
/// <see cref="DatasetOptions.ValidationFraction"/>), stratified per intent.</item>
/// </list>
/// Every split is deterministic (<see cref="StratifiedSplit"/>). Every problem is a one-line
/// <see cref="DataFormatException"/>.
/// </summary>
public static class DatasetLoader
{
    /// <summary>Share of each intent held out as test when a set has no test split.</summary>
    public const double TestFraction = 0.1;

    private static readonly string[] ExampleExtensions = [".jsonl", ".csv"];

    public static IntentDataset Load(string path, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        options.Validate();
        if (Directory.Exists(path)) return LoadDirectory(path, options);
        if (File.Exists(path))
        {
            if (string.Equals(Path.GetFileName(path), Clinc150Reader.FileName, StringComparison.OrdinalIgnoreCase))
                return Clinc150Reader.Read(path, options);
            return LoadSingleFile(path, options);
        }
        throw new DataFormatException(path, "no such file or directory");
    }

    private static IntentDataset LoadDirectory(string dir, DatasetOptions options)
    {
        string clinc = Path.Combine(dir, Clinc150Reader.FileName);
        if (File.Exists(clinc)) return Clinc150Reader.Read(clinc, options);

        string? trainPath = FindSplitFile(dir, "train");
        if (trainPath is null)
        {
            var found = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(10);
            throw new DataFormatException(dir,
                "unrecognised dataset directory: expected data_full.json (CLINC150) or train.jsonl/train.csv with " +
                "optional test.* and validation.*/val.* (SNIPS, Banking77, your own data); found: " +
                (found.Any() ? string.Join(", ", found) : "nothing"));
        }
        string? testPath = FindSplitFile(dir, "test");
        string? validationPath = FindSplitFile(dir, "validation", "val");

        var train = ExampleFileReader.Read(trainPath, options);
        List<IntentExample> test, validation;
        if (testPath is not null) test = ExampleFileReader.Read(testPath, options);
        else (train, test) = StratifiedSplit.Take(train, TestFraction, "test");
        if (validationPath is not null) validation = ExampleFileReader.Read(validationPath, options);
        else (train, validation) = StratifiedSplit.Take(train, options.ValidationFraction, "validation");

        return new IntentDataset
        {
            Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))),
            SourcePath = dir,
            Train = train,
            Validation = validation,
            Test = test,
            Labels = IntentDataset.CollectLabels(train, validation, test),
        };
    }

    private static IntentDataset LoadSingleFile(string file, DatasetOptions options)
    {
        if (!ExampleFileReader.IsSupported(file))
            throw new DataFormatException(file,
                $"unsupported file type '{Path.GetExtension(file)}': expected .csv, .jsonl, data_full.json or a dataset directory");
        var all = ExampleFileReader.Read(file, options);
        var (rest, test) = StratifiedSplit.Take(all, TestFraction, "test");
        // ValidationFraction is a share of the whole file, so the default gives 80/10/10.
        double validationShare = options.ValidationFraction / (1 - TestFraction);
        var (train, validation) = StratifiedSplit.Take(rest, Math.Min(validationShare, 0.99), "validation");
        return new IntentDataset
        {
            Name = Path.GetFileNameWithoutExtension(file),
            SourcePath = file,
            Train = train,
            Validation = validation,
            Test = test,
            Labels = IntentDataset.CollectLabels(train, validation, test),
        };
    }

    /// <summary>The one &lt;name&gt;.jsonl or &lt;name&gt;.csv in <paramref name="dir"/>, or null; two candidates are an error.</summary>
    private static string? FindSplitFile(string dir, params string[] names)
    {
        var candidates = names.SelectMany(n => ExampleExtensions.Select(e => Path.Combine(dir, n + e)))
            .Where(File.Exists).ToList();
        if (candidates.Count > 1)
            throw new DataFormatException(dir,
                $"ambiguous dataset directory: both {Path.GetFileName(candidates[0])} and {Path.GetFileName(candidates[1])} exist");
        return candidates.Count == 1 ? candidates[0] : null;
    }
}
