using BenchmarkDotNet.Running;

// Run with: make bench  (or: make bench BENCH='*Conversion*')
BenchmarkSwitcher.FromAssembly(typeof(MxRef.Bench.ConversionBenchmarks).Assembly).Run(args);
