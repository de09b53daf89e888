#nullable disable
using System;
using NanoIntent;

namespace NFUnitTest.Shared
{
    /// <summary>
    /// The device tests, written once: NFUnitTest runs them on nanoFramework (the model partition "model"; on the
    /// emulator the file $NANO_INTENT_MODEL), tests/NanoIntent.Tests on the host with the bundled image behind the
    /// same partition. Each case opens and closes the model itself (the native session is process-global).
    /// </summary>
    public static class DeviceCases
    {
        public const string Partition = "model";

        /// <summary>Intent and exit layer of every golden utterance equal what the C# integer reference says.</summary>
        public static void GoldenIntentsAndExitLayers()
        {
            using (IntentClassifier c = IntentClassifier.OpenPartition(Partition))
            {
                string[] texts = GoldenUtterances.Texts;
                Check.Equal(texts.Length, GoldenExpectations.Intents.Length, "golden intents");
                for (int i = 0; i < texts.Length; i++)
                {
                    IntentResult r = c.Classify(texts[i]);
                    Check.Equal(GoldenExpectations.Intents[i], r.Intent, "intent of '" + texts[i] + "'");
                    Check.Equal(GoldenExpectations.ExitLayers[i], r.ExitLayer, "exit layer of '" + texts[i] + "'");
                    Check.Equal(r.ExitLayer + 1, r.LayersComputed, "layers computed");
                    Check.True(r.ConfidenceQ16 > 0 && r.ConfidenceQ16 <= 65536, "confidence in (0, 1]");
                }
            }
        }

        /// <summary>Empty text is classified as [CLS] [SEP] (two tokens), like `modelpacker classify ""`.</summary>
        public static void EmptyTextIsClsSep()
        {
            using (IntentClassifier c = IntentClassifier.OpenPartition(Partition))
            {
                IntentResult r = c.Classify("");
                Check.Equal(2, r.TokenCount, "tokens of empty text");
                Check.True(r.Intent != null && r.Intent.Length > 0, "an intent for empty text");
            }
        }

        /// <summary>U+0000 in a .NET string is dropped (as BERT's cleaning does) instead of cutting the text at the NUL.
        /// nanoCLR's strings cannot hold U+0000 (they are NUL-terminated UTF-8: "a\0b" has Length 1 there), so on the
        /// device such a text already ends at the NUL and must classify as the part before it.</summary>
        public static void NulCharactersAreDropped()
        {
            bool stringsHoldNul = "a\0b".Length == 3;
            using (IntentClassifier c = IntentClassifier.OpenPartition(Partition))
            {
                IntentResult r = c.Classify("book a table\0 for two tonight");
                int tokens = r.TokenCount, layer = r.ExitLayer;
                int[] logits = (int[])r.LogitsQ16(layer).Clone();
                r = c.Classify(stringsHoldNul ? "book a table for two tonight" : "book a table");
                Check.Equal(r.TokenCount, tokens, "tokens with a NUL");
                Check.Equal(r.ExitLayer, layer, "exit layer with a NUL");
                for (int i = 0; i < logits.Length; i++) Check.Equal(r.LogitsQ16(layer)[i], logits[i], "logit " + i.ToString());
            }
        }

        public static void NullTextThrows()
        {
            using (IntentClassifier c = IntentClassifier.OpenPartition(Partition))
            {
                Exception e = Check.Throws(delegate { c.Classify(null); }, "Classify(null)");
                Check.True(e is ArgumentNullException, "ArgumentNullException, got " + e.GetType().Name);
            }
        }

        public static void ClassifyAfterDisposeThrows()
        {
            IntentClassifier c = IntentClassifier.OpenPartition(Partition);
            c.Dispose();
            Exception e = Check.Throws(delegate { c.Classify("play music"); }, "Classify after Dispose");
            Check.True(e is ObjectDisposedException, "ObjectDisposedException, got " + e.GetType().Name);
            c.Dispose(); // a second Dispose does nothing
            using (IntentClassifier again = IntentClassifier.OpenPartition(Partition)) again.Classify("play music");
        }

        /// <summary>A second open fails naming NI_ERR_ALREADY_OPEN and leaves the first classifier working.</summary>
        public static void DoubleOpenThrowsAndKeepsTheFirst()
        {
            using (IntentClassifier first = IntentClassifier.OpenPartition(Partition))
            {
                Exception e = Check.Throws(delegate { IntentClassifier.OpenPartition(Partition); }, "a second open");
                NanoIntentException n = e as NanoIntentException;
                Check.True(n != null, "NanoIntentException, got " + e.GetType().Name);
                Check.Equal("NI_ERR_ALREADY_OPEN", n.StatusName, "status of a second open");
                Check.True(e.Message.IndexOf("NI_ERR_ALREADY_OPEN") >= 0, "the message names the status: " + e.Message);
                first.Classify("play music");
            }
            using (IntentClassifier fresh = IntentClassifier.OpenPartition(Partition)) fresh.Classify("play music");
        }

        /// <summary>Threshold 0 never exits early; a threshold above every entropy exits at that layer; reset restores.</summary>
        public static void ThresholdsChangeExitLayers()
        {
            using (IntentClassifier c = IntentClassifier.OpenPartition(Partition))
            {
                int layers = c.Info.Layers;
                string text = GoldenUtterances.Texts[0];
                for (int l = 0; l < layers; l++) c.SetThresholdQ16(l, 0);
                Check.Equal(layers - 1, c.Classify(text).ExitLayer, "exit layer with thresholds 0");
                for (int exit = 0; exit < layers; exit++)
                {
                    c.SetThresholdNats(exit, 1000.0);
                    Check.Equal(exit, c.Classify(text).ExitLayer, "exit layer with threshold " + exit.ToString() + " = 1000 nats");
                    c.SetThresholdQ16(exit, 0);
                }
                c.ResetThresholds();
                Check.Equal(GoldenExpectations.ExitLayers[0], c.Classify(text).ExitLayer, "exit layer after reset");
                for (int l = 0; l < layers; l++) Check.Equal(c.DefaultThresholdQ16(l), c.ThresholdQ16(l), "threshold after reset");
                Exception e = Check.Throws(delegate { c.SetThresholdNats(0, -1.0); }, "a negative threshold");
                Check.True(e is ArgumentOutOfRangeException, "ArgumentOutOfRangeException, got " + e.GetType().Name);
            }
        }
    }
}
