"""%eval --grad LOSS: values and d LOSS / d node on every node, checked against the user's own tf.gradients."""
import numpy as np
import pytest
from IPython.core.error import UsageError

import tfsess
from tfsess.notebook.grad_view import GRAD_SCOPE, GradView
from notebook_shell import cell


MLP = """
x = tf.placeholder(tf.float32, [None, 2], name="x")
W = tf.Variable([[1.0, -2.0], [0.5, 1.5]], name="W")
b = tf.Variable([0.25, 0.5], name="b")
h = tf.nn.tanh(tf.matmul(x, W) + b, name="h")
loss = tf.reduce_mean(tf.square(h - 0.5), name="loss")
sess.run(tf.global_variables_initializer())
X = np.array([[1.0, 2.0], [-1.0, 0.5]], dtype=np.float32)
"""


def test_values_and_gradients_on_nodes_match_tf_gradients(loaded):
    cell(loaded, "import numpy as np\n" + MLP)
    view = cell(loaded, "%eval loss --grad --feed x=X")
    assert isinstance(view, GradView)
    names = [n.name for n in view.result.nodes]
    assert names == ["x", "W", "b", "MatMul", "add", "h", "sub/y", "sub", "Square", "loss"]   # constants too
    # the same numbers from tf.gradients written by hand, in a run of their own
    want = cell(loaded, "sess.run(tf.gradients(loss, [x, W, b, h]) + [h, loss], {x: X})")
    for name, g in zip(["x", "W", "b", "h"], want[:4]):
        np.testing.assert_allclose(view.grads[name], g, rtol=1e-6)
    np.testing.assert_allclose(view.values["h"], want[4], rtol=1e-6)
    assert view.grads["loss"] == 1.0 and view.values["loss"] == pytest.approx(float(want[5]))
    np.testing.assert_array_equal(view.values["x"], np.array([[1.0, 2.0], [-1.0, 0.5]], np.float32))
    assert [n.fed for n in view.result.nodes] == [True] + [False] * 9
    # text/plain: one line per node
    lines = view.text.splitlines()
    assert lines[0] == "d loss / d node for the 10 nodes loss depends on (tf.gradients):"
    assert lines[1].startswith("  x (fed): value=[[ 1. 2. ] [-1. 0.5]], grad=[[-0.0628 0.0601]")
    assert lines[7] == "  sub/y: value=0.5, grad=%.4g" % view.grads["sub/y"]      # scalars: 4 digits
    assert lines[10] == "  loss: value=%.4g, grad=1" % want[5]
    assert view._repr_mimebundle_()["text/plain"] == view.text
    # micrograd-style labels on the drawing
    assert "| grad " in view.graph_view.dot and "eval_gradients" not in view.graph_view.dot


def test_gradient_ops_stay_out_of_later_pictures_and_names(loaded):
    cell(loaded, "import numpy as np\n" + MLP)
    n_before = len(tfsess.get_default_graph().get_operations())
    view = cell(loaded, "%eval loss --grad --feed x=X --backward")
    graph = tfsess.get_default_graph()
    made = graph.get_operations()[n_before:]
    assert made and all(op.name.startswith(GRAD_SCOPE + "/") for op in made)
    ext = loaded._tfsess
    assert ext.snapshot(graph).names() == [op.name for op in graph.get_operations()[:n_before]]
    pic = cell(loaded, "%%graph\nz = tf.identity(loss, name='z')")
    assert GRAD_SCOPE not in pic.dot and "z" in pic.snap.index
    # the user's own tf.gradients still gets TF's default scope name
    assert cell(loaded, "tf.gradients(loss, W)[0].name").startswith("gradients/")
    # --backward: the backward ops of each forward op, listed and drawable
    assert "backward ops tf.gradients built (%d):" % len(made) in view.text
    assert "  for MatMul: eval_gradients/MatMul_grad/MatMul, eval_gradients/MatMul_grad/MatMul_1" in view.text
    gv = view.graph_view
    assert view.show_backward.value and GRAD_SCOPE in gv.expanded
    assert set(gv.snap.names()) >= {op.name for op in made}
    view.set_backward(True, "MatMul")
    assert set(gv.new) == {"MatMul", "eval_gradients/MatMul_grad/MatMul", "eval_gradients/MatMul_grad/MatMul_1"}
    view.set_backward(False)
    assert gv.new == () and not any(n.startswith(GRAD_SCOPE) for n in gv.snap.names())


def test_grad_of_a_tensor_fed_nothing_and_variables_only(loaded):
    cell(loaded, "w = tf.Variable(3.0, name='w')\ny = w * w + 2.0 * w\nsess.run(w.initializer)")
    view = cell(loaded, "%eval y --grad --no-draw")
    assert view.graph_view is None
    assert view.grads["w"] == pytest.approx(8.0) and view.values["w"] == 3.0
    assert view.text.splitlines()[1] == "  w: value=3, grad=8"
    again = cell(loaded, "%eval y --grad --backward")             # a second view: a scope of its own
    assert again.result.scope == GRAD_SCOPE + "_1" and again.grads["w"] == pytest.approx(8.0)
    assert GRAD_SCOPE + "_1" in again.graph_view.expanded


def test_grad_option_errors(loaded):
    cell(loaded, "import numpy as np\n" + MLP + "n = tf.constant(3, name='n')")
    for line, msg in [("loss h --grad", "--grad differentiates one loss, got 2 expressions: loss, h"),
                      ("loss --grad --trace", "--trace and --grad: use one of --trace, --grad and --code"),
                      ("loss --grad --watch", "--grad cannot be combined with --watch"),
                      ("loss --backward", "--backward goes with --grad"),
                      ("--grad", "%eval needs at least one expression"),
                      ("'loss' --grad", "--grad differentiates a tensor; 'loss' is the op 'loss'")]:
        with pytest.raises(UsageError, match=msg):
            loaded.run_line_magic("eval", line)
    with pytest.raises(TypeError, match="--grad differentiates a floating-point tensor; 'n:0' is int32") as info:
        loaded.run_line_magic("eval", "n --grad")
    assert info.value._render_traceback_()[0].startswith("TypeError: --grad differentiates")
    with pytest.raises(tfsess.errors.InvalidArgumentError, match="must feed a value for placeholder tensor 'x'"):
        loaded.run_line_magic("eval", "loss --grad")
    # a failed --grad leaves its ops hidden and the session working
    ext = loaded._tfsess
    graph = tfsess.get_default_graph()
    assert not any(n.startswith(GRAD_SCOPE) for n in ext.snapshot(graph).names())
    assert cell(loaded, "%eval loss --grad --feed x=X").grads["loss"] == 1.0


def test_grad_through_a_cond_lists_the_nodes_outside_its_branches(loaded):
    cell(loaded, "p = tf.placeholder(tf.bool, [], name='p')\na = tf.constant(2.0, name='a')\n"
                 "r = tf.cond(p, lambda: a * 3.0, lambda: a - 1.0)")
    taken = cell(loaded, "%eval r --grad --feed p=True --no-draw")
    assert taken.grads == {"a": 3.0, "cond/Merge:0": 1.0}
    assert cell(loaded, "%eval r --grad --feed p=False --no-draw").grads["a"] == 1.0
    assert "tf.cond's Switch ops and branch ops are not listed" in taken.text
