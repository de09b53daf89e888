using System;

namespace NanoIntent
{
    /// <summary>
    /// Classifies text with the flash image's model through the native session: Begin, then for each layer RunLayer
    /// and ExitHead until the exit entropy falls under that layer's threshold (the last layer always answers); that
    /// exit's answer is its label, or "unknown" when the image's out-of-scope rule rejects it (IntentResult.IsUnknown).
    /// The native session holds one model per process, so one classifier can be open at a time (a second open fails
    /// with NI_ERR_ALREADY_OPEN and leaves the first one working). After the first call, Classify allocates nothing.
    /// Empty text is classified like any other: the tokenizer gives [CLS] [SEP] and the model answers for that, as
    /// `modelpacker classify` does. On the host, U+0000 characters are removed first (BERT's tokenizer drops them; the
    /// native side takes a NUL-terminated string); nanoFramework's strings cannot hold U+0000, so there a text already
    /// ends at its first NUL. Text longer than MaxPositions - 2 tokens is cut, as in training.
    /// </summary>
    public sealed class IntentClassifier : IDisposable
    {
        private readonly int _layers;
        private readonly string[] _labels;
        private readonly int[] _defaultThresholdsQ16;
        private readonly int[] _thresholdsQ16;
        private readonly int[] _stats = new int[NativeIndexes.StatCount];
        private readonly IntentResult _result;
        private bool _open;

        /// <summary>Opens the model partition: an ESP32 data partition by label, the STM32 model flash region, or on
        /// the host and the nanoFramework emulator the file named by the environment variable NANO_INTENT_MODEL.</summary>
        public static IntentClassifier OpenPartition(string label)
        {
            if (label == null) throw new ArgumentNullException("label");
            NanoIntentException.Check(NativeSession.OpenPartition(label), "open partition '" + label + "'");
            return new IntentClassifier();
        }

        /// <summary>Opens an image file (host only; devices answer NI_ERR_UNSUPPORTED).</summary>
        public static IntentClassifier OpenFile(string path)
        {
            if (path == null) throw new ArgumentNullException("path");
            NanoIntentException.Check(NativeSession.OpenFile(path), "open file '" + path + "'");
            return new IntentClassifier();
        }

        // Called with the native model just opened: reads what the image declares, closing it again on any failure.
        private IntentClassifier()
        {
            try
            {
                int[] info = new int[NativeIndexes.InfoCount];
                NanoIntentException.Check(NativeSession.Info(info), "info");
                Info = new ModelInfo(info);
                _layers = Info.Layers;
                _labels = ReadLabels(Info.Labels);
                _defaultThresholdsQ16 = new int[_layers];
                NanoIntentException.Check(NativeSession.Thresholds(_defaultThresholdsQ16), "thresholds");
                _thresholdsQ16 = new int[_layers];
                ResetThresholds();
                _result = new IntentResult(_layers, Info.Labels);
                _open = true;
            }
            catch
            {
                NativeSession.Close();
                throw;
            }
        }

        public ModelInfo Info { get; }
        public int LabelCount => _labels.Length;
        public string Label(int index) => _labels[index];
        public bool IsOpen => _open;

