"""tf.gradients API behaviours, each checked against real TensorFlow.

Reference: TensorFlow 2.21, `tensorflow.compat.v1` with `tf.disable_v2_behavior()`; the expected
values, names and messages below are what the same statements printed there.
"""
import numpy as np
import pytest

import tfsess as tf
from tfsess.framework.opdef import GRADIENT_REGISTRY


@pytest.fixture
def registry():
    """Restore the gradient registry after a test registers names in it."""
    saved = dict(GRADIENT_REGISTRY)
    yield GRADIENT_REGISTRY
    GRADIENT_REGISTRY.clear()
    GRADIENT_REGISTRY.update(saved)


def run(ts, feed=None):
    with tf.Session() as s:
        return [None if t is None else s.run(t, feed) for t in ts]


def xyz():
    x = tf.constant(3.0)
    y = tf.constant(4.0)
    return x, y, x * x * y


# ----- results: a list of len(xs), None where unconnected ----------------------------------

def test_list_of_len_xs_with_none_for_unconnected():
    x, y, z = xyz()
    w = tf.constant(5.0)
    g = tf.gradients(z, [x, y, w])
    assert isinstance(g, list) and len(g) == 3 and g[2] is None
    assert run(g[:2]) == [24.0, 9.0]
    assert [t.name for t in g[:2]] == ["gradients/AddN:0", "gradients/mul_1_grad/Mul_1:0"]


def test_single_x_gives_a_list_of_one():
    x, _, z = xyz()
    g = tf.gradients(z, x)
    assert isinstance(g, list) and len(g) == 1
    assert run(g) == [24.0]


@pytest.mark.parametrize("how", ["zero", tf.UnconnectedGradients.ZERO])
def test_unconnected_gradients_zero(how):
    x, _, z = xyz()
    w = tf.constant([5.0, 6.0])
    gx, gw = tf.gradients(z, [x, w], unconnected_gradients=how)
    assert gw.name == "zeros_like:0"      # made after leaving the gradients scope, as in TF
    vx, vw = run([gx, gw])
    assert vx == 24.0
    np.testing.assert_array_equal(vw, np.zeros(2, np.float32))


def test_integer_inputs_and_integer_paths_give_none():
    x = tf.constant(3.0)
    i = tf.constant(3)
    assert tf.gradients(tf.cast(i, tf.float32) * x, [i, x])[0] is None
    assert tf.gradients(i * 2, i) == [None]
    assert tf.gradients(tf.cast(tf.cast(x, tf.int32), tf.float32), x) == [None]
    assert tf.gradients(x * 2.0, tf.constant(1)) == [None]
    idx = tf.constant([1, 2])
    assert tf.gradients(tf.reduce_sum(tf.gather(tf.constant([1.0, 2.0, 3.0]), idx)), idx) == [None]


def test_duplicate_xs():
    x, _, z = xyz()
    assert run(tf.gradients(z, [x, x])) == [24.0, 24.0]


def test_gradient_of_x_wrt_itself():
    x = tf.constant(3.0)
    assert run(tf.gradients(x, x)) == [1.0]


# ----- grad_ys, several ys, several paths --------------------------------------------------

def test_grad_ys_scales():
    x, _, z = xyz()
    assert run(tf.gradients(z, x, grad_ys=2.0)) == [48.0]
    q = tf.constant([1.0, 2.0])
    assert run(tf.gradients(q * x, x, grad_ys=tf.constant([3.0, 4.0]))) == [11.0]


def test_grad_ys_length_mismatch():
    x, _, z = xyz()
    with pytest.raises(ValueError, match="Length mismatch. Passed 1 grad_ys for 2 ys"):
        tf.gradients([z, z], x, grad_ys=[1.0])
    # the failed call used up the name "gradients", as in TF
    assert tf.gradients(z, x)[0].name.startswith("gradients_1/")


