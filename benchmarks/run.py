"""tfsess speed and memory benchmarks: every workload as one TF1 program, run on tfsess, on real
TensorFlow when it is importable in this Python (tensorflow.compat.v1, graph mode), and as
hand-written NumPy. Prints microseconds per call (median of repeats) and the ratios
tfsess/NumPy and TF/tfsess measured in this one run.

    python benchmarks/run.py [--quick]
"""
from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np

TARGETS = {  # workload: (tfsess/NumPy at most, TF/tfsess at least) -- from issue 6
    "tiny": (None, 10.0), "chain100": (1.3, None), "mlp_step": (1.1, None), "matmul_big": (1.05, None),
    "linreg_build_run": (None, 20.0),
}


def load_tf():
    try:
        import tensorflow.compat.v1 as tf1
    except Exception:
        return None
    tf1.disable_eager_execution()
    tf1.disable_v2_behavior()
    return tf1


def median_time(fn, number, repeat):
    """Median seconds per call of fn() over `repeat` batches of `number` calls."""
    fn()
    times = []
    for _ in range(repeat):
        gc.disable()
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
        gc.enable()
    return statistics.median(times)


# ----- workloads: each returns a zero-argument callable that performs one call ------------------------

def tiny(tf):
    x = tf.constant(1.0)
    y = tf.constant(2.0)
    z = x + y
    sess = tf.Session()
    return lambda: sess.run(z)


def tiny_np():
    x, y = np.float32(1.0), np.float32(2.0)
    return lambda: x + y


def _chain_ops(n):
    """The elementwise program: alternating tanh, scale-and-shift, square-ish ops."""
    return [("tanh",), ("affine", 1.0001, 0.5), ("mul", 0.999), ("add", -0.25)] * (n // 4)


def chain100(tf):
    p = tf.placeholder(tf.float32, [1000])
    h = p
    for op in _chain_ops(100):
        if op[0] == "tanh":
            h = tf.tanh(h)
        elif op[0] == "affine":
            h = h * op[1] + op[2]
        elif op[0] == "mul":
            h = h * op[1]
        else:
            h = h + op[1]
    v = np.random.RandomState(0).rand(1000).astype(np.float32)
    sess = tf.Session()
    feed = {p: v}
    return lambda: sess.run(h, feed)


def chain100_np():
    v = np.random.RandomState(0).rand(1000).astype(np.float32)
    ops = _chain_ops(100)
    a, b, c, d = np.float32(1.0001), np.float32(0.5), np.float32(0.999), np.float32(-0.25)

    def run():
        h = v
        for op in ops:
            k = op[0]
            if k == "tanh":
                h = np.tanh(h)
            elif k == "affine":
                h = h * a + b
            elif k == "mul":
                h = h * c
            else:
                h = h + d
        return h
    return run


def _mlp_data():
    rs = np.random.RandomState(0)
    x = rs.rand(128, 784).astype(np.float32)
    labels = rs.randint(0, 10, 128)
    y = np.eye(10, dtype=np.float32)[labels]
    w1 = (rs.randn(784, 256) * 0.05).astype(np.float32)
    w2 = (rs.randn(256, 10) * 0.05).astype(np.float32)
    return x, y, w1, w2


def mlp_step(tf):
    x_v, y_v, w1_v, w2_v = _mlp_data()
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])
    w1 = tf.Variable(w1_v)
    b1 = tf.Variable(tf.zeros([256]))
    w2 = tf.Variable(w2_v)
    b2 = tf.Variable(tf.zeros([10]))
    h = tf.nn.relu(tf.matmul(x, w1) + b1)
    logits = tf.matmul(h, w2) + b2
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    feed = {x: x_v, y: y_v}
    return lambda: sess.run([train, loss], feed)


