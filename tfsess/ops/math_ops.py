"""Math ops: elementwise arithmetic, comparisons, reductions, matmul, ranges; Tensor operator overloads."""
from __future__ import annotations

import builtins

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import Tensor, convert_to_tensor
from ..framework.opdef import OpDef, op_scope, constant_value, check_dtype, same_dtype
from ..framework.shapes import broadcast_dims, fmt_dims, shape_error
from . import array_ops as _aops
from .array_ops import cast, constant, reshape, shape as _shape, size as _size, zeros_like

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "realdiv", "floordiv", "div", "mod", "floormod",
    "truncatediv", "pow", "maximum", "minimum", "squared_difference", "negative", "abs", "square", "sqrt",
    "rsqrt", "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "sigmoid", "sign", "round",
    "floor", "ceil", "reciprocal", "erf", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "logical_and", "logical_or", "logical_not", "logical_xor", "add_n", "matmul",
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_any", "reduce_all",
    "reduce_logsumexp", "argmax", "argmin", "cumsum", "range", "linspace", "clip_by_value",
    "count_nonzero", "log_sigmoid", "unsorted_segment_sum", "invert_permutation", "to_float", "to_int32",
    "to_int64", "to_double", "scalar_mul", "tensordot", "trace", "diag", "is_nan", "is_inf", "is_finite",
]

_pyabs, _pyrange, _pyround, _pypow = builtins.abs, builtins.range, builtins.round, builtins.pow


# ======================================================================================
# Helpers for gradients: sum back to an input's shape, broadcast a reduced gradient back
# ======================================================================================

def add_reduce(g, axes):
    """np.add.reduce of `g` over `axes` in g's dtype. Over the leading axes of a big float array it is one BLAS
    product with a vector of ones instead: NumPy reduces an outer axis 5x slower (conv nets' bias gradients)."""
    k = len(axes)
    if (k and g.size >= 1 << 16 and g.dtype.kind == "f" and g.dtype.itemsize >= 4 and axes == tuple(_pyrange(k))
            and g.flags.c_contiguous):
        m = g.size // max(1, int(np.prod(g.shape[k:], dtype=np.int64)))
        if m > 1:
            return (np.ones(m, g.dtype) @ g.reshape(m, -1)).reshape(g.shape[k:])
    return np.add.reduce(g, axis=axes, dtype=g.dtype)


def _unbroadcast(g, shape):
    """Sum `g` down to `shape` (the inverse of NumPy broadcasting)."""
    if type(shape) is not tuple:
        shape = tuple(shape.tolist()) if type(shape) is np.ndarray else tuple(int(s) for s in shape)
    gs = np.shape(g)
    if gs == shape:
        return g
    extra = len(gs) - len(shape)
    axes = tuple(_pyrange(extra)) + tuple(i + extra for i, s in enumerate(shape) if s == 1 and gs[i + extra] != 1)
    return add_reduce(np.asarray(g), axes).reshape(shape)


_SUM_TO_SHAPE_SRC = """
def _sum_to_shape(g, shape):
    \"\"\"g summed down to `shape` (undoing NumPy broadcasting).\"\"\"
    gs = np.shape(g)
    if gs == shape:
        return g
    extra = len(gs) - len(shape)
    axes = tuple(range(extra)) + tuple(i + extra for i, s in enumerate(shape) if s == 1 and gs[i + extra] != 1)
    g = np.asarray(g)
    return np.add.reduce(g, axis=axes, dtype=g.dtype).reshape(shape)
"""   # export_numpy's form of _unbroadcast


class SumToShape(OpDef):
    """Gradient helper: sum a broadcast gradient back to the shape of the input it came from.

    Input 1 is that input itself when its shape is only known at run time (attr shape_input=False),
    or a constant shape vector when it is static (shape_input=True).
    """

    type_name = "SumToShape"

    @staticmethod
    def shape(op, g, s):
        if not op.attrs["shape_input"]:
            return s
        v = _aops._known_shape_value(op.inputs[1])
        if v is not None:
            return tuple(v)
        return None if s is None or s[0] is None else (None,) * s[0]

    @classmethod
    def bind(cls, op, session):
        if not op.attrs["shape_input"]:
            def to_shape_of(g, x):
                target = np.shape(x)
                return g if np.shape(g) == target else _unbroadcast(g, target)
            return to_shape_of
        known = constant_value(op.inputs[1])
        if known is None:
            return _unbroadcast
        target = tuple(int(v) for v in np.reshape(known, [-1]))
        gd = op.inputs[0].shape.dim_sizes
        if gd is None or len(gd) < len(target):
            return lambda g, shape: g if np.shape(g) == target else _unbroadcast(g, target)
        extra = len(gd) - len(target)
        # Axes to sum, fixed by the static rank: leading extra axes, and axes where the target is 1
        # (summing a size-1 axis is harmless if it turns out not to be broadcast).
        axes = tuple(_pyrange(extra)) + tuple(i + extra for i, d in enumerate(target) if d == 1 and gd[i + extra] != 1)
        def to_known_shape(g, shape):
            if g.shape == target:
                return g
            return add_reduce(g, axes).reshape(target)
        return to_known_shape

    @classmethod
    def numpy_source(cls, op, args):
        g, s = args
        target = "tuple(int(v) for v in np.reshape(%s, [-1]))" % s if op.get_attr("shape_input") else "np.shape(%s)" % s
        return "_sum_to_shape(%s, %s)" % (g, target), {"_sum_to_shape": _SUM_TO_SHAPE_SRC}

    @staticmethod
    def grad(op, gg):
        return [_aops.broadcast_to(gg, _shape(op.inputs[0])), None]


def _never_broadcast(x: Tensor, others) -> bool:
    """True if `x` cannot have been broadcast against `others`: for every axis, x's size is a known
    size other than 1, or every other input has size 1 there (or lacks the axis)."""
    xd = x.shape.dim_sizes
    if xd is None:
        return False
    ods = [o.shape.dim_sizes for o in others]
    if any(od is None or len(od) > len(xd) for od in ods):
        return False
    for i, d in enumerate(xd):
        if d is not None and d != 1:
            continue
        for od in ods:
            j = i - (len(xd) - len(od))
            if j >= 0 and od[j] != 1:
                return False
    return True


def sum_to_shape_of(g: Tensor, x: Tensor, others=()) -> Tensor:
    """`g` summed down to `x`'s shape; no op at all when the static shapes show no broadcasting
    happened (`others`: the op's other inputs, which x was broadcast against)."""
    gd, xd = g.shape.dim_sizes, x.shape.dim_sizes
    if gd is not None and xd is not None and gd == xd and None not in gd:
        return g
    if gd is not None and xd is not None and len(gd) == len(xd) and all(
            a == b or (b is not None and b != 1 and a is None) for a, b in zip(gd, xd)) and None not in xd:
        return g
    if others and _never_broadcast(x, others):
        return g
    with op_scope(None, "SumToShape", [g]) as s:
        if xd is not None and None not in xd:
            target = constant(np.array(xd, dtype=np.int32), name="shape")
            return s.make(SumToShape, [g, target], {"T": g.dtype, "shape_input": True}).outputs[0]
        return s.make(SumToShape, [g, x], {"T": g.dtype, "shape_input": False}).outputs[0]




