"""The module surface that lets unmodified TF1 programs run: `import tensorflow` aliases, TF1 module paths giving
tf.*'s objects, the not-implemented errors, tf.app.flags, tf.test, MNIST input_data and the contrib subset."""
import gzip
import os
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import tfsess
from tfsess.compat import aliases
from tfsess.framework.unimplemented import TfsessNotImplementedError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tensorflow_alias():
    """`import tensorflow` gives tfsess for the test, then the alias and its modules are removed again."""
    assert "tensorflow" not in sys.modules
    aliases.install_as_tensorflow()
    yield
    aliases.uninstall_tensorflow_alias()
    assert "tensorflow" not in sys.modules


def run_script(tmp_path, source, *args):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(source))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tfsess", str(script), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


# ----- python -m tfsess ------------------------------------------------------------------------------

def test_runner_gives_argv_main_and_script_dir_on_path(tmp_path):
    (tmp_path / "helper_mod.py").write_text("VALUE = 41\n")
    proc = run_script(tmp_path, """
        import sys, tensorflow as tf, helper_mod
        print(__name__, sys.argv[1:], helper_mod.VALUE + 1, tf.constant(2).dtype)
        """, "a", "--b=1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "__main__ ['a', '--b=1'] 42 <dtype: 'int32'>\n"


def test_runner_exit_codes_and_tracebacks_as_python(tmp_path):
    proc = run_script(tmp_path, "import sys\nprint('x')\nsys.exit(7)\n")
    assert (proc.returncode, proc.stdout) == (7, "x\n")
    proc = run_script(tmp_path, "def f():\n    raise KeyError('boom')\nf()\n")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):" and lines[-1] == "KeyError: 'boom'"
    assert "runpy" not in proc.stderr and "__main__.py" not in proc.stderr
    assert 'prog.py", line 3, in <module>' in proc.stderr


def test_runner_usage_and_missing_script(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "tfsess"], capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and "usage: python -m tfsess SCRIPT.py" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "tfsess", str(tmp_path / "nope.py")], capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 2 and "can't open file" in proc.stderr


# ----- module paths ----------------------------------------------------------------------------------

def test_tf1_module_paths_give_the_same_objects(tensorflow_alias):
    import tensorflow as tf
    import tensorflow.compat.v1 as v1
    from tensorflow.python.framework import ops, dtypes, constant_op, tensor_shape, errors
    from tensorflow.python.ops import array_ops, math_ops, nn, nn_ops, variables, variable_scope, init_ops
    from tensorflow.python.ops import control_flow_ops, random_ops, gradients, state_ops
    from tensorflow.python.client import session
    from tensorflow.python.training import gradient_descent, saver
    from tensorflow.examples.tutorials.mnist import input_data
    from tensorflow.contrib.learn.python.learn.datasets import mnist
    assert ops.reset_default_graph is tfsess.reset_default_graph is tf.reset_default_graph
    assert ops.Graph is tf.Graph and ops.Tensor is tf.Tensor and ops.Operation is tf.Operation
    assert ops.convert_to_tensor is tf.convert_to_tensor and ops.name_scope is tf.name_scope
    assert ops.RegisterGradient is tf.RegisterGradient and ops.GraphKeys is tf.GraphKeys
    assert dtypes.float32 is tf.float32 and constant_op.constant is tf.constant
    assert tensor_shape.TensorShape is tf.TensorShape and errors.OpError is tf.errors.OpError
    assert array_ops.reshape is tf.reshape and math_ops.matmul is tf.matmul and nn.relu is tf.nn.relu
    assert nn_ops.conv2d is tf.nn.conv2d and variables.Variable is tf.Variable
    assert variable_scope.get_variable is tf.get_variable and init_ops.zeros_initializer is tf.zeros_initializer
    assert control_flow_ops.cond is tf.cond and random_ops.random_normal is tf.random_normal
    assert gradients.gradients is tf.gradients and state_ops.assign is tf.assign
    assert session.Session is tf.Session and v1.Session is tf.Session and v1.placeholder is tf.placeholder
    assert gradient_descent.GradientDescentOptimizer is tf.train.GradientDescentOptimizer
    assert saver.Saver is tf.train.Saver
    assert input_data.read_data_sets is mnist.read_data_sets is tf.contrib.learn.datasets.mnist.read_data_sets
    assert tf.app.flags is tf.flags and tf.test.TestCase is tfsess.test.TestCase
    assert "reset_default_graph" in dir(ops) and "compat" in dir(tf)
    from tensorflow.python.ops import linalg_ops, sparse_ops
    from tensorflow.python.ops.losses import losses_impl
    from tensorflow.python.framework import sparse_tensor
    assert linalg_ops.matrix_inverse is tf.matrix_inverse and sparse_ops.sparse_to_dense is tf.sparse_to_dense
    assert losses_impl.mean_squared_error is tf.losses.mean_squared_error
    assert sparse_tensor.SparseTensor is tf.SparseTensor


