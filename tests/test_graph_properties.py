"""Property tests: random graphs of elementwise, broadcasting and reduction ops on random shapes give
what NumPy gives (values, dtypes, static shapes), and their gradients agree with finite differences.

Deterministic: hypothesis runs derandomized with a bounded number of examples.
"""
import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

import tfsess as tf
from tfsess.testing import check_grads

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# name -> (tfsess builder, NumPy reference); `smooth` ops are differentiable everywhere.
UNARY = {
    "neg": (tf.negative, np.negative),
    "square": (tf.square, np.square),
    "tanh": (tf.tanh, np.tanh),
    "sin": (tf.sin, np.sin),
    "sigmoid": (tf.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    "softplus": (tf.nn.softplus, lambda x: np.logaddexp(0, x)),
    "exp_tanh": (lambda x: tf.exp(tf.tanh(x)), lambda x: np.exp(np.tanh(x))),
    "abs": (tf.abs, np.abs),
    "relu": (tf.nn.relu, lambda x: np.maximum(x, 0)),
}
BINARY = {
    "add": (tf.add, np.add),
    "sub": (lambda x, y: x - y, np.subtract),
    "mul": (tf.multiply, np.multiply),
    "div": (lambda x, y: x / (1.0 + y * y), lambda x, y: x / (1 + y * y)),
    "squared_difference": (tf.squared_difference, lambda x, y: (x - y) ** 2),
    "maximum": (tf.maximum, np.maximum),
    "minimum": (tf.minimum, np.minimum),
}
REDUCE = {
    "sum": (tf.reduce_sum, np.sum),
    "mean": (tf.reduce_mean, np.mean),
    "max": (tf.reduce_max, np.max),
    "min": (tf.reduce_min, np.min),
}
SMOOTH = {"neg", "square", "tanh", "sin", "sigmoid", "softplus", "exp_tanh", "add", "sub", "mul", "div",
          "squared_difference", "sum", "mean"}

shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


@st.composite
def broadcastable_to(draw, shape):
    """A shape that broadcasts against `shape`: a suffix of it, some dimensions set to 1."""
    k = draw(st.integers(0, len(shape)))
    suffix = shape[len(shape) - k:]
    return tuple(1 if draw(st.booleans()) else d for d in suffix)


@st.composite
def programs(draw, smooth_only=False, max_steps=6):
    """(leaf shapes, instructions): instruction i defines value len(leaves) + i from earlier values."""
    def allowed(table):
        return sorted(k for k in table if not smooth_only or k in SMOOTH)

    leaves = [draw(shapes)]
    value_shapes = list(leaves)
    prog = []
    for _ in range(draw(st.integers(1, max_steps))):
        kind = draw(st.sampled_from(["unary", "binary", "binary", "reduce"]))
        src = draw(st.integers(0, len(value_shapes) - 1))
        shape = value_shapes[src]
        if kind == "unary":
            prog.append(("unary", draw(st.sampled_from(allowed(UNARY))), src))
            value_shapes.append(shape)
        elif kind == "binary":
            partners = [i for i, s in enumerate(value_shapes) if _broadcast(shape, s) is not None]
            if draw(st.booleans()):      # a new input whose shape broadcasts against src
                leaves.append(draw(broadcastable_to(shape)))
                value_shapes.insert(len(leaves) - 1, leaves[-1])
                prog = [_shift(ins, len(leaves) - 1) for ins in prog]
                src = src + 1 if src >= len(leaves) - 1 else src
                other = len(leaves) - 1
            else:
                other = draw(st.sampled_from(partners))
            a, b = (src, other) if draw(st.booleans()) else (other, src)
            prog.append(("binary", draw(st.sampled_from(allowed(BINARY))), a, b))
            value_shapes.append(_broadcast(value_shapes[a], value_shapes[b]))
        else:
            r = len(shape)
            axis = draw(st.one_of(st.none(), st.integers(-r, r - 1))) if r else None
            keep = draw(st.booleans())
            prog.append(("reduce", draw(st.sampled_from(allowed(REDUCE))), src, axis, keep))
            value_shapes.append(np.sum(np.zeros(shape), axis=axis, keepdims=keep).shape)
    return leaves, prog


def _broadcast(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return None


def _shift(ins, new_leaf_index):
    """Renumber value references after a leaf is inserted at `new_leaf_index`."""
    def f(i):
        return i + 1 if i >= new_leaf_index else i
    if ins[0] == "unary":
        return (ins[0], ins[1], f(ins[2]))
    if ins[0] == "binary":
        return (ins[0], ins[1], f(ins[2]), f(ins[3]))
    return (ins[0], ins[1], f(ins[2]), ins[3], ins[4])


def evaluate(prog, leaves, lib):
    """Run the instructions with `lib` = 0 (tfsess builders) or 1 (NumPy references)."""
    values = list(leaves)
    for ins in prog:
        if ins[0] == "unary":
            values.append(UNARY[ins[1]][lib](values[ins[2]]))
        elif ins[0] == "binary":
            values.append(BINARY[ins[1]][lib](values[ins[2]], values[ins[3]]))
        else:
            fn = REDUCE[ins[1]][lib]
            axis, keep = ins[3], ins[4]
            values.append(fn(values[ins[2]], axis=axis, keepdims=keep))
    return values


@PROPERTY_SETTINGS
@given(programs(), st.sampled_from([np.float32, np.float64]), st.booleans(), st.integers(0, 2 ** 31 - 1))
def test_random_graphs_match_numpy(program, dtype, unknown_dims, seed):
    leaf_shapes, prog = program
    rng = np.random.RandomState(seed)
    arrays = [rng.uniform(-2, 2, size=s).astype(dtype) for s in leaf_shapes]
    want = evaluate(prog, [np.asarray(a) for a in arrays], 1)
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.as_dtype(dtype), [None] * len(s) if unknown_dims else s) for s in leaf_shapes]
        tensors = evaluate(prog, phs, 0)
        with tf.Session() as sess:
            got = sess.run(tensors[len(phs):], dict(zip(phs, arrays)))
    tol = dict(rtol=2e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    for t, g, w in zip(tensors[len(phs):], got, want[len(phs):]):
        g, w = np.asarray(g), np.asarray(w, dtype=dtype)
        assert g.dtype == dtype and t.dtype == tf.as_dtype(dtype)
        assert g.shape == w.shape
        if unknown_dims:
            assert t.shape.is_compatible_with(w.shape)
        else:
            assert t.shape.as_list() == list(w.shape)
        np.testing.assert_allclose(g, w, **tol)


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(programs(smooth_only=True, max_steps=4), st.integers(0, 2 ** 31 - 1))
def test_random_graph_gradients_match_finite_differences(program, seed):
    leaf_shapes, prog = program
    rng = np.random.RandomState(seed)
    arrays = [rng.uniform(-1.5, 1.5, size=s) for s in leaf_shapes]

    def fn(*phs):
        return evaluate(prog, list(phs), 0)[-1]
    check_grads(fn, arrays, rtol=1e-5, atol=1e-6)