        /// <summary>Classifies <paramref name="text"/>; the returned object is reused by the next call.</summary>
        public IntentResult Classify(string text)
        {
            if (text == null) throw new ArgumentNullException("text");
            if (!_open) throw new ObjectDisposedException("IntentClassifier");
            if (text.IndexOf('\0') >= 0) text = WithoutNul(text);

            IntentResult r = _result;
            r.TokenCount = NanoIntentException.Check(NativeSession.Begin(text), "begin");
            int last = _layers - 1;
            int layer = 0;
            while (true)
            {
                NanoIntentException.Check(NativeSession.RunLayer(layer), "run layer");
                int entropy = NanoIntentException.Check(NativeSession.ExitHead(layer, r.LayerLogitsQ16[layer], _stats), "exit head");
                r.LayerEntropyQ16[layer] = entropy;
                if (layer == last || entropy < _thresholdsQ16[layer]) break;
                layer++;
            }
            int label = _stats[NativeIndexes.StatArgmax], answer = _stats[NativeIndexes.StatAnswer];
            r.ExitLayer = layer;
            r.PredictedIndex = label;
            r.Predicted = _labels[label];
            // the native session applies the image's out-of-scope rule to the exit it stopped at
            r.LabelIndex = answer == NativeIndexes.AnswerUnknown ? IntentResult.UnknownIndex : answer;
            r.Intent = answer == NativeIndexes.AnswerUnknown ? IntentResult.UnknownIntent : _labels[answer];
            r.ConfidenceQ16 = _stats[NativeIndexes.StatConfidenceQ16];
            return r;
        }

        /// <summary>The token ids of the last classification into <paramref name="ids"/> (at least Info.MaxPositions
        /// long); returns their number.</summary>
        public int TokenIds(int[] ids)
        {
            if (ids == null) throw new ArgumentNullException("ids");
            if (!_open) throw new ObjectDisposedException("IntentClassifier");
            return NanoIntentException.Check(NativeSession.TokenIds(ids), "token ids");
        }

        /// <summary>Exit threshold of a layer, Q16 nats: classification stops there when the entropy is below it.</summary>
        public int ThresholdQ16(int layer) => _thresholdsQ16[CheckLayer(layer)];
        public double ThresholdNats(int layer) => Q16.ToDouble(ThresholdQ16(layer));
        /// <summary>The threshold the image was calibrated with.</summary>
        public int DefaultThresholdQ16(int layer) => _defaultThresholdsQ16[CheckLayer(layer)];

        /// <summary>0 never exits at that layer; a value above every entropy (ln C nats) always does.</summary>
        public void SetThresholdQ16(int layer, int q16)
        {
            CheckLayer(layer);
            if (q16 < 0) throw new ArgumentOutOfRangeException("q16", "a threshold is >= 0");
            _thresholdsQ16[layer] = q16;
        }

        public void SetThresholdNats(int layer, double nats)
        {
            int q16;
            if (!Q16.TryFromDouble(nats, out q16)) throw new ArgumentOutOfRangeException("nats", "a threshold is 0..32767 nats");
            SetThresholdQ16(layer, q16);
        }

        public void ResetThresholds()
        {
            for (int l = 0; l < _layers; l++) _thresholdsQ16[l] = _defaultThresholdsQ16[l];
        }

        /// <summary>Closes the native session (it held the mapped image); later calls throw ObjectDisposedException.</summary>
        public void Dispose()
        {
            if (!_open) return;
            _open = false;
            NativeSession.Close();
        }

        private int CheckLayer(int layer)
        {
            if (layer < 0 || layer >= _layers) throw new ArgumentOutOfRangeException("layer");
            return layer;
        }

        private static string[] ReadLabels(int count)
        {
            string[] labels = new string[count];
            byte[] utf8 = new byte[128];
            for (int i = 0; i < count; i++)
            {
                int n = NativeSession.Label(i, utf8);
                while (n < 0 && utf8.Length < 4096)
                {
                    // a label longer than the buffer (NI_ERR_BUFFER): grow and ask again; other errors repeat and throw
                    utf8 = new byte[utf8.Length * 2];
                    n = NativeSession.Label(i, utf8);
                }
                NanoIntentException.Check(n, "label " + i.ToString());
                labels[i] = Utf8.Decode(utf8, n);
            }
            return labels;
        }

        // The rare path: a copy of the text without U+0000.
        private static string WithoutNul(string text)
        {
            char[] chars = text.ToCharArray();
            int n = 0;
            for (int i = 0; i < chars.Length; i++)
                if (chars[i] != '\0') chars[n++] = chars[i];
            return new string(chars, 0, n);
        }
    }
}
