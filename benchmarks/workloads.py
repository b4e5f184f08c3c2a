"""Benchmark workloads: each is one TF1 program written against a `tf` module passed in (tfsess, or
TensorFlow's compat.v1), plus a hand-written NumPy version where one is meaningful.

A workload function builds its graph and session and returns a zero-argument callable that performs one
call (one training step, one whole build-and-train program, ...). Data and initial values come from fixed
NumPy RandomStates so that every implementation computes the same numbers. This module imports NumPy only:
it runs unchanged in TensorFlow's own virtualenv.
"""
from __future__ import annotations

import tempfile

import numpy as np


# ----- issue 6 workloads ------------------------------------------------------------------------------------

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
    """Build a linear regression, initialise, train 200 steps, read the weight: one whole small program."""
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


# ----- issue 14 workloads: what courses train -----------------------------------------------------------

def _convnet_data(batch=64):
    rs = np.random.RandomState(1)
    x = rs.rand(batch, 784).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rs.randint(0, 10, batch)]
    return rs, x, y


def _tutorial_convnet(tf, rs):
    """The Deep MNIST tutorial's network: conv 5x5x32, pool, conv 5x5x64, pool, fc 1024, dropout, fc 10."""
    def weight(shape):
        return tf.Variable((rs.randn(*shape) * 0.1).clip(-0.2, 0.2).astype(np.float32))

    def bias(shape):
        return tf.Variable(tf.constant(0.1, shape=shape))

    def conv2d(x, w):
        return tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")

    def pool(x):
        return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")

    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    keep_prob = tf.placeholder(tf.float32)
    x_image = tf.reshape(x, [-1, 28, 28, 1])
    h_pool1 = pool(tf.nn.relu(conv2d(x_image, weight([5, 5, 1, 32])) + bias([32])))
    h_pool2 = pool(tf.nn.relu(conv2d(h_pool1, weight([5, 5, 32, 64])) + bias([64])))
    h_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
    h_fc1 = tf.nn.relu(tf.matmul(h_flat, weight([7 * 7 * 64, 1024])) + bias([1024]))
    h_drop = tf.nn.dropout(h_fc1, keep_prob)
    y_conv = tf.matmul(h_drop, weight([1024, 10])) + bias([10])
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
    train = tf.train.AdamOptimizer(1e-4).minimize(loss)
    correct = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return x, y_, keep_prob, train, loss, accuracy


def convnet_step(tf):
    """One Adam training step of the tutorial conv net on a batch of 64 28x28x1 images."""
    rs, xv, yv = _convnet_data()
    x, y_, keep_prob, train, loss, _ = _tutorial_convnet(tf, rs)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    feed = {x: xv, y_: yv, keep_prob: 0.5}
    return lambda: sess.run(train, feed)


def summary_step(tf):
    """A tiny XOR net whose every step also evaluates merged scalar and histogram summaries and writes them."""
    xv = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    yv = np.array([[0], [1], [1], [0]], np.float32)
    rs = np.random.RandomState(2)
    x = tf.placeholder(tf.float32, [4, 2], name="x-input")
    y = tf.placeholder(tf.float32, [4, 1], name="y-input")
    theta1 = tf.Variable(rs.uniform(-1, 1, (2, 2)).astype(np.float32), name="Theta1")
    theta2 = tf.Variable(rs.uniform(-1, 1, (2, 1)).astype(np.float32), name="Theta2")
    bias1 = tf.Variable(tf.zeros([2]), name="Bias1")
    bias2 = tf.Variable(tf.zeros([1]), name="Bias2")
    a2 = tf.sigmoid(tf.matmul(x, theta1) + bias1)
    hyp = tf.sigmoid(tf.matmul(a2, theta2) + bias2)
    cost = tf.reduce_mean(((y * tf.log(hyp)) + ((1 - y) * tf.log(1.0 - hyp))) * -1)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(cost)
    tf.summary.scalar("cost", cost)
    tf.summary.histogram("Theta1", theta1)
    tf.summary.histogram("Theta2", theta2)
    merged = tf.summary.merge_all()
    sess = tf.Session()
    writer = tf.summary.FileWriter(tempfile.mkdtemp(prefix="bench-summary-"), sess.graph)
    sess.run(tf.global_variables_initializer())
    feed = {x: xv, y: yv}
    step = [0]

    def run():
        summary, _ = sess.run([merged, train], feed)
        writer.add_summary(summary, step[0])
        step[0] += 1
    return run