class ReduceGrad(OpDef):
    """Gradient helper: broadcast the gradient of a reduction back to the reduced input's shape
    (divided by the number of reduced elements for a mean).

    Input 1 is the reduced input itself when its shape is only known at run time (shape_input=False),
    or a constant shape vector when it is static (shape_input=True); input 2 is the reduction axes.
    """

    type_name = "ReduceGrad"
    kernel_attrs = ("keep_dims", "mean", "shape_input")

    @staticmethod
    def shape(op, g, s, a):
        if not op.attrs["shape_input"]:
            return s
        v = _aops._known_shape_value(op.inputs[1])
        return None if v is None else tuple(v)

    @staticmethod
    def kernel(g, target, axes, keep_dims, mean, shape_input):
        # NumPy and the arguments only: export_numpy copies this source (kernel_numpy_source)
        shape = tuple(int(v) for v in np.reshape(target, [-1])) if shape_input else np.shape(target)
        g = np.asarray(g)
        nd = len(shape)
        ax = tuple(int(i) + nd if int(i) < 0 else int(i) for i in np.reshape(axes, [-1])) if nd else ()
        if mean:
            n = 1
            for i in ax:
                n *= shape[i]
            g = g / g.dtype.type(n)
        if g.ndim == 0:
            return np.full(shape, g, dtype=g.dtype)
        if not keep_dims:
            g = g.reshape([1 if i in ax else shape[i] for i in np.arange(nd)])
        return np.broadcast_to(g, shape)

    @classmethod
    def bind(cls, op, session):
        keep, mean, shape_input = op.attrs["keep_dims"], op.attrs["mean"], op.attrs["shape_input"]
        axes = constant_value(op.inputs[2])
        static = op.inputs[1].shape.dim_sizes
        rank = (static[0] if static else None) if shape_input else (None if static is None else len(static))
        if axes is None or rank is None:
            return super().bind(op, session)
        ax = _axes_tuple(axes, rank) if rank else ()
        np_t = op.inputs[0].dtype.base_dtype.as_numpy_dtype
        known = constant_value(op.inputs[1]) if shape_input else None
        if shape_input and known is None:
            return super().bind(op, session)
        fixed = None if known is None else tuple(int(v) for v in np.reshape(known, [-1]))
        kernel = cls.kernel

        counts = {}  # runtime shape -> number of reduced elements (as the gradient's dtype)

        def reduce_grad(g, target, axes_value):  # the common case: a scalar loss gradient, fixed axes
            shp = fixed if fixed is not None else np.shape(target)
            if type(g) is not np.ndarray or g.ndim == 0:
                if mean:
                    n = counts.get(shp)
                    if n is None:
                        n = 1
                        for i in ax:
                            n *= shp[i]
                        n = np.array(n, np_t)   # a 0-d array: NumPy divides by it 3x faster than by a scalar
                        if len(counts) < 64:
                            counts[shp] = n
                    g = g / n
                out = np.empty(shp, np_t)
                out.fill(g)
                return out
            return kernel(g, target, axes_value, keep, mean, shape_input)
        return reduce_grad

    @classmethod
    def numpy_source(cls, op, args):
        return cls.kernel_numpy_source(op, args)

    @staticmethod
    def grad(op, gg):
        out = reduce_sum(gg, op.inputs[2], keepdims=op.get_attr("keep_dims"))
        if op.get_attr("mean"):
            n = cast(_size(op.outputs[0]) // maximum(_size(op.inputs[0]), 1), out.dtype.base_dtype)
            out = realdiv(out, n)
        return [out, None, None]


def _reduce_grad(g, x, axes, keep_dims, mean=False):
    """ReduceGrad of `g` for a reduction of `x` over `axes` (a const shape when x's shape is static)."""
    with op_scope(None, "ReduceGrad", [g]) as s:
        xd = x.shape.dim_sizes
        attrs = {"T": g.dtype, "keep_dims": keep_dims, "mean": mean}
        if xd is not None and None not in xd:
            target = constant(np.array(xd, np.int32), name="shape")
            attrs["shape_input"] = True
        else:
            target, attrs["shape_input"] = x, False
        return s.make(ReduceGrad, [g, target, axes], attrs).outputs[0]


def _axes_tuple(axes, nd):
    a = np.reshape(axes, [-1]) if axes is not None else np.arange(nd)
    return tuple(int(i) + nd if int(i) < 0 else int(i) for i in a)


# ======================================================================================
# Elementwise binary ops
# ======================================================================================

class _Binary(OpDef):
    """x (op) y with NumPy broadcasting; mismatches raise TF's shape errors."""

    allowed = "number"

    @staticmethod
    def shape(op, x, y):
        return broadcast_dims(x, y, op.name, op.type)

    @classmethod
    def runtime_error(cls, op, exc, inputs):
        if isinstance(exc, ValueError) and len(inputs) == 2:
            a, b = (np.shape(v) for v in inputs)
            try:
                np.broadcast_shapes(a, b)
            except ValueError:
                return InvalidArgumentError(None, op, "Incompatible shapes: %s vs. %s" % (fmt_dims(a), fmt_dims(b)))
        return None


class AddV2(_Binary):
    type_name = "AddV2"
    kernel = staticmethod(np.add)

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        return [sum_to_shape_of(g, x, [y]), sum_to_shape_of(g, y, [x])]


class Add(AddV2):
    """x + y for numbers and string concatenation (what `+` builds for string tensors)."""

    type_name = "Add"
    allowed = "number_string"


class Sub(_Binary):
    type_name = "Sub"
    kernel = staticmethod(np.subtract)

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        return [sum_to_shape_of(g, x, [y]), sum_to_shape_of(negative(g), y, [x])]


class Mul(_Binary):
    type_name = "Mul"
    kernel = staticmethod(np.multiply)

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        return [sum_to_shape_of(multiply(g, y), x, [y]), sum_to_shape_of(multiply(x, g), y, [x])]


class RealDiv(_Binary):
    type_name = "RealDiv"
    kernel = staticmethod(np.true_divide)

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        return [sum_to_shape_of(realdiv(g, y), x, [y]),
                sum_to_shape_of(multiply(g, realdiv(realdiv(negative(x), y), y)), y, [x])]


def _trunc_int_div(x, y):
    """Integer quotient rounded toward zero (C++'s `/`), computed in the inputs' integer dtype."""
    q = np.floor_divide(x, y)
    if x.dtype.kind == "i":
        q = q + ((np.mod(x, y) != 0) & ((x < 0) != (y < 0))).astype(q.dtype)
    return q


def _int_zero_check(y):
    if (np.asarray(y) == 0).any():
        raise InvalidArgumentError(None, None, "Integer division by zero")


def _checked_int_div(fn):
    """An integer division kernel that raises TF's error instead of NumPy's silent 0."""
    def k(x, y):
        if np.count_nonzero(y) != np.size(y):
            raise InvalidArgumentError(None, None, "Integer division by zero")
        return fn(x, y)
    return k


def _float_floor_div(x, y):
    """TF's FloorDiv for floats: floor(x / y) (1.0 // 0.1 is 10, where Python and NumPy give 9)."""
    return np.floor(np.true_divide(x, y))


def _float_floor_mod(x, y):
    """TF's FloorMod for floats: fmod(x, y), moved into y's sign when they differ (not floor-div-consistent)."""
    r = np.fmod(x, y)
    return np.where((r != 0) & ((y < 0) != (r < 0)), r + y, r)


class FloorDiv(_Binary):
    type_name = "FloorDiv"
    grad = None
    kernel = staticmethod(np.floor_divide)   # integers: exact floor of the quotient
    float_kernel = staticmethod(_float_floor_div)

    @classmethod
    def numpy_source(cls, op, args):
        if op.inputs[0].dtype.is_floating:
            return cls.float_source(*args)
        return "np.%s(%s)" % (cls.kernel.__name__, ", ".join(args))

    @staticmethod
    def float_source(x, y):
        return "np.floor(np.true_divide(%s, %s))" % (x, y)

    @classmethod
    def bind(cls, op, session):
        dt = op.inputs[0].dtype
        if dt.is_integer:
            return _checked_int_div(cls.kernel)
        return cls.float_kernel if dt.is_floating else cls.kernel


class FloorMod(FloorDiv):
    type_name = "FloorMod"
    kernel = staticmethod(np.mod)
    float_kernel = staticmethod(_float_floor_mod)

    @staticmethod
    def float_source(x, y):
        r = "np.fmod(%s, %s)" % (x, y)
        return "np.where((%s != 0) & ((%s < 0) != (%s < 0)), %s + %s, %s)" % (r, y, r, r, y, r)

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        return [sum_to_shape_of(g, x), sum_to_shape_of(multiply(negative(g), floordiv(x, y)), y)]


class TruncateDiv(_Binary):
    type_name = "TruncateDiv"
    grad = None

    @staticmethod
    def kernel(x, y):
        """C's x / y: integers divide exactly in their own dtype (rounding toward zero), floats trunc(x / y)."""
        x, y = np.asarray(x), np.asarray(y)
        if x.dtype.kind in "iu":
            _int_zero_check(y)
            return _trunc_int_div(x, y)
        return np.trunc(np.true_divide(x, y)).astype(x.dtype, copy=False)


class Pow(_Binary):
    type_name = "Pow"

    @classmethod
    def bind(cls, op, session):
        if not op.inputs[0].dtype.is_integer:
            return np.power

        def int_pow(x, y):
            if (np.asarray(y) < 0).any():
                raise InvalidArgumentError(None, None, "Integers to negative integer powers are not allowed")
            return np.power(x, y)
        return int_pow

    @classmethod
    def numpy_source(cls, op, args):
        return "np.power(%s)" % ", ".join(args)

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        z = op.outputs[0]
        gx = multiply(multiply(g, y), pow(x, subtract(y, constant(1, dtype=y.dtype.base_dtype))))
        safe_log = _aops.where(greater(x, zeros_like(x)), log(_aops.where(greater(x, zeros_like(x)), x,
                                                                             _aops.ones_like(x))), zeros_like(x))
        gy = multiply(multiply(g, z), safe_log)
        return [sum_to_shape_of(gx, x), sum_to_shape_of(gy, y)]


class Maximum(_Binary):
    type_name = "Maximum"
    allowed = "real"
    kernel = staticmethod(np.maximum)

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        mask = greater_equal(x, y)
        z = zeros_like(g)
        return [sum_to_shape_of(_aops.where(mask, g, z), x), sum_to_shape_of(_aops.where(mask, z, g), y)]


class Minimum(_Binary):
    type_name = "Minimum"
    allowed = "real"
    kernel = staticmethod(np.minimum)

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        mask = less_equal(x, y)
        z = zeros_like(g)
        return [sum_to_shape_of(_aops.where(mask, g, z), x), sum_to_shape_of(_aops.where(mask, z, g), y)]


class SquaredDifference(_Binary):
    type_name = "SquaredDifference"

    @staticmethod
    def kernel(x, y):
        d = np.subtract(x, y)
        return d * d

    @classmethod
    def numpy_source(cls, op, args):
        return "_squared_difference(%s, %s)" % tuple(args), {"_squared_difference": (
            "def _squared_difference(x, y):\n    d = np.subtract(x, y)\n    return d * d\n")}

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        d = multiply(multiply(g, constant(2, dtype=g.dtype.base_dtype)), subtract(x, y))
        return [sum_to_shape_of(d, x), sum_to_shape_of(negative(d), y)]


class _Compare(_Binary):
    allowed = "real"
    grad = None

    @staticmethod
    def dtype(op):
        return _dtypes.bool


class Less(_Compare):
    type_name = "Less"
    kernel = staticmethod(np.less)


class LessEqual(_Compare):
    type_name = "LessEqual"
    kernel = staticmethod(np.less_equal)


class Greater(_Compare):
    type_name = "Greater"
    kernel = staticmethod(np.greater)


class GreaterEqual(_Compare):
    type_name = "GreaterEqual"
    kernel = staticmethod(np.greater_equal)


class Equal(_Compare):
    type_name = "Equal"
    allowed = "any"
    kernel = staticmethod(np.equal)


class NotEqual(_Compare):
    type_name = "NotEqual"
    allowed = "any"
    kernel = staticmethod(np.not_equal)


class LogicalAnd(_Compare):
    type_name = "LogicalAnd"
    allowed = "bool"
    kernel = staticmethod(np.logical_and)


class LogicalOr(_Compare):
    type_name = "LogicalOr"
    allowed = "bool"
    kernel = staticmethod(np.logical_or)


class BitwiseAnd(_Binary):
    type_name = "BitwiseAnd"
    allowed = "int"
    grad = None
    kernel = staticmethod(np.bitwise_and)


class BitwiseOr(_Binary):
    type_name = "BitwiseOr"
    allowed = "int"
    grad = None
    kernel = staticmethod(np.bitwise_or)


class BitwiseXor(_Binary):
    type_name = "BitwiseXor"
    allowed = "int"
    grad = None
    kernel = staticmethod(np.bitwise_xor)


def _binary(opdef, x, y, name, default, strict=False, reflected=False, allowed=None):
    """Build a binary op with TF's conversion rules.

    Operators and tf.add convert `y` with x's dtype as a hint (a mismatch is then the 'Input 'y' of ...'
    TypeError); generated ops (`strict`) convert Python values to x's dtype or fail with 'Expected ...'.
    A reflected operator (`1.5 + t`) converts `x` to y's dtype.
    """
    with op_scope(name, default, [x, y]) as s:
        if reflected:
            yt = s.convert(y, "y")
            try:
                xt = s.convert(x, "x", dtype=yt.dtype.base_dtype)
            except ValueError:
                xt = s.convert(x, "x")
        else:
            xt = s.convert(x, "x")
            if strict and not isinstance(y, Tensor) and not hasattr(y, "_as_graph_element"):
                try:
                    yt = s.convert(y, "y", dtype=xt.dtype.base_dtype)
                except TypeError as err:
                    raise TypeError("Expected %s passed to parameter 'y' of op '%s', got %r of type '%s' "
                                    "instead. Error: %s" % (xt.dtype.base_dtype.name, opdef.type_name, y,
                                                            type(y).__name__, err)) from None
            else:
                yt = s.convert(y, "y", dtype_hint=xt.dtype.base_dtype)
        if opdef is AddV2 and xt.dtype.base_dtype is _dtypes.string:
            opdef = Add
        check_dtype(opdef.type_name, "x", xt, allowed or opdef.allowed)
        same_dtype(opdef.type_name, [("x", xt), ("y", yt)])
        return s.make(opdef, [xt, yt], {"T": xt.dtype.base_dtype}).outputs[0]


def add(x, y, name=None) -> Tensor:
    """x + y elementwise (tf.add); strings concatenate."""
    return _binary(AddV2, x, y, name, "Add")


def subtract(x, y, name=None) -> Tensor:
    return _binary(Sub, x, y, name, "Sub", strict=True)


def multiply(x, y, name=None) -> Tensor:
    return _binary(Mul, x, y, name, "Mul", strict=True)


def realdiv(x, y, name=None) -> Tensor:
    return _binary(RealDiv, x, y, name, "RealDiv", strict=True)


def floordiv(x, y, name=None) -> Tensor:
    return _binary(FloorDiv, x, y, name, "floordiv")


def floormod(x, y, name=None) -> Tensor:
    return _binary(FloorMod, x, y, name, "FloorMod", strict=True)


mod = floormod


def truncatediv(x, y, name=None) -> Tensor:
    return _binary(TruncateDiv, x, y, name, "TruncateDiv", strict=True)


def pow(x, y, name=None) -> Tensor:  # noqa: A001
    return _binary(Pow, x, y, name, "Pow", strict=True)


def maximum(x, y, name=None) -> Tensor:
    return _binary(Maximum, x, y, name, "Maximum", strict=True)


def minimum(x, y, name=None) -> Tensor:
    return _binary(Minimum, x, y, name, "Minimum", strict=True)


def squared_difference(x, y, name=None) -> Tensor:
    return _binary(SquaredDifference, x, y, name, "SquaredDifference", strict=True)


def equal(x, y, name=None) -> Tensor:
    return _binary(Equal, x, y, name, "Equal", strict=True)


def not_equal(x, y, name=None) -> Tensor:
    return _binary(NotEqual, x, y, name, "NotEqual", strict=True)


def less(x, y, name=None) -> Tensor:
    return _binary(Less, x, y, name, "Less", strict=True)


def less_equal(x, y, name=None) -> Tensor:
    return _binary(LessEqual, x, y, name, "LessEqual", strict=True)


def greater(x, y, name=None) -> Tensor:
    return _binary(Greater, x, y, name, "Greater", strict=True)


def greater_equal(x, y, name=None) -> Tensor:
    return _binary(GreaterEqual, x, y, name, "GreaterEqual", strict=True)


def logical_and(x, y, name=None) -> Tensor:
    return _binary(LogicalAnd, x, y, name, "LogicalAnd", strict=True)


def logical_or(x, y, name=None) -> Tensor:
    return _binary(LogicalOr, x, y, name, "LogicalOr", strict=True)


def logical_xor(x, y, name="LogicalXor") -> Tensor:
    with op_scope(name, "LogicalXor", [x, y]) as s:
        return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=s.scope)


