"""The op-case table (STYLE.md 4.3 rule 9): one row per op behaviour.

Each `OpCase` builds op(s) through the public API from input tensors, and gives a direct NumPy
reference. `tests/test_ops.py` runs every case forward (values, dtype, static shape; with the inputs
as constants, as placeholders with known shapes, and as placeholders with unknown dimensions), runs
`tfsess.testing.check_grads` on the cases marked `grad=True`, and checks that the table covers
every op type in `OP_REGISTRY`.

Inputs come from a fixed-seed generator, chosen away from non-differentiable points (relu at 0,
max ties, floor/mod discontinuities) so finite differences are meaningful.
"""
from __future__ import annotations

import math

import numpy as np

import tfsess as tf
from tfsess.framework.opdef import OP_REGISTRY, create_op

MODES = ("const", "feed", "unknown")


class OpCase:
    """One op behaviour.

    build(*tensors) -> Tensor or list of Tensors (public API only, except `raw_op` cases)
    ref(*arrays)    -> the expected value(s) as NumPy arrays, with the expected dtype
    args            -> input arrays; each becomes a constant / a placeholder / an unknown-dims placeholder
    grad            -> also run check_grads (args must then be float64 where differentiated)
    grad_inputs     -> positions check_grads differentiates (default: every float argument)
    raises          -> (exception class, message substring) expected from build or run
    check           -> callable(values) asserting properties, instead of `ref` (random ops)
    exact_shape     -> with fully known inputs the static shape must be fully known and equal
    modes           -> forward modes to run: inputs as "const", "feed" (known shapes), "unknown" (dims None)
    grad_unknown    -> also check gradients with the inputs' static dims unknown
    grad_rtol, grad_atol, grad_delta -> check_grads tolerances and finite-difference step
    """

    def __init__(self, name, build, ref=None, args=(), *, grad=False, grad_inputs=None, modes=MODES,
                 grad_unknown=True, raises=None, check=None, exact_shape=True, rtol=None, atol=None,
                 grad_rtol=1e-5, grad_atol=1e-6, grad_delta=1e-6):
        self.name = name
        self.build = build
        self.ref = ref
        self.args = [np.asarray(a) for a in args]
        self.grad = grad
        if grad_inputs is None:
            grad_inputs = [i for i, a in enumerate(self.args) if a.dtype.kind == "f"]
        self.grad_inputs = list(grad_inputs)
        self.modes = modes if self.args else ("const",)
        self.grad_unknown = grad_unknown
        self.raises = raises
        self.check = check
        self.exact_shape = exact_shape
        self.rtol = rtol
        self.atol = atol
        self.grad_rtol = grad_rtol
        self.grad_atol = grad_atol
        self.grad_delta = grad_delta

    def __repr__(self):
        return "OpCase(%s)" % self.name


CASES: list = []


def case(*a, **k):
    c = OpCase(*a, **k)
    CASES.append(c)
    return c


# ======================================================================================
# Input data (fixed seed)
# ======================================================================================

_rng = np.random.RandomState(20240611)


def f64(*shape, lo=-2.0, hi=2.0):
    return _rng.uniform(lo, hi, size=shape)


def f32(*shape, lo=-2.0, hi=2.0):
    return f64(*shape, lo=lo, hi=hi).astype(np.float32)


def away(*shape, lo=0.3, hi=2.0, dtype=np.float64):
    """Values with |x| in [lo, hi], random sign: away from kinks at 0."""
    sign = np.where(_rng.rand(*shape) < 0.5, -1.0, 1.0)
    return (sign * _rng.uniform(lo, hi, size=shape)).astype(dtype)


def pos(*shape, lo=0.5, hi=2.0, dtype=np.float64):
    return _rng.uniform(lo, hi, size=shape).astype(dtype)


def i32(*shape, lo=-5, hi=6):
    return _rng.randint(lo, hi, size=shape).astype(np.int32)


def spread(*shape, dtype=np.float64):
    """Distinct values (no ties, gaps >= 0.1) in random order: for max/min/argmax."""
    n = int(np.prod(shape)) if shape else 1
    vals = (np.arange(n) - n / 2.0) * 0.37 + _rng.uniform(0, 0.05, n)
    return _rng.permutation(vals).reshape(shape).astype(dtype)


def labels_dist(n, k):
    p = _rng.uniform(0.1, 1.0, size=(n, k))
    return p / p.sum(axis=1, keepdims=True)


# ======================================================================================
# Helpers for builds and references
# ======================================================================================

def vjp(fn, argnum=0):
    """(x..., w) -> tf.gradients(fn(x...), x[argnum], grad_ys=w): a first derivative as a function.

    check_grads on it differentiates the gradient ops themselves (ReluGrad, SumToShape, ...).
    """
    def build(*ts):
        *xs, w = ts
        return tf.gradients(fn(*xs), xs[argnum], grad_ys=w)[0]
    return build


def raw_op(type_name, inputs, attrs):
    """Build an op by its registered type name (for types no public function creates)."""
    g = tf.get_default_graph()
    return create_op(OP_REGISTRY[type_name], list(inputs), dict(attrs), g.unique_name(type_name), g)._outputs[0]


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(x, axis=-1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_erf(x):
    return np.vectorize(math.erf, otypes=[x.dtype])(x)


# ======================================================================================
# Elementwise binary ops, with broadcasting
# ======================================================================================

BROADCAST_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((3, 1, 2), (4, 1))]


def _bin_cases(name, fn, ref, make_x, make_y, grad=True):
    for sx, sy in BROADCAST_SHAPES:
        tag = "%s_%s_%s" % (name, "x".join(map(str, sx)) or "s", "x".join(map(str, sy)) or "s")
        case(tag, fn, ref, [make_x(*sx), make_y(*sy)], grad=grad)


_bin_cases("add", tf.add, np.add, f64, f64)
_bin_cases("add_op", lambda x, y: x + y, np.add, f64, f64)
_bin_cases("sub", lambda x, y: x - y, np.subtract, f64, f64)
_bin_cases("mul", lambda x, y: x * y, np.multiply, f64, f64)
_bin_cases("truediv", lambda x, y: x / y, np.true_divide, f64, away)
_bin_cases("realdiv", tf.realdiv, np.true_divide, f64, away)
_bin_cases("maximum", tf.maximum, np.maximum, f64, f64)
_bin_cases("minimum", tf.minimum, np.minimum, f64, f64)
_bin_cases("squared_difference", tf.squared_difference, lambda x, y: (x - y) ** 2, f64, f64)
_bin_cases("pow", tf.pow, np.power, pos, f64)


def _mod_args(*shape):
    """(x, y) with x / y = k + frac, frac in [0.2, 0.8]: away from floor/mod jumps."""
    y = away(*shape, lo=0.5, hi=2.0)
    k = _rng.randint(-3, 4, size=shape)
    return (k + _rng.uniform(0.2, 0.8, size=shape)) * y, y


