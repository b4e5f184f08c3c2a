"""One benchmark process for one implementation (tfsess, tf or numpy), driven by benchmarks/run.py.

Reads one JSON command per line on stdin and answers one JSON line on stdout:
  {"cmd": "time", "workload": W, "number": N}  -> {"seconds": per-call time of one batch of N calls}
  {"cmd": "memory", "workload": W, "steps": S} -> {"peak_mb": ..., "base_mb": ...}
  {"cmd": "program", "path": P}                -> {"seconds": time of main(tf) of that program file}
Workloads are built once, on first use, and warmed up with one call. Runs under TensorFlow's own
virtualenv too: it imports only NumPy and the library it measures.
"""
from __future__ import annotations

import gc
import json
import os
import runpy
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402


def load(impl):
    if impl == "tfsess":
        import tfsess
        return tfsess
    if impl == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf1
        tf1.disable_v2_behavior()
        tf1.logging.set_verbosity(tf1.logging.ERROR)
        return tf1
    return None


def rss_mb(field):
    """VmRSS or VmHWM of this process, in MB (Linux /proc)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    impl = sys.argv[1]
    tf = load(impl)
    base_mb = rss_mb("VmRSS")
    built = {}
    print(json.dumps({"ready": impl, "version": getattr(tf, "__version__", None) or
                      getattr(sys.modules.get("tensorflow"), "__version__", None)}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req["cmd"] == "time":
                name = req["workload"]
                if name not in built:
                    prog, np_prog, _ = workloads.WORKLOADS[name]
                    fn = np_prog() if impl == "numpy" else prog(tf)
                    fn()
                    built[name] = fn
                fn, n = built[name], int(req["number"])
                gc.collect()
                gc.disable()
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                dt = (time.perf_counter() - t0) / n
                gc.enable()
                out = {"seconds": dt}
            elif req["cmd"] == "memory":
                prog = workloads.WORKLOADS[req["workload"]][0]
                fn = prog(tf)
                for _ in range(int(req["steps"])):
                    fn()
                out = {"peak_mb": rss_mb("VmHWM"), "base_mb": base_mb}
            elif req["cmd"] == "program":
                mod = runpy.run_path(req["path"])
                t0 = time.perf_counter()
                mod["main"](tf)
                out = {"seconds": time.perf_counter() - t0}
            else:
                out = {"error": "unknown command %r" % req["cmd"]}
        except Exception as e:  # reported to the driver, which prints it and carries on
            out = {"error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
