return MxRef.Harness.Cli.Run(args);