_mx, _my = _mod_args(2, 3)
case("floormod_float", tf.floormod, np.mod, [_mx, _my], grad=True)
case("mod_op_float", lambda x, y: x % y, np.mod, [_mx, _my], grad=True)
case("floormod_float_bcast", tf.floormod, np.mod, [_mx, np.array(0.7)], grad=True)
case("floordiv_float", lambda x, y: x // y, np.floor_divide, [_mx, _my])
case("floordiv_float32", tf.floordiv, np.floor_divide, [_mx.astype(np.float32), _my.astype(np.float32)])
case("add_float32", tf.add, np.add, [f32(2, 3), f32(3)])
case("mul_float32_scalar", lambda x: x * 2, lambda x: x * np.float32(2), [f32(2, 3)])
case("add_string", tf.add, lambda x, y: np.array([a + b for a, b in zip(x, y)], dtype=object),
     [np.array([b"ab", b"c"], dtype=object), np.array([b"x", b"yz"], dtype=object)])
case("maximum_int_bcast", tf.maximum, np.maximum, [i32(2, 3), i32(3)])

# Integer arithmetic, TF's rules
case("add_int32", tf.add, np.add, [i32(2, 3), i32(3)])
case("sub_int64", tf.subtract, np.subtract, [i32(4).astype(np.int64), i32(4).astype(np.int64)])
case("mul_int32", lambda x, y: x * y, np.multiply, [i32(2, 3), i32(2, 1)])
case("truediv_int32_is_float64", lambda x, y: x / y, lambda x, y: x.astype(np.float64) / y,
     [i32(2, 3), i32(3, lo=1, hi=5)])
case("truediv_int64_is_float64", tf.truediv, lambda x, y: x.astype(np.float64) / y,
     [i32(4).astype(np.int64), np.array([1, -2, 3, 7], np.int64)])
case("truediv_int16_is_float32", tf.truediv, lambda x, y: x.astype(np.float32) / y.astype(np.float32),
     [i32(4).astype(np.int16), np.array([1, -2, 3, 7], np.int16)])
case("divide_int32", tf.divide, lambda x, y: x.astype(np.float64) / y, [i32(3), np.array([2, 4, -3], np.int32)])
case("floordiv_int32_negative", lambda x, y: x // y, np.floor_divide,
     [np.array([-7, 7, -7, 7, 0], np.int32), np.array([2, -2, -2, 2, 3], np.int32)])
case("floormod_int32_negative", lambda x, y: x % y, np.mod,
     [np.array([-7, 7, -7, 7, 0], np.int32), np.array([2, -2, -2, 2, 3], np.int32)])
case("truncatediv_int32", tf.truncatediv, lambda x, y: np.trunc(x / y).astype(np.int32),
     [np.array([-7, 7, -7, 7], np.int32), np.array([2, -2, -2, 2], np.int32)])
case("div_legacy_int_is_floordiv", tf.div, np.floor_divide,
     [np.array([-7, 7], np.int32), np.array([2, 2], np.int32)])
case("div_legacy_float_is_realdiv", tf.div, np.true_divide, [f64(3), away(3)], grad=True)
case("floordiv_int_by_zero", lambda x, y: x // y, None,
     [np.array([7, 1], np.int32), np.array([0, 1], np.int32)],
     raises=(tf.errors.InvalidArgumentError, "Integer division by zero"))
case("floormod_int_by_zero", lambda x, y: x % y, None,
     [np.array([7, 1], np.int32), np.array([1, 0], np.int32)],
     raises=(tf.errors.InvalidArgumentError, "Integer division by zero"))
case("truncatediv_int_by_zero", tf.truncatediv, None, [np.array([7], np.int32), np.array([0], np.int32)],
     raises=(tf.errors.InvalidArgumentError, "Integer division by zero"))
case("pow_int32", tf.pow, np.power, [np.array([2, 3, -2], np.int32), np.array([3, 2, 3], np.int32)])
case("pow_int_negative_exponent", tf.pow, None, [np.array([2], np.int32), np.array([-1], np.int32)],
     raises=(tf.errors.InvalidArgumentError, "Integers to negative integer powers are not allowed"))
case("float_div_by_zero_is_inf", lambda x, y: x / y, np.true_divide,
     [np.array([1.0, -1.0], np.float32), np.array([0.0, 0.0], np.float32)])

# Python-value conversion rules (python int -> int32, float -> float32, numpy dtypes kept)
case("py_int_plus_int_is_int32", lambda: tf.constant(1) + 2, lambda: np.int32(3))
case("py_float_times_float_is_float32", lambda: tf.constant(1.5) * 2, lambda: np.float32(3.0))
case("py_add_literals_int32", lambda: tf.add(1, 2), lambda: np.int32(3))
case("py_big_int_is_int64", lambda: tf.constant(2 ** 40) + 1, lambda: np.int64(2 ** 40 + 1))
case("py_mixed_list_is_float32", lambda: tf.constant([1, 2.5]), lambda: np.array([1, 2.5], np.float32))
case("numpy_float64_kept", lambda: tf.constant(np.float64(1.5)) * 2, lambda: np.float64(3.0))
case("numpy_int64_kept", lambda: tf.constant(np.array([1, 2])) * 3, lambda: np.array([3, 6], np.int64))
case("py_bool_is_bool", lambda: tf.logical_not(tf.constant(True)), lambda: np.bool_(False))
case("int_tensor_plus_py_float_fails", lambda: tf.constant(1) + 1.5, None,
     raises=(TypeError, "Input 'y' of 'AddV2' Op has type float32 that does not match type int32 of argument 'x'"))
case("py_float_plus_int_tensor_fails", lambda: 1.5 + tf.constant(1), None,
     raises=(TypeError, "Expected int32"))
case("mixed_tensor_dtypes_fail", lambda: tf.constant(1.0) + tf.constant(1.0, tf.float64), None,
     raises=(TypeError, "that does not match type float32"))

# Broadcast shape errors: at build time with known shapes, at run time with unknown ones
case("add_shape_mismatch_build", tf.add, None, [f64(2, 3), f64(4)], modes=("const", "feed"),
     raises=(ValueError, "Dimensions must be equal, but are 3 and 4"))
case("add_shape_mismatch_run", tf.add, None, [f64(2, 3), f64(4)], modes=("unknown",),
     raises=(tf.errors.InvalidArgumentError, "Incompatible shapes: [2,3] vs. [4]"))

# Comparisons and logic
for _name, _fn, _ref in [("equal", tf.equal, np.equal), ("not_equal", tf.not_equal, np.not_equal),
                         ("less", tf.less, np.less), ("less_equal", tf.less_equal, np.less_equal),
                         ("greater", tf.greater, np.greater), ("greater_equal", tf.greater_equal, np.greater_equal)]:
    case(_name + "_int_bcast", _fn, _ref, [i32(2, 3, lo=0, hi=3), i32(3, lo=0, hi=3)])
    case(_name + "_float", _fn, _ref, [np.array([1.0, 2.0, 3.0], np.float32), np.array([2.0, 2.0, 2.0], np.float32)])
case("lt_operator", lambda x, y: x < y, np.less, [f64(2, 3), f64(3)])
case("ge_operator", lambda x, y: x >= y, np.greater_equal, [i32(4), i32(4)])
case("equal_string", tf.equal, np.equal, [np.array([b"a", b"b"], dtype=object), np.array([b"a", b"c"], dtype=object)])
_b1 = np.array([[True, True, False, False]])
_b2 = np.array([[True], [False]])
case("logical_and", tf.logical_and, np.logical_and, [_b1, _b2])
case("logical_or", tf.logical_or, np.logical_or, [_b1, _b2])
case("logical_xor", tf.logical_xor, np.logical_xor, [_b1, _b2])
case("logical_not", tf.logical_not, np.logical_not, [_b1])
case("bool_operators", lambda x, y: [x & y, x | y, x ^ y, ~x],
     lambda x, y: [x & y, x | y, x ^ y, ~x], [_b1, _b2])
case("bitwise_operators", lambda x, y: [x & y, x | y, x ^ y, ~x],
     lambda x, y: [x & y, x | y, x ^ y, ~x], [np.array([6, 5, -3], np.int32), np.array([3, 12, 7], np.int32)])


# ======================================================================================
# Elementwise unary ops
# ======================================================================================

def _unary(name, fn, ref, make, grad=True, f32_make=None, **kw):
    case(name, fn, ref, [make(2, 3)], grad=grad, **kw)
    if f32_make is not False:
        x32 = (f32_make or make)(4).astype(np.float32)
        case(name + "_float32", fn, lambda x: np.asarray(ref(x)).astype(np.float32), [x32],
             rtol=2e-6, atol=1e-6)


_unary("negative", tf.negative, np.negative, f64)
_unary("neg_operator", lambda x: -x, np.negative, f64, f32_make=False)
_unary("abs", tf.abs, np.abs, away)
_unary("abs_operator", abs, np.abs, away, f32_make=False)
_unary("square", tf.square, np.square, f64)
_unary("sqrt", tf.sqrt, np.sqrt, pos)
_unary("rsqrt", tf.rsqrt, lambda x: 1 / np.sqrt(x), pos)
_unary("exp", tf.exp, np.exp, f64)
_unary("expm1", tf.expm1, np.expm1, f64)
_unary("log", tf.log, np.log, pos)
_unary("log1p", tf.log1p, np.log1p, lambda *s: f64(*s, lo=-0.5, hi=2.0))
_unary("sin", tf.sin, np.sin, f64)
_unary("cos", tf.cos, np.cos, f64)
_unary("tan", tf.tan, np.tan, lambda *s: f64(*s, lo=-1.2, hi=1.2))
_unary("tanh", tf.tanh, np.tanh, f64)
_unary("sigmoid", tf.sigmoid, np_sigmoid, lambda *s: f64(*s, lo=-5, hi=5))
_unary("sign", tf.sign, np.sign, away)
_unary("reciprocal", tf.reciprocal, np.reciprocal, away)
_unary("erf", tf.erf, np_erf, f64)
_unary("log_sigmoid", tf.log_sigmoid, lambda x: -np.log1p(np.exp(-x)), f64)
case("erf_known_values", tf.erf, lambda x: np.array([0.0, 0.5204998778130465, -0.8427007929497149]),
     [np.array([0.0, 0.5, -1.0])])
case("sign_int", tf.sign, np.sign, [np.array([-3, 0, 2], np.int32)])
case("abs_int", tf.abs, np.abs, [np.array([-3, 0, 2], np.int32)])
case("square_int", tf.square, np.square, [np.array([-3, 0, 2], np.int64)])
case("sqrt_int_rejected", tf.sqrt, None, [np.array([4], np.int32)],
     raises=(TypeError, "Value passed to parameter 'x' has DataType int32 not in list of allowed values"))
case("round_half_to_even", tf.round, np.round, [np.array([0.5, 1.5, 2.5, -0.5, -1.7, 0.2], np.float32)])
case("round_int_is_identity", tf.round, lambda x: x, [np.array([1, -2], np.int32)])
case("floor", tf.floor, np.floor, [np.array([1.5, -1.5, 2.0, -0.2], np.float32)])
case("ceil", tf.ceil, np.ceil, [np.array([1.5, -1.5, 2.0, -0.2])])
_special = np.array([1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
case("is_nan", tf.is_nan, np.isnan, [_special])
case("is_inf", tf.is_inf, np.isinf, [_special])
case("is_finite", tf.is_finite, np.isfinite, [_special])
case("log_of_zero_is_minus_inf", tf.log, np.log, [np.array([0.0, 1.0], np.float32)])
case("clip_by_value", lambda x: tf.clip_by_value(x, -0.5, 0.7), lambda x: np.clip(x, -0.5, 0.7),
     [np.array([[-1.3, -0.2, 0.4], [0.9, 1.5, -0.8]])], grad=True)
case("clip_by_value_int", lambda x: tf.clip_by_value(x, 2, 6), lambda x: np.clip(x, 2, 6),
     [np.array([1, 5, 9], np.int32)])
case("clip_by_value_tensor_bounds", tf.clip_by_value, np.clip,
     [np.array([-1.3, -0.2, 0.4, 1.5]), np.array(-0.5), np.array([0.0, 0.1, 0.7, 0.7])], grad=True)
case("cast_float_to_float64", lambda x: tf.cast(x, tf.float64) * 3.0, lambda x: x.astype(np.float64) * 3,
     [np.array([1.5, -2.0], np.float32)])
case("cast_float64_to_float32_grad", lambda x: tf.cast(x, tf.float32), lambda x: x.astype(np.float32), [f64(3)],
     grad=True, grad_delta=1e-2, grad_rtol=1e-5)
case("cast_float_to_int_truncates", lambda x: tf.cast(x, tf.int32), lambda x: np.trunc(x).astype(np.int32),
     [np.array([1.7, -1.7, 0.2, -0.0])])
case("cast_float_to_bool", lambda x: tf.cast(x, tf.bool), lambda x: x != 0, [np.array([0.0, 2.0, -0.5])])
case("cast_bool_to_int", lambda x: tf.cast(x, tf.int64), lambda x: x.astype(np.int64), [np.array([True, False])])
case("cast_same_dtype_is_noop", lambda x: tf.cast(x, tf.float64), lambda x: x, [f64(2)])
case("to_float", tf.to_float, lambda x: x.astype(np.float32), [np.array([1, 2], np.int32)])


# ======================================================================================
# AddN, MatMul
# ======================================================================================

case("add_n", lambda a, b, c: tf.add_n([a, b, c]), lambda a, b, c: a + b + c, [f64(2, 3), f64(2, 3), f64(2, 3)],
     grad=True)
case("add_n_same_tensor_twice", lambda a: tf.add_n([a, a]), lambda a: 2 * a, [f64(3)], grad=True)
case("add_n_int", lambda a, b: tf.add_n([a, b]), np.add, [i32(3), i32(3)])
case("add_n_single_is_identity", lambda a: tf.add_n([a]), lambda a: a, [f64(3)], grad=True)
case("add_n_python_ints", lambda: tf.add_n([1, 2, 3]), lambda: np.int32(6))

for _ta in (False, True):
    for _tb in (False, True):
        _a = f64(3, 2) if _ta else f64(2, 3)
        _b = f64(4, 3) if _tb else f64(3, 4)
        case("matmul_ta%d_tb%d" % (_ta, _tb),
             lambda a, b, ta=_ta, tb=_tb: tf.matmul(a, b, transpose_a=ta, transpose_b=tb),
             lambda a, b, ta=_ta, tb=_tb: (a.T if ta else a) @ (b.T if tb else b), [_a, _b], grad=True)
case("matmul_operator", lambda a, b: a @ b, np.matmul, [f64(2, 3), f64(3, 1)], grad=True)
case("matmul_int32", tf.matmul, np.matmul, [i32(2, 3), i32(3, 2)])
case("matmul_float32", tf.matmul, np.matmul, [f32(2, 3), f32(3, 2)], rtol=1e-5)
case("batch_matmul", tf.matmul, np.matmul, [f64(2, 2, 3), f64(2, 3, 4)], grad=True)
case("batch_matmul_broadcast_rank2", tf.matmul, np.matmul, [f64(2, 2, 3), f64(3, 4)], grad=True)
case("batch_matmul_broadcast_batch", tf.matmul, np.matmul, [f64(2, 1, 2, 3), f64(3, 3, 2)], grad=True)
for _ta in (False, True):
    for _tb in (False, True):
        _a = f64(2, 3, 2) if _ta else f64(2, 2, 3)
        _b = f64(2, 4, 3) if _tb else f64(2, 3, 4)
        case("batch_matmul_adj%d%d" % (_ta, _tb),
             lambda a, b, ta=_ta, tb=_tb: tf.matmul(a, b, adjoint_a=ta, adjoint_b=tb),
             lambda a, b, ta=_ta, tb=_tb: np.matmul(np.swapaxes(a, -1, -2) if ta else a,
                                                    np.swapaxes(b, -1, -2) if tb else b), [_a, _b], grad=True)
case("matmul_inner_mismatch", tf.matmul, None, [f64(2, 3), f64(2, 3)], modes=("const", "feed"),
     raises=(ValueError, "Dimensions must be equal, but are 3 and 2"))
case("matmul_inner_mismatch_runtime", tf.matmul, None, [f64(2, 3), f64(2, 3)], modes=("unknown",),
     raises=(tf.errors.InvalidArgumentError, "Matrix size-incompatible"))
case("matmul_rank1_rejected", tf.matmul, None, [f64(3), f64(3, 2)], modes=("const", "feed"),
     raises=(ValueError, "Shape must be rank 2 but is rank 1"))
# tfsess's tensordot/trace/diag need static shapes (TF's also work with unknown dimensions)
case("tensordot", lambda a, b: tf.tensordot(a, b, 1), lambda a, b: np.tensordot(a, b, 1), [f64(2, 3), f64(3, 4)],
     grad=True, modes=("const", "feed"), grad_unknown=False)
case("tensordot_axes_pairs", lambda a, b: tf.tensordot(a, b, [[0, 2], [1, 0]]),
     lambda a, b: np.tensordot(a, b, [[0, 2], [1, 0]]), [f64(2, 3, 4), f64(4, 2, 5)], grad=True,
     modes=("const", "feed"), grad_unknown=False)
case("trace", tf.trace, np.trace, [f64(3, 3)], grad=True, modes=("const", "feed"), grad_unknown=False)
case("diag", tf.diag, np.diag, [f64(3)], grad=True, modes=("const", "feed"), grad_unknown=False)


# ======================================================================================
# Reductions, arg-reductions, cumsum
# ======================================================================================

_REDUCTIONS = [("reduce_sum", tf.reduce_sum, np.sum), ("reduce_mean", tf.reduce_mean, np.mean),
               ("reduce_max", tf.reduce_max, np.max), ("reduce_min", tf.reduce_min, np.min),
               ("reduce_prod", tf.reduce_prod, np.prod)]
_AXES = [None, 0, 1, -1, [0, 2], [-1, 0], []]

for _name, _fn, _ref in _REDUCTIONS:
    for _axis in _AXES:
        for _keep in (False, True):
            _x = spread(2, 3, 4) if _name != "reduce_prod" else away(2, 3, 4, lo=0.7, hi=1.3)
            _tag = "%s_axis%s_keep%d" % (_name, str(_axis).replace(" ", ""), _keep)
            case(_tag, lambda x, f=_fn, a=_axis, k=_keep: f(x, axis=a, keepdims=k),
                 lambda x, f=_ref, a=_axis, k=_keep: f(x, axis=None if a is None else tuple(np.atleast_1d(a)),
                                                      keepdims=k),
                 [_x], grad=True)
    case(_name + "_scalar", _fn, _ref, [np.array(1.25)], grad=True)
    case(_name + "_float32", lambda x, f=_fn: f(x, 1), lambda x, f=_ref: f(x, axis=1).astype(np.float32),
         [spread(3, 4, dtype=np.float32)], rtol=1e-5)
case("reduce_sum_old_arg_names", lambda x: tf.reduce_sum(x, reduction_indices=[1], keep_dims=True),
     lambda x: x.sum(1, keepdims=True), [f64(2, 3)], grad=True)
case("reduce_sum_axis_tensor", lambda x, a: tf.reduce_sum(x, a), lambda x, a: x.sum(int(a)),
     [f64(2, 3), np.array(1, np.int32)], grad=True, grad_inputs=[0], exact_shape=False)
case("reduce_sum_int", lambda x: tf.reduce_sum(x, 0), lambda x: x.sum(0).astype(np.int32), [i32(3, 2)])
case("reduce_mean_int_truncates", tf.reduce_mean, lambda x: np.int32(1), [np.array([1, 2], np.int32)])
case("reduce_mean_int_truncates_toward_zero", tf.reduce_mean, lambda x: np.int32(-1),
     [np.array([-1, -2], np.int32)])
case("reduce_mean_int_axis", lambda x: tf.reduce_mean(x, 1),
     lambda x: np.trunc(x.sum(1) / x.shape[1]).astype(np.int32), [i32(3, 4)])
case("reduce_max_int", lambda x: tf.reduce_max(x, 0), lambda x: x.max(0), [i32(3, 2)])
case("reduce_max_empty_is_minus_inf", tf.reduce_max, lambda x: np.float32(-np.inf),
     [np.zeros([0], np.float32)])
case("reduce_prod_with_a_zero", lambda x: tf.reduce_prod(x, 1), lambda x: x.prod(1),
     [np.array([[0.0, 1.5, -0.8], [1.2, 0.9, 1.1]])], grad=True)
case("reduce_prod_int", tf.reduce_prod, lambda x: np.prod(x, dtype=np.int32), [np.array([2, 3, -1], np.int32)])
case("reduce_bad_axis", lambda x: tf.reduce_sum(x, 2), None, [f64(2, 3)], modes=("const", "feed"),
     raises=(ValueError, "Invalid reduction dimension 2 for input with 2 dimensions"))
case("reduce_bad_axis_runtime", lambda x: tf.reduce_sum(tf.placeholder_with_default(x, None), 2), None, [f64(2, 3)],
     raises=(tf.errors.InvalidArgumentError, "Invalid reduction dimension"))
_bools = np.array([[True, False, True], [True, True, True]])
for _axis in (None, 0, 1, -1):
    case("reduce_any_axis%s" % _axis, lambda x, a=_axis: tf.reduce_any(x, a), lambda x, a=_axis: np.any(x, axis=a),
         [_bools])
    case("reduce_all_axis%s" % _axis, lambda x, a=_axis: tf.reduce_all(x, a, keepdims=True),
         lambda x, a=_axis: np.all(x, axis=a, keepdims=True), [_bools])
case("reduce_logsumexp", lambda x: tf.reduce_logsumexp(x, 1),
     lambda x: np.log(np.exp(x).sum(1)), [f64(2, 3)], grad=True)
case("reduce_logsumexp_all_keep", lambda x: tf.reduce_logsumexp(x, keepdims=True),
     lambda x: np.log(np.exp(x).sum(keepdims=True)), [f64(2, 3)], grad=True)
case("count_nonzero", lambda x: tf.count_nonzero(x, 1), lambda x: np.count_nonzero(x, 1).astype(np.int64),
     [np.array([[0, 1, 2], [0, 0, 3]], np.int32)])
for _axis in (0, 1, -1):
    case("argmax_axis%d" % _axis, lambda x, a=_axis: tf.argmax(x, a), lambda x, a=_axis: np.argmax(x, a),
         [spread(3, 4)])
    case("argmin_axis%d" % _axis, lambda x, a=_axis: tf.argmin(x, a), lambda x, a=_axis: np.argmin(x, a),
         [spread(3, 4, dtype=np.float32)])
case("argmax_default_axis0_int", tf.argmax, lambda x: np.argmax(x, 0), [i32(4, 2)])
case("argmax_output_int32", lambda x: tf.argmax(x, 1, output_type=tf.int32),
     lambda x: np.argmax(x, 1).astype(np.int32), [spread(2, 5)])
for _ex in (False, True):
    for _rev in (False, True):
        def _np_cumsum(x, ex=_ex, rev=_rev, axis=1):
            if rev:
                x = np.flip(x, axis)
            out = np.cumsum(x, axis)
            if ex:
                out = out - x
            return np.flip(out, axis) if rev else out
        case("cumsum_ex%d_rev%d" % (_ex, _rev), lambda x, e=_ex, r=_rev: tf.cumsum(x, 1, exclusive=e, reverse=r),
             _np_cumsum, [f64(2, 4)], grad=True)
case("cumsum_int_axis0", tf.cumsum, lambda x: np.cumsum(x, 0).astype(np.int32), [i32(3, 2)])


# ======================================================================================
# Shapes, reshaping, joining, splitting
# ======================================================================================

case("shape", tf.shape, lambda x: np.array(x.shape, np.int32), [f64(2, 3)])
case("shape_int64", lambda x: tf.shape(x, out_type=tf.int64), lambda x: np.array(x.shape, np.int64), [f64(2, 3)])
case("size", tf.size, lambda x: np.int32(x.size), [f64(2, 3)])
case("rank", tf.rank, lambda x: np.int32(x.ndim), [f64(2, 3)])
case("reshape_minus_one", lambda x: tf.reshape(x, [-1, 2]), lambda x: x.reshape(-1, 2), [f64(2, 3, 2)], grad=True)
case("reshape_flat", lambda x: tf.reshape(x, [-1]), lambda x: x.reshape(-1), [f64(2, 3)], grad=True)
case("reshape_to_scalar", lambda x: tf.reshape(x, []), lambda x: x.reshape(()), [f64(1, 1)], grad=True)
case("reshape_shape_of_other", lambda x, y: tf.reshape(x, tf.shape(y)), lambda x, y: x.reshape(y.shape),
     [f64(6), f64(3, 2)], grad=True, grad_inputs=[0])
case("reshape_mixed_tensor_dims", lambda x: tf.reshape(x, [tf.shape(x)[0], -1]),
     lambda x: x.reshape(x.shape[0], -1), [f64(2, 3, 2)], grad=True, exact_shape=False)
case("reshape_bad_size", lambda x: tf.reshape(x, [4, -1]), None, [f64(2, 3)], modes=("const", "feed"),
     raises=(ValueError, "Dimension size must be evenly divisible by 4 but is 6"))
case("reshape_bad_size_runtime", lambda x: tf.reshape(x, [4, -1]), None, [f64(2, 3)], modes=("unknown",),
     raises=(tf.errors.InvalidArgumentError, "Input to reshape is a tensor with 6 values"))
case("transpose_default", tf.transpose, np.transpose, [f64(2, 3, 4)], grad=True)
case("transpose_perm", lambda x: tf.transpose(x, [1, 2, 0]), lambda x: np.transpose(x, [1, 2, 0]), [f64(2, 3, 4)],
     grad=True)
case("transpose_int", lambda x: tf.transpose(x), np.transpose, [i32(2, 3)])
case("expand_dims_0", lambda x: tf.expand_dims(x, 0), lambda x: x[None], [f64(2, 3)], grad=True)
case("expand_dims_neg", lambda x: tf.expand_dims(x, -1), lambda x: x[..., None], [f64(2, 3)], grad=True)
case("squeeze_all", tf.squeeze, np.squeeze, [f64(1, 3, 1)], grad=True)
case("squeeze_axis", lambda x: tf.squeeze(x, [2]), lambda x: np.squeeze(x, 2), [f64(1, 3, 1)], grad=True)
case("squeeze_neg_axis", lambda x: tf.squeeze(x, -1), lambda x: np.squeeze(x, -1), [f64(2, 1)], grad=True)
case("concat_axis0", lambda a, b: tf.concat([a, b], 0), lambda a, b: np.concatenate([a, b], 0),
     [f64(2, 3), f64(1, 3)], grad=True)
case("concat_axis1_three", lambda a, b, c: tf.concat([a, b, c], 1), lambda a, b, c: np.concatenate([a, b, c], 1),
     [f64(2, 1), f64(2, 3), f64(2, 2)], grad=True)
case("concat_neg_axis", lambda a, b: tf.concat([a, b], -1), lambda a, b: np.concatenate([a, b], -1),
     [f64(2, 2, 1), f64(2, 2, 2)], grad=True)
case("concat_axis_tensor", lambda a, b, ax: tf.concat([a, b], ax), lambda a, b, ax: np.concatenate([a, b], int(ax)),
     [f64(2, 1), f64(2, 3), np.array(1, np.int32)], grad=True, grad_inputs=[0, 1], exact_shape=False)
case("concat_int", lambda a, b: tf.concat([a, b], 0), lambda a, b: np.concatenate([a, b]), [i32(2), i32(3)])
case("concat_single", lambda a: tf.concat([a], 0), lambda a: a, [f64(2)], grad=True)
case("concat_mismatch", lambda a, b: tf.concat([a, b], 0), None, [f64(2, 3), f64(2, 2)], modes=("const", "feed"),
     raises=(ValueError, "Dimension 1 in both shapes must be equal"))
case("concat_mismatch_runtime", lambda a, b: tf.concat([a, b], 0), None, [f64(2, 3), f64(2, 2)], modes=("unknown",),
     raises=(tf.errors.InvalidArgumentError, "ConcatOp : Dimension 1 in both shapes must be equal"))
for _axis in (0, 1, -1):
    case("stack_axis%d" % _axis, lambda a, b, ax=_axis: tf.stack([a, b], ax),
         lambda a, b, ax=_axis: np.stack([a, b], ax), [f64(2, 3), f64(2, 3)], grad=True)
case("stack_python_and_tensor", lambda a: tf.stack([a, [1.0, 2.0]]), lambda a: np.stack([a, [1.0, 2.0]]),
     [f64(2)], grad=True)
case("autopack_list_of_tensors", lambda a: tf.convert_to_tensor([a, a * 2.0]), lambda a: np.stack([a, 2 * a]),
     [f64(3)], grad=True)
for _axis in (0, 1, -1):
    case("unstack_axis%d" % _axis, lambda x, ax=_axis: tf.unstack(x, axis=ax),
         lambda x, ax=_axis: [np.take(x, i, ax) for i in range(x.shape[ax])], [f64(2, 3, 2)], grad=True,
         modes=("const", "feed"), grad_unknown=False)
case("unstack_one_output_used", lambda x: tf.unstack(x)[1] * 2.0, lambda x: x[1] * 2, [f64(3, 2)], grad=True,
     modes=("const", "feed"), grad_unknown=False)
case("unstack_num_given_unknown_dims", lambda x: tf.unstack(x, num=3), lambda x: list(x), [f64(3, 2)], grad=True)
case("split_equal", lambda x: tf.split(x, 3, axis=1), lambda x: np.split(x, 3, 1), [f64(2, 6)], grad=True)
case("split_sizes", lambda x: tf.split(x, [1, 3, 2], 1), lambda x: np.split(x, [1, 4], 1), [f64(2, 6)], grad=True)
case("split_sizes_minus_one", lambda x: tf.split(x, [2, -1], 0), lambda x: np.split(x, [2], 0), [f64(5, 2)],
     grad=True)
case("split_one_piece_used", lambda x: tf.split(x, 2)[0] * 3.0, lambda x: x[:2] * 3, [f64(4, 2)], grad=True)
case("split_uneven", lambda x: tf.split(x, 4, axis=1), None, [f64(2, 6)], modes=("const", "feed"),
     raises=(ValueError, "Dimension size must be evenly divisible by 4 but is 6"))
case("tile", lambda x: tf.tile(x, [2, 3]), lambda x: np.tile(x, [2, 3]), [f64(2, 2)], grad=True)
case("tile_3d", lambda x: tf.tile(x, [1, 2, 2]), lambda x: np.tile(x, [1, 2, 2]), [f64(2, 1, 3)], grad=True)
case("pad_constant", lambda x: tf.pad(x, [[1, 0], [0, 2]]), lambda x: np.pad(x, [[1, 0], [0, 2]]), [f64(2, 3)],
     grad=True)
case("pad_constant_value", lambda x: tf.pad(x, [[1, 1]], constant_values=7),
     lambda x: np.pad(x, [[1, 1]], constant_values=7), [i32(3)])
case("pad_reflect", lambda x: tf.pad(x, [[0, 0], [2, 2]], mode="REFLECT"),
     lambda x: np.pad(x, [[0, 0], [2, 2]], mode="reflect"), [np.array([[1, 2, 3]], np.int32)])
case("pad_symmetric", lambda x: tf.pad(x, [[1, 1], [2, 2]], mode="SYMMETRIC"),
     lambda x: np.pad(x, [[1, 1], [2, 2]], mode="symmetric"), [i32(2, 3)])
case("reverse", lambda x: tf.reverse(x, [1]), lambda x: x[:, ::-1], [f64(2, 3)], grad=True)
case("reverse_two_axes", lambda x: tf.reverse(x, [0, -1]), lambda x: x[::-1, :, ::-1], [f64(2, 2, 3)], grad=True)
case("reverse_sequence", lambda x: tf.reverse_sequence(x, [3, 1, 0], seq_axis=1, batch_axis=0),
     lambda x: np.stack([x[0, ::-1], x[1], x[2]]), [f64(3, 3, 2)], grad=True)
case("reverse_sequence_time_major", lambda x: tf.reverse_sequence(x, [2, 3], seq_axis=0, batch_axis=1),
     lambda x: np.stack([np.concatenate([x[1::-1, 0], x[2:, 0]]), x[::-1, 1]], 1), [f64(3, 2, 2)], grad=True)
case("broadcast_to", lambda x: tf.broadcast_to(x, [2, 3, 2]), lambda x: np.broadcast_to(x, [2, 3, 2]),
     [f64(3, 1)], grad=True)
case("broadcast_to_int", lambda x: tf.broadcast_to(x, [3, 2]), lambda x: np.broadcast_to(x, [3, 2]),
     [np.array([1, 2], np.int32)])


# ======================================================================================
# Constants and fills
# ======================================================================================

case("zeros", lambda: tf.zeros([2, 3]), lambda: np.zeros([2, 3], np.float32))
case("zeros_int", lambda: tf.zeros([2], tf.int32), lambda: np.zeros([2], np.int32))
case("ones_big_is_fill", lambda: tf.ones([40, 30], tf.float64), lambda: np.ones([40, 30]))
case("ones_dynamic_shape", lambda x: tf.ones(tf.shape(x)), lambda x: np.ones(x.shape, np.float32), [f64(2, 3)],
     exact_shape=False)
case("fill", lambda v: tf.fill([2, 3], v), lambda v: np.full([2, 3], v), [np.array(1.5)], grad=True)
case("fill_int", lambda v: tf.fill([3], v), lambda v: np.full([3], v, np.int32), [np.array(4, np.int32)])
case("zeros_like", tf.zeros_like, np.zeros_like, [i32(2, 3)])
case("ones_like", tf.ones_like, np.ones_like, [f64(2, 3)])
case("ones_like_dtype", lambda x: tf.ones_like(x, dtype=tf.int32), lambda x: np.ones(x.shape, np.int32), [f64(2)])
case("zeros_like_grad_is_zero", lambda x: tf.zeros_like(x) + x, lambda x: x, [f64(3)], grad=True)
case("constant_shape_broadcast", lambda: tf.constant(0.5, shape=[2, 3]), lambda: np.full([2, 3], 0.5, np.float32))
case("constant_string", lambda: tf.constant(["ab", "c"]), lambda: np.array([b"ab", b"c"], dtype=object))
case("identity", tf.identity, lambda x: x, [f64(2, 3)], grad=True)
case("identity_int", tf.identity, lambda x: x, [i32(3)])
case("placeholder_with_default", lambda x: tf.placeholder_with_default(x * 2.0, [None, 3]), lambda x: 2 * x,
     [f64(2, 3)], grad=True, exact_shape=False)
case("stop_gradient_forward", tf.stop_gradient, lambda x: x, [f64(2)])
case("stop_gradient_blocks", lambda x: tf.stop_gradient(x * x) + x, lambda x: x * x + x, [f64(3)])
case("check_numerics", lambda x: tf.check_numerics(x, "bad"), lambda x: x, [f64(3)], grad=True)
case("check_numerics_nan", lambda x: tf.check_numerics(x, "bad x"), None, [np.array([1.0, np.nan])],
     raises=(tf.errors.InvalidArgumentError, "bad x : Tensor had NaN values"))
case("print_identity", lambda x: tf.Print(x, [x], "x = "), lambda x: x, [f64(3)], grad=True)


# ======================================================================================
# Range, linspace, one_hot
# ======================================================================================

case("range_limit", lambda: tf.range(5), lambda: np.arange(5, dtype=np.int32))
case("range_start_limit_delta", lambda: tf.range(1, 10, 3), lambda: np.arange(1, 10, 3, dtype=np.int32))
case("range_negative_delta", lambda: tf.range(5, 0, -2), lambda: np.arange(5, 0, -2, dtype=np.int32))
case("range_float", lambda: tf.range(1, 5.5, 1.5), lambda: np.arange(1, 5.5, 1.5, dtype=np.float32))
case("range_empty", lambda: tf.range(3, 3), lambda: np.zeros([0], np.int32))
case("range_tensor_limit", lambda n: tf.range(n), lambda n: np.arange(n, dtype=np.int32),
     [np.array(4, np.int32)], exact_shape=False)
case("range_dtype", lambda: tf.range(3, dtype=tf.float64), lambda: np.arange(3, dtype=np.float64))
case("linspace", lambda: tf.linspace(1.0, 5.0, 5), lambda: np.linspace(1, 5, 5).astype(np.float32))
case("linspace_int_is_float64", lambda: tf.linspace(1, 5, 3), lambda: np.array([1.0, 3.0, 5.0]))
case("linspace_tensors", lambda a, b: tf.linspace(a, b, 4), lambda a, b: np.linspace(a, b, 4),
     [np.array(-1.0), np.array(2.0)])
case("one_hot", lambda i: tf.one_hot(i, 3), lambda i: np.eye(3, dtype=np.float32)[i],
     [np.array([0, 2, 1, 1], np.int32)])
case("one_hot_out_of_range_rows_are_off", lambda i: tf.one_hot(i, 3),
     lambda i: np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]], np.float32), [np.array([0, -1, 5], np.int32)])