def _mlp_adam_data():
    rs = np.random.RandomState(3)
    x = rs.rand(100, 784).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rs.randint(0, 10, 100)]
    ws = [rs.randn(784, 256).astype(np.float32), rs.randn(256, 256).astype(np.float32),
          rs.randn(256, 10).astype(np.float32)]
    bs = [rs.randn(256).astype(np.float32), rs.randn(256).astype(np.float32), rs.randn(10).astype(np.float32)]
    return x, y, ws, bs


def mlp_adam_step(tf):
    """784-256-256-10 ReLU MLP with N(0, 1) initial weights (the tutorials' habit) and Adam, batch 100."""
    xv, yv, ws, bs = _mlp_adam_data()
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])
    h = x
    for i, (w, b) in enumerate(zip(ws, bs)):
        h = tf.matmul(h, tf.Variable(w)) + tf.Variable(b)
        if i < 2:
            h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=h, labels=y))
    train = tf.train.AdamOptimizer(learning_rate=0.001).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    feed = {x: xv, y: yv}
    return lambda: sess.run([train, loss], feed)


def mlp_adam_step_np():
    """The same step by hand: forward, backward, Adam with TF's update formula, all float32."""
    x, y, ws, bs = _mlp_adam_data()
    params = [p.copy() for p in ws + bs]
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    f = np.float32
    lr, b1, b2, eps = f(0.001), f(0.9), f(0.999), f(1e-8)
    pw = [f(1.0), f(1.0)]
    n = f(x.shape[0])

    def run():
        w1, w2, w3, c1, c2, c3 = params
        a1 = x @ w1 + c1
        h1 = np.maximum(a1, 0)
        a2 = h1 @ w2 + c2
        h2 = np.maximum(a2, 0)
        logits = h2 @ w3 + c3
        m = logits.max(axis=1, keepdims=True)
        e = np.exp(logits - m)
        s = e.sum(axis=1, keepdims=True)
        loss = -(y * (logits - m - np.log(s))).sum(axis=1).mean()
        g3 = (e / s - y) / n
        gh2 = g3 @ w3.T
        gh2 *= a2 > 0
        gh1 = gh2 @ w2.T
        gh1 *= a1 > 0
        grads = [x.T @ gh1, h1.T @ gh2, h2.T @ g3, gh1.sum(0), gh2.sum(0), g3.sum(0)]
        pw[0] *= b1
        pw[1] *= b2
        alpha = lr * np.sqrt(f(1) - pw[1]) / (f(1) - pw[0])
        for p, mm, vv, g in zip(params, ms, vs, grads):
            mm += (g - mm) * (f(1) - b1)
            vv += (g * g - vv) * (f(1) - b2)
            p -= mm * alpha / (np.sqrt(vv) + eps)
        return loss
    return run


# name: (TF1 program, NumPy version or None, calls per timing batch)
WORKLOADS = {
    "tiny": (tiny, tiny_np, 5000),
    "chain100": (chain100, chain100_np, 300),
    "mlp_step": (mlp_step, mlp_step_np, 30),
    "matmul_big": (matmul_big, matmul_big_np, 2),
    "linreg_build_run": (linreg_build_run, linreg_build_run_np, 2),
    "convnet_step": (convnet_step, None, 3),
    "summary_step": (summary_step, None, 300),
    "mlp_adam_step": (mlp_adam_step, mlp_adam_step_np, 30),
}