def _truediv_impl(x, y, name, default, reflected=False):
    """x / y with TF's integer rule: int8/int16 -> float32, int32/int64 -> float64."""
    with op_scope(name, default, [x, y]) as s:
        if reflected:
            yt = s.convert(y, "y")
            xt = s.convert(x, "x", dtype=yt.dtype.base_dtype)
        else:
            xt = s.convert(x, "x")
            yt = s.convert(y, "y", dtype_hint=xt.dtype.base_dtype)
        same_dtype("RealDiv", [("x", xt), ("y", yt)])
        dt = xt.dtype.base_dtype
        if dt.is_integer:
            target = _dtypes.float32 if dt.name in ("int8", "int16", "uint8", "uint16") else _dtypes.float64
            xt = cast(xt, target, name="Cast")
            yt = cast(yt, target, name="Cast_1")
        elif dt is _dtypes.bool or dt is _dtypes.string:
            raise TypeError("Invalid dtype %r in __truediv__" % dt)
        return s.make(RealDiv, [xt, yt], {"T": xt.dtype}).outputs[0]


def truediv(x, y, name=None) -> Tensor:
    return _truediv_impl(x, y, name, "truediv")


def divide(x, y, name=None) -> Tensor:
    """x / y (tf.divide): true division."""
    return _truediv_impl(x, y, name, "truediv")


def div(x, y, name=None) -> Tensor:
    """Legacy TF1 division: floor division for integers, true division for floats (tf.div)."""
    with op_scope(name, "div", [x, y]) as s:
        xt = s.convert(x, "x")
        yt = s.convert(y, "y", dtype_hint=xt.dtype.base_dtype)
        same_dtype("Div", [("x", xt), ("y", yt)])
        opdef = FloorDiv if xt.dtype.base_dtype.is_integer else RealDiv
        return s.make(opdef, [xt, yt], {"T": xt.dtype}).outputs[0]


# ======================================================================================
# Elementwise unary ops
# ======================================================================================

class _Unary(OpDef):
    allowed = "number"
    arg = "x"

    @staticmethod
    def shape(op, d):
        return d


def _unary(opdef, x, name, default=None):
    with op_scope(name, default or opdef.type_name, [x]) as s:
        t = s.convert(x, opdef.arg)
        check_dtype(opdef.type_name, opdef.arg, t, opdef.allowed)
        return s.make(opdef, [t], {"T": t.dtype.base_dtype}).outputs[0]


class Neg(_Unary):
    type_name = "Neg"
    allowed = "signed"
    kernel = staticmethod(np.negative)

    @staticmethod
    def grad(op, g):
        return [negative(g)]


class Abs(_Unary):
    type_name = "Abs"
    allowed = "real"
    kernel = staticmethod(np.abs)

    @staticmethod
    def grad(op, g):
        return [multiply(g, sign(op.inputs[0]))]


class Square(_Unary):
    type_name = "Square"
    kernel = staticmethod(np.square)

    @staticmethod
    def grad(op, g):
        x = op.inputs[0]
        return [multiply(g, multiply(constant(2, dtype=x.dtype.base_dtype), x))]


class Sqrt(_Unary):
    type_name = "Sqrt"
    allowed = "float"
    kernel = staticmethod(np.sqrt)

    @staticmethod
    def grad(op, g):
        y = op.outputs[0]
        return [realdiv(multiply(g, constant(0.5, dtype=y.dtype.base_dtype)), y)]


class Rsqrt(_Unary):
    type_name = "Rsqrt"
    allowed = "float"

    @staticmethod
    def kernel(x):
        return np.reciprocal(np.sqrt(x))

    @classmethod
    def numpy_source(cls, op, args):
        return "np.reciprocal(np.sqrt(%s))" % args[0]

    @staticmethod
    def grad(op, g):
        y = op.outputs[0]
        return [multiply(g, multiply(constant(-0.5, dtype=y.dtype.base_dtype), multiply(square(y), y)))]


class Exp(_Unary):
    type_name = "Exp"
    allowed = "float"
    kernel = staticmethod(np.exp)

    @staticmethod
    def grad(op, g):
        return [multiply(g, op.outputs[0])]


class Expm1(_Unary):
    type_name = "Expm1"
    allowed = "float"
    kernel = staticmethod(np.expm1)

    @staticmethod
    def grad(op, g):
        return [multiply(g, exp(op.inputs[0]))]


class Log(_Unary):
    type_name = "Log"
    allowed = "float"
    kernel = staticmethod(np.log)

    @staticmethod
    def grad(op, g):
        return [multiply(g, reciprocal(op.inputs[0]))]


class Log1p(_Unary):
    type_name = "Log1p"
    allowed = "float"
    kernel = staticmethod(np.log1p)

    @staticmethod
    def grad(op, g):
        x = op.inputs[0]
        return [multiply(g, reciprocal(add(constant(1, dtype=x.dtype.base_dtype), x)))]


class Sin(_Unary):
    type_name = "Sin"
    allowed = "float"
    kernel = staticmethod(np.sin)

    @staticmethod
    def grad(op, g):
        return [multiply(g, cos(op.inputs[0]))]


class Cos(_Unary):
    type_name = "Cos"
    allowed = "float"
    kernel = staticmethod(np.cos)

    @staticmethod
    def grad(op, g):
        return [negative(multiply(g, sin(op.inputs[0])))]


class Tan(_Unary):
    type_name = "Tan"
    allowed = "float"
    kernel = staticmethod(np.tan)

    @staticmethod
    def grad(op, g):
        c = cos(op.inputs[0])
        return [realdiv(g, square(c))]


class Tanh(_Unary):
    type_name = "Tanh"
    allowed = "float"
    kernel = staticmethod(np.tanh)

    @staticmethod
    def grad(op, g):
        return [_tanh_grad(op.outputs[0], g)]


class TanhGrad(OpDef):
    """dy * (1 - y^2): the gradient of Tanh given its output y."""

    type_name = "TanhGrad"

    @staticmethod
    def shape(op, y, dy):
        return broadcast_dims(y, dy, op.name, op.type)

    @staticmethod
    def kernel(y, dy):
        return dy * (1 - y * y)

    @classmethod
    def numpy_source(cls, op, args):
        y, dy = args
        return "%s * (1 - %s * %s)" % (dy, y, y)

    @staticmethod
    def grad(op, g):
        y, dy = op.inputs
        return [multiply(multiply(g, dy), multiply(constant(-2, dtype=y.dtype.base_dtype), y)), _tanh_grad(y, g)]


