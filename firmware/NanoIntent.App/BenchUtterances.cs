namespace NanoIntent.App
{
    /// <summary>The utterances the `bench` command classifies: one or two per SNIPS intent, short and long.</summary>
    public static class BenchUtterances
    {
        public static readonly string[] All =
        {
            "book a table for two tonight",
            "i need a reservation at an italian restaurant in seattle for six people on friday evening",
            "will it rain in paris tomorrow",
            "what is the forecast for the weekend near me",
            "play the latest album by daft punk",
            "put on some jazz from the sixties",
            "add this song to my workout playlist",
            "rate this book four out of six stars",
            "find the movie schedule for the nearest cinema",
            "search for the tv show called the office",
        };
    }
}
