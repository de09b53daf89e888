using System;

namespace NanoIntent.App
{
    /// <summary>
    /// The serial console: one input line in, text out through <see cref="IConsoleWriter"/>. The same code runs on the
    /// device (serial port), in the host emulator (stdin/stdout) and in the tests. Every failure is one line starting
    /// with "error:".
    /// </summary>
    public sealed class CommandInterpreter
    {
        public const string HelpText =
            "commands: classify <text> | threshold <layer> <nats> | threshold reset | info | bench | help";

        private readonly IntentClassifier _classifier;
        private readonly IConsoleWriter _out;

        public CommandInterpreter(IntentClassifier classifier, IConsoleWriter output)
        {
            if (classifier == null) throw new ArgumentNullException("classifier");
            if (output == null) throw new ArgumentNullException("output");
            _classifier = classifier;
            _out = output;
        }

        /// <summary>The last command that was not empty: what the device's button repeats.</summary>
        public string LastCommand { get; private set; }

        /// <summary>The result of the last classification, or null (the device lights an LED for it).</summary>
        public IntentResult LastResult { get; private set; }

        public void Execute(string line)
        {
            if (line == null) return;
            line = line.Trim();
            if (line.Length == 0) return;
            LastCommand = line;
            int space = line.IndexOf(' ');
            string command = space < 0 ? line : line.Substring(0, space);
            string argument = space < 0 ? "" : line.Substring(space + 1).Trim();
            try
            {
                if (command == "classify") Classify(argument);
                else if (command == "threshold") Threshold(argument);
                else if (command == "info") Info();
                else if (command == "bench") Bench();
                else if (command == "help") _out.WriteLine(HelpText);
                else _out.WriteLine("error: unknown command '" + command + "'; " + HelpText);
            }
            catch (NanoIntentException e)
            {
                _out.WriteLine("error: " + e.Message);
            }
        }

        private void Classify(string text)
        {
            long start = DateTime.UtcNow.Ticks;
            IntentResult r = _classifier.Classify(text);
            long ticks = DateTime.UtcNow.Ticks - start;
            LastResult = r;
            _out.WriteLine(Describe(r) + " " + TextFormat.Milliseconds(ticks));
        }

        /// <summary>"BookRestaurant confidence 0.981 exit layer 2 of 6 entropy 0.094 nats": one classification. The
        /// console counts layers from 1, as `modelpacker classify` prints them (IntentResult.ExitLayer counts from 0).</summary>
        public string Describe(IntentResult r) =>
            r.Intent + (r.IsUnknown ? " (model: " + r.Predicted + ")" : "") + " confidence " + TextFormat.Q16(r.ConfidenceQ16) +
            " exit layer " + (r.ExitLayer + 1).ToString() + " of " + _classifier.Info.Layers.ToString() + " entropy " +
            TextFormat.Q16(r.EntropyQ16(r.ExitLayer)) + " nats";

        private void Threshold(string argument)
        {
            if (argument == "reset")
            {
                _classifier.ResetThresholds();
                _out.WriteLine("thresholds " + Thresholds());
                return;
            }
            int space = argument.IndexOf(' ');
            int layer, q16;
            if (space < 0 || !TextFormat.TryParseIndex(argument.Substring(0, space), out layer) ||
                !TextFormat.TryParseNats(argument.Substring(space + 1).Trim(), out q16))
            {
                _out.WriteLine("error: threshold takes <layer> <nats>, e.g. threshold 1 0.25 (or threshold reset)");
                return;
            }
            if (layer < 1 || layer > _classifier.Info.Layers)
            {
                _out.WriteLine("error: layer " + layer.ToString() + " does not exist: the model has layers 1.." +
                               _classifier.Info.Layers.ToString());
                return;
            }
            _classifier.SetThresholdQ16(layer - 1, q16);
            _out.WriteLine("threshold " + layer.ToString() + " = " + TextFormat.Q16(q16) + " nats");
        }

        private void Info()
        {
            ModelInfo m = _classifier.Info;
            _out.WriteLine("model: " + m.Layers.ToString() + " layers, " + m.Labels.ToString() + " intents, hidden " +
                           m.HiddenSize.ToString() + ", vocabulary " + m.VocabSize.ToString() + ", up to " +
                           m.MaxPositions.ToString() + " tokens, board id " + m.BoardId.ToString());
            _out.WriteLine("sizes: image " + m.ImageBytes.ToString() + " bytes, arena " + m.ArenaBytes.ToString() +
                           " of " + m.ArenaCapacity.ToString() + " bytes");
            _out.WriteLine("thresholds " + Thresholds());
            string intents = "intents:";
            for (int i = 0; i < _classifier.LabelCount; i++) intents += " " + _classifier.Label(i);
            _out.WriteLine(intents);
            _out.WriteLine("unknown when: " + Rejection(m));
        }

        /// <summary>The image's out-of-scope rule: "never", "entropy above 3.627 nats or label oos", ….</summary>
        private string Rejection(ModelInfo m)
        {
            if (m.RejectKind == ModelInfo.RejectNone) return "never";
            string label = m.UnknownLabel >= 0 ? "label " + _classifier.Label(m.UnknownLabel) : "";
            // a threshold nothing crosses (confidence 0, entropy 2^31 - 1) leaves only the label
            bool never = m.RejectKind == ModelInfo.RejectConfidence ? m.RejectThresholdQ16 == 0 : m.RejectThresholdQ16 == int.MaxValue;
            string rule = never ? "" : m.RejectKind == ModelInfo.RejectConfidence ? "confidence below " + TextFormat.Q16(m.RejectThresholdQ16)
                : "entropy above " + TextFormat.Q16(m.RejectThresholdQ16) + " nats";
            if (rule.Length == 0) return label.Length == 0 ? "never" : label;
            return label.Length == 0 ? rule : rule + " or " + label;
        }

        private string Thresholds()
        {
            string s = "(nats, per layer):";
            for (int l = 0; l < _classifier.Info.Layers; l++) s += " " + TextFormat.Q16(_classifier.ThresholdQ16(l));
            return s;
        }

        private void Bench()
        {
            string[] texts = BenchUtterances.All;
            _classifier.Classify(texts[0]); // warm-up: the first call is not timed
            long total = 0;
            int layers = 0;
            for (int i = 0; i < texts.Length; i++)
            {
                long start = DateTime.UtcNow.Ticks;
                IntentResult r = _classifier.Classify(texts[i]);
                long ticks = DateTime.UtcNow.Ticks - start;
                total += ticks;
                layers += r.LayersComputed;
                _out.WriteLine(TextFormat.Milliseconds(ticks) + " " + r.Intent + " (" + r.LayersComputed.ToString() +
                               " layers) " + texts[i]);
            }
            _out.WriteLine("bench: " + texts.Length.ToString() + " utterances, mean " +
                           TextFormat.Milliseconds(total / texts.Length) + ", " + layers.ToString() + " layers run");
        }
    }
}