def _tanh_grad(y, dy):
    with op_scope(None, "TanhGrad", [y, dy]) as s:
        return s.make(TanhGrad, [y, dy], {"T": y.dtype}).outputs[0]


class Sigmoid(_Unary):
    type_name = "Sigmoid"
    allowed = "float"

    @staticmethod
    def kernel(x):
        x = np.asarray(x)
        one = x.dtype.type(1)
        return one / (one + np.exp(-x))

    @classmethod
    def numpy_source(cls, op, args):
        return "_sigmoid(%s)" % args[0], {"_sigmoid": (
            "def _sigmoid(x):\n    x = np.asarray(x)\n    one = x.dtype.type(1)\n    return one / (one + np.exp(-x))\n")}

    @staticmethod
    def grad(op, g):
        return [_sigmoid_grad(op.outputs[0], g)]


class SigmoidGrad(OpDef):
    """dy * y * (1 - y): the gradient of Sigmoid given its output y."""

    type_name = "SigmoidGrad"

    @staticmethod
    def shape(op, y, dy):
        return broadcast_dims(y, dy, op.name, op.type)

    @staticmethod
    def kernel(y, dy):
        return (dy * y) * (1 - y)

    @classmethod
    def numpy_source(cls, op, args):
        y, dy = args
        return "(%s * %s) * (1 - %s)" % (dy, y, y)

    @staticmethod
    def grad(op, g):
        y, dy = op.inputs
        one = constant(1, dtype=y.dtype.base_dtype)
        two = constant(2, dtype=y.dtype.base_dtype)
        return [multiply(multiply(g, dy), subtract(one, multiply(two, y))), _sigmoid_grad(y, g)]


def _sigmoid_grad(y, dy):
    with op_scope(None, "SigmoidGrad", [y, dy]) as s:
        return s.make(SigmoidGrad, [y, dy], {"T": y.dtype}).outputs[0]


class Sign(_Unary):
    type_name = "Sign"
    kernel = staticmethod(np.sign)

    @staticmethod
    def grad(op, g):
        return [zeros_like(op.inputs[0])]


class Round(_Unary):
    type_name = "Round"
    kernel = staticmethod(np.round)   # half to even, as TF
    grad = None

    @classmethod
    def numpy_source(cls, op, args):
        return "np.round(%s)" % args[0]


class Floor(_Unary):
    type_name = "Floor"
    allowed = "real_float"
    kernel = staticmethod(np.floor)
    grad = None


class Ceil(_Unary):
    type_name = "Ceil"
    allowed = "real_float"
    kernel = staticmethod(np.ceil)
    grad = None


class Reciprocal(_Unary):
    type_name = "Reciprocal"

    kernel = staticmethod(np.reciprocal)

    @staticmethod
    def grad(op, g):
        y = op.outputs[0]
        return [negative(multiply(g, square(y)))]


class Erf(_Unary):
    type_name = "Erf"
    numpy_kernel = True
    allowed = "real_float"

    @staticmethod
    def kernel(x):
        import math
        x = np.asarray(x)
        return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.size else x.copy()

    @staticmethod
    def grad(op, g):
        x = op.inputs[0]
        c = constant(2 / np.sqrt(np.pi), dtype=x.dtype.base_dtype)
        return [multiply(g, multiply(c, exp(negative(square(x)))))]


class IsNan(_Unary):
    type_name = "IsNan"
    allowed = "real_float"
    kernel = staticmethod(np.isnan)
    grad = None

    @staticmethod
    def dtype(op):
        return _dtypes.bool


class IsInf(IsNan):
    type_name = "IsInf"
    kernel = staticmethod(np.isinf)


class IsFinite(IsNan):
    type_name = "IsFinite"
    kernel = staticmethod(np.isfinite)


class LogicalNot(_Unary):
    type_name = "LogicalNot"
    allowed = "bool"
    kernel = staticmethod(np.logical_not)
    grad = None


class Invert(_Unary):
    type_name = "Invert"
    allowed = "int"
    kernel = staticmethod(np.invert)
    grad = None


def negative(x, name=None) -> Tensor:
    return _unary(Neg, x, name)


def abs(x, name=None) -> Tensor:  # noqa: A001
    return _unary(Abs, x, name)


def square(x, name=None) -> Tensor:
    return _unary(Square, x, name)


def sqrt(x, name=None) -> Tensor:
    return _unary(Sqrt, x, name)


def rsqrt(x, name=None) -> Tensor:
    return _unary(Rsqrt, x, name)


def exp(x, name=None) -> Tensor:
    return _unary(Exp, x, name)


def expm1(x, name=None) -> Tensor:
    return _unary(Expm1, x, name)


def log(x, name=None) -> Tensor:
    return _unary(Log, x, name)


def log1p(x, name=None) -> Tensor:
    return _unary(Log1p, x, name)


def sin(x, name=None) -> Tensor:
    return _unary(Sin, x, name)


def cos(x, name=None) -> Tensor:
    return _unary(Cos, x, name)


def tan(x, name=None) -> Tensor:
    return _unary(Tan, x, name)


def tanh(x, name=None) -> Tensor:
    return _unary(Tanh, x, name)


def sigmoid(x, name=None) -> Tensor:
    return _unary(Sigmoid, x, name)


def sign(x, name=None) -> Tensor:
    return _unary(Sign, x, name)


def round(x, name=None) -> Tensor:  # noqa: A001
    t = convert_to_tensor(x) if not isinstance(x, Tensor) else x
    if t.dtype.base_dtype.is_integer:
        return t
    return _unary(Round, t, name)


def floor(x, name=None) -> Tensor:
    return _unary(Floor, x, name)


def ceil(x, name=None) -> Tensor:
    return _unary(Ceil, x, name)


def reciprocal(x, name=None) -> Tensor:
    return _unary(Reciprocal, x, name)


def erf(x, name=None) -> Tensor:
    return _unary(Erf, x, name)


def is_nan(x, name=None) -> Tensor:
    return _unary(IsNan, x, name)


def is_inf(x, name=None) -> Tensor:
    return _unary(IsInf, x, name)


def is_finite(x, name=None) -> Tensor:
    return _unary(IsFinite, x, name)


def logical_not(x, name=None) -> Tensor:
    return _unary(LogicalNot, x, name)


def log_sigmoid(x, name=None) -> Tensor:
    """log(sigmoid(x)) computed stably as -softplus(-x)."""
    from .nn_ops import softplus
    with op_scope(name, "LogSigmoid", [x]) as s:
        t = s.convert(x, "x")
        return negative(softplus(negative(t)), name=s.scope)


def clip_by_value(t, clip_value_min, clip_value_max, name=None) -> Tensor:
    """Clip to [min, max] (tf.clip_by_value): Minimum then Maximum."""
    with op_scope(name, "clip_by_value", [t]) as s:
        x = s.convert(t, "t")
        return maximum(minimum(x, clip_value_max), clip_value_min, name=s.scope)


def to_float(x, name="ToFloat") -> Tensor:
    return cast(x, _dtypes.float32, name=name)


def to_double(x, name="ToDouble") -> Tensor:
    return cast(x, _dtypes.float64, name=name)


def to_int32(x, name="ToInt32") -> Tensor:
    return cast(x, _dtypes.int32, name=name)


def to_int64(x, name="ToInt64") -> Tensor:
    return cast(x, _dtypes.int64, name=name)


def scalar_mul(scalar, x, name=None) -> Tensor:
    return multiply(scalar, x, name=name)


# ======================================================================================
# AddN, MatMul
# ======================================================================================

class AddN(OpDef):
    """Sum of N tensors of the same shape and dtype."""

    type_name = "AddN"

    @staticmethod
    def shape(op, *dims):
        from ..framework.shapes import merge_dims
        out = None
        for d in dims:
            try:
                out = merge_dims(out, d)
            except ValueError:
                raise shape_error(op, "Shapes must be equal rank, but are %d and %d" % (len(out), len(d))
                                  if len(out) != len(d) else "Dimension mismatch", *dims) from None
        return out

    @staticmethod
    def kernel(*xs):
        out = np.add(xs[0], xs[1]) if len(xs) > 1 else np.array(xs[0], copy=True)
        for x in xs[2:]:
            out += x
        return out

    @classmethod
    def numpy_source(cls, op, args):
        if len(args) == 1:
            return "np.array(%s, copy=True)" % args[0]
        return " + ".join(args)

    @staticmethod
    def grad(op, g):
        return [g] * len(op.inputs)


def add_n(inputs, name=None) -> Tensor:
    """Sum a list of tensors (tf.add_n)."""
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("inputs must be a list of at least one Tensor/IndexedSlices with the same dtype and shape")
    with op_scope(name, "AddN", list(inputs)) as s:
        ts = [s.convert(v, "inputs") for v in inputs]
        dts = [t.dtype.base_dtype for t in ts]
        if len(set(dts)) > 1:
            raise TypeError("Tensors in list passed to 'inputs' of 'AddN' Op have types [%s] that don't all match."
                            % ", ".join(d.name for d in dts))
        if len(ts) == 1:
            return _aops.identity(ts[0], name=s.scope)
        return s.make(AddN, ts, {"T": dts[0], "N": len(ts)}).outputs[0]


