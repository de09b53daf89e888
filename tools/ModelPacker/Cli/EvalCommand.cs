using System.CommandLine;
using ModelPacker.Data;
using ModelPacker.Evaluation;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker eval --model dir --data path</c>: accuracy, macro-F1, per-intent scores, confusions, the
/// accuracy of every exit layer on one split and, with <c>--errors</c>, the utterances it gets wrong.
/// </summary>
internal static class EvalCommand
{
    internal static readonly string[] Splits = ["test", "validation", "val", "train", "all"];

    public static Command Create(CliEnvironment env)
    {
        var model = CommonOptions.Model();
        var data = CommonOptions.Data("Labelled utterances to score");
        var split = new Option<string>("--split")
        {
            Description = "Which split to score; 'all' = train + validation + test (for a file that is all test data)",
            DefaultValueFactory = _ => "test",
        };
        split.AcceptOnlyFromAmong(Splits);
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var json = CommonOptions.Json("the scores");
        var top = new Option<int>("--top") { Description = "How many of the most frequent confusions to list", DefaultValueFactory = _ => 10 };
        var errors = new Option<int>("--errors")
        {
            Description = "List the first <n> utterances the last exit gets wrong, in data order, with the true and predicted intent (0: none)",
            HelpName = "n",
            DefaultValueFactory = _ => 0,
        };
        var verbose = CommonOptions.Verbose();
        var command = new Command("eval", "Score a model on labelled data") { model, data, split, textColumn, labelColumn, json, top, errors, verbose };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            if (result.GetValue(top) < 0) throw new UsageException("--top must be 0 or more");
            if (result.GetValue(errors) < 0) throw new UsageException("--errors must be 0 or more");
            string dataPath = result.GetValue(data)!, splitName = result.GetValue(split)!;
            var datasetOptions = CommonOptions.DatasetOptions(result, textColumn, labelColumn);
            var classifier = ModelSource.Open(result.GetValue(model)!, env, result.GetValue(verbose));
            var dataset = DatasetLoader.Load(dataPath, datasetOptions);
            var examples = Select(dataset, splitName);
            if (examples.Count == 0) throw new InvalidDataException($"{dataPath}: the {splitName} split has no utterances");

            bool asJson = result.GetValue(json);
            var report = asJson || !env.Interactive
                ? Evaluator.Evaluate(classifier, examples, null, cancellation)
                : EvaluateWithProgress(env, classifier, examples, cancellation);
            if (report.UnknownLabels.Count > 0)
                env.Error.WriteLine($"warning: {dataPath}: {report.UnknownLabels.Count} intent(s) the model does not know, counted as errors: " +
                                    string.Join(", ", report.UnknownLabels.Take(10)));
            var summary = new EvalSummary(result.GetValue(model)!, dataPath, splitName, report);
            var ic = classifier as IntegerRuntime.IntegerClassifier;
            var early = ic is not null ? IntegerRuntime.EarlyExitStatistics.Measure(ic, examples, cancellation) : null;
            if (asJson)
            {
                var node = System.Text.Json.Nodes.JsonNode.Parse(summary.ToJson(result.GetValue(top), result.GetValue(errors)))!;
                if (early is not null)
                {
                    node["early_exit_accuracy"] = early.Accuracy;
                    if (early.InScopeAccuracy is { } inScope) node["early_exit_in_scope_accuracy"] = inScope;
                    node["mean_layers"] = early.MeanLayers;
                    var a = early.Answers;
                    node["answers"] = new System.Text.Json.Nodes.JsonObject
                    {
                        ["rejection"] = a.Rule.Describe(ic!.Labels),
                        ["in_scope_accuracy"] = a.InScopeAccuracy,
                        ["out_of_scope_recall"] = a.OutOfScopeRecall,
                        ["in_scope_unknown"] = a.InScopeRejectedShare,
                    };
                }
                env.Out.WriteLine(node.ToJsonString());
            }
            else
            {
                summary.Print(env.Console, result.GetValue(top), result.GetValue(errors));
                if (early is not null)
                {
                    env.Console.MarkupLine($"Early exit (integer runtime, image thresholds): accuracy [bold]{early.Accuracy:P2}[/], " +
                                           (early.InScopeAccuracy is { } inScope ? $"in scope [bold]{inScope:P2}[/], " : "") +
                                           $"mean {early.MeanLayers:F2} of {classifier.ExitCount} layers");
                    var a = early.Answers;
                    env.Console.MarkupLine(Markup.Escape($"Answers (early exit, unknown when {a.Rule.Describe(ic!.Labels)}): in-scope accuracy {a.InScopeAccuracy:P2}" +
                                                         (a.OutOfScopeRecall is { } r ? $", out-of-scope recall {r:P2} ({a.OutOfScope} utterances)" : "") +
                                                         $", in scope answered unknown {a.InScopeRejectedShare:P2}"));
                }
            }
            return ExitCodes.Success;
        })));
        return command;
    }

    internal static IReadOnlyList<IntentExample> Select(IntentDataset dataset, string split) =>
        split == "all" ? [.. dataset.Train, .. dataset.Validation, .. dataset.Test] : dataset.Split(split);

    private static EvaluationReport EvaluateWithProgress(CliEnvironment env, IIntentClassifier classifier,
        IReadOnlyList<IntentExample> examples, CancellationToken cancellation) =>
        env.Console.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("evaluating", maxValue: examples.Count);
                return Evaluator.Evaluate(classifier, examples, new DirectProgress<int>(done => task.Value = done), cancellation);
            });
}

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (Progress&lt;T&gt; would post).</summary>
internal sealed class DirectProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
