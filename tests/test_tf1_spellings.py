"""Old TF1 spellings that tutorials use still work: reduction_indices/keep_dims, dtype strings, tf.mul/sub/neg,
tf.to_float, random ops with stddev, set_random_seed, tf.device (recorded only), ConfigProto/GPUOptions."""
import numpy as np
import pytest

import tfsess as tf


def run(t, feed=None, config=None):
    with tf.Session(config=config) as sess:
        return sess.run(t, feed)


def test_dtype_strings_in_placeholders_and_casts():
    x = tf.placeholder("float", [None, 784])
    assert x.dtype == tf.float32 and x.shape.as_list() == [None, 784]
    assert tf.placeholder("int32").dtype == tf.int32
    assert tf.cast(tf.constant([1, 2]), "float").dtype == tf.float32
    assert tf.Variable(tf.zeros([2], "float64")).dtype.base_dtype == tf.float64


def test_reduction_indices_and_keep_dims():
    a = np.array([[1.0, 2.0], [3.0, 5.0]], np.float32)
    s = tf.reduce_sum(a, reduction_indices=[1])
    m = tf.reduce_mean(a, reduction_indices=1, keep_dims=True)
    mx = tf.reduce_max(a, 0, keep_dims=True)
    assert m.shape.as_list() == [2, 1] and mx.shape.as_list() == [1, 2]
    sv, mv, mxv = run([s, m, mx])
    np.testing.assert_allclose(sv, [3, 8])
    np.testing.assert_allclose(mv, [[1.5], [4.0]])
    np.testing.assert_allclose(mxv, [[3, 5]])
    mean, var = tf.nn.moments(tf.constant(a), axes=[0], keep_dims=True)
    assert mean.shape.as_list() == [1, 2]


def test_old_arithmetic_names_and_to_float():
    a = tf.constant([[1.0, -2.0]])
    got = run([tf.mul(a, 3.0), tf.sub(a, 1.0), tf.neg(a), tf.to_float(tf.constant([1, 2])), tf.to_int32(a)])
    np.testing.assert_allclose(got[0], [[3, -6]])
    np.testing.assert_allclose(got[1], [[0, -3]])
    np.testing.assert_allclose(got[2], [[-1, 2]])
    assert got[3].dtype == np.float32 and got[4].dtype == np.int32
    assert tf.to_float(tf.constant([1])).name == "ToFloat_1:0"   # the first ToFloat op is above


def test_random_ops_with_stddev_and_graph_seed():
    tf.set_random_seed(1234)
    n = tf.random_normal([4000], stddev=0.1, mean=1.0)
    t = tf.truncated_normal([4000], stddev=0.1)
    nv, tv = run([n, t])
    assert abs(nv.mean() - 1.0) < 0.01 and abs(nv.std() - 0.1) < 0.01
    assert np.all(np.abs(tv) <= 0.2) and abs(tv.std() - 0.088) < 0.01
    tf.reset_default_graph()
    tf.set_random_seed(1234)
    again = run(tf.random_normal([4000], stddev=0.1, mean=1.0))
    np.testing.assert_array_equal(again, nv)


def test_device_placement_is_recorded_and_computation_runs_on_cpu():
    with tf.device("/gpu:0"):
        a = tf.constant([[1.0, 2.0]])
        b = tf.matmul(a, a, transpose_b=True)
        with tf.device("/cpu:0"):
            v = tf.Variable(3.0)
    c = b + 1
    assert b.device == "/gpu:0" and b.op.device == "/gpu:0" and v.device == "/cpu:0" and c.device == ""
    assert 'device: "/gpu:0"' in str(b.op.node_def)
    assert "device=/gpu:0" in str(b)
    cfg = tf.ConfigProto(allow_soft_placement=True, log_device_placement=True,
                         gpu_options=tf.GPUOptions(allow_growth=True, per_process_gpu_memory_fraction=0.4))
    cfg.gpu_options.allow_growth = True
    with tf.Session(config=cfg) as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(c)[0, 0] == 6.0


def test_device_is_written_to_the_tensorboard_graph():
    pytest.importorskip("tensorboard")
    from tfsess.summary.writer import graph_def_proto
    with tf.device("/gpu:0"):
        tf.constant(1.0, name="on_gpu")
    nodes = {n.name: n for n in graph_def_proto(tf.get_default_graph()).node}
    assert nodes["on_gpu"].device == "/gpu:0" and nodes["on_gpu"].op == "Const"


def test_initialize_all_variables_and_interactive_session_eval():
    w = tf.Variable(tf.ones([2]))
    sess = tf.InteractiveSession()
    try:
        tf.initialize_all_variables().run()
        np.testing.assert_array_equal(w.eval(), [1, 1])
        assert tf.all_variables() == [w]
    finally:
        sess.close()