class MatMul(OpDef):
    """Matrix product of two rank-2 tensors, either optionally transposed."""

    type_name = "MatMul"
    allowed = "number"

    @staticmethod
    def shape(op, a, b):
        ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
        for d in (a, b):
            if d is not None and len(d) != 2:
                raise shape_error(op, "Shape must be rank 2 but is rank %d" % len(d), a, b)
        if a is None or b is None:
            m = None if a is None else (a[1] if ta else a[0])
            n = None if b is None else (b[0] if tb else b[1])
            return (m, n)
        m, k = (a[1], a[0]) if ta else a
        k2, n = (b[1], b[0]) if tb else b
        if k is not None and k2 is not None and k != k2:
            raise shape_error(op, "Dimensions must be equal, but are %d and %d" % (k, k2), a, b)
        return (m, n)

    @classmethod
    def bind(cls, op, session):
        # np.dot, not np.matmul: for two matrices it is the same product, and it costs half as much on small
        # ones (a linear regression's step has two 1-column products)
        ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
        if not ta and not tb:
            product = np.dot
        elif ta and not tb:
            product = lambda a, b: np.dot(a.T, b)
        elif tb and not ta:
            product = lambda a, b: np.dot(a, b.T)
        else:
            product = lambda a, b: np.dot(a.T, b.T)
        if all(t.shape.dim_sizes is not None for t in op.inputs):
            return product

        def matrices_only(a, b):   # an input of unknown static rank: TF checks the rank when it runs
            for i, v in enumerate((a, b)):
                if np.ndim(v) != 2:
                    raise InvalidArgumentError(None, op, "In[%d] is not a matrix. Instead it has shape %s"
                                               % (i, fmt_dims(np.shape(v))))
            return product(a, b)
        return matrices_only

    @classmethod
    def runtime_error(cls, op, exc, inputs):
        if isinstance(exc, ValueError):
            a, b = (np.shape(v) for v in inputs)
            return InvalidArgumentError(None, op, "Matrix size-incompatible: In[0]: %s, In[1]: %s"
                                        % (fmt_dims(a), fmt_dims(b)))
        return None

    @classmethod
    def numpy_source(cls, op, args):
        a, b = args
        return "np.dot(%s, %s)" % (a + ".T" if op.get_attr("transpose_a") else a,
                                   b + ".T" if op.get_attr("transpose_b") else b)

    @staticmethod
    def grad(op, g):
        a, b = op.inputs
        ta, tb = op.get_attr("transpose_a"), op.get_attr("transpose_b")
        if not ta and not tb:
            return [matmul(g, b, transpose_b=True), matmul(a, g, transpose_a=True)]
        if not ta and tb:
            return [matmul(g, b), matmul(g, a, transpose_a=True)]
        if ta and not tb:
            return [matmul(b, g, transpose_b=True), matmul(a, g)]
        return [matmul(b, g, transpose_a=True, transpose_b=True), matmul(g, a, transpose_a=True, transpose_b=True)]


class BatchMatMulV2(OpDef):
    """Batched matrix product with broadcasting of the leading (batch) dimensions."""

    type_name = "BatchMatMulV2"
    kernel_attrs = ("adj_x", "adj_y")

    @staticmethod
    def shape(op, a, b):
        if a is None or b is None:
            return None
        if len(a) < 2 or len(b) < 2:
            raise shape_error(op, "Shape must be at least rank 2", a, b)
        ax, ay = op.attrs["adj_x"], op.attrs["adj_y"]
        m, k = (a[-1], a[-2]) if ax else (a[-2], a[-1])
        k2, n = (b[-1], b[-2]) if ay else (b[-2], b[-1])
        if k is not None and k2 is not None and k != k2:
            raise shape_error(op, "Dimensions must be equal, but are %d and %d" % (k, k2), a, b)
        batch = broadcast_dims(a[:-2], b[:-2], op.name, op.type)
        return batch + (m, n)

    @staticmethod
    def kernel(a, b, adj_x, adj_y):
        if adj_x:
            a = np.swapaxes(a, -1, -2)
        if adj_y:
            b = np.swapaxes(b, -1, -2)
        return np.matmul(a, b)

    @classmethod
    def runtime_error(cls, op, exc, inputs):
        if isinstance(exc, ValueError):
            a, b = (np.shape(v) for v in inputs)
            return InvalidArgumentError(None, op, "Matrix size-incompatible: In[0]: %s, In[1]: %s"
                                        % (fmt_dims(a), fmt_dims(b)))
        return None

    @classmethod
    def numpy_source(cls, op, args):
        a, b = args
        return "np.matmul(%s, %s)" % ("np.swapaxes(%s, -1, -2)" % a if op.get_attr("adj_x") else a,
                                      "np.swapaxes(%s, -1, -2)" % b if op.get_attr("adj_y") else b)

    @staticmethod
    def grad(op, g):
        a, b = op.inputs
        ax, ay = op.get_attr("adj_x"), op.get_attr("adj_y")
        if not ax:
            ga = matmul(g, b, transpose_b=not ay) if not ay else matmul(g, b)
        else:
            ga = matmul(b, g, transpose_a=ay, transpose_b=True) if not ay else matmul(b, g, transpose_a=True, transpose_b=True)
        if not ay:
            gb = matmul(a, g, transpose_a=not ax) if not ax else matmul(a, g)
        else:
            gb = matmul(g, a, transpose_a=True, transpose_b=ax) if not ax else matmul(g, a, transpose_a=True, transpose_b=True)
        return [sum_to_shape_of(ga, a), sum_to_shape_of(gb, b)]


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None, output_type=None) -> Tensor:
    """Matrix product `a @ b` (tf.matmul); rank > 2 inputs are batched."""
    transpose_a = transpose_a or adjoint_a
    transpose_b = transpose_b or adjoint_b
    with op_scope(name, "MatMul", [a, b]) as s:
        at = s.convert(a, "a")
        bt = s.convert(b, "b", dtype_hint=at.dtype.base_dtype)
        check_dtype("MatMul", "a", at, "number")
        same_dtype("MatMul", [("a", at), ("b", bt)])
        ra, rb = at.shape.ndims, bt.shape.ndims
        # TF 1.15: BatchMatMulV2 unless both inputs are known to be rank <= 2 (unknown rank may be batched)
        if ra is None or rb is None or ra > 2 or rb > 2:
            return s.make(BatchMatMulV2, [at, bt], {"T": at.dtype, "adj_x": transpose_a, "adj_y": transpose_b}).outputs[0]
        return s.make(MatMul, [at, bt], {"T": at.dtype, "transpose_a": transpose_a,
                                         "transpose_b": transpose_b}).outputs[0]


# ======================================================================================
# Reductions
# ======================================================================================

class _Reduce(OpDef):
    """Reduce over `axes` (the second input); keep_dims keeps them as size 1."""

    kernel_attrs = ("keep_dims",)
    allowed = "number"

    @staticmethod
    def shape(op, d, a_d):
        keep = op.attrs["keep_dims"]
        axes = constant_value(op.inputs[1])
        if d is None:
            return None
        r = len(d)
        if axes is None:
            return (None,) * r if keep else None
        ax = set()
        for a in np.reshape(axes, [-1]):
            a = int(a)
            if not -r <= a < _pymax(r, 1) or (r == 0 and a not in (0, -1)):
                raise shape_error(op, "Invalid reduction dimension %d for input with %d dimensions." % (a, r), d, a_d)
            ax.add(a % r if r else 0)
        if keep:
            return tuple(1 if i in ax else x for i, x in enumerate(d))
        return tuple(x for i, x in enumerate(d) if i not in ax)

    @classmethod
    def bind(cls, op, session):
        keep = op.attrs["keep_dims"]
        fn = cls.reduce
        const_axes = constant_value(op.inputs[1])
        rank = op.inputs[0].shape.ndims
        if const_axes is not None and rank is not None:
            ax = () if rank == 0 else tuple(sorted({int(a) % rank for a in np.reshape(const_axes, [-1])}))
            return lambda x, axes: fn(x, ax, keep)

        def k(x, axes):
            x = np.asarray(x)
            ax = tuple(int(a) for a in np.reshape(axes, [-1]))
            for a in ax:
                if not -x.ndim <= a < _pymax(x.ndim, 1):
                    raise InvalidArgumentError(None, None, "Invalid reduction dimension (%d for input with %d "
                                               "dimension(s)" % (a, x.ndim))
            if x.ndim == 0:
                ax = ()
            return fn(x, ax, keep)
        return k

    numpy_reduce: tuple = ()   # (helper name, helper source): reduce(x, axis, keepdims) as NumPy

    @classmethod
    def numpy_source(cls, op, args):
        if not cls.numpy_reduce:
            return None
        x, axes = args
        const_axes = constant_value(op.inputs[1])
        rank = op.inputs[0].shape.ndims
        name, src = cls.numpy_reduce
        helpers = {name: src}
        if const_axes is not None and rank is not None:
            ax = repr(() if rank == 0 else tuple(sorted({int(a) % rank for a in np.reshape(const_axes, [-1])})))
        else:
            ax = "_reduction_axes(%s, %s)" % (x, axes)
            helpers["_reduction_axes"] = ("def _reduction_axes(x, axes):\n"
                                          "    return () if np.ndim(x) == 0 else tuple(int(a) for a in np.reshape(axes, [-1]))\n")
        return "%s(%s, %s, %r)" % (name, x, ax, op.get_attr("keep_dims")), helpers


_pymax, _pymin = builtins.max, builtins.min


class Sum(_Reduce):
    type_name = "Sum"

    @staticmethod
    def reduce(x, ax, keep):
        return np.sum(x, axis=ax, keepdims=keep, dtype=x.dtype)

    numpy_reduce = ("_sum", "def _sum(x, axis, keepdims):\n    x = np.asarray(x)\n"
                            "    return np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)\n")

    @staticmethod
    def grad(op, g):
        x, axes = op.inputs
        return [_reduce_grad(g, x, axes, op.get_attr("keep_dims")), None]


class Mean(_Reduce):
    type_name = "Mean"

    @staticmethod
    def reduce(x, ax, keep):
        x = np.asarray(x)
        if x.dtype.kind in "iu":
            # TF sums in int64 (uint64 for unsigned) and divides the sum by the count as C++ does
            # (toward zero), all in integers: no float64 rounding of large int64 values.
            acc = np.uint64 if x.dtype.kind == "u" else np.int64
            n = int(np.prod([x.shape[a] for a in ax])) if ax != () or x.ndim == 0 else 1
            s = np.asarray(np.sum(x, axis=ax, keepdims=keep, dtype=acc))
            if n == 0:
                return np.zeros(np.shape(s), dtype=x.dtype)
            return _trunc_int_div(s, np.asarray(n, dtype=acc)).astype(x.dtype)
        s = np.add.reduce(x, axis=ax, keepdims=keep, dtype=x.dtype)
        n = x.size // np.size(s) if np.size(s) else 1
        return s / x.dtype.type(n)

    numpy_reduce = ("_mean", '''
def _mean(x, axis, keepdims):
    x = np.asarray(x)
    if x.dtype.kind in "iu":
        n = int(np.prod([x.shape[a] for a in axis])) if axis != () or x.ndim == 0 else 1
        s = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)
        if n == 0:
            return np.zeros(np.shape(s), dtype=x.dtype)
        return (np.trunc(s / n)).astype(x.dtype)
    s = np.add.reduce(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
    n = x.size // np.size(s) if np.size(s) else 1
    return s / x.dtype.type(n)
''')

    @staticmethod
    def grad(op, g):
        x, axes = op.inputs
        return [_reduce_grad(g, x, axes, op.get_attr("keep_dims"), mean=True), None]


