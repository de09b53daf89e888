namespace NanoIntent.Tests;

/// <summary>The native session holds one model per process: every test that opens one runs in this collection, one
/// at a time, and closes what it opened.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeSessionCollection
{
    public const string Name = "native session";
}