case("one_hot_on_off_int", lambda i: tf.one_hot(i, 3, on_value=5, off_value=-1),
     lambda i: np.where(np.eye(3, dtype=bool)[i], 5, -1).astype(np.int32), [np.array([0, 2], np.int64)])
case("one_hot_axis0", lambda i: tf.one_hot(i, 3, axis=0), lambda i: np.eye(3, dtype=np.float32)[i].T,
     [np.array([0, 2], np.int32)])
case("one_hot_2d_dtype", lambda i: tf.one_hot(i, 4, dtype=tf.float64), lambda i: np.eye(4)[i],
     [np.array([[0, 3], [2, 1]], np.int32)])


# ======================================================================================
# Gather, slicing
# ======================================================================================

case("gather", lambda p, i: tf.gather(p, i), lambda p, i: p[i], [f64(4, 3), np.array([2, 0, 2], np.int32)],
     grad=True)
case("gather_2d_indices", lambda p, i: tf.gather(p, i), lambda p, i: p[i],
     [f64(4, 2), np.array([[1, 1], [3, 0]], np.int64)], grad=True)
case("gather_axis1", lambda p, i: tf.gather(p, i, axis=1), lambda p, i: np.take(p, i, 1),
     [f64(2, 4, 3), np.array([3, 0, 3], np.int32)], grad=True)
