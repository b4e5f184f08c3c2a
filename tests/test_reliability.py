"""Reliability under threads and bad input (issue 15): atomic updates, per-run rollback, fetch checks, no aliasing."""
import collections
import sys
import threading

import numpy as np
import pytest

import tfsess as tf
from tfsess.client import session as session_mod


def _counter_graph():
    g = tf.Graph()
    with g.as_default():
        c = tf.Variable(0, name="c")
        sess = tf.Session()
        sess.run(c.initializer)
    return g, c, sess


def _run_threads(*targets):
    """Run the targets in threads with a tiny GIL switch interval, so that races show up at once."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=t) for t in targets]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)


# --- 1: use_locking ---------------------------------------------------------------------------

def test_use_locking_is_stored_with_tf_defaults():
    with tf.Graph().as_default():
        v = tf.Variable(0)
        assert tf.assign_add(v, 1, use_locking=True).op.get_attr("use_locking") is True
        assert tf.assign_add(v, 1).op.get_attr("use_locking") is False
        assert tf.assign_sub(v, 1, use_locking=True).op.get_attr("use_locking") is True
        assert tf.assign(v, 1).op.get_attr("use_locking") is True          # Assign's attr default in TF
        assert v.assign(1).op.get_attr("use_locking") is False             # Variable.assign(use_locking=False)
        assert v.assign_add(1, use_locking=True).op.get_attr("use_locking") is True


def test_locked_assign_add_loses_no_update_across_threads():
    g, c, sess = _counter_graph()
    with g.as_default():
        add = tf.assign_add(c, 1, use_locking=True)

    def work():
        for _ in range(1500):
            sess.run(add)
    _run_threads(*[work] * 8)
    assert sess.run(c) == 8 * 1500


# --- 2: a failed run rolls back only its own writes -------------------------------------------

def test_rollback_keeps_other_threads_committed_writes():
    g, c, sess = _counter_graph()
    with g.as_default():
        add = c.assign_add(1)
        failing = tf.group(c.assign_add(1000), tf.assert_positive(tf.constant(-1)))
    failures = []

    def fail():
        for _ in range(300):
            try:
                sess.run(failing)
            except tf.errors.InvalidArgumentError:
                failures.append(1)

    def work():
        for _ in range(2000):
            sess.run(add)
    _run_threads(fail, work)
    assert len(failures) == 300
    assert sess.run(c) == 2000


def test_single_thread_failed_run_still_leaves_variables_unchanged():
    g, c, sess = _counter_graph()
    with g.as_default():
        failing = tf.group(c.assign_add(5), tf.assert_positive(tf.constant(-1)))
        sess.run(c.assign(7))
    with pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(failing)
    assert sess.run(c) == 7


# --- 3: plan cache eviction -------------------------------------------------------------------

def test_plan_cache_eviction_under_threads(monkeypatch):
    monkeypatch.setattr(session_mod, "_PLAN_CACHE_SIZE", 1)
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [])
        outs = [x + float(i) for i in range(24)]
        sess = tf.Session()
    errors = []

    def work(k):
        try:
            for r in range(1000):
                i = (k * 7 + r) % len(outs)
                assert sess.run([outs[i]], {x: 1.0}) == [1.0 + i]
        except Exception as e:  # collected: a thread's exception would otherwise vanish
            errors.append(e)
    _run_threads(*[lambda k=k: work(k) for k in range(8)])
    assert errors == []
    assert len(sess._plans) <= 1


# --- the stress test: 8 threads, reads, updates and failing runs ------------------------------

def test_stress_mixed_reads_updates_and_failing_runs():
    g = tf.Graph()
    with g.as_default():
        a = tf.Variable(0, dtype=tf.int64, name="a")
        b = tf.Variable(0, dtype=tf.int64, name="b")
        flag = tf.placeholder(tf.int64, [])
        both = tf.group(tf.assign_add(a, 1), tf.assign_add(b, 2))
        only_a = a.assign_add(3)
        failing = tf.group(tf.assign_add(a, 100), tf.assign_add(b, 100), tf.assert_positive(flag))
        total = a + b
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
    counts = collections.Counter()
    lock = threading.Lock()
    errors = []

    def updater(op, n, key):
        def run():
            for _ in range(n):
                sess.run(op)
            with lock:
                counts[key] += n
        return run

    def failer():
        ok = 0
        for i in range(400):
            try:
                sess.run(failing, {flag: -1 if i % 4 else 1})   # one in four succeeds
                ok += 1
            except tf.errors.InvalidArgumentError:
                pass
        with lock:
            counts["fail_ok"] += ok
            counts["fail_rolled_back"] += 400 - ok

    def reader():
        for _ in range(500):
            va, vb, t = sess.run([a, b, total])
            if not (0 <= va and 0 <= vb and t >= 0):
                errors.append((va, vb, t))
        with lock:
            counts["reads"] += 500

    _run_threads(updater(both, 1000, "both"), updater(both, 1000, "both"), updater(only_a, 1000, "only_a"),
                 updater(only_a, 1000, "only_a"), failer, failer, reader, reader)
    assert errors == []
    assert counts == {"both": 2000, "only_a": 2000, "fail_ok": 200, "fail_rolled_back": 600, "reads": 1000}
    assert sess.run(a) == 2000 * 1 + 2000 * 3 + 200 * 100
    assert sess.run(b) == 2000 * 2 + 200 * 100


# --- 7: fetch structures are checked before the run -------------------------------------------

class _NeedsArg(collections.abc.Mapping):
    def __init__(self, data):
        self._d = data

    def __getitem__(self, k):
        return self._d[k]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)


def test_unrebuildable_fetch_structure_raises_before_any_update():
    g, c, sess = _counter_graph()
    with g.as_default():
        inc = tf.assign_add(c, 1)
    with pytest.raises(TypeError, match="cannot be rebuilt"):
        sess.run(_NeedsArg({"x": inc}))
    assert sess.run(c) == 0
    assert sess.run(collections.OrderedDict(x=inc)) == collections.OrderedDict(x=1)


# --- 9: fetched values never alias fed arrays -------------------------------------------------

@pytest.mark.parametrize("make", [tf.identity, lambda x: tf.reshape(x, [6]), tf.transpose, lambda x: x[0]])
@pytest.mark.parametrize("structured", [False, True])
def test_fetched_values_do_not_alias_feeds(make, structured):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        y = make(x)
        with tf.Session() as sess:
            fed = np.zeros((2, 3), np.float32)
            out = sess.run([y] if structured else y, {x: fed})
            out = out[0] if structured else out
            out[...] = 7
            assert not fed.any()
