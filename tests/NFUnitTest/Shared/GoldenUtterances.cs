namespace NFUnitTest.Shared
{
    /// <summary>
    /// Utterances the device tests classify, with the bundled image's answers in GoldenExpectations.cs. That file is
    /// generated from the C# integer reference (IntegerRuntime) on models/snips/snips-int8.nimg:
    ///     NANO_INTENT_UPDATE_GOLDEN=1 dotnet test tests/NanoIntent.Tests --filter GoldenExpectationsTests
    /// and the same test fails when the committed file differs from what the reference says.
    /// </summary>
    public static class GoldenUtterances
    {
        public static readonly string[] Texts =
        {
            "book a table for two tonight",
            "will it rain in paris tomorrow",
            "play the latest album by daft punk",
            "add this song to my workout playlist",
            "rate this book four out of six stars",
            "find the movie schedule for the nearest cinema",
            "search for the tv show called the office",
            "is it going to be cold in Tromsø next week?",
            "Réserve une table au café de Flore",
            "",
            "hello",
            "play play play play play play play play play play play play play play play play play play play play play play",
        };
    }
}