def test_grad_ys_of_the_wrong_dtype():
    x = tf.constant(3.0)
    with pytest.raises(TypeError, match="Input 'y' of 'Mul' Op has type float32 that does not match type int32"):
        tf.gradients(x * 2.0, x, grad_ys=tf.constant(1))


def test_several_ys_are_summed():
    x = tf.constant(3.0)
    assert run(tf.gradients([x * 2, x * 3], x)) == [5.0]


def test_several_paths_are_summed_with_add_n():
    x = tf.constant(3.0)
    a = x * 2
    b = a * a + a
    g = tf.gradients(b, x)[0]
    assert run([g]) == [26.0]
    assert g.op.type == "Mul" and g.op.inputs[0].op.type == "AddN"
    assert g.op.inputs[0].name == "gradients/AddN:0"


def test_gradient_ops_are_named_under_gradients_scopes():
    x, y, z = xyz()
    g1 = tf.gradients(z, y)[0]
    g2 = tf.gradients(z, y)[0]
    g3 = tf.gradients(z, y, name="mygrads")[0]
    assert g1.name == "gradients/mul_1_grad/Mul_1:0"
    assert g2.name == "gradients_1/mul_1_grad/Mul_1:0"
    assert g3.name == "mygrads/mul_1_grad/Mul_1:0"
    names = [op.name for op in tf.get_default_graph().get_operations() if op.name.startswith("gradients/")]
    assert names[:3] == ["gradients/Shape", "gradients/grad_ys_0/Const", "gradients/grad_ys_0"]


def test_gradient_wrt_a_variable():
    v = tf.Variable([1.0, 2.0], name="w")
    g = tf.gradients(tf.reduce_sum(v * v), v)[0]
    assert g.name == "gradients/AddN:0" and g.shape.as_list() == [2]
    with tf.Session() as s:
        s.run(v.initializer)
        np.testing.assert_array_equal(s.run(g), [2.0, 4.0])


def test_xs_and_ys_from_different_graphs():
    _, _, z = xyz()
    with tf.Graph().as_default():
        other = tf.constant(1.0)
    with pytest.raises(ValueError, match="must be from the same graph as"):
        tf.gradients(z, other)


# ----- stopping gradients --------------------------------------------------------------------

def test_stop_gradient():
    x = tf.constant(3.0)
    assert run(tf.gradients(tf.stop_gradient(x * x) + x, x)) == [1.0]
    assert tf.gradients(tf.stop_gradient(x) * 2.0, x) == [None]


def test_stop_gradients_argument():
    x, y = tf.constant(3.0), tf.constant(4.0)
    u = x * x
    assert tf.gradients(u * y, x, stop_gradients=[u]) == [None]
    uu = x * y
    vv = uu * x
    assert run(tf.gradients(vv, [x, y], stop_gradients=[uu])) == [12.0, None]
    assert run(tf.gradients(vv, [x, y], stop_gradients=uu)) == [12.0, None]
    # stopping at an x itself still gives its gradient
    assert run(tf.gradients(vv, x, stop_gradients=[x])) == [24.0]


def test_softmax_cross_entropy_v1_stops_label_gradients():
    lb = tf.constant([[0.2, 0.8]])
    lg = tf.constant([[1.0, 2.0]])
    assert tf.gradients(tf.nn.softmax_cross_entropy_with_logits(labels=lb, logits=lg), lb) == [None]
    g_lb, g_lg = run(tf.gradients(tf.nn.softmax_cross_entropy_with_logits_v2(labels=lb, logits=lg), [lb, lg]))
    np.testing.assert_allclose(g_lb, [[1.3132616, 0.31326166]], rtol=1e-6)
    np.testing.assert_allclose(g_lg, [[0.06894143, -0.06894141]], rtol=1e-5)


# ----- the registry: RegisterGradient, gradient_override_map, NotDifferentiable -------------

