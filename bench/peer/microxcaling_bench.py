#!/usr/bin/python3
"""microxcaling's PyTorch CPU quantization timed in process, for `make bench-peer` (docs/PERFORMANCE.md,
"Quantization against microxcaling (PyTorch CPU)").

    microxcaling_bench.py --microxcaling PATH --dir DIR        (started by `MxRef.Bench --peer-compare`)

PATH is a checkout of github.com/microsoft/microxcaling (nothing in MxRef's build or tests needs it). DIR holds the
inputs `MxRef.Bench --peer-inputs` wrote: `<name>.npy` FP32 tensors of shape (n/32, 32). This is a server: MxRef's
side starts it once, and for every cell (tensor, format, thread count) and round sends one request per line on stdin,

    {"input": NAME, "format": "e4m3", "threads": 1, "calls": N, "warm": SECONDS, "save": true|false}

then times its own calls, so the two sides alternate within the cell (peer, MxRef, peer, MxRef, ...) and each pair of
rounds sees the same phase of the machine. For a request this runs

    mx.mx_ops.quantize_mx_op(A, MxSpecs(), elem_format, block_size=32, axes=[-1], round="nearest")

(scale_bits 0 = 8-bit E8M0 scale, shared_exp_method "max" = floor(log2 amax) − emax, no custom CUDA/C++ kernels:
the PyTorch path) with torch.set_num_threads(threads): once (its output goes to DIR/<name>.<format>.peer.npy for the
bit comparison when "save", else it is checked against that file bit for bit), then more calls until "warm" seconds
have passed, then N timed calls. It answers one JSON line: per timed call the wall time (time.perf_counter around the
call), the process CPU time (time.process_time: every thread of the process) and the minor page faults (getrusage);
whether the outputs were the saved ones bit for bit (every timed call quantizes: PyTorch caches nothing between eager
calls); torch's thread count and the load average.

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
    a = p.parse_args()
    import numpy as np
    import torch
    quantize_mx_op, MxSpecs = load_microxcaling(a.microxcaling)
    specs = MxSpecs()
    tensors = {}
    hello = {"torch": torch.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
             "malloc": os.environ.get("GLIBC_TUNABLES") or "default", "interop_threads": torch.get_num_interop_threads()}
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        name, f = req["input"], req["format"]
        if f not in FORMATS:
            sys.exit(f"unknown format {f}; valid: {', '.join(FORMATS)}")
        if name not in tensors:
            tensors[name] = torch.from_numpy(np.load(os.path.join(a.dir, name + ".npy")))
        x = tensors[name]
        torch.set_num_threads(req["threads"])
        op = lambda: quantize_mx_op(x, specs, elem_format=FORMATS[f], block_size=32, axes=[-1], round="nearest")
        result = os.path.join(a.dir, f"{name}.{f}.peer.npy")

        def same_as_saved(y):
            return bool(np.array_equal(np.load(result).view(np.uint32), y.numpy().view(np.uint32)))

        y = op()
        if req.get("save"):
            np.save(result + ".tmp.npy", y.numpy())
            os.replace(result + ".tmp.npy", result)
            same = True
        else:
            same = same_as_saved(y)
        warm = time.perf_counter()
        while time.perf_counter() - warm < req.get("warm", 0):
            op()
        walls, cpus, faults = [], [], []
        for _ in range(req.get("calls", 0)):
            f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            c0, w0 = time.process_time(), time.perf_counter()
            y = op()
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
            faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
        if walls:  # the timed calls quantized: their last output is the saved one, bit for bit
            same = same and same_as_saved(y)
        print(json.dumps({"wall": walls, "cpu": cpus, "faults": faults, "same": same,
                          "threads": torch.get_num_threads(), "load": open("/proc/loadavg").read().split()[0]}), flush=True)


if __name__ == "__main__":
    main()
