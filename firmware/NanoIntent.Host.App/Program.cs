using System;
using NanoIntent.App;

namespace NanoIntent.HostApp
{
    /// <summary>
    /// The host emulator of the device's serial console: classifies a few samples, then executes commands read from
    /// stdin (a prompt on a terminal) until EOF. Usage: nano-intent-host [--model &lt;image&gt;]
    /// </summary>
    internal static class Program
    {
        private static readonly string[] Samples =
        {
            "book a table for two tonight", "will it rain in paris tomorrow", "play the latest album by daft punk",
        };

        private static int Main(string[] args)
        {
            string model = null;
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--model" && i + 1 < args.Length) model = args[++i];
                else
                {
                    Console.Error.WriteLine("usage: nano-intent-host [--model <image.nimg>]  (unknown argument '" + args[i] + "')");
                    return 2;
                }
            }
            IntentClassifier classifier;
            try { classifier = ModelLocation.Open(model, Console.Out); }
            catch (Exception e) when (e is NanoIntentException or DllNotFoundException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
            using (classifier)
            {
                var console = new CommandInterpreter(classifier, new StdoutWriter());
                foreach (string sample in Samples)
                {
                    Console.Out.WriteLine("> classify " + sample);
                    console.Execute("classify " + sample);
                }
                bool interactive = !Console.IsInputRedirected;
                if (interactive) Console.Out.WriteLine(CommandInterpreter.HelpText);
                while (true)
                {
                    if (interactive) Console.Out.Write("> ");
                    string line = Console.In.ReadLine();
                    if (line == null) break;
                    if (!interactive && line.Trim().Length > 0) Console.Out.WriteLine("> " + line.Trim());
                    console.Execute(line);
                }
            }
            return 0;
        }
    }
}