def test_register_gradient_and_override_map(registry):
    @tf.RegisterGradient("MyCustomSquareGrad")
    def _grad(op, grad):
        return grad * 10.0
    x = tf.constant(3.0)
    with tf.get_default_graph().gradient_override_map({"Square": "MyCustomSquareGrad"}):
        sq = tf.square(x)
    plain = tf.square(x)
    assert run(tf.gradients(sq, x)) == [10.0]
    assert run(tf.gradients(plain, x)) == [6.0]


def test_register_gradient_twice_is_an_error(registry):
    def _grad(op, grad):
        return grad
    tf.RegisterGradient("MyTwiceGrad")(_grad)
    with pytest.raises(KeyError, match="Registering two gradient with name 'MyTwiceGrad'!"):
        tf.RegisterGradient("MyTwiceGrad")(_grad)
    with pytest.raises(KeyError, match="Registering two gradient with name 'Square'!"):
        tf.RegisterGradient("Square")(_grad)
    with pytest.raises(TypeError, match="op_type must be a string"):
        tf.RegisterGradient(3)


def test_not_differentiable(registry):
    tf.NotDifferentiable("MyNoGradType")
    x = tf.constant(3.0)
    with tf.get_default_graph().gradient_override_map({"Square": "MyNoGradType"}):
        sq = tf.square(x)
    assert tf.gradients(sq, x) == [None]
    assert run(tf.gradients(sq + x, x)) == [1.0]
    with pytest.raises(KeyError, match="Registering two gradient with name 'MyNoGradType'!"):
        tf.NotDifferentiable("MyNoGradType")
    with pytest.raises(KeyError, match="Registering two gradient with name 'Sin'!"):
        tf.NotDifferentiable("Sin")


def test_lookup_error_for_an_op_without_gradient(registry):
    x = tf.constant(3.0)
    with tf.get_default_graph().gradient_override_map({"Square": "NoSuchGradFn"}):
        sq = tf.square(x, name="mysq")
    with pytest.raises(LookupError, match=r"No gradient defined for operation ?'mysq' \(op type: Square\)"):
        tf.gradients(sq, x)
    # an op off the path to the xs is never differentiated
    assert run(tf.gradients(x * 2.0 + tf.stop_gradient(sq), x)) == [2.0]


def test_registered_gradient_must_return_one_entry_per_input(registry):
    @tf.RegisterGradient("MyBadArityGrad")
    def _grad(op, grad):
        return [grad, grad]
    x = tf.constant(3.0)
    with tf.get_default_graph().gradient_override_map({"Square": "MyBadArityGrad"}):
        sq = tf.square(x)
    with pytest.raises(ValueError, match="Num gradients 2 generated for op"):
        tf.gradients(sq, x)


# ----- tf.cond: only the taken branch -----------------------------------------------------------

def test_cond_gradient_follows_the_taken_branch():
    x, y = tf.constant(3.0), tf.constant(4.0)
    pred = tf.placeholder(tf.bool)
    c = tf.cond(pred, lambda: x * x, lambda: x * y)
    g = tf.gradients(c, [x, y])
    assert run(g, {pred: True}) == [6.0, 0.0]
    assert run(g, {pred: False}) == [4.0, 3.0]


def test_cond_untaken_branch_does_not_poison_the_gradient():
    x = tf.placeholder(tf.float32, [])
    c = tf.cond(x > 0, lambda: tf.sqrt(x), lambda: -x)
    g = tf.gradients(c, x)[0]
    with tf.Session() as s:
        assert s.run(g, {x: -4.0}) == -1.0
        assert s.run(g, {x: 4.0}) == 0.25


def test_second_derivative_through_cond():
    x = tf.constant([1.0, -2.0])
    c = tf.cond(tf.constant(True), lambda: x * x * x, lambda: x)
    g = tf.gradients(c, x)[0]
    gg = tf.gradients(g, x)[0]
    np.testing.assert_allclose(run([gg])[0], [6.0, -12.0])
