using ModelPacker.Training;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>
/// Shows training progress: a live bar with loss, accuracy and time left on a terminal; a line per epoch (and
/// at most every 30 s) when the output is a file or a pipe.
/// </summary>
internal static class TrainingProgressView
{
    public static T Run<T>(CliEnvironment env, Func<IProgress<TrainProgress>, T> train)
    {
        if (!env.Interactive) return train(new LineProgress(env.Out));
        return env.Console.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                return train(new DirectProgress<TrainProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.TotalSteps);
                    task.Value = p.Step;
                    task.Description = Markup.Escape(Describe(p));
                }));
            });
    }

    internal static string Describe(TrainProgress p) =>
        $"epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F4}  train {p.TrainAccuracy:P1}" +
        (p.ValidationAccuracy is { } v ? $"  val {v:P1}" : "") + $"  left {Clock(p.Remaining)}";

    internal static string Clock(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";

    /// <summary>Plain lines for logs: when the epoch or the validation accuracy changes, or every 30 seconds.</summary>
    private sealed class LineProgress(TextWriter output) : IProgress<TrainProgress>
    {
        private readonly object _gate = new();
        private int _epoch;
        private float? _validation;
        private TimeSpan _lastLine;

        public void Report(TrainProgress p)
        {
            lock (_gate)
            {
                bool news = p.Epoch != _epoch || p.ValidationAccuracy != _validation || p.Elapsed - _lastLine >= TimeSpan.FromSeconds(30);
                if (!news) return;
                (_epoch, _validation, _lastLine) = (p.Epoch, p.ValidationAccuracy, p.Elapsed);
                output.WriteLine($"step {p.Step}/{p.TotalSteps}  {Describe(p)}  elapsed {Clock(p.Elapsed)}");
            }
        }
    }
}