def test_unknown_module_paths_name_tfsess(tensorflow_alias):
    with pytest.raises(ModuleNotFoundError, match="tfsess does not implement the TensorFlow module "
                                                  "tensorflow.python.keras") as info:
        import tensorflow.python.keras  # noqa: F401
    assert info.value.name == "tensorflow.python.keras"
    with pytest.raises(ImportError):
        from tensorflow.python.ops import no_such_ops  # noqa: F401


def test_real_tensorflow_already_imported_is_never_replaced(monkeypatch):
    fake = type(sys)("tensorflow")
    fake.__file__ = "/site-packages/tensorflow/__init__.py"
    monkeypatch.setitem(sys.modules, "tensorflow", fake)
    with pytest.raises(ImportError, match="a real TensorFlow is already imported"):
        aliases.install_as_tensorflow()
    assert not aliases.is_installed()
    assert aliases.install_for_notebook() == (aliases.NOTEBOOK_NOTE_REAL, False)
    assert not aliases.is_installed()


def test_notebook_aliases_only_without_real_tensorflow(monkeypatch, tmp_path):
    assert aliases.install_for_notebook() == (aliases.NOTEBOOK_NOTE_ALIASED, True)   # no TensorFlow here
    try:
        import tensorflow as tf
        assert tf.Session is tfsess.Session
    finally:
        aliases.uninstall_tensorflow_alias()
    (tmp_path / "tensorflow").mkdir()
    (tmp_path / "tensorflow" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert aliases.real_tensorflow_available()
    assert aliases.install_for_notebook() == (aliases.NOTEBOOK_NOTE_REAL, False)
    assert not aliases.is_installed()


# ----- not implemented ------------------------------------------------------------------------------

@pytest.mark.parametrize("namespace, label", [(tfsess, "tf"), (tfsess.nn, "tf.nn"), (tfsess.train, "tf.train"),
                                              (tfsess.compat.v1, "tf.compat.v1")])
def test_out_of_scope_names_say_so_and_keep_hasattr(namespace, label):
    assert not hasattr(namespace, "no_such_thing")
    assert getattr(namespace, "no_such_thing", 5) == 5
    with pytest.raises(TfsessNotImplementedError, match=r"^tfsess does not implement %s\.no_such_thing"
                       % label.replace(".", r"\.")):
        namespace.no_such_thing
    with pytest.raises(AttributeError) as info:
        namespace.__no_such_dunder__
    assert not isinstance(info.value, TfsessNotImplementedError)


def test_contrib_out_of_scope_and_lazy_rnn_aliases():
    with pytest.raises(TfsessNotImplementedError, match="tfsess does not implement tf.contrib.slim"):
        tfsess.contrib.slim
    rnn_cell = getattr(tfsess.nn, "rnn_cell", None)
    if rnn_cell is None:
        with pytest.raises(TfsessNotImplementedError, match="tfsess does not implement tf.contrib.rnn.LSTMCell"):
            tfsess.contrib.rnn.LSTMCell
    else:
        assert tfsess.contrib.rnn.BasicLSTMCell is rnn_cell.BasicLSTMCell


# ----- tf.app.flags -----------------------------------------------------------------------------------

def test_flags_parse_like_absl():
    f = tfsess.flags
    fv = f.FlagValues()
    f.DEFINE_integer("n", 3, "number", flag_values=fv, lower_bound=0)
    f.DEFINE_boolean("b", True, "bool", flag_values=fv)
    f.DEFINE_list("l", "a,b", "list", flag_values=fv)
    f.DEFINE_float("x", 0.5, "x", flag_values=fv)
    f.DEFINE_string("s", None, "s", flag_values=fv)
    with pytest.raises(f.UnparsedFlagAccessError, match="Trying to access flag --n before flags were parsed."):
        fv.n
    assert fv(["p", "--n", "4", "pos", "--nob", "-l=x,y", "--s=hi", "--", "--x=9"]) == ["p", "pos", "--x=9"]
    assert (fv.n, fv.b, fv.l, fv.x, fv.s) == (4, False, ["x", "y"], 0.5, "hi")
    for argv, text in [(["p", "--n=abc"], "flag --n=abc: invalid literal for int() with base 10: 'abc'"),
                       (["p", "--x=q"], "flag --x=q: could not convert string to float: 'q'"),
                       (["p", "--n=-1"], "flag --n=-1: ")]:
        with pytest.raises(f.IllegalFlagValueError) as info:
            fv(argv)
        assert str(info.value).startswith(text)
    with pytest.raises(f.UnrecognizedFlagError, match="Unknown command line flag 'zz'"):
        fv(["p", "--zz=1"])
    assert fv(["p", "--zz=1", "--n=2"], known_only=True) == ["p", "--zz=1"]
    with pytest.raises(f.DuplicateFlagError, match="The flag 'n' is defined twice."):
        f.DEFINE_integer("n", 1, "again", flag_values=fv)
    with pytest.raises(AttributeError):
        fv.undefined


def test_app_run_help_lists_the_flags(tmp_path):
    proc = run_script(tmp_path, """
        import tensorflow as tf
        tf.app.flags.DEFINE_integer("steps", 3, "number of steps")
        tf.app.flags.DEFINE_boolean("fast", False, "go fast")
        def main(_):
            print("not run")
        tf.app.run()
        """, "--help")
    assert proc.returncode == 0
    assert "  --[no]fast: go fast\n    (default: 'false')\n" in proc.stdout
    assert "  --steps: number of steps\n    (default: '3')\n    (an integer)\n" in proc.stdout
    assert "not run" not in proc.stdout


# ----- tf.test ---------------------------------------------------------------------------------------

def test_test_case_assertions_fail_with_clear_messages():
    case = tfsess.test.TestCase("assertAllClose")
    case.setUp()
    case.assertAllClose([[1.0, 2.0]], np.array([[1.0, 2.0 + 1e-7]]))
    case.assertAllClose({"a": [1, 2], "b": (3.0, [4.0, 5.0])}, {"a": [1, 2], "b": (3.0, [4.0, 5.0])})
    with pytest.raises(AssertionError):
        case.assertAllClose([1.0, 2.0], [1.0, 2.1])
    with pytest.raises(AssertionError, match="Shape mismatch"):
        case.assertAllEqual([1, 2], [[1, 2]])
    with pytest.raises(AssertionError, match=r"1 of the 3 element\(s\) are outside the range \[0, 2\)"):
        case.assertAllInRange([0, 1, 2], 0, 2, open_upper_bound=True)
    with pytest.raises(AssertionError, match="is not all less than"):
        case.assertAllLess([1, 5], 3)
    with case.cached_session() as sess:
        assert sess is tfsess.get_default_session()
        with case.cached_session() as again:
            assert again is sess
        case.assertAllEqual(tfsess.constant([1, 2]), [1, 2])      # tensors are evaluated in the session
    case.tearDown()
    assert sess._closed
    assert tfsess.test.is_gpu_available() is False and tfsess.test.gpu_device_name() == ""


def test_each_test_gets_a_fresh_graph_with_the_default_seed():
    case = tfsess.test.TestCase("assertAllClose")
    tfsess.constant(1)
    case.setUp()
    assert tfsess.get_default_graph().get_operations() == []
    assert tfsess.get_default_graph().seed == 87654321
    case.tearDown()


# ----- MNIST input_data -----------------------------------------------------------------------------

def _write_idx(directory, n):
    directory.mkdir(exist_ok=True)
    imgs = (np.arange(n * 784) % 256).astype(np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    for prefix in ("train", "t10k"):
        with gzip.open(directory / ("%s-images-idx3-ubyte.gz" % prefix), "wb") as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + imgs.tobytes())
        with gzip.open(directory / ("%s-labels-idx1-ubyte.gz" % prefix), "wb") as f:
            f.write(struct.pack(">II", 2049, n) + labels.tobytes())


def test_mnist_reads_local_idx_files(tmp_path, capsys):
    from tfsess.datasets import mnist
    _write_idx(tmp_path / "data", 12)
    data = mnist.read_data_sets(str(tmp_path / "data"), one_hot=True, validation_size=2, seed=3)
    out = capsys.readouterr().out
    assert out.count("Extracting ") == 4 and "train-images-idx3-ubyte.gz" in out
    assert data.train.images.shape == (10, 784) and data.train.images.dtype == np.float32
    assert data.train.labels.shape == (10, 10) and data.validation.num_examples == 2
    assert float(data.train.images.max()) == 1.0
    xs, _ = data.train.next_batch(4, shuffle=False)
    np.testing.assert_array_equal(xs, data.train.images[:4])
    seen = [data.test.next_batch(5)[1].argmax(1) for _ in range(3)]
    assert data.test.epochs_completed == 1      # the third batch took the last 2 and 3 of a new shuffle
    assert sorted(np.concatenate(seen)[:12]) == sorted(list(range(10)) + [0, 1])


def test_mnist_missing_files_say_where_to_put_them(tmp_path):
    from tfsess.datasets import mnist
    with pytest.raises(mnist.MissingMNISTError) as info:
        mnist.read_data_sets(str(tmp_path / "MNIST_data"))
    msg = str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    assert "tfsess never downloads" in msg and str(tmp_path / "MNIST_data") in msg
    for name in mnist.FILES:
        assert name in msg
    assert not (tmp_path / "MNIST_data").exists()


def test_mnist_bad_magic(tmp_path):
    from tfsess.datasets import mnist
    _write_idx(tmp_path / "d", 3)
    with gzip.open(tmp_path / "d" / "train-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 1, 3, 28, 28))
    with pytest.raises(ValueError, match="Invalid magic number 1 in MNIST image file"):
        mnist.read_data_sets(str(tmp_path / "d"))


# ----- contrib.layers ---------------------------------------------------------------------------------

def test_fully_connected_names_reuse_and_rank3_inputs():
    layers = tfsess.contrib.layers
    with tfsess.Graph().as_default():
        x = tfsess.placeholder(tfsess.float32, [None, 5, 3])
        y = layers.fully_connected(x, 2, scope="fc", weights_regularizer=layers.l1_regularizer(0.5))
        y2 = layers.fully_connected(x, 2, scope="fc", reuse=True, weights_regularizer=layers.l1_regularizer(0.5))
        assert y.shape.as_list() == [None, 5, 2] and y2.shape.as_list() == [None, 5, 2]
        assert [v.name for v in tfsess.global_variables()] == ["fc/weights:0", "fc/biases:0"]
        assert len(tfsess.get_collection(tfsess.GraphKeys.REGULARIZATION_LOSSES)) == 1
        with pytest.raises(ValueError, match="scale cannot be an integer"):
            layers.l2_regularizer(2)
        assert layers.l2_regularizer(0.0)(tfsess.constant(1.0)) is None


def test_fully_connected_on_rank3_inputs_matches_numpy():
    with tfsess.Graph().as_default():
        x = tfsess.placeholder(tfsess.float32, [None, 2, 3])
        w0 = np.arange(6, dtype=np.float32).reshape(3, 2) / 10
        y = tfsess.contrib.layers.fully_connected(x, 2, activation_fn=None,
                                                  weights_initializer=tfsess.constant_initializer(w0),
                                                  biases_initializer=tfsess.constant_initializer(1.0))
        xv = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
        with tfsess.Session() as sess:
            sess.run(tfsess.global_variables_initializer())
            np.testing.assert_allclose(sess.run(y, {x: xv}), xv @ w0 + 1.0, rtol=1e-6)


# ----- GraphDef text ---------------------------------------------------------------------------------

# Printed by TensorFlow 2.21 (tf.compat.v1) for the same graph; TF 1.15 printed the attrs sorted by key, so
# they are sorted here (TF 2.x's text printer keeps the map's internal order).
TF_GRAPH_DEF_TEXT = r'''node {
  name: "Const"
  op: "Const"
  attr {
    key: "dtype"
    value {
      type: DT_INT32
    }
  }
  attr {
    key: "value"
    value {
      tensor {
        dtype: DT_INT32
        tensor_shape {
          dim {
            size: 3
          }
        }
        tensor_content: "\001\000\000\000\002\000\000\000\003\000\000\000"
      }
    }
  }
}
node {
  name: "p"
  op: "Placeholder"
  attr {
    key: "dtype"
    value {
      type: DT_FLOAT
    }
  }
  attr {
    key: "shape"
    value {
      shape {
        dim {
          size: -1
        }
        dim {
          size: 3
        }
      }
    }
  }
}
node {
  name: "ones"
  op: "Const"
  attr {
    key: "dtype"
    value {
      type: DT_FLOAT
    }
  }
  attr {
    key: "value"
    value {
      tensor {
        dtype: DT_FLOAT
        tensor_shape {
          dim {
            size: 3
          }
          dim {
            size: 2
          }
        }
        float_val: 1
      }
    }
  }
}
node {
  name: "MatMul"
  op: "MatMul"
  input: "p"
  input: "ones"
  attr {
    key: "T"
    value {
      type: DT_FLOAT
    }
  }
  attr {
    key: "transpose_a"
    value {
      b: false
    }
  }
  attr {
    key: "transpose_b"
    value {
      b: false
    }
  }
}
versions {
  producer: 134
}
'''


def test_graph_def_prints_as_tensorflow_text_format():
    with tfsess.Graph().as_default() as g:
        tfsess.constant([1, 2, 3])
        p = tfsess.placeholder(tfsess.float32, [None, 3], name="p")
        tfsess.matmul(p, tfsess.ones([3, 2]))
        text = str(g.as_graph_def())
    assert text == TF_GRAPH_DEF_TEXT
    with tfsess.Graph().as_default() as g:
        s = tfsess.constant(["x", "yz"])
        a = tfsess.constant(1.5, name="a")
        assert 'string_val: "x"\n      string_val: "yz"\n' in str(s.op.node_def)
        assert "float_val: 1.5\n" in str(a.op.node_def)
