"""Reference only (never imported by the tests): run a corpus program under REAL TensorFlow 2.x in TF1 mode.

    cd <scratch dir with MNIST_data/> && /work/tfvenv/bin/python .../reference_run.py PROGRAM.py [args]

`import tensorflow as tf` is given tensorflow.compat.v1's names (with v2 behaviour disabled), tf.contrib.layers
is tf_slim (TF's own port of contrib.layers), and the MNIST `input_data` module, which TF 2 no longer ships, is
tfsess's NumPy reader using TF's own seeds and dtypes. `regenerate.py` writes the .expected files from this.
"""
import os
import runpy
import sys
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as real_tf  # noqa: E402
import tensorflow.compat.v1 as v1  # noqa: E402
from tensorflow.python.framework import dtypes as tf_dtypes, random_seed as tf_random_seed  # noqa: E402

v1.disable_v2_behavior()
v1.logging.set_verbosity(v1.logging.ERROR)
for _name in dir(v1):
    if not _name.startswith("__"):
        setattr(real_tf, _name, getattr(v1, _name))


def _module(name, **attrs):
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    mod.__path__ = []
    sys.modules[name] = mod
    return mod


def _install_contrib():
    import tf_slim
    layers = _module("tensorflow.contrib.layers", **{n: getattr(tf_slim, n) for n in (
        "fully_connected", "flatten", "xavier_initializer", "xavier_initializer_conv2d", "l1_regularizer",
        "l2_regularizer", "l1_l2_regularizer", "sum_regularizer", "apply_regularization",
        "variance_scaling_initializer")})
    contrib = _module("tensorflow.contrib", layers=layers)
    real_tf.contrib = contrib


def _install_input_data():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    from tfsess.datasets import mnist
    mnist.get_seed = tf_random_seed.get_seed      # TF's seed rule and dtypes, not tfsess's
    mnist._dtypes = tf_dtypes
    sys.path.pop(0)
    _module("tensorflow.examples")
    _module("tensorflow.examples.tutorials")
    _module("tensorflow.examples.tutorials.mnist", input_data=mnist)
    sys.modules["tensorflow.examples.tutorials.mnist.input_data"] = mnist


_install_contrib()
_install_input_data()
if __name__ == "__main__":
    program = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(program))
    runpy.run_path(program, run_name="__main__")