case("gather_axis_neg", lambda p, i: tf.gather(p, i, axis=-1), lambda p, i: np.take(p, i, -1),
     [f64(2, 3), np.array([[2], [0]], np.int32)], grad=True)
case("gather_int_params", lambda p, i: tf.gather(p, i), lambda p, i: p[i], [i32(5), np.array([4, 0], np.int32)])
case("gather_out_of_range", lambda p, i: tf.gather(p, i), None, [f64(3), np.array([3], np.int32)],
     raises=(tf.errors.InvalidArgumentError, "indices = 3 is not in [0, 3)"))
case("slice", lambda x: tf.slice(x, [1, 0], [1, 2]), lambda x: x[1:2, 0:2], [f64(3, 3)], grad=True)
case("slice_minus_one", lambda x: tf.slice(x, [0, 1], [-1, 2]), lambda x: x[:, 1:3], [f64(2, 3)], grad=True)
case("slice_tensor_begin", lambda x, b: tf.slice(x, b, [2]), lambda x, b: x[int(b[0]):int(b[0]) + 2],
     [f64(5), np.array([2], np.int32)], grad=True, grad_inputs=[0])
case("slice_out_of_bounds", lambda x: tf.slice(x, [2], [3]), None, [f64(4)], modes=("unknown",),
     raises=(tf.errors.InvalidArgumentError, "Expected size[0] in [0, 2], but got 3"))
