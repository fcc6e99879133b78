using BenchmarkDotNet.Running;

// Run with: make bench  (or: make bench BENCH='*Conversion*')
// CPU time of the running thread instead of wall-clock time (for a shared machine): MxRef.Bench --cpu-time '*Dot*'
if (args.Length > 0 && args[0] == "--cpu-time") return MxRef.Bench.CpuTimeRunner.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(MxRef.Bench.ConversionBenchmarks).Assembly).Run(args);
return 0;
