using System;
using System.IO;

namespace NanoIntent.HostApp
{
    /// <summary>
    /// Which image the emulator opens, as the device would find its partition: --model &lt;file&gt;, else the partition
    /// "model" that the native provider maps from $NANO_INTENT_MODEL, else the bundled default image.
    /// </summary>
    internal static class ModelLocation
    {
        internal const string DefaultImage = "models/snips/snips-int8.nimg";

        internal static IntentClassifier Open(string modelArgument, TextWriter log)
        {
            if (modelArgument != null)
            {
                log.WriteLine("model: " + modelArgument);
                return IntentClassifier.OpenFile(modelArgument);
            }
            string env = Environment.GetEnvironmentVariable("NANO_INTENT_MODEL");
            if (!string.IsNullOrEmpty(env))
            {
                log.WriteLine("model: partition 'model' = $NANO_INTENT_MODEL = " + env);
                return IntentClassifier.OpenPartition("model");
            }
            string repo = InteropLibrary.RepositoryRoot();
            string path = repo == null ? DefaultImage : Path.Combine(repo, DefaultImage);
            log.WriteLine("model: " + path + " (bundled default)");
            return IntentClassifier.OpenFile(path);
        }
    }
}