_SLICES = [
    ("ss_basic", lambda x: x[1:, ::2], lambda x: x[1:, ::2]),
    ("ss_index", lambda x: x[1], lambda x: x[1]),
    ("ss_neg_index", lambda x: x[-1, 2], lambda x: x[-1, 2]),
    ("ss_ellipsis", lambda x: x[..., 1], lambda x: x[..., 1]),
    ("ss_newaxis", lambda x: x[:, None, -1], lambda x: x[:, None, -1]),
    ("ss_reverse", lambda x: x[::-1], lambda x: x[::-1]),
    ("ss_neg_stride", lambda x: x[2:0:-1, ::-2], lambda x: x[2:0:-1, ::-2]),
    ("ss_past_end", lambda x: x[1:10], lambda x: x[1:10]),
]
for _name, _fn, _ref in _SLICES:
    case(_name, _fn, _ref, [f64(3, 4)], grad=True)
case("ss_3d_mix", lambda x: x[..., ::-2, tf.newaxis, 1], lambda x: x[..., ::-2, None, 1], [f64(2, 3, 4)], grad=True)
case("ss_tensor_index", lambda x, i: x[i], lambda x, i: x[int(i)], [f64(3, 2), np.array(1, np.int32)],
     grad=True, grad_inputs=[0])
case("ss_int", lambda x: x[1:3], lambda x: x[1:3], [i32(5)])
case("ss_index_out_of_range", lambda x: x[5], None, [f64(3)], modes=("const", "feed"),
     raises=(ValueError, "out of bounds"))
case("strided_slice_fn", lambda x: tf.strided_slice(x, [0, 1], [2, 3], [1, 1]), lambda x: x[0:2, 1:3],
     [f64(3, 4)], grad=True)
case("boolean_mask", lambda x, m: tf.boolean_mask(x, m), lambda x, m: x[m],
     [f64(3, 2), np.array([True, False, True])], grad=True, exact_shape=False)
case("boolean_mask_2d", lambda x, m: tf.boolean_mask(x, m), lambda x, m: x[m],
     [f64(2, 3), np.array([[True, False, True], [False, False, True]])], grad=True, exact_shape=False,
     modes=("const", "feed"))
case("unsorted_segment_sum", lambda d, i: tf.unsorted_segment_sum(d, i, 3),
     lambda d, i: np.stack([d[i == k].sum(0) for k in range(3)]), [f64(4, 2), np.array([0, 2, 0, 2], np.int32)],
     grad=True)
case("invert_permutation", tf.invert_permutation, lambda p: np.argsort(p).astype(np.int32),
     [np.array([2, 0, 3, 1], np.int32)])


# ======================================================================================
# Select / where
# ======================================================================================

_cond = np.array([[True, False, True], [False, False, True]])
case("where_select", tf.where, np.where, [_cond, f64(2, 3), f64(2, 3)], grad=True)
case("where_select_int", tf.where, np.where, [_cond, i32(2, 3), i32(2, 3)])
case("where_select_rows", tf.where, lambda c, x, y: np.where(c[:, None], x, y),
     [np.array([True, False]), f64(2, 3), f64(2, 3)], grad=True)
case("where_v2_broadcast", tf.where_v2, np.where, [np.array([True, False, True]), f64(2, 3), f64(1)], grad=True)
case("where_v2_scalar_branch", lambda c, x: tf.where_v2(c, x, 0.0), lambda c, x: np.where(c, x, 0.0),
     [_cond, f64(2, 3)], grad=True)
case("where_coordinates", tf.where, lambda c: np.argwhere(c).astype(np.int64), [_cond], exact_shape=False)
case("where_coordinates_3d", tf.where, lambda c: np.argwhere(c).astype(np.int64),
     [np.arange(12).reshape(2, 3, 2) % 3 == 0], exact_shape=False)


# ======================================================================================
# Neural-network ops
# ======================================================================================

_unary("relu", tf.nn.relu, lambda x: np.maximum(x, 0), away)
_unary("relu6", tf.nn.relu6, lambda x: np.clip(x, 0, 6), lambda *s: away(*s, hi=8.0) if s != (2, 3) else
       np.array([[-1.0, 0.5, 3.0], [5.5, 6.5, 8.0]]))
_unary("elu", tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x)), away)
_unary("selu", tf.nn.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
       away)
_unary("softplus", tf.nn.softplus, lambda x: np.log1p(np.exp(x)), f64)
_unary("softsign", tf.nn.softsign, lambda x: x / (1 + np.abs(x)), away)
_unary("leaky_relu", tf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x), away)
case("leaky_relu_alpha", lambda x: tf.nn.leaky_relu(x, alpha=0.05), lambda x: np.where(x > 0, x, 0.05 * x),
     [away(2, 3)], grad=True)
case("nn_sigmoid_tanh", lambda x: [tf.nn.sigmoid(x), tf.nn.tanh(x)], lambda x: [np_sigmoid(x), np.tanh(x)],
     [f64(3)], grad=True)
case("relu_int", tf.nn.relu, lambda x: np.maximum(x, 0), [np.array([-1, 3, 9], np.int32)])
case("relu6_int", tf.nn.relu6, lambda x: np.clip(x, 0, 6), [np.array([-1, 3, 9], np.int32)])
case("softplus_large", tf.nn.softplus, lambda x: np.array([100.0, 0.0, np.log1p(np.exp(1.0))]),
     [np.array([100.0, -800.0, 1.0])])
case("softmax", tf.nn.softmax, np_softmax, [f64(2, 4)], grad=True)
case("softmax_float32_stable", tf.nn.softmax, lambda x: np_softmax(x).astype(np.float32),
     [np.array([[1000.0, 1001.0, 999.0]], np.float32)])
case("softmax_axis0", lambda x: tf.nn.softmax(x, axis=0), lambda x: np_softmax(x, 0), [f64(3, 2)], grad=True)
case("softmax_3d_axis1", lambda x: tf.nn.softmax(x, axis=1), lambda x: np_softmax(x, 1), [f64(2, 3, 2)], grad=True)
case("softmax_1d", tf.nn.softmax, np_softmax, [f64(4)], grad=True)
case("log_softmax", tf.nn.log_softmax, np_log_softmax, [f64(2, 4)], grad=True)
case("log_softmax_axis0", lambda x: tf.nn.log_softmax(x, axis=0), lambda x: np_log_softmax(x, 0), [f64(3, 2)],
     grad=True)
case("bias_add", tf.nn.bias_add, lambda v, b: v + b, [f64(2, 3), f64(3)], grad=True)
case("bias_add_4d", tf.nn.bias_add, lambda v, b: v + b, [f64(2, 2, 1, 3), f64(3)], grad=True)
case("bias_add_nchw", lambda v, b: tf.nn.bias_add(v, b, data_format="NCHW"),
     lambda v, b: v + b[:, None, None], [f64(2, 3, 2, 2), f64(3)], grad=True)
case("bias_add_mismatch", tf.nn.bias_add, None, [f64(2, 3), f64(4)], modes=("const", "feed"),
     raises=(ValueError, "Dimensions must be equal, but are 3 and 4"))


def _np_xent(labels, logits):
    return -(labels * np_log_softmax(logits)).sum(-1)


case("softmax_xent_v2", lambda lb, lg: tf.nn.softmax_cross_entropy_with_logits_v2(labels=lb, logits=lg), _np_xent,
     [labels_dist(3, 4), f64(3, 4)], grad=True)
case("softmax_xent_v1", lambda lb, lg: tf.nn.softmax_cross_entropy_with_logits(labels=lb, logits=lg), _np_xent,
     [labels_dist(3, 4), f64(3, 4)], grad=True, grad_inputs=[1])
case("softmax_xent_v2_3d", lambda lb, lg: tf.nn.softmax_cross_entropy_with_logits_v2(labels=lb, logits=lg),
     _np_xent, [labels_dist(6, 3).reshape(2, 3, 3), f64(2, 3, 3)], grad=True, exact_shape=False)
case("softmax_xent_v2_axis0", lambda lb, lg: tf.nn.softmax_cross_entropy_with_logits_v2(labels=lb, logits=lg,
                                                                                       axis=0),
     lambda lb, lg: -(lb * np_log_softmax(lg, 0)).sum(0), [labels_dist(3, 4).T.copy(), f64(4, 3)], grad=True)
case("softmax_xent_float32", lambda lb, lg: tf.nn.softmax_cross_entropy_with_logits_v2(labels=lb, logits=lg),
     lambda lb, lg: _np_xent(lb, lg).astype(np.float32),
     [labels_dist(2, 3).astype(np.float32), f32(2, 3)], rtol=1e-5)


def _np_sparse_xent(labels, logits):
    return -np.take_along_axis(np_log_softmax(logits), labels[..., None], -1)[..., 0]


case("sparse_softmax_xent",
     lambda lb, lg: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lb, logits=lg), _np_sparse_xent,
     [np.array([1, 0, 3], np.int32), f64(3, 4)], grad=True)
case("sparse_softmax_xent_int64_3d",
     lambda lb, lg: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lb, logits=lg), _np_sparse_xent,
     [np.array([[1, 0], [2, 2]], np.int64), f64(2, 2, 3)], grad=True, exact_shape=False)
case("sparse_softmax_xent_bad_label",
     lambda lb, lg: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lb, logits=lg), None,
     [np.array([1, 4], np.int32), f64(2, 4)],
     raises=(tf.errors.InvalidArgumentError, "Received a label value of 4 which is outside the valid range of [0, 4)"))
case("sigmoid_xent", lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
     lambda z, x: np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x))), [pos(2, 3, lo=0, hi=1), away(2, 3)],
     grad=True)
case("weighted_xent", lambda z, x: tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=2.5),
     lambda z, x: (1 - z) * x + (1 + 1.5 * z) * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)),
     [pos(2, 3, lo=0, hi=1), away(2, 3)], grad=True)
case("l2_loss", tf.nn.l2_loss, lambda x: np.sum(x * x) / 2, [f64(2, 3)], grad=True)
case("l2_loss_float32", tf.nn.l2_loss, lambda x: np.float32(np.sum(x * x) / 2), [f32(4)], rtol=1e-5)
case("l2_normalize", lambda x: tf.nn.l2_normalize(x, 1), lambda x: x / np.sqrt((x * x).sum(1, keepdims=True)),
     [away(2, 3)], grad=True)
