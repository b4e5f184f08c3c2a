"""Long chains: building, running, and differentiating them must not recurse or grow quadratically."""
import numpy as np

import tfsess as tf


def _chain(x, n, fn):
    """Apply `fn` n times; returns every intermediate tensor."""
    ts = [x]
    for _ in range(n):
        ts.append(fn(ts[-1]))
    return ts


def test_100k_op_chain_builds_and_runs():
    x = tf.placeholder(tf.float64, [])
    one = tf.constant(1.0, tf.float64)
    g = tf.get_default_graph()
    before = len(g.get_operations())
    ts = _chain(x, 100_000, lambda t: tf.add(t, one))
    assert len(g.get_operations()) - before == 100_000
    with tf.Session() as sess:
        assert sess.run(ts[-1], {x: 0.5}) == 100_000.5
        assert sess.run(ts[50_000], {x: 0.5}) == 50_000.5        # an intermediate
        assert sess.run(ts[-1], {ts[99_990]: 0.0}) == 10.0           # feeding an intermediate prunes


def test_gradient_of_a_10k_op_chain():
    x = tf.placeholder(tf.float64, [])
    c = tf.constant(1.0001, tf.float64)
    y = _chain(x, 10_000, lambda t: tf.multiply(t, c))[-1]
    (gx,) = tf.gradients(y, x)
    with tf.Session() as sess:
        val, grad = sess.run([y, gx], {x: 2.0})
    np.testing.assert_allclose(grad, 1.0001 ** 10_000, rtol=1e-9)
    np.testing.assert_allclose(val, 2.0 * 1.0001 ** 10_000, rtol=1e-9)


def test_gradient_of_a_chain_with_two_paths_per_step():
    """Each step uses its input twice (y = y * c + tanh(y)): AddN at every step, still linear."""
    x = tf.placeholder(tf.float64, [])
    c = tf.constant(0.5, tf.float64)
    y = _chain(x, 1_000, lambda t: t * c + tf.tanh(t))[-1]
    (gx,) = tf.gradients(y, x)
    with tf.Session() as sess:
        grad = sess.run(gx, {x: 0.3})
    v, want = 0.3, 1.0
    for _ in range(1_000):              # forward-mode reference in NumPy
        want *= 0.5 + (1 - np.tanh(v) ** 2)
        v = v * 0.5 + np.tanh(v)
    np.testing.assert_allclose(grad, want, rtol=1e-9)


def _gradient_ops(n):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [3])
        y = _chain(x, n, lambda t: tf.sin(t) * 2.0)[-1]
        before = len(g.get_operations())
        tf.gradients(tf.reduce_sum(y), x)
        return len(g.get_operations()) - before


def test_gradient_graph_size_is_linear():
    small, large = _gradient_ops(1_000), _gradient_ops(2_000)
    assert small > 1_000
    assert 1.9 < large / small < 2.1, (small, large)
