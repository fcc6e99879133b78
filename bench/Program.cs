using BenchmarkDotNet.Running;

// Run with: make bench  (or: make bench BENCH='*Conversion*')
// CPU time of the running thread instead of wall-clock time (for a shared machine): MxRef.Bench --cpu-time '*Dot*'
// The quantize data-path cases in process CPU time per element: make bench-quantize-cpu (MxRef.Bench --cpu-cases)
if (args.Length > 0 && args[0] == "--cpu-time") return MxRef.Bench.CpuTimeRunner.Run(args[1..]);
// microxcaling side by side (make bench-peer): --peer-inputs DIR N..., then --peer-compare DIR [ROUNDS [CALLS]] -- PEER-COMMAND...
if (args.Length > 1 && args[0] == "--peer-inputs") return MxRef.Bench.PeerBench.Inputs(args[1..]);
if (args.Length > 1 && args[0] == "--peer-compare") return MxRef.Bench.PeerBench.Compare(args[1..]);
if (args.Length > 0 && args[0] == "--cpu-cases") return MxRef.Bench.CpuTimeBench.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(MxRef.Bench.ConversionBenchmarks).Assembly).Run(args);
return 0;