case("moments", lambda x: list(tf.nn.moments(x, [0])), lambda x: [x.mean(0), x.var(0)], [f64(4, 3)], grad=True)
case("moments_keepdims", lambda x: list(tf.nn.moments(x, [0, 1], keep_dims=True)),
     lambda x: [x.mean((0, 1), keepdims=True), x.var((0, 1), keepdims=True)], [f64(2, 3, 2)], grad=True)


# ======================================================================================
# Second derivatives: check_grads through the gradient ops themselves
# ======================================================================================

def _vjp_case(name, tf_fn, xs, w, ref, argnum=0, **kw):
    """Case for (x..., w) -> d<tf_fn(x...), w>/dx[argnum], whose value is ref(*xs, w)."""
    case("grad_of_" + name, vjp(tf_fn, argnum), ref, list(xs) + [w], grad=True, **kw)


_x = away(2, 3)
_w = f64(2, 3)
_vjp_case("relu", tf.nn.relu, [_x], _w, lambda x, w: w * (x > 0))
_vjp_case("relu6", tf.nn.relu6, [np.array([[-1.0, 0.5, 3.0], [5.5, 6.5, 8.0]])], _w,
          lambda x, w: w * ((x > 0) & (x < 6)))
_vjp_case("leaky_relu", tf.nn.leaky_relu, [_x], _w, lambda x, w: w * np.where(x > 0, 1, 0.2))
_vjp_case("elu", tf.nn.elu, [_x], _w, lambda x, w: w * np.where(x > 0, 1, np.exp(x)))
_vjp_case("selu", tf.nn.selu, [_x], _w,
          lambda x, w: w * 1.0507009873554805 * np.where(x > 0, 1, 1.6732632423543772 * np.exp(x)))
_vjp_case("softplus", tf.nn.softplus, [_x], _w, lambda x, w: w * np_sigmoid(x))
_vjp_case("sigmoid", tf.sigmoid, [_x], _w, lambda x, w: w * np_sigmoid(x) * (1 - np_sigmoid(x)))
_vjp_case("tanh", tf.tanh, [_x], _w, lambda x, w: w * (1 - np.tanh(x) ** 2))
_vjp_case("softsign", tf.nn.softsign, [_x], _w, lambda x, w: w / (1 + np.abs(x)) ** 2)
_vjp_case("sqrt", tf.sqrt, [pos(2, 3)], _w, lambda x, w: w * 0.5 / np.sqrt(x))
_vjp_case("rsqrt", tf.rsqrt, [pos(2, 3)], _w, lambda x, w: w * -0.5 * x ** -1.5)
_vjp_case("reciprocal", tf.reciprocal, [_x], _w, lambda x, w: -w / x ** 2)
_vjp_case("abs", tf.abs, [_x], _w, lambda x, w: w * np.sign(x))
_vjp_case("bias_add_bias", tf.nn.bias_add, [f64(2, 3), f64(3)], _w, lambda v, b, w: w.sum(0), argnum=1)
_vjp_case("bias_add_bias_nchw", lambda v, b: tf.nn.bias_add(v, b, data_format="NCHW"), [f64(2, 3, 2), f64(3)],
          f64(2, 3, 2), lambda v, b, w: w.sum((0, 2)), argnum=1)
_vjp_case("broadcast_add", tf.add, [f64(3), f64(2, 3)], _w, lambda x, y, w: w.sum(0))
_vjp_case("broadcast_mul", tf.multiply, [f64(2, 1), f64(2, 3)], _w, lambda x, y, w: (w * y).sum(1, keepdims=True))
_vjp_case("reduce_sum_axis", lambda x: tf.reduce_sum(x, 1), [f64(2, 3)], f64(2),
          lambda x, w: np.broadcast_to(w[:, None], x.shape))
_vjp_case("reduce_mean_keep", lambda x: tf.reduce_mean(x, 1, keepdims=True), [f64(2, 3)], f64(2, 1),
          lambda x, w: np.broadcast_to(w, x.shape) / 3)
_vjp_case("reduce_prod", lambda x: tf.reduce_prod(x, 1), [away(2, 3, lo=0.5, hi=1.5)], f64(2),
          lambda x, w: w[:, None] * x.prod(1, keepdims=True) / x)
_vjp_case("reduce_max", lambda x: tf.reduce_max(x, 1), [spread(2, 3)], f64(2),
          lambda x, w: w[:, None] * (x == x.max(1, keepdims=True)))


def _ss_grad_ref(x, w):
    out = np.zeros_like(x)
    out[1:, ::2] = w
    return out


case("grad_of_strided_slice", vjp(lambda x: x[1:, ::2]), _ss_grad_ref, [f64(3, 4), f64(2, 2)], grad=True)
case("grad_of_slice", vjp(lambda x: tf.slice(x, [1, 0], [1, 2])),
     lambda x, w: np.pad(w, [[1, 1], [0, 1]]), [f64(3, 3), f64(1, 2)], grad=True)
case("grad_of_gather", vjp(lambda p: tf.gather(p, [2, 0, 2])),
     lambda p, w: np.stack([w[1], np.zeros(2), w[0] + w[2], np.zeros(2)]), [f64(4, 2), f64(3, 2)], grad=True)
case("grad_of_softmax", vjp(tf.nn.softmax),
     lambda x, w: np_softmax(x) * (w - (w * np_softmax(x)).sum(-1, keepdims=True)), [f64(2, 3), f64(2, 3)],
     grad=True)
case("grad_of_log_softmax", vjp(tf.nn.log_softmax),
     lambda x, w: w - np_softmax(x) * w.sum(-1, keepdims=True), [f64(2, 3), f64(2, 3)], grad=True)
case("grad_of_softmax_xent_logits",
     vjp(lambda lb, lg: tf.nn.softmax_cross_entropy_with_logits_v2(labels=lb, logits=lg), argnum=1),
     lambda lb, lg, w: w[:, None] * (np_softmax(lg) - lb), [labels_dist(2, 3), f64(2, 3), f64(2)], grad=True)
case("grad_of_softmax_xent_labels",
     vjp(lambda lb, lg: tf.nn.softmax_cross_entropy_with_logits_v2(labels=lb, logits=lg), argnum=0),
     lambda lb, lg, w: -w[:, None] * np_log_softmax(lg), [labels_dist(2, 3), f64(2, 3), f64(2)], grad=True)
case("grad_of_sparse_softmax_xent",
     vjp(lambda lg, lb: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lb, logits=lg)),
     lambda lg, lb, w: w[:, None] * (np_softmax(lg) - np.eye(3)[lb]),
     [f64(2, 3), np.array([2, 0], np.int32), f64(2)], grad=True, grad_inputs=[0, 2])
case("grad_of_l2_loss", vjp(tf.nn.l2_loss), lambda x, w: w * x, [f64(2, 3), np.array(0.7)], grad=True)
case("grad_of_matmul", vjp(tf.matmul), lambda a, b, w: w @ b.T, [f64(2, 3), f64(3, 2), f64(2, 2)], grad=True)
case("grad_of_tile", vjp(lambda x: tf.tile(x, [2, 2])),
     lambda x, w: w.reshape(2, 1, 2, 2).sum((0, 2)), [f64(1, 2), f64(2, 4)], grad=True)
case("grad_of_concat", vjp(lambda a, b: tf.concat([a, b], 1)), lambda a, b, w: w[:, :1],
     [f64(2, 1), f64(2, 2), f64(2, 3)], grad=True)
case("grad_of_unsorted_segment_sum", vjp(lambda d: tf.unsorted_segment_sum(d, [1, 0, 1], 2)),
     lambda d, w: w[[1, 0, 1]], [f64(3, 2), f64(2, 2)], grad=True)
case("grad_of_cond", vjp(lambda x: tf.cond(tf.constant(True), lambda: tf.square(x), lambda: x)),
     lambda x, w: 2 * x * w, [f64(3), f64(3)], grad=True)
case("grad_of_exp_twice", lambda x: tf.gradients(tf.gradients(tf.exp(x), x)[0], x)[0], np.exp, [f64(3)], grad=True)
case("hessian_of_cube", lambda x: tf.hessians(tf.reduce_sum(x ** 3.0), x)[0], lambda x: np.diag(6 * x),
     [pos(3)], grad=True, modes=("const", "feed"), grad_unknown=False)


# ======================================================================================
# Control flow, assertions, printing
# ======================================================================================

case("cond_true", lambda x: tf.cond(tf.reduce_sum(x) > -100.0, lambda: x * 2.0, lambda: x * x),
     lambda x: 2 * x, [f64(3)], grad=True)
case("cond_false", lambda x: tf.cond(tf.reduce_sum(x) < -100.0, lambda: x * 2.0, lambda: x * x),
     lambda x: x * x, [f64(3)], grad=True)
case("cond_pred_input", lambda p, x, y: tf.cond(p, lambda: x * y, lambda: x - y),
     lambda p, x, y: x * y if p else x - y, [np.array(False), f64(2), f64(2)], grad=True)
case("cond_outer_tensor_in_both", lambda x, y: tf.cond(tf.constant(True), lambda: x + y, lambda: x - y),
     lambda x, y: x + y, [f64(2), f64(2)], grad=True)
case("cond_nested", lambda x: tf.cond(tf.constant(True),
                                      lambda: tf.cond(tf.constant(False), lambda: x, lambda: tf.sin(x)),
                                      lambda: x * 3.0), np.sin, [f64(3)], grad=True)
case("cond_multiple_outputs", lambda x: list(tf.cond(tf.constant(False), lambda: (x, x * 2.0),
                                                     lambda: (x * 3.0, tf.exp(x)))),
     lambda x: [3 * x, np.exp(x)], [f64(2)], grad=True)
case("case_default", lambda x: tf.case([(tf.reduce_sum(x) > 100.0, lambda: x * 2.0)], default=lambda: -x),
     lambda x: -x, [f64(2)], grad=True)


def _with_assert(x):
    a = tf.Assert(tf.reduce_all(x > -10.0), [x])
    with tf.control_dependencies([a]):
        return tf.identity(x)


def _with_failing_assert(x):
    a = tf.assert_less(x, 0.5, message="x too big")
    with tf.control_dependencies([a]):
        return tf.identity(x)


def _with_print_v2(x):
    p = tf.print("x:", x)
    with tf.control_dependencies([p, tf.no_op(), tf.group(p)]):
        return tf.identity(x)


case("assert_passes", _with_assert, lambda x: x, [f64(3)], grad=True)
case("assert_fails", _with_failing_assert, None, [np.array([0.1, 0.7])],
     raises=(tf.errors.InvalidArgumentError, "x too big"))
case("print_v2_and_no_op", _with_print_v2, lambda x: x, [f64(2)])


# ======================================================================================
# Variables (the runner initializes global variables with the same feeds)
# ======================================================================================

def _var_ops(x, d):
    v = tf.Variable(x)
    w = tf.Variable(x * 2.0)
    with tf.control_dependencies([v.assign_add(d)]):
        a = tf.identity(v.read_value())
    with tf.control_dependencies([tf.assign_sub(w, d)]):
        b = tf.identity(w.read_value())
    return [a, b, tf.assign(tf.Variable(x), d * 3.0), tf.is_variable_initialized(v)]


case("variable_assign_ops", _var_ops, lambda x, d: [x + d, 2 * x - d, 3 * d, np.bool_(True)], [f64(3), f64(3)],
     modes=("const", "feed"))


