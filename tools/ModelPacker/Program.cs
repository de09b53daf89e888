using ModelPacker.Cli;

return CommandTree.Run(args, CliEnvironment.ForProcess());
