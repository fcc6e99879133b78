using BenchmarkDotNet.Running;
using MxRef.Bench;

// Run with: make bench  (or: make bench BENCH='*Conversion*'); CPU time per element: make bench-quantize-cpu
if (args.Length > 0 && args[0] == "--cpu-time") return CpuTimeBench.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(ConversionBenchmarks).Assembly).Run(args);
return 0;