# ======================================================================================
# Strings
# ======================================================================================

_strs = np.array([b"a", b"bcd", b""], dtype=object)
case("string_join", lambda a, b: tf.strings.join([a, b], separator="-"),
     lambda a, b: np.array([x + b"-" + y for x, y in zip(a, b)], dtype=object), [_strs, _strs[::-1].copy()])
case("string_length", tf.strings.length, lambda a: np.array([len(s) for s in a], np.int32), [_strs])
case("as_string", tf.strings.as_string, lambda a: np.array([str(v).encode() for v in a], dtype=object),
     [np.array([1, -20], np.int32)])


# ======================================================================================
# Random ops: no NumPy reference for TF's streams, so check shape, dtype, range and statistics
# ======================================================================================

def _check_normal(v):
    assert v.shape == (50, 40) and v.dtype == np.float32
    assert abs(v.mean() - 1.0) < 0.1 and abs(v.std() - 2.0) < 0.1


def _check_truncated(v):
    assert v.shape == (2000,) and v.dtype == np.float64
    assert np.all(np.abs(v - 0.5) <= 2 * 3.0 + 1e-9) and abs(v.mean() - 0.5) < 0.2


def _check_uniform(v):
    assert v.shape == (3, 400) and v.dtype == np.float32
    assert v.min() >= -1.0 and v.max() < 3.0 and abs(v.mean() - 1.0) < 0.1


def _check_uniform_int(v):
    assert v.shape == (1000,) and v.dtype == np.int32
    assert set(np.unique(v)) == {2, 3, 4}


def _check_shuffle(v):
    assert v.dtype == np.int32 and sorted(v.tolist()) == list(range(10)) and v.tolist() != list(range(10))


def _check_multinomial(v):
    assert v.shape == (2, 500) and v.dtype == np.int64
    assert set(np.unique(v[0])) <= {0, 1, 2} and np.all(v[1] == 1)


case("random_normal", lambda: tf.random_normal([50, 40], mean=1.0, stddev=2.0, seed=3), check=_check_normal)
case("truncated_normal", lambda: tf.truncated_normal([2000], mean=0.5, stddev=3.0, dtype=tf.float64, seed=4),
     check=_check_truncated)
case("random_uniform", lambda: tf.random_uniform([3, 400], -1.0, 3.0, seed=5), check=_check_uniform)
case("random_uniform_int", lambda: tf.random_uniform([1000], 2, 5, dtype=tf.int32, seed=6), check=_check_uniform_int)
case("random_shuffle", lambda: tf.random_shuffle(tf.range(10), seed=7), check=_check_shuffle)
case("multinomial", lambda: tf.multinomial(tf.constant([[0.0, 0.0, 0.0], [-50.0, 50.0, -50.0]]), 500, seed=8),
     check=_check_multinomial)


# ======================================================================================
# Op types built directly (no public function creates them; kept for imported graphs)
# ======================================================================================

case("raw_Add", lambda x, y: raw_op("Add", [x, y], {"T": x.dtype}), np.add, [f64(2, 3), f64(3)], grad=True)
case("raw_SelectV2", lambda c, x, y: raw_op("SelectV2", [c, x, y], {"T": x.dtype}), np.where,
     [np.array([True, False, True]), f64(2, 3), f64(2, 1)], grad=True)


def raw_outputs(type_name, inputs, attrs):
    """Every output of an op built by its registered type name."""
    g = tf.get_default_graph()
    return list(create_op(OP_REGISTRY[type_name], list(inputs), dict(attrs), g.unique_name(type_name), g)._outputs)


# ops of TF-written graphs (tfsess/ops/graph_file_ops.py): values checked against real TF's
for _s0, _s1, _r0, _r1 in [([4, 1, 3], [5, 1], [1], [0, 2]), ([], [2, 3], [0, 1], []), ([1, 1], [1], [0, 1], [0, 1]),
                           ([2, 1], [2, 1], [], [])]:
    case("BroadcastGradientArgs_%s_%s" % (_s0, _s1), lambda a, b: raw_outputs("BroadcastGradientArgs", [a, b], {}),
         lambda a, b, r0=_r0, r1=_r1: [np.array(r0, np.int32), np.array(r1, np.int32)],
         [np.array(_s0, np.int32), np.array(_s1, np.int32)], exact_shape=False)
case("BroadcastGradientArgs_incompatible", lambda a, b: raw_outputs("BroadcastGradientArgs", [a, b], {}),
     None, [np.array([2, 3], np.int32), np.array([4], np.int32)],
     raises=(tf.errors.InvalidArgumentError, "Incompatible shapes: [2,3] vs. [4]"))
case("ShapeN", lambda x, y: raw_outputs("ShapeN", [x, y], {"out_type": tf.int64, "N": 2}),
     lambda x, y: [np.array(x.shape, np.int64), np.array(y.shape, np.int64)], [f64(2, 3), f64(4)])
case("PreventGradient", lambda x: raw_op("PreventGradient", [x], {"message": "no"}), lambda x: x, [f64(2, 3)])
case("BroadcastArgs", lambda a, b: raw_op("BroadcastArgs", [a, b], {}), lambda a, b: np.array([4, 2, 3], np.int32),
     [np.array([2, 1], np.int32), np.array([4, 1, 3], np.int32)], exact_shape=False)
case("raw_Pad", lambda x: raw_op("Pad", [x, tf.constant([[1, 0], [0, 2]])], {"T": x.dtype}),
     lambda x: np.pad(x, [(1, 0), (0, 2)]), [f64(2, 3)], grad=True)
def _mirror_matrix(n, before, after, mode):
    """(n + before + after) x n matrix of a mirror padding of one axis (rows of the identity, padded)."""
    return np.pad(np.eye(n), [(before, after), (0, 0)], mode=mode.lower())


for _mode in ("REFLECT", "SYMMETRIC"):
    case("MirrorPad_" + _mode, lambda x, m=_mode: raw_op("MirrorPad", [x, tf.constant([[1, 1], [2, 1]])],
                                                          {"T": x.dtype, "mode": m}),
         lambda x, m=_mode: np.pad(x, [(1, 1), (2, 1)], mode=m.lower()), [f64(3, 4)], grad=True)
    case("MirrorPadGrad_" + _mode, lambda g, m=_mode: raw_op("MirrorPadGrad", [g, tf.constant([[1, 1], [2, 1]])],
                                                              {"T": g.dtype, "mode": m}),
         lambda g, m=_mode: _mirror_matrix(3, 1, 1, m).T @ g @ _mirror_matrix(4, 2, 1, m), [f64(5, 7)], grad=True)


# ======================================================================================
# Linear algebra (tfsess/ops/linalg_ops.py), TF1 raw-op spellings and DivNoNan
# ======================================================================================

def _well_conditioned(*shape):
    """Random square matrices (batched) kept far from singular: A + 3 I."""
    return f64(*shape) + 3.0 * np.eye(shape[-1])


def _spd(x):
    """x x^T + 3 I as tensors: a symmetric positive-definite input built from any square x."""
    n = x.shape.as_list()[-1] if x.shape.ndims is not None and x.shape.as_list()[-1] is not None else 3
    return tf.matmul(x, x, transpose_b=True) + 3.0 * np.eye(n)


def _np_spd(x):
    return np.matmul(x, np.swapaxes(x, -1, -2)) + 3.0 * np.eye(x.shape[-1])


def _np_lower_sym(x):
    return np.tril(x) + np.swapaxes(np.tril(x, -1), -1, -2)


def _np_band(x, lo, up):
    m, n = x.shape[-2:]
    i, j = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = ((i - j <= lo) if lo >= 0 else True) & ((j - i <= up) if up >= 0 else True)
    return np.where(keep, x, 0.0)


_inv33, _inv233 = _well_conditioned(3, 3), _well_conditioned(2, 3, 3)
case("matrix_inverse", tf.matrix_inverse, np.linalg.inv, [_inv33], grad=True)
case("matrix_inverse_batch", tf.linalg.inv, np.linalg.inv, [_inv233], grad=True)
case("matrix_inverse_adjoint", lambda x: tf.matrix_inverse(x, adjoint=True),
     lambda x: np.linalg.inv(np.swapaxes(x, -1, -2)), [_inv233], grad=True)
case("matrix_inverse_float32", tf.matrix_inverse, lambda x: np.linalg.inv(x).astype(np.float32),
     [_inv33.astype(np.float32)], rtol=1e-5, atol=1e-6)
case("matrix_determinant", tf.matrix_determinant, np.linalg.det, [_well_conditioned(3, 3)], grad=True)
case("matrix_determinant_batch", tf.linalg.det, np.linalg.det, [_well_conditioned(2, 2, 3, 3)], grad=True)
case("matrix_solve", tf.matrix_solve, np.linalg.solve, [_well_conditioned(3, 3), f64(3, 2)], grad=True)
case("matrix_solve_batch", tf.linalg.solve, np.linalg.solve, [_well_conditioned(2, 3, 3), f64(2, 3, 4)], grad=True)
case("matrix_solve_adjoint", lambda a, b: tf.matrix_solve(a, b, adjoint=True),
     lambda a, b: np.linalg.solve(np.swapaxes(a, -1, -2), b), [_well_conditioned(2, 3, 3), f64(2, 3, 1)], grad=True)
case("cholesky_of_spd", lambda x: tf.cholesky(_spd(x)), lambda x: np.linalg.cholesky(_np_spd(x)), [f64(3, 3)],
     grad=True)
case("cholesky_batch", lambda x: tf.linalg.cholesky(_spd(x)), lambda x: np.linalg.cholesky(_np_spd(x)),
     [f64(2, 3, 3)], grad=True)
case("cholesky_reads_the_lower_triangle", tf.cholesky, lambda x: np.linalg.cholesky(_np_lower_sym(x)),
     [np.tril(_np_spd(f64(3, 3))) + np.triu(f64(3, 3), 1) * 10])
_eig_in = _np_spd(f64(3, 3)) + np.triu(f64(3, 3), 1)   # upper triangle not symmetric: the kernel ignores it
case("self_adjoint_eig", lambda x: list(tf.self_adjoint_eig(x)), lambda x: list(np.linalg.eigh(_np_lower_sym(x))),
     [_eig_in])
case("self_adjoint_eig_grad", lambda x: [tf.self_adjoint_eig(x)[0], tf.square(tf.linalg.eigh(x)[1])],
     lambda x: [np.linalg.eigh(_np_lower_sym(x))[0], np.linalg.eigh(_np_lower_sym(x))[1] ** 2], [_eig_in], grad=True)
case("self_adjoint_eig_batch", lambda x: [tf.self_adjoint_eig(x)[0], tf.square(tf.self_adjoint_eig(x)[1])],
     lambda x: [np.linalg.eigh(x)[0], np.linalg.eigh(x)[1] ** 2], [_np_spd(f64(2, 3, 3))], grad=True)
case("self_adjoint_eigvals", tf.self_adjoint_eigvals, lambda x: np.linalg.eigvalsh(_np_lower_sym(x)), [_eig_in],
     grad=True)
case("eigvalsh_batch", tf.linalg.eigvalsh, np.linalg.eigvalsh, [_np_spd(f64(2, 3, 3))], grad=True)
case("cross", tf.cross, np.cross, [f64(4, 3), f64(4, 3)], grad=True)
case("cross_vector", tf.linalg.cross, np.cross, [f64(3), f64(3)], grad=True)
case("cross_int32", tf.cross, lambda a, b: np.cross(a, b).astype(np.int32), [i32(2, 3), i32(2, 3)])
for _lo, _up in ((1, 0), (-1, 0), (0, -1), (0, 0), (-1, -1)):
    case("matrix_band_part_%d_%d" % (_lo, _up), lambda x, lo=_lo, up=_up: tf.matrix_band_part(x, lo, up),
         lambda x, lo=_lo, up=_up: _np_band(x, lo, up), [f64(2, 3, 4)], grad=True)
