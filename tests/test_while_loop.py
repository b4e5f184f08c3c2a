"""tf.while_loop: TF's names, structures, shape invariants and errors; iteration, gradients, state."""
from __future__ import annotations

import numpy as np
import pytest

import tfsess as tf
from tfsess.testing import check_grads


def test_names_and_structure_as_tf():
    g = tf.Graph()
    with g.as_default():
        seen = {}

        def c(i, x):
            seen["cond"] = (i.name, x.name)
            return i < 10

        def b(i, x):
            seen["body"] = (i.name, x.name)
            return i + 1, x * 2.0
        r = tf.while_loop(c, b, [tf.constant(0), tf.constant(1.0)])
        assert seen == {"cond": ("while/Merge:0", "while/Merge_1:0"), "body": ("while/Identity:0", "while/Identity_1:0")}
        assert isinstance(r, tuple) and [t.name for t in r] == ["while/Exit:0", "while/Exit_1:0"]
        one = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
        assert one.name == "while_1/Exit:0"
        names = [op.name for op in g.get_operations()]
        assert all(n.startswith(("while/", "while_1/")) for n in names if n not in ("Const", "Const_1"))
        with tf.Session() as s:
            assert s.run(r) == (10, 1024.0)
            assert s.run(one) == 3


def test_nested_structures_and_maximum_iterations():
    from collections import namedtuple
    P = namedtuple("P", "a b")
    with tf.Graph().as_default():
        r = tf.while_loop(lambda i, p: i < 4, lambda i, p: (i + 1, P(p.a + 1.0, p.b * 2)),
                          (0, P(tf.constant(0.0), tf.constant(1))))
        m = tf.while_loop(lambda v: v < 100, lambda v: v + 1, [0], maximum_iterations=5)
        limit = tf.placeholder(tf.int32, [])
        m2 = tf.while_loop(lambda v: v < 100, lambda v: v + 1, [0], maximum_iterations=limit)
        with tf.Session() as s:
            i, p = s.run(r)
            assert i == 4 and isinstance(p, P) and p == (4.0, 16)
            assert s.run(m) == 5
            assert s.run(m2, {limit: 7}) == 7


def test_shape_invariants():
    with tf.Graph().as_default():
        v = tf.constant([1])
        with pytest.raises(ValueError, match=r"^Input tensor 'Const:0' enters the loop with shape \(1,\), but has "
                                             r"shape \(2,\) after one iteration"):
            tf.while_loop(lambda v: tf.size(v) < 3, lambda v: tf.concat([v, [1]], 0), [v])
        w = tf.while_loop(lambda v: tf.size(v) < 3, lambda v: tf.concat([v, [1]], 0), [v],
                          shape_invariants=[tf.TensorShape([None])])
        assert w.shape.as_list() == [None]
        with pytest.raises(ValueError, match="is not compatible with the initial shape"):
            tf.while_loop(lambda v: True, lambda v: v, [v], shape_invariants=[tf.TensorShape([2])])
        with tf.Session() as s:
            assert s.run(w).tolist() == [1, 1, 1]


def test_errors_as_tf():
    with tf.Graph().as_default():
        one = tf.constant(1)
        with pytest.raises(TypeError, match="^'cond' must be callable."):
            tf.while_loop(1, lambda v: v, [one])
        with pytest.raises(ValueError, match="^'loop_vars' must be provided."):
            tf.while_loop(lambda v: v < 1, lambda v: v, [])
        with pytest.raises(TypeError, match="^Input 'input' of 'LoopCond' Op has type int32 that does not match "
                                            "expected type of bool."):
            tf.while_loop(lambda v: v, lambda v: v, [one])
        with pytest.raises(ValueError, match="^The two structures don't have the same nested structure."):
            tf.while_loop(lambda v: v < 3, lambda v: (v, v), [one])
        with pytest.raises(TypeError, match="incompatible with expected int32"):
            tf.while_loop(lambda v: v < 3, lambda v: tf.cast(v, tf.float32), [one])
        x = tf.placeholder(tf.float32, [None])
        bad = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.check_numerics(tf.log(y), "bad")), [0, x])
        with tf.Session() as s:
            with pytest.raises(tf.errors.InvalidArgumentError, match="bad : Tensor had NaN values"):
                s.run(bad, {x: [-1.0]})
            np.testing.assert_allclose(s.run(bad[1], {x: [3e10]}), np.log(np.log(np.log(3e10))), rtol=1e-5)


