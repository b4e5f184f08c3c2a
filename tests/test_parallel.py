"""framework/parallel.py: pieces of a kernel's work on several threads, and the optimizer updates that use it."""
import threading

import numpy as np
import pytest

import tfsess as tf
from tfsess.framework import parallel
from tfsess.train import training_ops


@pytest.fixture
def two_threads():
    before = parallel.threads()
    parallel.set_threads(2)
    yield parallel.threads()
    parallel.set_threads(before)


def test_every_piece_runs_once_and_lanes_stay_below_lanes(two_threads):
    seen = []
    lock = threading.Lock()

    def body(lane, i):
        with lock:
            seen.append((lane, i))
    parallel.run(body, 50)
    assert sorted(i for _, i in seen) == list(range(50))
    assert all(0 <= lane < parallel.lanes(50) for lane, _ in seen)


def test_the_first_error_reaches_the_caller_after_the_other_pieces(two_threads):
    done = []

    def body(lane, i):
        if i == 3:
            raise ValueError("piece 3")
        done.append(i)
    with pytest.raises(ValueError, match="piece 3"):
        parallel.run(body, 8)
    parallel.run(lambda lane, i: done.append(-1), 2)   # the pool still works afterwards
    assert done.count(-1) == 2


def test_one_thread_runs_in_the_caller_without_a_pool():
    before = parallel.threads()
    parallel.set_threads(1)
    try:
        names = []
        parallel.run(lambda lane, i: names.append((lane, threading.current_thread().name)), 4)
        assert names == [(0, threading.current_thread().name)] * 4
        assert parallel.lanes(4) == 1
    finally:
        parallel.set_threads(before)


def test_sessions_share_their_thread_count_with_the_kernels():
    x = tf.constant(1.0) + 1.0
    with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1)) as sess:
        sess.run(x)
        assert parallel.threads() == 1


@pytest.mark.parametrize("nesterov", [False, True])
def test_adam_on_a_big_variable_is_the_same_on_one_and_two_threads(nesterov):
    rs = np.random.RandomState(0)
    f = np.float32
    shape = (700, 400)   # above the size that is split across threads
    var, g = rs.randn(*shape).astype(f), rs.randn(*shape).astype(f)
    m, v = (rs.randn(*shape) * 0.01).astype(f), np.abs(rs.randn(*shape) * 0.01).astype(f)
    args = (var, m, v, f(0.9), f(0.999), f(0.001), f(0.9), f(0.999), f(1e-8), g, nesterov)
    before = parallel.threads()
    try:
        parallel.set_threads(1)
        one = training_ops.ApplyAdam.update(*args)
        parallel.set_threads(2)
        two = training_ops.ApplyAdam.update(*args)
    finally:
        parallel.set_threads(before)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(one[1], m + (g - m) * f(0.1), rtol=1e-5, atol=1e-8)


def test_pieces_that_call_blas_run_with_one_blas_thread_and_the_count_comes_back():
    calls = []
    before = parallel.threads()
    try:
        parallel.set_threads(2, calls.append)
        seen = []
        parallel.run(lambda lane, i: seen.append(list(calls)), 4, blas=True)
        assert all(c == [1] for c in seen) and calls == [1, 2]
        with pytest.raises(ValueError):   # restored after a failing piece too
            parallel.run(lambda lane, i: (_ for _ in ()).throw(ValueError("x")), 4, blas=True)
        assert calls[-1] == 2
        calls.clear()
        parallel.run(lambda lane, i: None, 4)   # pieces that do not call BLAS leave it alone
        assert calls == []
    finally:
        parallel.set_threads(before)


@pytest.mark.parametrize("shape,filt,strides", [((9, 12, 11, 3), (5, 5, 3, 8), 1), ((7, 9, 9, 4), (3, 3, 4, 6), 2),
                                                ((5, 6, 6, 8), (1, 1, 8, 4), 1)])
def test_convolution_kernels_are_the_same_on_one_and_two_threads(shape, filt, strides, monkeypatch):
    from tfsess.ops import nn_conv
    monkeypatch.setattr(nn_conv, "_COLS_BYTES", 30000)   # several slices on one thread too
    rs = np.random.RandomState(1)
    x, f = rs.randn(*shape).astype(np.float32), rs.randn(*filt).astype(np.float32)
    attrs = ([1, strides, strides, 1], "SAME", [], [1, 1, 1, 1], "NHWC")
    before = parallel.threads()
    results = []
    try:
        for n in (1, 2):
            parallel.set_threads(n)
            y = nn_conv.Conv2D.kernel(x, f, *attrs)
            g = rs.randn(*y.shape).astype(np.float32) if n == 1 else results[0][1]
            results.append((y, g, nn_conv.Conv2DBackpropInput.kernel(np.array(shape), f, g, *attrs),
                            nn_conv.Conv2DBackpropFilter.kernel(x, np.array(filt), g, *attrs)))
    finally:
        parallel.set_threads(before)
    (y1, g, dx1, df1), (y2, _, dx2, df2) = results
    # each output row is one GEMM row on either path; the filter gradient sums slices in another grouping
    np.testing.assert_allclose(y1, y2, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(dx1, dx2, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(df1, df2, rtol=1e-5, atol=1e-4)
    # and the forward is the correlation, written out
    p = nn_conv._geometry({"strides": attrs[0], "padding": "SAME", "dilations": [1] * 4}, shape[1], shape[2],
                          filt[0], filt[1])
    xp = nn_conv._pad(x, p)
    win = nn_conv._windows(xp, p, filt[0], filt[1], strides, strides, 1, 1)
    np.testing.assert_allclose(y1, np.einsum("nhwijc,ijco->nhwo", win, f), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("ksize,stride,padding", [(2, 2, "SAME"), (3, 2, "SAME"), (3, 1, "VALID"), (2, 3, "VALID")])
def test_pooling_kernels_are_the_same_on_one_and_two_threads(ksize, stride, padding, monkeypatch):
    from tfsess.ops import nn_conv
    monkeypatch.setattr(nn_conv, "_COLS_BYTES", 2000)   # several slices of the batch
    rs = np.random.RandomState(2)
    x = rs.randn(9, 10, 11, 4).astype(np.float32)
    x[0, :2, :2, 0] = 1.0   # ties: the first maximum of a window takes the gradient
    attrs = ([1, ksize, ksize, 1], [1, stride, stride, 1], padding, "NHWC")
    before = parallel.threads()
    results = []
    try:
        for n in (1, 2):
            parallel.set_threads(n)
            y = nn_conv.MaxPool.kernel(x, *attrs)
            g = np.arange(y.size, dtype=np.float32).reshape(y.shape)
            results.append((y, nn_conv.MaxPoolGrad.kernel(x, y, g, *attrs)))
    finally:
        parallel.set_threads(before)
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    # every window's gradient lands once, on one of its cells
    np.testing.assert_allclose(results[0][1].sum(), g.sum())