case("floor_div_int32", tf.floor_div, np.floor_divide, [i32(2, 3), np.array([2, -3, 4], np.int32)])
case("floor_div_float", tf.floor_div, np.floor_divide, [_mx, _my])
case("arg_max_tf1", lambda x: tf.arg_max(x, 1), lambda x: np.argmax(x, 1), [spread(3, 4)])
case("arg_min_tf1_int32", lambda x: tf.arg_min(x, dimension=0, output_type=tf.int32),
     lambda x: np.argmin(x, 0).astype(np.int32), [spread(3, 4)])


def _np_div_no_nan(x, y):
    with np.errstate(all="ignore"):
        return np.where(y == 0, 0.0, x / np.where(y == 0, 1.0, y))


case("div_no_nan_zeros", tf.div_no_nan, _np_div_no_nan, [f64(2, 3), np.array([0.0, 2.0, -0.5])])
case("div_no_nan", tf.math.divide_no_nan, _np_div_no_nan, [f64(2, 3), away(3)], grad=True)
case("div_no_nan_float32", tf.div_no_nan, lambda x, y: _np_div_no_nan(x, y).astype(np.float32),
     [f32(2, 3), np.array([[0.0], [4.0]], np.float32)])


# ======================================================================================
# Coverage bookkeeping
# ======================================================================================

# Op types whose forward behaviour (and gradient, if differentiable) is tested in another test file:
# op type -> a string that file uses (test_ops.py checks some tests/test_*.py contains it, and also
# calls check_grads when the op is differentiable).
TESTED_ELSEWHERE = {
    # its gradient is an error by design: test_tf_files.py checks TF's LookupError
    "PreventGradient": "PreventGradient",
    # optimizer updates: test_training.py compares whole training runs with real TensorFlow
    "ApplyGradientDescent": "GradientDescentOptimizer",
    "ApplyMomentum": "MomentumOptimizer",
    "ApplyAdam": "AdamOptimizer",
    "ApplyAdagrad": "AdagradOptimizer",
    "ApplyRMSProp": "RMSPropOptimizer",
    "ApplyCenteredRMSProp": "centered=True",
    # convolution, pooling, top-k, sampling and summaries: another engineer's modules and tests
    "Conv2D": "conv2d",
    "Conv2DBackpropInput": "conv2d",
    "Conv2DBackpropFilter": "conv2d",
    "MaxPool": "max_pool",
    "MaxPoolGrad": "max_pool",
    "MaxPoolGradGrad": "max_pool",
    "AvgPool": "avg_pool",
    "AvgPoolGrad": "avg_pool",
    "TopKV2": "top_k",
    "InTopKV2": "in_top_k",
    "UniformCandidateSampler": "uniform_candidate_sampler",
    "LogUniformCandidateSampler": "log_uniform_candidate_sampler",
    "ComputeAccidentalHits": "compute_accidental_hits",
    "ScalarSummary": "summary.scalar",
    "HistogramSummary": "summary.histogram",
    "ImageSummary": "summary.image",
    "MergeSummary": "summary.merge",
    # while loops: test_while_loop.py (names, iteration, check_grads through loops)
    "While": "tf.while_loop",
    "Exit": "tf.while_loop",
    # queues and readers: test_queues.py
    "FIFOQueueV2": "FIFOQueue", "RandomShuffleQueueV2": "FIFOQueue", "QueueEnqueueV2": "FIFOQueue",
    "QueueEnqueueManyV2": "FIFOQueue", "QueueDequeueV2": "FIFOQueue", "QueueDequeueManyV2": "FIFOQueue",
    "QueueDequeueUpToV2": "FIFOQueue", "QueueCloseV2": "FIFOQueue", "QueueSizeV2": "FIFOQueue",
    "QueueIsClosedV2": "FIFOQueue", "TextLineReaderV2": "FIFOQueue", "ReaderReadV2": "FIFOQueue",
    "DecodeCSV": "FIFOQueue", "CountUpTo": "FIFOQueue",
    "LoopVar": "tf.while_loop",
    "WhileGrad": "tf.while_loop",
    # TensorArrays: test_rnn.py (values, errors, check_grads through dynamic_rnn's loop)
    "TensorArrayV3": "TensorArray", "TensorArrayWriteV3": "TensorArray", "TensorArrayReadV3": "TensorArray",
    "TensorArrayGatherV3": "TensorArray", "TensorArrayScatterV3": "TensorArray", "TensorArraySizeV3": "TensorArray",
    "TensorArrayGradPut": "TensorArray",
    # tf.data: test_data.py (every dataset op and iterator kind)
    "TensorSliceDataset": "tf.data", "InterleaveDataset": "tf.data", "TensorDataset": "tf.data", "RangeDataset": "tf.data", "ZipDataset": "tf.data",
    "ConcatenateDataset": "tf.data", "GeneratorDataset": "tf.data", "TextLineDataset": "tf.data",
    "MapDataset": "tf.data", "FilterDataset": "tf.data", "BatchDatasetV2": "tf.data",
    "PaddedBatchDatasetV2": "tf.data", "ShuffleDataset": "tf.data", "RepeatDataset": "tf.data",
    "TakeDataset": "tf.data", "SkipDataset": "tf.data", "PrefetchDataset": "tf.data", "CacheDataset": "tf.data",
    "UnbatchDataset": "tf.data", "IteratorV2": "tf.data", "OneShotIterator": "tf.data", "MakeIterator": "tf.data",
    "IteratorToStringHandle": "tf.data", "IteratorFromStringHandleV2": "tf.data", "IteratorGetNext": "tf.data",
}

# Op types declared not differentiable (`grad = None`), each with the reason. A new `grad = None`
# must be added here, so that "not differentiable" is a reviewed decision.
NOT_DIFFERENTIABLE = {
    # integer, boolean or string results: no gradient in TF either
    "ArgMax": "integer output", "ArgMin": "integer output", "Shape": "integer output", "Size": "integer output",
    "BroadcastGradientArgs": "integer output", "ShapeN": "integer output", "BroadcastArgs": "integer output",
    "Rank": "integer output", "Where": "integer output", "Range": "integer/constant sequence (TF: not differentiable)",
    "LinSpace": "TF registers no gradient for LinSpace", "InvertPermutation": "integer permutation",
    "OneHot": "TF: one_hot is not differentiable", "StringJoin": "strings", "StringLength": "strings",
    "AsString": "strings", "Equal": "bool output", "NotEqual": "bool output", "Less": "bool output",
    "LessEqual": "bool output", "Greater": "bool output", "GreaterEqual": "bool output", "LogicalAnd": "bool output",
    "LogicalOr": "bool output", "LogicalNot": "bool output", "All": "bool output", "Any": "bool output",
    "IsNan": "bool output", "IsInf": "bool output", "IsFinite": "bool output",
    "BitwiseAnd": "integers", "BitwiseOr": "integers", "BitwiseXor": "integers", "Invert": "integers",
    "FloorDiv": "piecewise constant (TF registers None)", "TruncateDiv": "integers (TF registers None)",
    "Floor": "piecewise constant (TF: None)", "Ceil": "piecewise constant (TF: None)",
    "Round": "piecewise constant (TF: None)",
    # sources and zero-derivative ops
    "Const": "no inputs", "Placeholder": "no inputs", "ZerosLike": "derivative is zero (TF: None)",
    "OnesLike": "derivative is zero (TF: None)", "StopGradient": "blocks gradients by definition",
    # random and stateful ops
    "RandomStandardNormal": "random source", "RandomUniform": "random source", "TruncatedNormal": "random source",
    "RandomUniformInt": "random source", "RandomShuffle": "TF registers no gradient",
    "Multinomial": "integer samples",
    "VariableV2": "a variable is a source", "Assign": "state update", "AssignAdd": "state update",
    "AssignSub": "state update", "IsVariableInitialized": "bool output",
    "ApplyGradientDescent": "optimizer update", "ApplyMomentum": "optimizer update", "ApplyAdam": "optimizer update",
    "ApplyAdagrad": "optimizer update", "ApplyRMSProp": "optimizer update",
    "ApplyCenteredRMSProp": "optimizer update",
    # no outputs
    "NoOp": "no outputs", "Assert": "no outputs", "PrintV2": "no outputs",
    # another engineer's ops (tested in their files, see TESTED_ELSEWHERE)
    "InTopKV2": "bool output", "ComputeAccidentalHits": "integer positions and ids (TF: not differentiable)",
    "UniformCandidateSampler": "random integer samples", "LogUniformCandidateSampler": "random integer samples",
    "ScalarSummary": "string output", "HistogramSummary": "string output", "ImageSummary": "string output",
    "MergeSummary": "string output",
    "TensorArrayV3": "creates a list from an integer size", "TensorArraySizeV3": "integer output",
    "TensorArrayGradPut": "a gradient op",
    # tf.data: dataset descriptions, iterator resources and their elements carry no gradients (as in TF)
    "TensorSliceDataset": "dataset op", "InterleaveDataset": "dataset op", "TensorDataset": "dataset op", "RangeDataset": "dataset op",
    "ZipDataset": "dataset op", "ConcatenateDataset": "dataset op", "GeneratorDataset": "dataset op",
    "TextLineDataset": "dataset op", "MapDataset": "dataset op", "FilterDataset": "dataset op",
    "BatchDatasetV2": "dataset op", "PaddedBatchDatasetV2": "dataset op", "ShuffleDataset": "dataset op",
    "RepeatDataset": "dataset op", "TakeDataset": "dataset op", "SkipDataset": "dataset op",
    "PrefetchDataset": "dataset op", "CacheDataset": "dataset op", "UnbatchDataset": "dataset op",
    "IteratorV2": "iterator op", "OneShotIterator": "iterator op", "MakeIterator": "iterator op",
    "IteratorToStringHandle": "iterator op", "IteratorFromStringHandleV2": "iterator op",
    "IteratorGetNext": "iterator op",
    # queues, readers, CSV parsing and counters: resources, strings and integer state
    "FIFOQueueV2": "queue/reader op", "RandomShuffleQueueV2": "queue/reader op", "QueueEnqueueV2": "queue/reader op",
    "QueueEnqueueManyV2": "queue/reader op", "QueueDequeueV2": "queue/reader op",
    "QueueDequeueManyV2": "queue/reader op", "QueueDequeueUpToV2": "queue/reader op",
    "QueueCloseV2": "queue/reader op", "QueueSizeV2": "queue/reader op", "QueueIsClosedV2": "queue/reader op",
    "TextLineReaderV2": "queue/reader op", "ReaderReadV2": "queue/reader op", "DecodeCSV": "queue/reader op",
    "CountUpTo": "queue/reader op",
    "LoopVar": "fed by its While op (no inputs)", "WhileGrad": "a gradient op (no second derivatives of loops)",
}

# The sparse ops' rows live in op_cases_sparse.py (loaded here, into the same table).
from op_cases_sparse import SPARSE_NOT_DIFFERENTIABLE  # noqa: E402

NOT_DIFFERENTIABLE.update(SPARSE_NOT_DIFFERENTIABLE)
