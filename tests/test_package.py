"""Package-level promises: a light import, the compat.v1 namespace, and no-op TF2 switches."""
import subprocess
import sys

import tfsess as tf


def test_import_is_light():
    code = ("import sys, tfsess; heavy = [m for m in ('ipywidgets', 'graphviz', 'IPython', 'tensorflow') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_compat_v1_namespace():
    import tfsess.compat.v1 as tf1
    assert tf1.Session is tf.Session and tf1.placeholder is tf.placeholder and tf1.train is tf.train
    assert tf.compat.v1.InteractiveSession is tf.InteractiveSession
    tf1.disable_eager_execution()
    tf1.disable_v2_behavior()
    assert tf1.executing_eagerly() is False
    with tf1.Session() as s:
        assert s.run(tf1.constant(2) * 3) == 6


def test_old_spellings():
    x = tf.placeholder("float", [None, 2])
    assert x.dtype is tf.float32
    with tf.Session() as s:
        assert s.run(tf.reduce_sum([[1, 2]], reduction_indices=1, keep_dims=True)).tolist() == [[3]]
        assert s.run(tf.mul(2, 3)) == 6 and s.run(tf.sub(5, 3)) == 2 and s.run(tf.neg(1)) == -1
        assert s.run(tf.to_float(tf.constant([1]))).dtype == "float32"