def test_thousand_steps_iterative_and_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [])
        r = tf.while_loop(lambda i, s: i < 1000, lambda i, s: (i + 1, s + x * 0.001),
                          [tf.constant(0), tf.constant(0.0, tf.float64)])
        gx = tf.gradients(r[1], x)[0]
        with tf.Session() as s:
            for _ in range(3):  # interpreted, then compiled sub-plans
                (n, total), g = s.run([r, gx], {x: 2.0})
                assert n == 1000 and abs(total - 2.0) < 1e-9 and abs(g - 1.0) < 1e-9


def test_gradients_match_finite_differences():
    def power(x):
        return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * y), [tf.constant(0), x])[1]
    check_grads(power, [np.array([0.9, 1.1])])

    def recurrent(h, w):
        return tf.while_loop(lambda i, h: i < 4, lambda i, h: (i + 1, tf.tanh(tf.matmul(h, w))), [0, h])[1]
    rng = np.random.RandomState(0)
    check_grads(recurrent, [rng.randn(2, 3) * 0.5, rng.randn(3, 3) * 0.5])

    def with_cond(x):
        return tf.while_loop(lambda i, y: i < 5, lambda i, y: (
            i + 1, tf.cond(i % 2 > 0, lambda: y * 2.0, lambda: tf.sin(y))), [0, x])[1]
    check_grads(with_cond, [np.array([0.3, 0.7])])

    def nested(x):
        def body(i, y):
            return i + 1, tf.while_loop(lambda j, z: j < 2, lambda j, z: (j + 1, z * x), [0, y])[1]
        return tf.while_loop(lambda i, y: i < 2, body, [0, x])[1]
    check_grads(nested, [np.array([0.9, 1.2])])


def test_random_ops_in_body_replay_the_same_draws_for_gradients():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [5])

        def body(i, y):
            return i + 1, y * tf.cast(tf.random_uniform([5], seed=1) < 0.5, tf.float64) * 2.0
        _, y = tf.while_loop(lambda i, y: i < 3, body, [0, x])
        g = tf.gradients(y, x)[0]
        with tf.Session() as s:
            for _ in range(5):
                yv, gv = s.run([y, g], {x: np.ones(5)})
                np.testing.assert_allclose(gv, yv)  # y = mask * x: the gradient is the same mask


def test_variables_in_body_train_and_back_prop_false_stops_gradients():
    with tf.Graph().as_default():
        w = tf.Variable(0.5, dtype=tf.float64)
        out = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * w), [0, tf.constant(1.0, tf.float64)])[1]
        step = tf.train.GradientDescentOptimizer(0.1).minimize((out - 1.0) ** 2)
        frozen = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * w), [0, tf.constant(1.0, tf.float64)],
                               back_prop=False)[1]
        assert tf.gradients(frozen, w) == [None]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            assert s.run(out) == 0.125
            for _ in range(60):
                s.run(step)
            assert abs(s.run(out) - 1.0) < 1e-5
            assert abs(s.run(frozen) - 1.0) < 1e-5


def test_loop_variable_outside_the_loop_has_no_value():
    with tf.Graph().as_default():
        inside = {}

        def body(i):
            inside["t"] = i * 2
            return i + 1
        tf.while_loop(lambda i: i < 3, body, [0])
        with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match="loop variable"):
            s.run(inside["t"])


def test_graphs_with_loops_save_checkpoints():
    import os
    import tempfile
    with tf.Graph().as_default():
        w = tf.Variable(2.0)
        out = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * w), [0, 1.0])[1]
        saver = tf.train.Saver()
        with tempfile.TemporaryDirectory() as d, tf.Session() as s:
            s.run(tf.global_variables_initializer())
            path = saver.save(s, os.path.join(d, "m"))
            saver.restore(s, path)
            assert s.run(out) == 8.0
            with pytest.raises(ValueError, match="cannot import this graph"):
                with tf.Graph().as_default():
                    tf.train.import_meta_graph(path + ".meta")