class Max(_Reduce):
    type_name = "Max"
    allowed = "real"

    @staticmethod
    def reduce(x, ax, keep):
        if x.size == 0:
            shape = np.sum(np.zeros(x.shape, np.int8), axis=ax, keepdims=keep).shape
            if x.dtype.kind == "f":
                return np.full(shape, -np.inf, x.dtype)
            return np.full(shape, np.iinfo(x.dtype).min if x.dtype.kind in "iu" else False, x.dtype)
        return np.max(x, axis=ax, keepdims=keep)

    numpy_reduce = ("_max", """
def _max(x, axis, keepdims):
    x = np.asarray(x)
    if x.size == 0:
        shape = np.sum(np.zeros(x.shape, np.int8), axis=axis, keepdims=keepdims).shape
        if x.dtype.kind == "f":
            return np.full(shape, -np.inf, x.dtype)
        return np.full(shape, np.iinfo(x.dtype).min if x.dtype.kind in "iu" else False, x.dtype)
    return np.max(x, axis=axis, keepdims=keepdims)
""")

    @staticmethod
    def grad(op, g):
        return _minmax_grad(op, g)


class Min(_Reduce):
    type_name = "Min"
    allowed = "real"

    @staticmethod
    def reduce(x, ax, keep):
        if x.size == 0:
            shape = np.sum(np.zeros(x.shape, np.int8), axis=ax, keepdims=keep).shape
            if x.dtype.kind == "f":
                return np.full(shape, np.inf, x.dtype)
            return np.full(shape, np.iinfo(x.dtype).max if x.dtype.kind in "iu" else True, x.dtype)
        return np.min(x, axis=ax, keepdims=keep)

    numpy_reduce = ("_min", """
def _min(x, axis, keepdims):
    x = np.asarray(x)
    if x.size == 0:
        shape = np.sum(np.zeros(x.shape, np.int8), axis=axis, keepdims=keepdims).shape
        if x.dtype.kind == "f":
            return np.full(shape, np.inf, x.dtype)
        return np.full(shape, np.iinfo(x.dtype).max if x.dtype.kind in "iu" else True, x.dtype)
    return np.min(x, axis=axis, keepdims=keepdims)
""")

    @staticmethod
    def grad(op, g):
        return _minmax_grad(op, g)


def _minmax_grad(op, g):
    x, axes = op.inputs
    keep = op.get_attr("keep_dims")
    y_full = _reduce_grad(op.outputs[0], x, axes, keep)
    g_full = _reduce_grad(g, x, axes, keep)
    ind = cast(equal(y_full, x), g.dtype.base_dtype)
    num = _reduce_grad(reduce_sum(ind, axes, keepdims=keep), x, axes, keep)
    return [multiply(realdiv(ind, num), g_full), None]


class Prod(_Reduce):
    type_name = "Prod"

    @staticmethod
    def reduce(x, ax, keep):
        return np.prod(x, axis=ax, keepdims=keep, dtype=x.dtype)

    numpy_reduce = ("_prod", "def _prod(x, axis, keepdims):\n    x = np.asarray(x)\n"
                             "    return np.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)\n")

    @staticmethod
    def grad(op, g):
        x, axes = op.inputs
        with op_scope(None, "ProdGrad", [x]) as s:
            others = s.make(ProdOthers, [x, axes], {"T": x.dtype}).outputs[0]
        return [multiply(_reduce_grad(g, x, axes, op.get_attr("keep_dims")), others), None]


class ProdOthers(OpDef):
    """Gradient helper: for each element, the product of the other elements in its reduction group."""

    type_name = "ProdOthers"

    @staticmethod
    def shape(op, d, a):
        return d

    @staticmethod
    def grad(op, gg):
        """d/dx[k] of sum_j gg[j] * others[j] = sum_{j != k} gg[j] * prod_{i not in {j, k}} x[i] (same group).

        Exact with zeros (no division): row k of an [n, n] copy of each group, with x[k] set to 1, gives
        those products by ProdOthers along the last axis. Costs n^2 per group (second derivatives only).
        """
        x, axes = op.inputs
        ax, r = constant_value(axes), x.shape.ndims
        if ax is None or r is None:
            raise LookupError("No gradient defined for operation '%s' (op type: ProdOthers) with a non-constant "
                              "axis or an input of unknown rank" % op.name)
        red = sorted({int(a) % r for a in np.reshape(ax, [-1])}) if r else []
        rest = [i for i in _pyrange(r) if i not in red]
        perm = constant(np.array(rest + red, np.int32))
        xt = _aops.transpose(x, perm)
        flat_shape = _aops.concat([_aops.slice(_shape(xt), [0], [len(rest)]), [-1]], 0)
        xf = reshape(xt, flat_shape)                                   # [..., n]
        gf = reshape(_aops.transpose(gg, perm), flat_shape)
        n = _shape(xf)[-1]
        eye = _aops.one_hot(range(n), n, dtype=x.dtype.base_dtype)
        off = subtract(constant(1, dtype=x.dtype.base_dtype), eye)
        rows = add(multiply(_aops.expand_dims(xf, -2), off), eye)     # [..., k, i]: x with x[k] -> 1
        with op_scope(None, "ProdOthers", [rows]) as s:
            prods = s.make(ProdOthers, [rows, constant(np.array([-1], np.int32))], {"T": x.dtype}).outputs[0]
        gx = reduce_sum(multiply(multiply(_aops.expand_dims(gf, -1), prods), off), -2)
        return [_aops.transpose(reshape(gx, _shape(xt)), invert_permutation(perm)), None]

    @staticmethod
    def kernel(x, axes):
        x = np.asarray(x)
        nd = x.ndim
        ax = _axes_tuple(axes, nd)
        rest = tuple(i for i in _pyrange(nd) if i not in ax)
        perm = rest + ax
        xt = np.transpose(x, perm)
        lead = xt.shape[:len(rest)]
        flat = xt.reshape(lead + (-1,))
        left = np.cumprod(np.concatenate([np.ones(lead + (1,), x.dtype), flat[..., :-1]], -1), -1)
        right = np.cumprod(np.concatenate([np.ones(lead + (1,), x.dtype), flat[..., :0:-1]], -1), -1)[..., ::-1]
        out = (left * right).reshape(xt.shape)
        return np.transpose(out, np.argsort(perm)).astype(x.dtype)


class Any(_Reduce):
    type_name = "Any"
    allowed = "bool"
    grad = None
    numpy_reduce = ("_any", "def _any(x, axis, keepdims):\n    return np.any(x, axis=axis, keepdims=keepdims)\n")

    @staticmethod
    def reduce(x, ax, keep):
        return np.any(x, axis=ax, keepdims=keep)


class All(_Reduce):
    type_name = "All"
    allowed = "bool"
    grad = None
    numpy_reduce = ("_all", "def _all(x, axis, keepdims):\n    return np.all(x, axis=axis, keepdims=keepdims)\n")

    @staticmethod
    def reduce(x, ax, keep):
        return np.all(x, axis=ax, keepdims=keep)


