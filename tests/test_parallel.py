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
