"""%eval --code: the NumPy program of a run, shown as code; it executes and gives what sess.run gives."""
import importlib.util

import numpy as np
import pytest
from IPython.core.error import UsageError

import tfsess
from tfsess.client.numpy_export import numpy_source
from tfsess.notebook.code_view import CodeView
from notebook_shell import cell


MLP = """
x = tf.placeholder(tf.float32, [None, 2], name="x")
W = tf.Variable([[1.0, 2.0], [3.0, -4.0]], name="W")
b = tf.Variable([0.5, -0.5], name="b")
h = tf.nn.relu(tf.matmul(x, W) + b, name="h")
loss = tf.reduce_sum(h * h, name="loss")
sess.run(tf.global_variables_initializer())
"""


def _import(path):
    spec = importlib.util.spec_from_file_location("exported_model_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_code_is_the_export_and_runs_like_sess_run(loaded, tmp_path):
    cell(loaded, MLP)
    view = cell(loaded, "%eval loss h --code --feed x=[[1.0, 1.0], [2.0, -1.0]]")
    assert isinstance(view, CodeView)
    sess, graph = loaded.user_ns["sess"], tfsess.get_default_graph()
    x = graph.get_tensor_by_name("x:0")
    fetches = [graph.get_tensor_by_name("loss:0"), graph.get_tensor_by_name("h:0")]
    assert view.source == numpy_source(fetches, [x], session=sess)
    assert "def run(x, variables=VARIABLES):" in view.source
    assert "np.dot(x, W)" in view.source and "# MatMul (MatMul)" in view.source
    feed = np.array([[1.0, 1.0], [2.0, -1.0]], np.float32)
    want_loss, want_h = sess.run(fetches, {x: feed})
    # the view ran the program itself, on the fed value
    np.testing.assert_allclose(view.result[0], want_loss, rtol=1e-6)
    np.testing.assert_allclose(view.result[1], want_h, rtol=1e-6)
    assert view.text.startswith(view.source)
    assert view.text[len(view.source):].splitlines()[:3] == ["", "# >>> run([[ 1. 1.] [ 2. -1.]])",
                                                              "# [%s, [[4.5 0. ]" % np.float32(want_loss)]
    assert view._repr_mimebundle_()["text/plain"] == view.text
    # saved, imported elsewhere and run on other values, it still matches the session
    module = _import(view.save(tmp_path / "mlp.py"))
    other = np.array([[-1.0, 3.0]], np.float32)
    got = module.run(other)
    want = sess.run(fetches, {x: other})
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6)
    assert (tmp_path / "mlp.npz").exists()
    assert "style=" in view.children[1].value and "<span" in view.children[1].value     # highlighted


def test_code_of_a_variable_update_does_not_touch_the_session(loaded):
    cell(loaded, "v = tf.Variable(1.0, name='v')\ninc = tf.assign_add(v, 2.0, name='inc')\nsess.run(v.initializer)")
    view = cell(loaded, "%eval inc --code")
    assert view.ran and view.result == 3.0
    assert view.text.endswith("# >>> run()\n# 3.0\n")
    assert cell(loaded, "sess.run(v)") == 1.0                 # the program has its own copy of the variables


def test_code_errors(loaded):
    cell(loaded, MLP)
    for line, msg in [("h --code --grad", "--grad and --code: use one of"),
                      ("h --code --interact", "--code cannot be combined with --interact"),
                      ("--code", "%eval needs at least one expression")]:
        with pytest.raises(UsageError, match=msg):
            loaded.run_line_magic("eval", line)
    with pytest.raises(tfsess.errors.InvalidArgumentError, match="must feed a value for placeholder tensor 'x'") as e:
        loaded.run_line_magic("eval", "h --code")
    assert len(e.value._render_traceback_()) <= 3
