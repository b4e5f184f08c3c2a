"""tf.cond: Switch/Merge with dead branches, so only the taken branch runs."""
import numpy as np
import pytest

import tfsess as tf


def test_cond_picks_branch_and_names():
    x = tf.placeholder(tf.float32, shape=[])
    y = tf.cond(x > 0, lambda: tf.sqrt(x), lambda: -x)
    assert y.name == "cond/Merge:0"
    types = {op.name: op.type for op in tf.get_default_graph().get_operations()}
    assert types["cond/Switch"] == "Switch" and types["cond/pred_id"] == "Identity"
    with tf.Session() as s:
        assert s.run(y, {x: 4.0}) == 2.0
        assert s.run(y, {x: -3.0}) == 3.0


def test_only_taken_branch_runs_side_effects():
    v = tf.Variable(0)
    p = tf.placeholder(tf.bool, [])
    out = tf.cond(p, lambda: tf.assign_add(v, 1), lambda: tf.assign_add(v, 100))
    with tf.Session() as s:
        s.run(v.initializer)
        s.run(out, {p: True})
        s.run(out, {p: True})
        assert s.run(v) == 2
        s.run(out, {p: False})
        assert s.run(v) == 102


def test_untaken_branch_errors_do_not_fire():
    x = tf.placeholder(tf.int32, [])
    bad = tf.cond(x > 0, lambda: x // x, lambda: tf.constant(7))
    checked = tf.cond(x > 0, lambda: tf.identity(x), lambda: tf.cast(tf.check_numerics(tf.constant(np.nan), "boom"), tf.int32))
    with tf.Session() as s:
        assert s.run(bad, {x: 0}) == 7
        assert s.run(bad, {x: 3}) == 1
        assert s.run(checked, {x: 5}) == 5


def test_cond_structures_and_nesting():
    x = tf.placeholder(tf.float32, [])
    a, b = tf.cond(x > 0, lambda: (x, x * 2), lambda: (x - 1, x * 3))
    inner = tf.cond(x > 0, lambda: tf.cond(x > 10, lambda: x * 100, lambda: x * 10), lambda: x)
    with tf.Session() as s:
        assert s.run([a, b], {x: 1.0}) == [1.0, 2.0]
        assert s.run([a, b], {x: -1.0}) == [-2.0, -3.0]
        assert s.run(inner, {x: 20.0}) == 2000.0
        assert s.run(inner, {x: 2.0}) == 20.0
        assert s.run(inner, {x: -2.0}) == -2.0


def test_cond_constant_branches_and_python_values():
    p = tf.placeholder(tf.bool, [])
    r = tf.cond(p, lambda: tf.constant(1.0), lambda: 2.0)
    with tf.Session() as s:
        assert s.run(r, {p: True}) == 1.0 and s.run(r, {p: False}) == 2.0


def test_cond_errors():
    x = tf.constant(1.0)
    with pytest.raises(TypeError, match="pred must not be a Python bool"):
        tf.cond(True, lambda: x, lambda: x)
    with pytest.raises(ValueError, match="must have the same type"):
        tf.cond(x > 0, lambda: tf.constant(1), lambda: tf.constant(1.0))
    with pytest.raises(TypeError, match="true_fn must be callable"):
        tf.cond(x > 0, 1, lambda: x)


def test_case_picks_first_true():
    x = tf.placeholder(tf.int32, [])
    r = tf.case([(tf.less(x, 0), lambda: tf.constant(-1)), (tf.equal(x, 0), lambda: tf.constant(0))],
                default=lambda: tf.constant(1))
    with tf.Session() as s:
        assert [s.run(r, {x: v}) for v in (-5, 0, 5)] == [-1, 0, 1]