def mlp_step_np():
    x, y, w1, w2 = _mlp_data()
    b1 = np.zeros(256, np.float32)
    b2 = np.zeros(10, np.float32)
    lr = np.float32(0.1)
    n = np.float32(x.shape[0])
    state = [w1.copy(), b1, w2.copy(), b2]

    def run():
        w1, b1, w2, b2 = state
        a = x @ w1 + b1
        h = np.maximum(a, 0)
        logits = h @ w2 + b2
        m = logits.max(axis=1, keepdims=True)
        e = np.exp(logits - m)
        s = e.sum(axis=1, keepdims=True)
        logp = logits - m - np.log(s)
        loss = -(y * logp).sum(axis=1).mean()
        g = (e / s - y) / n
        gw2 = h.T @ g
        gb2 = g.sum(axis=0)
        gh = g @ w2.T
        gh *= a > 0
        gw1 = x.T @ gh
        gb1 = gh.sum(axis=0)
        w1 -= lr * gw1
        b1 -= lr * gb1
        w2 -= lr * gw2
        b2 -= lr * gb2
        return loss
    return run


def _mm_data():
    rs = np.random.RandomState(0)
    x = rs.rand(1024, 1024).astype(np.float32)
    ws = [(rs.rand(1024, 1024).astype(np.float32) / 512) for _ in range(4)]
    return x, ws


def matmul_big(tf):
    x_v, ws = _mm_data()
    x = tf.placeholder(tf.float32, [1024, 1024])
    h = x
    for w in ws:
        h = tf.matmul(h, tf.constant(w))
    sess = tf.Session()
    feed = {x: x_v}
    return lambda: sess.run(h, feed)


def matmul_big_np():
    x, ws = _mm_data()

    def run():
        h = x
        for w in ws:
            h = h @ w
        return h
    return run


def _linreg_data():
    rs = np.random.RandomState(0)
    xs = rs.rand(100, 1).astype(np.float32)
    ys = (3 * xs + 2 + rs.randn(100, 1) * 0.1).astype(np.float32)
    return xs, ys


def linreg_build_run(tf):
    xs, ys = _linreg_data()

    def run():
        g = tf.Graph()
        with g.as_default():
            x = tf.placeholder(tf.float32, [None, 1])
            y = tf.placeholder(tf.float32, [None, 1])
            w = tf.Variable(tf.zeros([1, 1]))
            b = tf.Variable(tf.zeros([1]))
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
            train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(200):
                    sess.run(train, {x: xs, y: ys})
                return sess.run(w)
    return run


def linreg_build_run_np():
    xs, ys = _linreg_data()

    def run():
        w = np.zeros((1, 1), np.float32)
        b = np.zeros(1, np.float32)
        lr = np.float32(0.5)
        n = np.float32(len(xs))
        for _ in range(200):
            d = xs @ w + b - ys
            w = w - lr * (xs.T @ (2 * d / n))
            b = b - lr * (2 * d / n).sum(axis=0)
        return w
    return run


def build100k(tf):
    def run():
        g = tf.Graph()
        with g.as_default():
            a = tf.placeholder(tf.float32, [])
            c = a
            for _ in range(100000):
                c = c + 1.0
            with tf.Session() as sess:
                return sess.run(c, {a: 0.0})
    return run


def grad10k(tf):
    def run():
        g = tf.Graph()
        with g.as_default():
            a = tf.placeholder(tf.float32, [])
            c = a
            for _ in range(10000):
                c = c * 1.0001
            da = tf.gradients(c, a)[0]
            with tf.Session() as sess:
                return sess.run(da, {a: 1.0})
    return run


# ----- driver --------------------------------------------------------------------------------------------

def import_time(module, runs=5):
    """Median seconds to import `module` in a fresh Python process."""
    code = "import time; t = time.perf_counter(); import %s; print(time.perf_counter() - t)" % module
    return statistics.median(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                  check=True).stdout) for _ in range(runs))


