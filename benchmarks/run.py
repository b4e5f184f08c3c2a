"""tfsess speed and memory benchmarks against real TensorFlow and hand-written NumPy (issues 6 and 14).

Every workload is one TF1 program text (benchmarks/workloads.py) run by one process per implementation
(benchmarks/worker.py): tfsess and NumPy in this Python, TensorFlow in its own virtualenv. The driver
interleaves the implementations, several rounds, keeps each figure's minimum and prints the ratios and
every target of issue 14 with pass/fail.

    python benchmarks/run.py                 # steps, memory, the same under load, whole programs
    python benchmarks/run.py --quick         # fewer rounds, no whole programs (a rough check)
    python benchmarks/run.py --tf-python /path/to/venv/bin/python   # or TFSESS_BENCH_TF_PYTHON=...

TensorFlow is looked for in --tf-python, $TFSESS_BENCH_TF_PYTHON, /work/tfvenv, ./tfvenv, ~/tfvenv,
~/.venvs/tf and this Python; its figures and targets are skipped when none imports tensorflow.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import workloads  # noqa: E402

STEP_WORKLOADS = ["tiny", "chain100", "mlp_step", "matmul_big", "linreg_build_run", "convnet_step", "summary_step",
                  "mlp_adam_step"]
LOAD_WORKLOADS = ["mlp_adam_step", "convnet_step", "summary_step"]

# (label, workload, kind, bound): kind "tf" is tfsess time / TF time <= bound, "tf_speedup" TF time /
# tfsess time >= bound, "np" tfsess time / NumPy time <= bound.
TARGETS = [
    ("conv-net step", "convnet_step", "tf", 1.0),
    ("summary step", "summary_step", "tf", 1.0),
    ("MLP+Adam step, quiet", "mlp_adam_step", "tf", 0.8),
    ("build-and-train linreg", "linreg_build_run", "tf_speedup", 20.0),
    ("tiny", "tiny", "tf_speedup", 30.0),
    ("chain100", "chain100", "np", 1.0),
    ("mlp_step", "mlp_step", "np", 1.1),
]
LOAD_TARGETS = [("MLP+Adam step, under load", "mlp_adam_step", "tf", 1.2)]
MEMORY_BOUND = 1.5
IMPORT_BOUND = 2.5


def import_times(runs=5):
    """Median seconds of `import numpy` and of `import tfsess` after it, each in a fresh process.

    Bytecode goes to a private cache directory (warmed by one discarded run), as a pip install leaves it,
    whatever PYTHONDONTWRITEBYTECODE says: compiling the sources is not what a user's import pays.
    """
    code = ("import time; t = time.perf_counter(); import numpy; u = time.perf_counter(); import tfsess; "
            "print(u - t, time.perf_counter() - u)")
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONPYCACHEPREFIX=tempfile.mkdtemp(prefix="bench-pyc-"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    rows = [tuple(map(float, subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                            env=env, check=True).stdout.split())) for _ in range(runs + 1)][1:]
    return sorted(r[0] for r in rows)[runs // 2], sorted(r[1] for r in rows)[runs // 2]


def find_tf_python(explicit):
    """The first Python that imports tensorflow among the usual places, or None."""
    candidates = [explicit, os.environ.get("TFSESS_BENCH_TF_PYTHON")]
    for d in ("/work/tfvenv", os.path.join(ROOT, "tfvenv"), os.path.expanduser("~/tfvenv"),
              os.path.expanduser("~/.venvs/tf")):
        candidates.append(os.path.join(d, "bin", "python"))
    candidates.append(sys.executable)
    for c in candidates:
        if not c or not os.path.exists(c):
            continue
        ok = subprocess.run([c, "-c", "import tensorflow"], capture_output=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")).returncode == 0
        if ok:
            return c
        if c == explicit:
            sys.exit("--tf-python %s cannot import tensorflow" % c)
    return None


class Worker:
    """A benchmark/worker.py subprocess for one implementation, answering one JSON line per command."""

    def __init__(self, impl, python):
        env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
                   TF_CPP_MIN_LOG_LEVEL="3")
        self.impl = impl
        self.proc = subprocess.Popen([python, os.path.join(HERE, "worker.py"), impl], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                                     cwd=HERE)
        hello = json.loads(self.proc.stdout.readline() or '{"ready": null}')
        if not hello.get("ready"):
            raise RuntimeError("the %s worker did not start" % impl)
        self.version = hello.get("version")

    def ask(self, **req):
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        out = json.loads(self.proc.stdout.readline())
        if "error" in out:
            raise RuntimeError("%s: %s" % (self.impl, out["error"]))
        return out

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def interleaved(workers, names, rounds, scale):
    """{workload: {impl: min seconds per call}} over `rounds` rounds, implementations taking turns."""
    best = {n: {} for n in names}
    for r in range(rounds):
        for name in names:
            number = max(1, int(workloads.WORKLOADS[name][2] * scale))
            order = workers if r % 2 == 0 else workers[::-1]
            for w in order:
                if w.impl == "numpy" and workloads.WORKLOADS[name][1] is None:
                    continue
                s = w.ask(cmd="time", workload=name, number=number)["seconds"]
                best[name][w.impl] = min(best[name].get(w.impl, s), s)
    return best


def fmt_time(s):
    if s is None:
        return "%11s" % "-"
    return "%8.1f us" % (s * 1e6) if s < 1e-3 else "%8.2f ms" % (s * 1e3)


def print_table(best, title):
    print("\n%s\n%-18s %11s %11s %11s  %12s %12s" % (title, "workload", "tfsess", "NumPy", "TF", "tfsess/NumPy",
                                                      "tfsess/TF"))
    for name, row in best.items():
        ours, ref, tf = row.get("tfsess"), row.get("numpy"), row.get("tf")
        print("%-18s %s %s %s  %12s %12s" % (name, fmt_time(ours), fmt_time(ref), fmt_time(tf),
                                              "%.2f" % (ours / ref) if ref else "-",
                                              "%.3f" % (ours / tf) if tf else "-"))


def check(targets, best, results):
    for label, name, kind, bound in targets:
        row = best.get(name, {})
        ours = row.get("tfsess")
        other = row.get("numpy" if kind == "np" else "tf")
        if ours is None or other is None:
            results.append((label, "-", bound, kind, None))
            continue
        value = other / ours if kind == "tf_speedup" else ours / other
        ok = value >= bound if kind == "tf_speedup" else value <= bound
        results.append((label, value, bound, kind, ok))


class Load:
    """`n` competing busy processes (pure-Python spin loops) for the duration of a with-block."""

    def __init__(self, n):
        self.n = n
        self.procs = []

    def __enter__(self):
        code = "import time\nwhile True:\n    sum(range(10000))"
        self.procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(self.n)]
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        for p in self.procs:  # only the processes started here, by their own handle
            p.kill()
            p.wait()


def memory(impls, pythons):
    """{impl: MB}: peak RSS of a fresh process building and running 5 conv-net steps, minus its RSS after import."""
    out = {}
    for impl in impls:
        w = Worker(impl, pythons[impl])
        try:
            r = w.ask(cmd="memory", workload="convnet_step", steps=5)
            out[impl] = (r["peak_mb"] - r["base_mb"], r["peak_mb"])
        finally:
            w.close()
    return out


def programs(impls, pythons, rounds):
    """{program: {impl: min seconds of main(tf)}} for the whole tutorial programs in benchmarks/programs/."""
    best = {}
    paths = sorted(glob.glob(os.path.join(HERE, "programs", "*.py")))
    for r in range(rounds):
        for path in paths:
            name = os.path.splitext(os.path.basename(path))[0]
            for impl in (impls if r % 2 == 0 else impls[::-1]):
                w = Worker(impl, pythons[impl])  # a fresh process per run, as a learner runs a program
                try:
                    s = w.ask(cmd="program", path=path)["seconds"]
                finally:
                    w.close()
                best.setdefault(name, {})
                best[name][impl] = min(best[name].get(impl, s), s)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 rounds of short batches, no whole programs")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (minimum kept), default 5")
    ap.add_argument("--tf-python", help="Python of a virtualenv with TensorFlow")
    ap.add_argument("--load", type=int, default=2, help="busy processes in the under-load run (0: skip)")
    ap.add_argument("--only", help="comma-separated workloads to time (default: all)")
    ap.add_argument("--no-programs", action="store_true", help="skip the whole-program runs")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory run")
    args = ap.parse_args(argv)
    rounds, scale = (2, 0.4) if args.quick else (args.rounds, 1.0)
    tf_python = find_tf_python(args.tf_python)
    pythons = {"tfsess": sys.executable, "numpy": sys.executable, "tf": tf_python}
    impls = ["tfsess", "numpy"] + (["tf"] if tf_python else [])
    names = args.only.split(",") if args.only else STEP_WORKLOADS
    results = []

    workers = [Worker(i, pythons[i]) for i in impls]
    versions = {w.impl: w.version for w in workers}
    print("tfsess %s, NumPy %s, Python %s; TensorFlow: %s; %d CPUs, load average %.2f" % (
        versions["tfsess"], __import__("numpy").__version__, sys.version.split()[0],
        "%s (%s)" % (versions.get("tf"), tf_python) if tf_python else "not found (TF figures skipped)",
        os.cpu_count(), os.getloadavg()[0]))
    try:
        best = interleaved(workers, names, rounds, scale)
        print_table(best, "quiet: min over %d interleaved rounds, per call" % rounds)
        check(TARGETS, best, results)
        if args.load and any(n in names for n in LOAD_WORKLOADS):
            with Load(args.load):
                loaded = interleaved(workers, [n for n in LOAD_WORKLOADS if n in names], rounds, scale)
            print_table(loaded, "under load (%d competing busy processes): min over %d rounds" % (args.load, rounds))
            check(LOAD_TARGETS, loaded, results)
    finally:
        for w in workers:
            w.close()

    if not args.no_memory and "convnet_step" in names:
        mem = memory([i for i in impls if i != "numpy"], pythons)
        print("\npeak memory of the conv-net step (peak RSS - RSS after import; whole-process peak):")
        for impl, (step, peak) in mem.items():
            print("  %-7s %8.1f MB   (%.1f MB)" % (impl, step, peak))
        if "tf" in mem:
            ratio = mem["tfsess"][0] / mem["tf"][0]
            results.append(("conv-net step peak memory", ratio, MEMORY_BOUND, "tf", ratio <= MEMORY_BOUND))

    if not args.quick and not args.no_programs:
        prog_impls = [i for i in impls if i != "numpy"]
        best = programs(prog_impls, pythons, max(1, min(rounds, 2)))
        print("\nwhole tutorial programs (main(tf) in a fresh process, min of %d):" % max(1, min(rounds, 2)))
        print("%-24s %10s %10s %10s" % ("program", "tfsess", "TF", "tfsess/TF"))
        for name, row in best.items():
            ours, tf = row.get("tfsess"), row.get("tf")
            print("%-24s %9.2fs %10s %10s" % (name, ours, "%9.2fs" % tf if tf else "-",
                                             "%.2f" % (ours / tf) if tf else "-"))

    numpy_s, import_s = import_times()
    ratio = (numpy_s + import_s) / numpy_s
    print("\nimport numpy: %.3f s, then import tfsess: %.3f s more (%.2fx import numpy's time in all; "
          "median of 5 fresh processes, bytecode cached as after pip install)" % (numpy_s, import_s, ratio))
    results.append(("import tfsess (brief: light)", ratio, IMPORT_BOUND, "np_import", ratio <= IMPORT_BOUND))

    print("\ntargets (issue 14):")
    for label, value, bound, kind, ok in results:
        what = {"tf": "tfsess/TF <= %.1f", "tf_speedup": "TF/tfsess >= %.0f", "np": "tfsess/NumPy <= %.1f",
                "np_import": "x import numpy <= %.1f"}[kind]
        print("  %-28s %8s   %-20s %s" % (label, "%.3f" % value if ok is not None else "-", what % bound,
                                          {True: "PASS", False: "FAIL", None: "not measured"}[ok]))


if __name__ == "__main__":
    main()