def _reduce(opdef, input_tensor, axis, keepdims, name, default, reduction_indices=None, keep_dims=None):
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims) if keep_dims is not None else False
    x = input_tensor if isinstance(input_tensor, Tensor) else convert_to_tensor(input_tensor)
    check_dtype(opdef.type_name, "input", x, opdef.allowed)
    if axis is None:
        r = x.shape.ndims
        if r is not None:
            axes = constant(np.arange(r, dtype=np.int32))
        else:
            axes = range(0, _aops.rank(x), 1)
        with op_scope(name, default, [x]) as s:
            return s.make(opdef, [x, axes], {"T": x.dtype, "Tidx": axes.dtype, "keep_dims": bool(keepdims)}).outputs[0]
    with op_scope(name, default, [x]) as s:
        axes = s.convert(axis, "reduction_indices", dtype=_dtypes.int32) if not isinstance(axis, Tensor) else axis
        return s.make(opdef, [x, axes], {"T": x.dtype, "Tidx": axes.dtype, "keep_dims": bool(keepdims)}).outputs[0]


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """Sum over `axis` (all axes by default) (tf.reduce_sum)."""
    return _reduce(Sum, input_tensor, axis, keepdims, name, "Sum", reduction_indices, keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """Mean over `axis`; integer means truncate (tf.reduce_mean)."""
    return _reduce(Mean, input_tensor, axis, keepdims, name, "Mean", reduction_indices, keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    return _reduce(Max, input_tensor, axis, keepdims, name, "Max", reduction_indices, keep_dims)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    return _reduce(Min, input_tensor, axis, keepdims, name, "Min", reduction_indices, keep_dims)


def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    return _reduce(Prod, input_tensor, axis, keepdims, name, "Prod", reduction_indices, keep_dims)


def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    return _reduce(Any, input_tensor, axis, keepdims, name, "Any", reduction_indices, keep_dims)


def reduce_all(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    return _reduce(All, input_tensor, axis, keepdims, name, "All", reduction_indices, keep_dims)


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
    """log(sum(exp(x))) computed stably (tf.reduce_logsumexp)."""
    if keepdims is None:
        keepdims = bool(keep_dims)
    if axis is None:
        axis = reduction_indices
    with op_scope(name, "ReduceLogSumExp", [input_tensor]) as s:
        x = s.convert(input_tensor, "input_tensor")
        raw_max = reduce_max(x, axis, keepdims=True)
        my_max = stop_gradient_where_finite(raw_max)
        result = log(reduce_sum(exp(subtract(x, my_max)), axis, keepdims=keepdims))
        if not keepdims:
            my_max = reshape(my_max, _shape(result))
        return add(result, my_max, name=s.scope)


def stop_gradient_where_finite(t):
    z = zeros_like(t)
    return _aops.stop_gradient(_aops.where(is_finite(t), t, z))


def count_nonzero(input_tensor, axis=None, keepdims=None, dtype=_dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None):
    with op_scope(name, "count_nonzero", [input_tensor]) as s:
        x = s.convert(input_tensor, "input_tensor")
        z = zeros_like(x)
        return cast(reduce_sum(cast(not_equal(x, z), _dtypes.int64), axis, keepdims=keepdims,
                               reduction_indices=reduction_indices, keep_dims=keep_dims), dtype)


class ArgMax(OpDef):
    type_name = "ArgMax"
    kernel_attrs = ("output_type",)
    grad = None

    @classmethod
    def numpy_source(cls, op, args):
        fn = "argmin" if cls.type_name == "ArgMin" else "argmax"
        return "np.%s(%s, axis=int(%s)).astype(%r)" % (fn, args[0], args[1], op.get_attr("output_type").name)

    @staticmethod
    def dtype(op):
        return op.attrs["output_type"]

    @staticmethod
    def shape(op, d, a_d):
        ax = constant_value(op.inputs[1])
        if d is None or ax is None:
            return None
        ax = int(ax)
        if not -len(d) <= ax < len(d):
            raise shape_error(op, "Expected dimension in the range [%d, %d), but got %d" % (-len(d), len(d), ax), d, a_d)
        ax %= len(d)
        return d[:ax] + d[ax + 1:]

    @staticmethod
    def kernel(x, axis, output_type):
        return np.argmax(x, axis=int(axis)).astype(output_type.as_numpy_dtype)


class ArgMin(ArgMax):
    type_name = "ArgMin"

    @staticmethod
    def kernel(x, axis, output_type):
        return np.argmin(x, axis=int(axis)).astype(output_type.as_numpy_dtype)


def argmax(input, axis=None, name=None, dimension=None, output_type=_dtypes.int64) -> Tensor:  # noqa: A002
    """Index of the largest value along `axis` (int64 unless output_type) (tf.argmax)."""
    if axis is None:
        axis = 0 if dimension is None else dimension
    with op_scope(name, "ArgMax", [input]) as s:
        x = s.convert(input, "input")
        a = s.convert(axis, "dimension", dtype=_dtypes.int32)
        return s.make(ArgMax, [x, a], {"T": x.dtype, "output_type": _dtypes.as_dtype(output_type)}).outputs[0]


def argmin(input, axis=None, name=None, dimension=None, output_type=_dtypes.int64) -> Tensor:  # noqa: A002
    if axis is None:
        axis = 0 if dimension is None else dimension
    with op_scope(name, "ArgMin", [input]) as s:
        x = s.convert(input, "input")
        a = s.convert(axis, "dimension", dtype=_dtypes.int32)
        return s.make(ArgMin, [x, a], {"T": x.dtype, "output_type": _dtypes.as_dtype(output_type)}).outputs[0]


class Cumsum(OpDef):
    type_name = "Cumsum"
    numpy_kernel = True
    kernel_attrs = ("exclusive", "reverse")

    @staticmethod
    def shape(op, d, a):
        return d

    @staticmethod
    def kernel(x, axis, exclusive, reverse):
        x = np.asarray(x)
        ax = int(axis)
        if reverse:
            x = np.flip(x, ax)
        out = np.cumsum(x, axis=ax, dtype=x.dtype)
        if exclusive:
            out = np.concatenate([np.zeros_like(np.take(out, [0], axis=ax)), np.delete(out, -1, axis=ax)], axis=ax) \
                if x.shape[ax] else out
        if reverse:
            out = np.flip(out, ax)
        return out

    @staticmethod
    def grad(op, g):
        return [cumsum(g, op.inputs[1], exclusive=op.get_attr("exclusive"), reverse=not op.get_attr("reverse")), None]


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    with op_scope(name, "Cumsum", [x]) as s:
        t = s.convert(x, "x")
        a = s.convert(axis, "axis", dtype=_dtypes.int32)
        return s.make(Cumsum, [t, a], {"T": t.dtype, "exclusive": exclusive, "reverse": reverse}).outputs[0]


# ======================================================================================
# Range, LinSpace, segment sums, permutations
# ======================================================================================

class Range(OpDef):
    type_name = "Range"
    grad = None

    @staticmethod
    def dtype(op):
        return op.inputs[0].dtype.base_dtype

    @staticmethod
    def shape(op, *dims):
        vals = [constant_value(t) for t in op.inputs]
        if any(v is None for v in vals):
            return (None,)
        start, limit, delta = (v.item() for v in vals)
        if delta == 0:
            raise shape_error(op, "Requires delta != 0", *dims)
        n = int(np.ceil((limit - start) / delta)) if (limit - start) * delta > 0 else 0
        return (_pymax(n, 0),)

    @staticmethod
    def kernel(start, limit, delta):
        if delta == 0:
            raise InvalidArgumentError(None, None, "Requires delta != 0: %s" % delta)
        if (delta > 0 and start > limit) or (delta < 0 and start < limit):
            raise InvalidArgumentError(None, None, "Requires start <= limit when delta > 0: %s/%s" % (start, limit)
                                       if delta > 0 else "Requires start >= limit when delta < 0: %s/%s" % (start, limit))
        dt = np.asarray(start).dtype
        n = int(np.ceil((float(limit) - float(start)) / float(delta)))
        return (start + np.arange(_pymax(n, 0), dtype=dt) * np.asarray(delta, dt)).astype(dt)

    @classmethod
    def numpy_source(cls, op, args):
        return "_range(%s, %s, %s)" % tuple(args), {"_range": '''
def _range(start, limit, delta):
    """start, start + delta, ... up to (not including) limit, in start's dtype."""
    dt = np.asarray(start).dtype
    n = int(np.ceil((float(limit) - float(start)) / float(delta)))
    return (start + np.arange(max(n, 0), dtype=dt) * np.asarray(delta, dt)).astype(dt)
'''}


def range(start, limit=None, delta=1, dtype=None, name="range") -> Tensor:  # noqa: A001
    """A sequence from `start` to `limit` by `delta` (tf.range); int32 unless a float is involved."""
    if limit is None:
        start, limit = 0, start
    with op_scope(name, "Range", [start, limit, delta]) as s:
        if dtype is not None:
            dt = _dtypes.as_dtype(dtype)
        else:
            cands = []
            for v in (start, limit, delta):
                cands.append(v.dtype.base_dtype if isinstance(v, Tensor) else _aops.to_numpy(v)[1])
            order = [_dtypes.int32, _dtypes.int64, _dtypes.float32, _dtypes.float64]
            dt = _pymax(cands, key=lambda d: order.index(d) if d in order else 0)
        st = cast(s.convert(start, "start"), dt) if isinstance(start, Tensor) else s.convert(start, "start", dtype=dt)
        li = cast(s.convert(limit, "limit"), dt) if isinstance(limit, Tensor) else s.convert(limit, "limit", dtype=dt)
        de = cast(s.convert(delta, "delta"), dt) if isinstance(delta, Tensor) else s.convert(delta, "delta", dtype=dt)
        return s.make(Range, [st, li, de], {"Tidx": dt}).outputs[0]


class LinSpace(OpDef):
    type_name = "LinSpace"
    numpy_kernel = True
    grad = None

    @staticmethod
    def shape(op, *dims):
        n = constant_value(op.inputs[2])
        return (None if n is None else int(n),)

    @staticmethod
    def kernel(start, stop, num):
        return np.linspace(start, stop, int(num)).astype(np.asarray(start).dtype)


def linspace(start, stop, num, name=None, axis=0) -> Tensor:
    """`num` evenly spaced values from start to stop inclusive (tf.linspace / tf.lin_space)."""
    with op_scope(name, "LinSpace", [start, stop]) as s:
        st = s.convert(start, "start")
        if st.dtype.base_dtype.is_integer:
            st = cast(st, _dtypes.float64)
        sp = s.convert(stop, "stop", dtype=st.dtype.base_dtype) if not isinstance(stop, Tensor) else stop
        n = s.convert(num, "num", dtype=_dtypes.int32)
        return s.make(LinSpace, [st, sp, n], {"T": st.dtype, "Tidx": n.dtype}).outputs[0]


lin_space = linspace


class UnsortedSegmentSum(OpDef):
    type_name = "UnsortedSegmentSum"

    @staticmethod
    def shape(op, d, ids, n):
        num = constant_value(op.inputs[2])
        if d is None or ids is None:
            return None
        return (None if num is None else int(num),) + d[len(ids):]

    @staticmethod
    def kernel(data, segment_ids, num_segments):
        data = np.asarray(data)
        ids = np.asarray(segment_ids).reshape(-1)
        n = int(num_segments)
        rest = data.shape[np.ndim(segment_ids):]
        out = np.zeros((n,) + rest, dtype=data.dtype)
        if ids.size and (ids.max() >= n):
            raise InvalidArgumentError(None, None, "segment_ids[%d] = %d is out of range [0, %d)"
                                       % (int(np.argmax(ids >= n)), int(ids.max()), n))
        np.add.at(out, ids, data.reshape((-1,) + rest))
        return out

    @classmethod
    def numpy_source(cls, op, args):
        return "_unsorted_segment_sum(%s, %s, %s)" % tuple(args), {"_unsorted_segment_sum": '''
def _unsorted_segment_sum(data, segment_ids, num_segments):
    """out[i] = sum of the rows of data whose segment id is i."""
    data = np.asarray(data)
    ids = np.asarray(segment_ids).reshape(-1)
    rest = data.shape[np.ndim(segment_ids):]
    out = np.zeros((int(num_segments),) + rest, dtype=data.dtype)
    np.add.at(out, ids, data.reshape((-1,) + rest))
    return out
'''}

    @staticmethod
    def grad(op, g):
        return [_aops.gather(g, op.inputs[1]), None, None]


def unsorted_segment_sum(data, segment_ids, num_segments, name=None) -> Tensor:
    with op_scope(name, "UnsortedSegmentSum", [data, segment_ids]) as s:
        d = s.convert(data, "data")
        i = s.convert(segment_ids, "segment_ids")
        n = s.convert(num_segments, "num_segments", dtype=_dtypes.int32) if not isinstance(num_segments, Tensor) \
            else num_segments
        return s.make(UnsortedSegmentSum, [d, i, n], {"T": d.dtype}).outputs[0]


class InvertPermutation(OpDef):
    type_name = "InvertPermutation"
    numpy_kernel = True
    grad = None

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(p):
        return np.argsort(p).astype(np.asarray(p).dtype)


def invert_permutation(x, name=None) -> Tensor:
    with op_scope(name, "InvertPermutation", [x]) as s:
        t = s.convert(x, "x")
        return s.make(InvertPermutation, [t], {"T": t.dtype}).outputs[0]


def _concat_grad(op, g):
    """Slices of the gradient of ConcatV2 for each input (and None for the axis)."""
    values, axis = op.inputs[:-1], op.inputs[-1]
    sizes = []
    for v in values:
        d = v.shape.dim_sizes
        ax = constant_value(axis)
        if d is not None and ax is not None and d[int(ax) % len(d)] is not None:
            sizes.append(d[int(ax) % len(d)])
        else:
            sizes.append(_aops.gather(_shape(v), axis if ax is None or int(ax) >= 0 else add(axis, _aops.rank(v))))
    pieces = _aops.split(g, sizes if all(isinstance(s_, int) for s_ in sizes) else _aops.stack(sizes), axis,
                         num=len(values))
    return list(pieces) + [None]


def _gather_grad_general(op, g):
    params, indices, axis = op.inputs
    ax = int(constant_value(axis))
    r = params.shape.ndims
    if ax < 0:
        ax += r
    perm = [ax] + [i for i in _pyrange(r) if i != ax]
    pt = _aops.transpose(params, perm)
    gi = indices.shape.ndims
    gr = g.shape.ndims
    gperm = list(_pyrange(ax, ax + gi)) + list(_pyrange(0, ax)) + list(_pyrange(ax + gi, gr))
    gt = _aops.transpose(g, gperm)
    flat = reshape(gt, _aops.concat([[-1], _aops.slice(_shape(pt), [1], [-1])], 0))
    seg = unsorted_segment_sum(flat, reshape(indices, [-1]), _shape(pt)[0])
    return [_aops.transpose(seg, invert_permutation(constant(np.array(perm, np.int32)))), None, None]


def tensordot(a, b, axes, name=None) -> Tensor:
    """Contract `a` and `b` over `axes` (tf.tensordot) via reshape + matmul."""
    with op_scope(name, "Tensordot", [a, b]) as s:
        at, bt = s.convert(a, "a"), s.convert(b, "b")
        ra, rb = at.shape.ndims, bt.shape.ndims
        if isinstance(axes, int):
            a_ax = list(_pyrange(ra - axes, ra))
            b_ax = list(_pyrange(axes))
        else:
            a_ax, b_ax = ([axes[0]] if isinstance(axes[0], int) else list(axes[0]),
                          [axes[1]] if isinstance(axes[1], int) else list(axes[1]))
        a_ax = [x % ra for x in a_ax]
        b_ax = [x % rb for x in b_ax]
        a_free = [i for i in _pyrange(ra) if i not in a_ax]
        b_free = [i for i in _pyrange(rb) if i not in b_ax]
        ad, bd = at.shape.as_list(), bt.shape.as_list()
        a2 = reshape(_aops.transpose(at, a_free + a_ax), [-1, int(np.prod([ad[i] for i in a_ax]))])
        b2 = reshape(_aops.transpose(bt, b_ax + b_free), [int(np.prod([bd[i] for i in b_ax])), -1])
        m = matmul(a2, b2)
        out_dims = [ad[i] for i in a_free] + [bd[i] for i in b_free]
        if None in out_dims:  # unknown free dims (a batch of None): take them from the run-time shapes
            sa, sb = _shape(at), _shape(bt)
            parts = [sa[i] if ad[i] is None else ad[i] for i in a_free] + \
                    [sb[i] if bd[i] is None else bd[i] for i in b_free]
            out = reshape(m, _aops.stack(parts), name=s.scope)
            out.set_shape(out_dims)
            return out
        return reshape(m, out_dims, name=s.scope)


def trace(x, name=None) -> Tensor:
    with op_scope(name, "Trace", [x]) as s:
        t = s.convert(x, "x")
        n = t.shape.as_list()[-1]
        eye = constant(np.eye(n, dtype=t.dtype.base_dtype.as_numpy_dtype))
        return reduce_sum(multiply(t, eye), [-2, -1], name=s.scope)


def diag(diagonal, name=None) -> Tensor:
    with op_scope(name, "Diag", [diagonal]) as s:
        d = s.convert(diagonal, "diagonal")
        n = d.shape.as_list()[0]
        eye = constant(np.eye(n, dtype=d.dtype.base_dtype.as_numpy_dtype))
        return multiply(_aops.expand_dims(d, 0), eye, name=s.scope)


# ======================================================================================
# TF1 raw-op spellings (tf.floor_div, tf.arg_min, tf.arg_max) and DivNoNan (tf.div_no_nan)
# ======================================================================================

def floor_div(x, y, name=None) -> Tensor:
    """tf.floor_div: the FloorDiv op itself (tf.floordiv builds the same op, named 'floordiv')."""
    return _binary(FloorDiv, x, y, name, "FloorDiv", strict=True)


def arg_max(input, dimension, output_type=_dtypes.int64, name=None) -> Tensor:  # noqa: A002
    """tf.arg_max: TF1's ArgMax spelling, `dimension` required."""
    return argmax(input, dimension, name=name, output_type=output_type)


def arg_min(input, dimension, output_type=_dtypes.int64, name=None) -> Tensor:  # noqa: A002
    """tf.arg_min: TF1's ArgMin spelling, `dimension` required."""
    return argmin(input, dimension, name=name, output_type=output_type)


class DivNoNan(_Binary):
    """x / y, and 0 wherever y == 0 (the safe mean of tf.losses)."""

    type_name = "DivNoNan"
    allowed = "float"

    @staticmethod
    def kernel(x, y):
        zero = np.asarray(y) == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.true_divide(x, np.where(zero, np.ones((), dtype=np.asarray(y).dtype), y))
        return np.where(zero, np.zeros((), dtype=q.dtype), q).astype(np.result_type(x, y), copy=False)

    @staticmethod
    def grad(op, g):
        x, y = op.inputs
        return [sum_to_shape_of(div_no_nan(g, y), x, [y]),
                sum_to_shape_of(multiply(g, div_no_nan(div_no_nan(negative(x), y), y)), y, [x])]


def div_no_nan(x, y, name=None) -> Tensor:
    """x / y with 0 where y is 0 (tf.div_no_nan, tf.math.divide_no_nan)."""
    with op_scope(name, "div_no_nan", [x, y]) as s:
        xt = s.convert(x, "x")
        yt = s.convert(y, "y", dtype=xt.dtype.base_dtype) if not isinstance(y, Tensor) else y
        check_dtype("DivNoNan", "x", xt, "float")
        same_dtype("DivNoNan", [("x", xt), ("y", yt)])
        return s.make(DivNoNan, [xt, yt], {"T": xt.dtype.base_dtype}).outputs[0]


# ======================================================================================
# Tensor operator overloads (the table TF installs with _override_operator)
# ======================================================================================

def _op_overload(fn, default, reflected=False, opdef=None):
    if reflected:
        def r_binary(y, x):
            return fn(x, y, None, default, reflected=True)
        return r_binary

    def binary(x, y):
        return fn(x, y, None, default)
    return binary


def _arith(opdef, allowed=None):
    def f(x, y, name, default, reflected=False):
        return _binary(opdef, x, y, name, default, reflected=reflected, allowed=allowed)
    return f


def _logic(bool_op, int_op):
    def f(x, y, name, default, reflected=False):
        xt = x if isinstance(x, Tensor) else None
        yt = y if isinstance(y, Tensor) else None
        ref = xt if xt is not None else yt
        if ref is not None and ref.dtype.base_dtype is _dtypes.bool:
            return _binary(bool_op, x, y, name, default, reflected=reflected)
        with op_scope(name, default, [x, y]):
            return _binary(int_op, x, y, None, int_op.type_name, reflected=reflected)
    return f


def _xor(x, y, name, default, reflected=False):
    xt = x if isinstance(x, Tensor) else convert_to_tensor(x)
    if xt.dtype.base_dtype is _dtypes.bool:
        return logical_xor(x, y, name=default)
    return _binary(BitwiseXor, x, y, name, default, reflected=reflected)


def _install_operators():
    T = Tensor
    arith = {"add": (_arith(AddV2), "add"), "sub": (_arith(Sub), "sub"), "mul": (_arith(Mul), "mul"),
             "floordiv": (_arith(FloorDiv), "floordiv"), "mod": (_arith(FloorMod), "mod"),
             "pow": (_arith(Pow), "pow")}
    for key, (fn, default) in arith.items():
        T._override_operator("__%s__" % key, _op_overload(fn, default))
        T._override_operator("__r%s__" % key, _op_overload(fn, default, reflected=True))
    T._override_operator("__truediv__", lambda x, y: _truediv_impl(x, y, None, "truediv"))
    T._override_operator("__rtruediv__", lambda y, x: _truediv_impl(x, y, None, "truediv", reflected=True))
    T._override_operator("__div__", lambda x, y: _truediv_impl(x, y, None, "truediv"))
    T._override_operator("__matmul__", lambda x, y: matmul(x, y, name="matmul"))
    T._override_operator("__rmatmul__", lambda y, x: matmul(x, y, name="matmul"))
    for key, fn in (("and", _logic(LogicalAnd, BitwiseAnd)), ("or", _logic(LogicalOr, BitwiseOr))):
        T._override_operator("__%s__" % key, _op_overload(fn, key))
        T._override_operator("__r%s__" % key, _op_overload(fn, key, reflected=True))
    T._override_operator("__xor__", _op_overload(_xor, "xor"))
    T._override_operator("__rxor__", _op_overload(_xor, "xor", reflected=True))
    T._override_operator("__lt__", lambda x, y: _binary(Less, x, y, None, "Less"))
    T._override_operator("__le__", lambda x, y: _binary(LessEqual, x, y, None, "LessEqual"))
    T._override_operator("__gt__", lambda x, y: _binary(Greater, x, y, None, "Greater"))
    T._override_operator("__ge__", lambda x, y: _binary(GreaterEqual, x, y, None, "GreaterEqual"))
    T._override_operator("__neg__", lambda x: negative(x))
    T._override_operator("__abs__", lambda x: abs(x))

    def invert(x):
        if x.dtype.base_dtype is _dtypes.bool:
            return logical_not(x)
        return _unary(Invert, x, None)
    T._override_operator("__invert__", invert)
    T._override_operator("__getitem__", _aops._slice_helper)


_install_operators()
