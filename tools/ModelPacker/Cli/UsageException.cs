namespace ModelPacker.Cli;

/// <summary>The command line asks for something impossible (exit code 2, like a parse error).</summary>
public sealed class UsageException(string message) : Exception(message);
