#!/usr/bin/python3
"""microxcaling's PyTorch CPU quantization timed in process, for `make bench-peer` (docs/PERFORMANCE.md,
"Quantization against microxcaling (PyTorch CPU)").

    microxcaling_bench.py --microxcaling PATH --dir DIR [--rounds N] [--threads 1,2] [--formats e4m3,e5m2,e2m1,int8]

PATH is a checkout of github.com/microsoft/microxcaling (nothing in MxRef's build or tests needs it). DIR holds the
inputs `MxRef.Bench --peer-inputs` wrote: `<name>.npy` FP32 tensors of shape (n/32, 32) listed in DIR/inputs.txt (name
and whether to time it). For each input, thread count and element format this runs

    mx.mx_ops.quantize_mx_op(A, MxSpecs(), elem_format, block_size=32, axes=[-1], round="nearest")

(scale_bits 0 = 8-bit E8M0 scale, shared_exp_method "max" = floor(log2 amax) − emax, no custom CUDA/C++ kernels:
the PyTorch path) to warm up (at least once and for one second), then N times, and records the best and median wall
time (time.perf_counter around the call), the best process CPU time (time.process_time: every thread of the process)
and the minor page faults of each call (getrusage). The output (the dequantized FP32 tensor, quantize_mx_op's result)
of the first call goes to DIR/<name>.<format>.peer.npy for the bit comparison; the last timed call's output and the
other thread counts' outputs are checked against it bit for bit (every timed call quantizes: PyTorch caches nothing
between eager calls). Results: one JSON object per line in DIR/peer.jsonl.

Page faults: every op of the PyTorch path allocates a tensor of the input's size. glibc's malloc serves these from
fresh mmap()ed or trimmed heap pages unless its thresholds keep freed memory, so a call either reuses memory (no
faults) or faults in each new tensor page by page (~12,500 faults per call at 3.2 M elements) and runs 4–7× slower;
which one happens varies from call to call. scripts/bench-peer.sh therefore runs this script with
GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295 (freed memory stays in the heap: the
peer's fastest configuration, no faults after the warm-up) unless PEER_MALLOC=default; the "malloc" field says which.

Only mx/mx_ops.py and what it imports (specs, formats, elemwise_ops) are loaded: the package's __init__ imports its
layers, which need more packages (packaging) than the op does.
"""
import argparse
import json
import os
import resource
import sys
import time
import types

FORMATS = {"e4m3": "fp8_e4m3", "e5m2": "fp8_e5m2", "e2m1": "fp4_e2m1", "int8": "int8",
           "e3m2": "fp6_e3m2", "e2m3": "fp6_e2m3"}


def load_microxcaling(path):
    root = os.path.join(path, "mx")
    if not os.path.isfile(os.path.join(root, "mx_ops.py")):
        sys.exit(f"{path}: not a microxcaling checkout (no mx/mx_ops.py); get one with "
                 "`git clone https://github.com/microsoft/microxcaling` and pass MICROXCALING=<that dir>")
    package = types.ModuleType("mx")
    package.__path__ = [root]
    sys.modules["mx"] = package
    from mx.mx_ops import quantize_mx_op
    from mx.specs import MxSpecs
    return quantize_mx_op, MxSpecs


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--microxcaling", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--formats", default="e4m3,e5m2,e2m1,int8")
    a = p.parse_args()
    import numpy as np
    import torch
    quantize_mx_op, MxSpecs = load_microxcaling(a.microxcaling)
    specs = MxSpecs()
    threads = [int(t) for t in a.threads.split(",")]
    formats = a.formats.split(",")
    for f in formats:
        if f not in FORMATS:
            sys.exit(f"unknown format {f}; valid: {', '.join(FORMATS)}")
    with open(os.path.join(a.dir, "inputs.txt")) as listing:
        inputs = [line.split() for line in listing if line.strip()]
    out_path = os.path.join(a.dir, "peer.jsonl")
    with open(out_path + ".tmp", "w") as out:
        for name, timed in inputs:
            x = torch.from_numpy(np.load(os.path.join(a.dir, name + ".npy")))
            for t in threads if timed == "timed" else threads[:1]:
                torch.set_num_threads(t)
                for f in formats:
                    op = lambda: quantize_mx_op(x, specs, elem_format=FORMATS[f], block_size=32, axes=[-1], round="nearest")
                    y = op()  # warm-up (and the output compared)
                    result = os.path.join(a.dir, f"{name}.{f}.peer.npy")
                    if t == threads[0]:
                        np.save(result + ".tmp.npy", y.numpy())
                        os.replace(result + ".tmp.npy", result)
                        same = True
                    else:
                        same = bool(np.array_equal(np.load(result).view(np.uint32), y.numpy().view(np.uint32)))
                    warm = time.perf_counter()
                    while timed == "timed" and time.perf_counter() - warm < 1.0:
                        op()  # the same warm-up as MxRef's side: at least one call and one second
                    walls, cpus, faults = [], [], []
                    for _ in range(a.rounds if timed == "timed" else 0):
                        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                        c0, w0 = time.process_time(), time.perf_counter()
                        y = op()
                        walls.append(time.perf_counter() - w0)
                        cpus.append(time.process_time() - c0)
                        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
                    if walls:  # the timed calls quantized: their last output is the first call's, bit for bit
                        same = same and bool(np.array_equal(np.load(result).view(np.uint32), y.numpy().view(np.uint32)))
                    best = walls.index(min(walls)) if walls else None
                    row = {"input": name, "elements": x.numel(), "format": f, "threads": t,
                           "wall_best": min(walls) if walls else None, "cpu_best": min(cpus) if cpus else None,
                           "wall_median": sorted(walls)[len(walls) // 2] if walls else None,
                           "faults_best": faults[best] if walls else None, "faults_median": sorted(faults)[len(faults) // 2] if walls else None,
                           "malloc": os.environ.get("GLIBC_TUNABLES", "default"),
                           "same_as_first_thread_count": same, "load": open("/proc/loadavg").read().split()[0]}
                    out.write(json.dumps(row) + "\n")
                    out.flush()
                    if walls:
                        print(f"  peer {name} {f} threads={t}: best {x.numel() / row['wall_best'] / 1e6:.1f} M el/s wall "
                              f"(median {x.numel() / row['wall_median'] / 1e6:.1f}), {x.numel() / row['cpu_best'] / 1e6:.1f} M el/s CPU; "
                              f"page faults per call: best call {row['faults_best']}, median {row['faults_median']} (load {row['load']})", flush=True)
    os.replace(out_path + ".tmp", out_path)
    print(f"# torch {torch.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
