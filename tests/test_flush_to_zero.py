"""Softmax tails below the smallest normal float are 0, as TF's kernels (run with flush-to-zero) give them.

Denormal tails are not only different numbers: every later op that touches them (the gradient matmuls,
Adam's moments) runs many times slower on Intel CPUs.
"""
import numpy as np
import pytest

import tfsess as tf


def _no_denormals(a):
    a = np.asarray(a)
    return not np.any((a != 0) & (np.abs(a) < np.finfo(a.dtype).tiny))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_and_cross_entropy_flush_denormal_tails(dtype):
    gap = 100.0 if dtype == np.float32 else 730.0      # exp(-gap) is denormal in this dtype
    logits = tf.constant(np.array([[0.0, -gap, 1.0]], dtype))
    with tf.Session() as sess:
        sm, lsm = sess.run([tf.nn.softmax(logits), tf.nn.log_softmax(logits)])
        dense = tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.constant(np.array([[1, 0, 0]], dtype)),
                                                           logits=logits)
        sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0], logits=logits)
        g_dense, g_sparse = sess.run([tf.gradients(dense, [logits])[0], tf.gradients(sparse, [logits])[0]])
    for a in (sm, g_dense, g_sparse):
        assert _no_denormals(a)
        assert a[0, 1] == 0.0
    assert sm[0, 2] > sm[0, 0] > 0 and abs(sm.sum() - 1) < 1e-6
    assert lsm[0, 1] == pytest.approx(-gap - np.log1p(np.exp(-1.0)) - 1.0, rel=1e-6)   # log-softmax keeps it
    np.testing.assert_allclose(g_dense, g_sparse, rtol=1e-6)
    np.testing.assert_allclose(g_dense[0, [0, 2]], [sm[0, 0] - 1, sm[0, 2]], rtol=1e-5)


def test_tails_above_the_smallest_normal_are_kept():
    x = tf.constant([[0.0, -80.0]])                  # exp(-80) = 1.8e-35 is a normal float32
    with tf.Session() as sess:
        assert sess.run(tf.nn.softmax(x))[0, 1] == pytest.approx(np.exp(-80.0), rel=1e-5)
