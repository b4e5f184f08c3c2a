"""BLAS threads of session runs: ConfigProto(intra_op_parallelism_threads=n) and the load-following default."""
import numpy as np

import tfsess as tf
from tfsess.client import threads


def test_intra_op_threads_set_the_blas_threads_of_runs():
    x = tf.constant(np.ones((4, 4), np.float32))
    y = tf.matmul(x, x)
    with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1)) as sess:
        np.testing.assert_array_equal(sess.run(y), np.full((4, 4), 4, np.float32))
        assert threads._state.current == 1
        f = sess.make_callable(y)
        threads._state.current = None
        f()
        assert threads._state.current == 1


def test_default_threads_follow_the_free_cpus():
    x = tf.constant(1.0) + 1.0
    with tf.Session() as sess:
        for _ in range(9):
            assert sess.run(x) == 2.0
    assert 1 <= threads._state.current <= threads.cpu_count()
    assert threads._state.current == threads._state.auto
    others = threads._others_running()
    assert others is None or others >= 0


def test_the_blas_library_is_found_and_driven():
    # NumPy's wheels bundle OpenBLAS; on builds without a known BLAS the setter is False and runs still work
    setter = threads._find_setter()
    if setter:
        setter(1)
        a = np.random.RandomState(0).rand(64, 64)
        np.testing.assert_allclose(a @ np.eye(64), a)


def test_freed_memory_is_kept_for_the_next_run_unless_the_user_tuned_malloc():
    import subprocess
    import sys
    code = ("import tfsess as tf\nfrom tfsess.client import memory\n"
            "tf.Session()\nprint(memory._done[0], memory.retain_freed_memory())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]        # done once, when the first session was made
    import os
    env = dict(os.environ, MALLOC_TRIM_THRESHOLD_="131072")
    code = "from tfsess.client import memory\nprint(memory.retain_freed_memory())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.split() == ["False"]         # the user's own malloc settings stand


def test_blas_workers_are_parked_only_while_pieces_that_call_blas_run():
    import os
    import pytest
    from tfsess.framework import parallel
    if not threads._find_setter() or threads.cpu_count() < 2 or not threads._may_leave_idle():
        pytest.skip("no OpenBLAS/MKL to drive, no second CPU, or no right to bring a thread back from SCHED_IDLE")
    a = tf.constant(np.ones((300, 300), np.float32))
    with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=2)) as sess:
        threads._state.current = None   # make the run set its count again
        sess.run(tf.matmul(a, a))       # (OpenBLAS's workers exist once a matmul used them)
    workers = threads._worker_tids(os.listdir("/proc/self/task"))
    if not workers:
        pytest.skip("this BLAS runs no worker threads (OPENBLAS_NUM_THREADS=1?)")
    seen = []
    parallel.run(lambda lane, i: seen.append({os.sched_getscheduler(t) for t in workers}), 4, blas=True)
    assert seen and all(s == {os.SCHED_IDLE} for s in seen)
    assert {os.sched_getscheduler(t) for t in workers} == {os.SCHED_OTHER}
    with pytest.raises(ValueError):     # back after a failing piece too
        parallel.run(lambda lane, i: (_ for _ in ()).throw(ValueError("x")), 4, blas=True)
    assert {os.sched_getscheduler(t) for t in workers} == {os.SCHED_OTHER}
    assert os.sched_getscheduler(0) == os.SCHED_OTHER and threads._state.parked == []