def fmt(us):
    return "%10.1f" % us if us is not None else "%10s" % "-"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a rough check)")
    args = ap.parse_args(argv)
    scale = 0.2 if args.quick else 1.0
    import tfsess
    tf1 = load_tf()
    print("tfsess %s, NumPy %s, Python %s; TensorFlow: %s" % (
        tfsess.__version__, np.__version__, sys.version.split()[0],
        getattr(sys.modules.get("tensorflow"), "__version__", "not importable") if tf1 else "not importable"))
    rows = []
    plan = [("tiny", tiny, tiny_np, 20000, 7), ("chain100", chain100, chain100_np, 1000, 7),
            ("mlp_step", mlp_step, mlp_step_np, 50, 7), ("matmul_big", matmul_big, matmul_big_np, 5, 7),
            ("linreg_build_run", linreg_build_run, linreg_build_run_np, 3, 5)]
    print("\n%-18s %10s %10s %10s   %12s %10s" % ("workload (us/call)", "tfsess", "NumPy", "TF",
                                                  "tfsess/NumPy", "TF/tfsess"))
    for name, prog, np_prog, number, repeat in plan:
        number = max(1, int(number * scale))
        ours = median_time(prog(tfsess), number, repeat) * 1e6
        ref = median_time(np_prog(), number, repeat) * 1e6
        theirs = median_time(prog(tf1), max(1, number // 4), max(3, repeat // 2)) * 1e6 if tf1 else None
        r_np = ours / ref
        r_tf = theirs / ours if theirs else None
        rows.append((name, ours, ref, theirs, r_np, r_tf))
        print("%-18s %s %s %s   %12.2f %10s" % (name, fmt(ours), fmt(ref), fmt(theirs), r_np,
                                                "%10.1f" % r_tf if r_tf else "-"))
    print("\n%-18s %10s %10s %10s" % ("graph size (s)", "tfsess", "TF", "TF/tfsess"))
    for name, prog in (("build100k", build100k), ("grad10k", grad10k)):
        ours = median_time(prog(tfsess), 1, 3)
        theirs = median_time(prog(tf1), 1, 1) if tf1 and name == "grad10k" else None
        print("%-18s %10.2f %10s %10s" % (name, ours, "%10.2f" % theirs if theirs else "-",
                                          "%10.1f" % (theirs / ours) if theirs else "-"))
    # import time, in fresh processes (median of 5)
    print("\nimport tfsess: %.3f s (import numpy alone: %.3f s)" % (import_time("tfsess"), import_time("numpy")))
    try:
        code = ("import time, ipywidgets, tfsess; from IPython.core.interactiveshell import InteractiveShell; "
                "ip = InteractiveShell.instance(); t = time.perf_counter(); ip.run_line_magic('load_ext', 'tfsess'); "
                "print(time.perf_counter() - t)")
        loads = []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            loads.append(float(out.stdout.strip().splitlines()[-1]))
        print("%%load_ext tfsess (after ipywidgets is imported): %.3f s" % statistics.median(loads))
    except Exception as e:  # the notebook layer or IPython may be absent
        print("%%load_ext tfsess: not measured (%s)" % type(e).__name__)
    # peak memory of one mlp_step (after warm-up), tfsess vs NumPy
    peaks = {}
    for label, make in (("tfsess", lambda: mlp_step(tfsess)), ("NumPy", mlp_step_np)):
        fn = make()
        fn()
        gc.collect()
        tracemalloc.start()
        fn()
        peaks[label] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print("peak memory of mlp_step: tfsess %.2f MB, NumPy %.2f MB, ratio %.2f" % (
        peaks["tfsess"] / 2 ** 20, peaks["NumPy"] / 2 ** 20, peaks["tfsess"] / peaks["NumPy"]))
    print("\ntargets (issue 6): tiny <= 8 us and >= 10x faster than TF; chain100 <= 1.3x NumPy; mlp_step <= 1.1x "
          "NumPy; matmul_big <= 1.05x NumPy; linreg_build_run >= 20x faster than TF; import <= 0.3 s; "
          "mlp_step peak memory <= 1.3x NumPy")


if __name__ == "__main__":
    main()
