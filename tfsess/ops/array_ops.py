"""Array ops: constants, placeholders, shapes, reshaping, joining, slicing, gathering, casting."""
from __future__ import annotations

import builtins

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import Tensor, get_default_graph, register_tensor_conversion_function
from ..framework.opdef import OpDef, op_scope, create_op, constant_value
from ..framework.shapes import TensorShape, fmt_dims, merge_dims, num_elements, shape_error
from ..framework.constant_op import Const, constant, to_numpy, _leaves  # noqa: F401  (re-exported as tf.constant)

__all__ = [
    "constant", "placeholder", "placeholder_with_default", "identity", "zeros", "ones", "fill",
    "zeros_like", "ones_like", "reshape", "transpose", "concat", "stack", "unstack", "squeeze",
    "expand_dims", "tile", "gather", "slice", "strided_slice", "shape", "size", "rank", "cast",
    "one_hot", "where", "stop_gradient", "split", "pad", "reverse", "broadcast_to", "boolean_mask",
]

_pybool = builtins.bool

class Placeholder(OpDef):
    """A value that must be fed to `Session.run`."""

    type_name = "Placeholder"
    grad = None

    @classmethod
    def numpy_source(cls, op, args):
        cls.bind(op, None)()   # an unfed placeholder: the error Session.run gives

    @classmethod
    def outputs(cls, op):
        return [(op.attrs["dtype"], op.attrs["shape"].dim_sizes)]

    @classmethod
    def bind(cls, op, session):
        def unfed():
            dt, d = op.attrs["dtype"], op.attrs["shape"].dim_sizes
            msg = "You must feed a value for placeholder tensor '%s' with dtype %s" % (op.name, dt.c_name)
            if d is not None:
                msg += " and shape %s" % fmt_dims(d)
            raise InvalidArgumentError(None, op, msg)
        return unfed


def placeholder(dtype, shape=None, name=None) -> Tensor:
    """A placeholder to feed (tf.placeholder); shape None accepts any rank."""
    g = get_default_graph()
    dt = _dtypes.as_dtype(dtype).base_dtype
    op = create_op(Placeholder, [], {"dtype": dt, "shape": TensorShape(shape)},
                   g._op_name("Placeholder" if name is None else name), g)
    return op.outputs[0]


class PlaceholderWithDefault(OpDef):
    """Passes `input` through unless fed; feeds are checked against the looser `shape`."""

    type_name = "PlaceholderWithDefault"

    @staticmethod
    def shape(op, d):
        return op.attrs["shape"].dim_sizes

    @staticmethod
    def kernel(x):
        return x

    @classmethod
    def constant_fold(cls, op, values):
        return None  # it can be fed, so its value is never known while building (TF's constant_value agrees)

    @classmethod
    def numpy_source(cls, op, args):
        return args[0]

    @staticmethod
    def grad(op, g):
        return [g]


def placeholder_with_default(input, shape, name=None) -> Tensor:  # noqa: A002
    with op_scope(name, "PlaceholderWithDefault", [input]) as s:
        x = s.convert(input, "input")
        want = TensorShape(shape)
        if not want.is_compatible_with(x.shape):
            raise ValueError("Shapes %s and %s are incompatible" % (x.shape, want))
        return s.make(PlaceholderWithDefault, [x], {"dtype": x.dtype, "shape": want}).outputs[0]


class Identity(OpDef):
    """Returns its input (a new name for the same value)."""

    type_name = "Identity"
    forwards_input = True

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(x):
        return x

    @classmethod
    def numpy_source(cls, op, args):
        return args[0]

    @staticmethod
    def grad(op, g):
        return [g]


def identity(input, name=None) -> Tensor:  # noqa: A002
    with op_scope(name, "Identity", [input]) as s:
        x = s.convert(input, "input")
        return s.make(Identity, [x]).outputs[0]


class StopGradient(Identity):
    """Identity that blocks gradients."""

    type_name = "StopGradient"
    grad = None


def stop_gradient(input, name=None) -> Tensor:  # noqa: A002
    with op_scope(name, "StopGradient", [input]) as s:
        return s.make(StopGradient, [s.convert(input, "input")]).outputs[0]


# ======================================================================================
# Shape, Size, Rank
# ======================================================================================

class Shape(OpDef):
    """The runtime shape of a tensor, as a 1-D int tensor."""

    type_name = "Shape"
    grad = None

    @classmethod
    def numpy_source(cls, op, args):
        return "np.array(np.shape(%s), dtype=%r)" % (args[0], op.get_attr("out_type").name)

    @classmethod
    def static_value(cls, op):
        d = op.inputs[0].shape.dim_sizes
        if d is None or None in d:
            return None
        return np.array(d, op.attrs["out_type"].as_numpy_dtype)

    @staticmethod
    def dtype(op):
        return op.attrs["out_type"]

    @staticmethod
    def shape(op, d):
        return (None if d is None else len(d),)

    @classmethod
    def bind(cls, op, session):
        np_t = op.attrs["out_type"].as_numpy_dtype
        cache = {}  # shape tuple -> read-only array: training loops see the same shapes every step

        def shape_of(x):
            shp = np.shape(x)
            out = cache.get(shp)
            if out is None:
                out = np.array(shp, dtype=np_t)
                out.flags.writeable = False
                if len(cache) < 64:
                    cache[shp] = out
            return out
        return shape_of


class Size(OpDef):
    type_name = "Size"
    kernel_attrs = ("out_type",)
    grad = None

    @classmethod
    def numpy_source(cls, op, args):
        return "np.array(np.size(%s), dtype=%r)" % (args[0], op.get_attr("out_type").name)

    @classmethod
    def static_value(cls, op):
        d = op.inputs[0].shape.dim_sizes
        if d is None or None in d:
            return None
        return np.array(int(np.prod(d, dtype=np.int64)), op.attrs["out_type"].as_numpy_dtype)

    @staticmethod
    def dtype(op):
        return op.attrs["out_type"]

    @staticmethod
    def shape(op, d):
        return ()

    @staticmethod
    def kernel(x, out_type):
        return np.array(np.size(x), dtype=out_type.as_numpy_dtype)


class Rank(OpDef):
    type_name = "Rank"
    grad = None

    @classmethod
    def numpy_source(cls, op, args):
        return "np.array(np.ndim(%s), dtype=np.int32)" % args[0]

    @classmethod
    def static_value(cls, op):
        d = op.inputs[0].shape.dim_sizes
        return None if d is None else np.array(len(d), np.int32)  # Rank has no out_type attr: always int32

    @staticmethod
    def dtype(op):
        return _dtypes.int32

    @staticmethod
    def shape(op, d):
        return ()

    @staticmethod
    def kernel(x):
        return np.array(np.ndim(x), dtype=np.int32)


def shape(input, name=None, out_type=_dtypes.int32) -> Tensor:  # noqa: A002
    """The shape of `input` as an int32 tensor (tf.shape)."""
    with op_scope(name, "Shape", [input]) as s:
        x = s.convert(input, "input")
        return s.make(Shape, [x], {"out_type": _dtypes.as_dtype(out_type), "T": x.dtype}).outputs[0]


def size(input, name=None, out_type=_dtypes.int32) -> Tensor:  # noqa: A002
    with op_scope(name, "Size", [input]) as s:
        x = s.convert(input, "input")
        return s.make(Size, [x], {"out_type": _dtypes.as_dtype(out_type), "T": x.dtype}).outputs[0]


def rank(input, name=None) -> Tensor:  # noqa: A002
    with op_scope(name, "Rank", [input]) as s:
        return s.make(Rank, [s.convert(input, "input")]).outputs[0]


def shape_tensor(value, arg_name="shape", dtype=None):
    """Convert a shape argument (list mixing ints and scalar tensors, or a tensor) to a 1-D int tensor."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, TensorShape):
        value = value.as_list()
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return stack(value, name=arg_name)
    if isinstance(value, (list, tuple)) and len(value) == 0:
        return constant(np.zeros([0], np.int32), name=arg_name)
    return constant(value, dtype=dtype, name=arg_name)


def _known_shape_value(t: Tensor):
    """Constant value of a shape tensor as a tuple of int-or-None (partially known via Pack)."""
    v = constant_value(t)
    if v is not None:
        return tuple(int(x) for x in np.reshape(v, [-1]))
    op = t.op
    if op.type == "Pack" and len(t.shape.as_list() if t.shape.ndims is not None else [0]) == 1:
        out = []
        for inp in op.inputs:
            c = constant_value(inp)
            out.append(None if c is None else int(c))
        return tuple(out)
    if op.type == "Shape":
        return op.inputs[0].shape.dim_sizes
    return None


# ======================================================================================
# Fill, zeros, ones, *_like
# ======================================================================================

class Fill(OpDef):
    """A tensor of shape `dims` filled with scalar `value`."""

    type_name = "Fill"

    @staticmethod
    def dtype(op):
        return op.inputs[1].dtype.base_dtype

    @staticmethod
    def shape(op, dims_d, value_d):
        known = _known_shape_value(op.inputs[0])
        if known is not None:
            return tuple(None if (d is None or d < 0) else d for d in known)
        n = dims_d[0] if dims_d is not None else None
        return None if n is None else (None,) * n

    @staticmethod
    def kernel(dims, value):
        return np.full(dims, value, dtype=np.asarray(value).dtype)

    @classmethod
    def numpy_source(cls, op, args):
        dims, value = args
        return "np.full(%s, %s, dtype=np.asarray(%s).dtype)" % (dims, value, value)

    @staticmethod
    def grad(op, g):
        from .math_ops import reduce_sum
        return [None, reduce_sum(g)]


def fill(dims, value, name=None) -> Tensor:
    with op_scope(name, "Fill", []) as s:
        d = shape_tensor(dims, "dims")
        v = s.convert(value, "value")
        return s.make(Fill, [d, v], {"T": v.dtype}).outputs[0]


def _zeros_or_ones(shape, dtype, name, default, fillv):
    dtype = _dtypes.as_dtype(dtype).base_dtype
    get_default_graph()
    if not isinstance(shape, Tensor):
        try:
            dims = TensorShape(shape).as_list() if not isinstance(shape, (list, tuple)) or not any(
                isinstance(x, Tensor) for x in shape) else None
        except (TypeError, ValueError):
            dims = None
        if dims is not None and None not in dims and int(np.prod(dims)) < 1000:
            np_t = object if dtype is _dtypes.string else dtype.as_numpy_dtype
            value = np.full(dims, b"" if dtype is _dtypes.string else fillv, dtype=np_t)
            return constant(value, dtype=dtype, name=name or default)
    with op_scope(name, default, []) as s:
        d = shape_tensor(shape, "shape_as_tensor") if not isinstance(shape, Tensor) else shape
        if d.dtype not in (_dtypes.int32, _dtypes.int64):
            d = cast(d, _dtypes.int32)
        v = constant(fillv, dtype=dtype, name="Const")
        return s.make(Fill, [d, v], {"T": dtype}).outputs[0]


def zeros(shape, dtype=_dtypes.float32, name=None) -> Tensor:
    """A tensor of zeros (tf.zeros): a Const when small, else a Fill."""
    return _zeros_or_ones(shape, dtype, name, "zeros", 0)


def ones(shape, dtype=_dtypes.float32, name=None) -> Tensor:
    return _zeros_or_ones(shape, dtype, name, "ones", 1)


class ZerosLike(OpDef):
    type_name = "ZerosLike"
    grad = None

    @classmethod
    def numpy_source(cls, op, args):
        return "np.zeros_like(%s)" % args[0]

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(x):
        return np.zeros_like(x)


class OnesLike(OpDef):
    type_name = "OnesLike"
    grad = None

    @classmethod
    def numpy_source(cls, op, args):
        return "np.ones_like(%s)" % args[0]

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(x):
        return np.ones_like(x)


def zeros_like(tensor, dtype=None, name=None, optimize=True) -> Tensor:
    with op_scope(name, "zeros_like", [tensor]) as s:
        x = s.convert(tensor, "tensor")
        if dtype is not None and _dtypes.as_dtype(dtype).base_dtype is not x.dtype.base_dtype:
            return _zeros_or_ones(shape(x), dtype, s.scope, "zeros", 0)
        return s.make(ZerosLike, [x]).outputs[0]


def ones_like(tensor, dtype=None, name=None, optimize=True) -> Tensor:
    with op_scope(name, "ones_like", [tensor]) as s:
        x = s.convert(tensor, "tensor")
        if dtype is not None and _dtypes.as_dtype(dtype).base_dtype is not x.dtype.base_dtype:
            return _zeros_or_ones(shape(x), dtype, s.scope, "ones", 1)
        return s.make(OnesLike, [x]).outputs[0]


# ======================================================================================
# Reshape, Transpose, ExpandDims, Squeeze
# ======================================================================================

class Reshape(OpDef):
    """The same values with a new shape; one -1 dimension is inferred."""

    type_name = "Reshape"

    @staticmethod
    def shape(op, d, shape_d):
        known = _known_shape_value(op.inputs[1])
        if known is None:
            if shape_d is not None and shape_d[0] is not None:
                return (None,) * shape_d[0]
            return None
        n_in = num_elements(d)
        if known.count(-1) > 1:
            raise shape_error(op, "Cannot infer multiple unknown dimensions in shape %s"
                              % fmt_dims(known), d, shape_d)
        out = [None if (k is None or k < 0) else k for k in known]
        if -1 in known:
            rest = 1
            unknown_rest = False
            for k in known:
                if k is None:
                    unknown_rest = True
                elif k != -1:
                    rest *= k
            if n_in is not None and not unknown_rest and rest == 0:
                # TF: a 0 in the shape leaves -1 unknown until run time; only a non-empty input is an error
                if n_in:
                    raise shape_error(op, "Cannot reshape a tensor with %d elements to shape %s (0 elements)"
                                      % (n_in, fmt_dims(tuple(out))), d, shape_d)
            elif n_in is not None and not unknown_rest:
                if n_in % rest:
                    raise shape_error(op, "Dimension size must be evenly divisible by %d but is %d"
                                      % (rest, n_in), d, shape_d)
                out[known.index(-1)] = n_in // rest
        elif n_in is not None and None not in out:
            want = int(np.prod(out, dtype=np.int64))
            if want != n_in:
                raise shape_error(op, "Cannot reshape a tensor with %d elements to shape %s (%d elements)"
                                  % (n_in, fmt_dims(tuple(out)), want), d, shape_d)
        return tuple(out)

    @staticmethod
    def kernel(x, shape):
        try:
            return np.reshape(x, shape)
        except ValueError:
            n = np.size(x)
            shp = [int(s) for s in np.reshape(shape, [-1])]
            if -1 in shp and 0 in shp:
                # TF's rule for a shape with a 0: the -1 is the input's non-zero dims over the other sizes
                inferred = _zero_size_reshape(np.shape(x), shp)
                if int(np.prod(inferred)) == n:
                    return np.reshape(x, inferred)
                raise InvalidArgumentError(None, None, "Input to reshape is a tensor with %d values, but the "
                                           "requested shape has %d" % (n, int(np.prod(inferred)))) from None
            if -1 in shp:
                rest = int(np.prod([s for s in shp if s != -1]))
                msg = ("Input to reshape is a tensor with %d values, but the requested shape requires a "
                       "multiple of %d" % (n, rest))
            else:
                msg = ("Input to reshape is a tensor with %d values, but the requested shape has %d"
                       % (n, int(np.prod(shp))))
            raise InvalidArgumentError(None, None, msg) from None

    @classmethod
    def numpy_source(cls, op, args):
        return "np.reshape(%s, %s)" % tuple(args)

    @staticmethod
    def grad(op, g):
        return [reshape(g, shape(op.inputs[0])), None]


def _zero_size_reshape(in_shape, sizes) -> list:
    """TF's ReshapeOp with a 0 in `sizes`: -1 = (product of the input's non-zero dims) // (product of the
    other non-zero sizes), so [3, 0] reshaped to [-1, 0] is [3, 0]."""
    rest = int(np.prod([s for s in sizes if s > 0]))
    n = int(np.prod([d for d in in_shape if d > 0]))
    return [n // rest if s == -1 else s for s in sizes]


def reshape(tensor, shape, name=None) -> Tensor:  # noqa: F811
    """Reshape `tensor` (tf.reshape); a list shape may hold -1 and scalar tensors."""
    with op_scope(name, "Reshape", [tensor]) as s:
        x = s.convert(tensor, "tensor")
        sh = shape_tensor(shape, "shape")
        return s.make(Reshape, [x, sh], {"T": x.dtype, "Tshape": sh.dtype}).outputs[0]


class Transpose(OpDef):
    type_name = "Transpose"

    @staticmethod
    def shape(op, d, perm_d):
        perm = constant_value(op.inputs[1])
        if perm is None:
            return None if d is None else (None,) * len(d)
        perm = [int(p) for p in np.reshape(perm, [-1])]
        if d is None:
            return (None,) * len(perm)
        if len(perm) != len(d):
            raise shape_error(op, "Dimension must be %d but is %d" % (len(d), len(perm)), d, perm_d)
        for p in perm:
            if not 0 <= p < len(d):
                raise shape_error(op, "perm dim %d is out of range of input rank %d" % (p, len(d)), d, perm_d)
        return tuple(d[p] for p in perm)

    @staticmethod
    def kernel(x, perm):
        return np.transpose(x, perm)

    @classmethod
    def numpy_source(cls, op, args):
        return "np.transpose(%s, %s)" % tuple(args)

    @staticmethod
    def grad(op, g):
        from .math_ops import invert_permutation
        return [transpose(g, invert_permutation(op.inputs[1])), None]


def transpose(a, perm=None, name="transpose", conjugate=False) -> Tensor:
    """Permute the dimensions (tf.transpose); default reverses them."""
    with op_scope(name, "transpose", [a]) as s:
        x = s.convert(a, "a")
        if perm is None:
            r = x.shape.ndims
            if r is not None:
                p = constant(np.arange(r - 1, -1, -1, dtype=np.int32), name="perm")
            else:
                from .math_ops import range as _range, subtract
                rk = rank(x)
                p = subtract(subtract(rk, 1), _range(0, rk, 1))
        else:
            p = s.convert(perm, "perm", dtype=_dtypes.int32) if not isinstance(perm, Tensor) else perm
        return s.make(Transpose, [x, p], {"T": x.dtype, "Tperm": p.dtype}).outputs[0]


class ExpandDims(OpDef):
    type_name = "ExpandDims"

    @staticmethod
    def shape(op, d, axis_d):
        ax = constant_value(op.inputs[1])
        if d is None or ax is None:
            return None
        ax = int(np.reshape(ax, [-1])[0])
        r = len(d)
        if not -r - 1 <= ax <= r:
            raise shape_error(op, "Tried to expand dim index %d for tensor with %d dimensions." % (ax, r),
                              d, axis_d)
        if ax < 0:
            ax += r + 1
        return d[:ax] + (1,) + d[ax:]

    @staticmethod
    def kernel(x, axis):
        return np.expand_dims(x, int(np.reshape(axis, [-1])[0]))

    @classmethod
    def bind(cls, op, session):
        axis = constant_value(op.inputs[1])
        if axis is None:
            return cls.kernel
        ax = int(np.reshape(axis, [-1])[0])

        def expand(x, axis_value):  # a reshape: no copy, far cheaper than np.expand_dims
            s = np.shape(x)
            a = ax if ax >= 0 else len(s) + 1 + ax
            return np.reshape(x, s[:a] + (1,) + s[a:])
        return expand

    @classmethod
    def numpy_source(cls, op, args):
        return "np.expand_dims(%s, int(np.reshape(%s, [-1])[0]))" % tuple(args)

    @staticmethod
    def grad(op, g):
        return [reshape(g, shape(op.inputs[0])), None]


def expand_dims(input, axis=None, name=None, dim=None) -> Tensor:  # noqa: A002
    if axis is None:
        axis = dim
    with op_scope(name, "ExpandDims", [input]) as s:
        x = s.convert(input, "input")
        a = s.convert(axis, "dim", dtype=_dtypes.int32) if not isinstance(axis, Tensor) else axis
        return s.make(ExpandDims, [x, a], {"T": x.dtype}).outputs[0]


class Squeeze(OpDef):
    type_name = "Squeeze"
    kernel_attrs = ("squeeze_dims",)

    @staticmethod
    def shape(op, d):
        axes = op.attrs["squeeze_dims"]
        if d is None:
            return None
        r = len(d)
        if axes:
            norm = []
            for a in axes:
                if not -r <= a < r:
                    raise shape_error(op, "Tried to squeeze dim index %d for tensor with %d dimensions." % (a, r), d)
                a = a + r if a < 0 else a
                if d[a] is not None and d[a] != 1:
                    raise shape_error(op, "Can not squeeze dim[%d], expected a dimension of 1, got %d" % (a, d[a]), d)
                norm.append(a)
            return tuple(x for i, x in enumerate(d) if i not in norm)
        if None in d:
            return None  # which unknown dims are 1 is only known at run time
        return tuple(x for x in d if x != 1)

    @staticmethod
    def kernel(x, squeeze_dims):
        try:
            return np.squeeze(x, axis=tuple(squeeze_dims) if squeeze_dims else None)
        except ValueError:
            raise InvalidArgumentError(None, None, "Can not squeeze dim[%s], expected a dimension of 1, got %s"
                                       % (squeeze_dims, np.shape(x))) from None

    @classmethod
    def numpy_source(cls, op, args):
        dims = op.get_attr("squeeze_dims")
        return "np.squeeze(%s, axis=%r)" % (args[0], tuple(dims) if dims else None)

    @staticmethod
    def grad(op, g):
        return [reshape(g, shape(op.inputs[0]))]


def squeeze(input, axis=None, name=None, squeeze_dims=None) -> Tensor:  # noqa: A002
    if axis is None:
        axis = squeeze_dims
    if isinstance(axis, int):
        axis = [axis]
    with op_scope(name, "Squeeze", [input]) as s:
        x = s.convert(input, "input")
        return s.make(Squeeze, [x], {"T": x.dtype, "squeeze_dims": list(axis or [])}).outputs[0]


# ======================================================================================
# Concat, Pack (stack), Unpack (unstack), Split, Tile, Pad, Reverse, BroadcastTo
# ======================================================================================

class ConcatV2(OpDef):
    """Join tensors along an existing axis (the last input)."""

    type_name = "ConcatV2"

    @staticmethod
    def shape(op, *dims):
        vals, _axis_d = dims[:-1], dims[-1]
        axis = constant_value(op.inputs[-1])
        known = [d for d in vals if d is not None]
        if not known:
            return None
        r = len(known[0])
        if axis is None:
            return (None,) * r
        axis = int(axis)
        if not -r <= axis < r:
            raise shape_error(op, "ConcatOp : Expected concatenating dimensions in the range [%d, %d), but got %d"
                              % (-r, r, axis), *dims)
        if axis < 0:
            axis += r
        out = list(known[0])
        total = 0
        for d in vals:
            if d is None:
                total = None
                continue
            if len(d) != r:
                raise shape_error(op, "Shape must be rank %d but is rank %d" % (r, len(d)), *dims)
            for i in range(r):
                if i == axis:
                    continue
                if out[i] is None:
                    out[i] = d[i]
                elif d[i] is not None and d[i] != out[i]:
                    raise shape_error(op, "Dimension %d in both shapes must be equal, but are %d and %d. Shapes "
                                      "are %s and %s." % (i, out[i], d[i], fmt_dims(tuple(
                                          x for j, x in enumerate(known[0]) if j != axis)), fmt_dims(tuple(
                                              x for j, x in enumerate(d) if j != axis))), *dims)
            if total is not None:
                total = None if d[axis] is None else total + d[axis]
        out[axis] = total
        return tuple(out)

    @staticmethod
    def kernel(*args):
        axis = int(args[-1])
        try:
            return np.concatenate(args[:-1], axis=axis)
        except ValueError:
            shapes = [np.shape(a) for a in args[:-1]]
            for j, shp in enumerate(shapes[1:], 1):
                for i, (a, b) in enumerate(zip(shapes[0], shp)):
                    if i != axis % len(shp) and a != b:
                        raise InvalidArgumentError(None, None, "ConcatOp : Dimension %d in both shapes must be "
                                                   "equal: shape[0] = %s vs. shape[%d] = %s"
                                                   % (i, fmt_dims(shapes[0]), j, fmt_dims(shp))) from None
            raise InvalidArgumentError(None, None, "ConcatOp : Ranks of all input tensors should match: shape[0] = "
                                       "%s vs. shape[1] = %s" % (fmt_dims(shapes[0]), fmt_dims(shapes[-1]))) from None

    @classmethod
    def numpy_source(cls, op, args):
        return "np.concatenate([%s], axis=int(%s))" % (", ".join(args[:-1]), args[-1])

    @staticmethod
    def grad(op, g):
        from .math_ops import _concat_grad
        return _concat_grad(op, g)


def concat(values, axis, name="concat") -> Tensor:
    """Concatenate tensors along `axis` (tf.concat)."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    with op_scope(name, "concat", list(values)) as s:
        if len(values) == 1:
            ax = s.convert(axis, "axis", dtype=_dtypes.int32)
            return identity(s.convert(values[0], "values"), name=s.scope)
        vs = [s.convert(v, "values_%d" % i) if not isinstance(v, Tensor) else v for i, v in enumerate(values)]
        next((v for v in vs if isinstance(v, Tensor)), None)
        from ..framework.opdef import same_dtype
        same_dtype("ConcatV2", [("values", vs[0])] + [("values", v) for v in vs[1:]])
        ax = s.convert(axis, "axis", dtype=_dtypes.int32)
        return s.make(ConcatV2, vs + [ax], {"T": vs[0].dtype, "N": len(vs)}).outputs[0]


class Pack(OpDef):
    """Stack N tensors of one shape into one tensor with a new axis."""

    type_name = "Pack"
    kernel_attrs = ("axis",)

    @staticmethod
    def shape(op, *dims):
        axis = op.attrs["axis"]
        merged = None
        first_known = None
        for d in dims:
            if d is None:
                continue
            if first_known is None:
                first_known = d
                merged = d
                continue
            try:
                merged = merge_dims(merged, d)
            except ValueError:
                raise shape_error(op, "Shapes must be equal rank, but are %d and %d" % (len(merged), len(d))
                                  if len(merged) != len(d) else
                                  "Dimension mismatch in Pack: %s vs %s" % (fmt_dims(merged), fmt_dims(d)),
                                  *dims) from None
        if merged is None:
            return None
        r = len(merged) + 1
        if not -r <= axis < r:
            raise shape_error(op, "Pack: axis %d not in [%d, %d)" % (axis, -r, r), *dims)
        if axis < 0:
            axis += r
        return merged[:axis] + (len(dims),) + merged[axis:]

    @staticmethod
    def kernel(*args, axis):
        return np.stack(args, axis=axis)

    @classmethod
    def numpy_source(cls, op, args):
        return "np.stack([%s], axis=%d)" % (", ".join(args), op.get_attr("axis"))

    @staticmethod
    def grad(op, g):
        return unstack(g, num=len(op.inputs), axis=op.get_attr("axis"))

    @classmethod
    def constant_fold(cls, op, values):
        return np.stack(values, axis=op.attrs["axis"])


def stack(values, axis=0, name="stack") -> Tensor:
    """Stack a list of rank-R tensors into one rank-(R+1) tensor (tf.stack)."""
    with op_scope(name, "stack", [v for v in values if isinstance(v, Tensor)]) as s:
        vs = []
        first = next((v for v in values if isinstance(v, Tensor)), None)
        for i, v in enumerate(values):
            if isinstance(v, Tensor):
                vs.append(v)
            else:
                vs.append(s.convert(v, "values_%d" % i, dtype=first.dtype.base_dtype if first is not None else None))
        from ..framework.opdef import same_dtype
        same_dtype("Pack", [("values", v) for v in vs])
        return s.make(Pack, vs, {"T": vs[0].dtype, "N": len(vs), "axis": axis}).outputs[0]


class Unpack(OpDef):
    """Split a tensor into its slices along an axis (several outputs)."""

    type_name = "Unpack"
    kernel_attrs = ("axis", "num")

    @classmethod
    def outputs(cls, op):
        d = op.inputs[0].shape.dim_sizes
        axis, num = op.attrs["axis"], op.attrs["num"]
        dt = op.inputs[0].dtype.base_dtype
        if d is None:
            return [(dt, None)] * num
        a = axis + len(d) if axis < 0 else axis
        rest = d[:a] + d[a + 1:]
        return [(dt, rest)] * num

    @staticmethod
    def kernel(x, axis, num):
        x = np.asarray(x)
        if x.shape[axis] != num:
            raise InvalidArgumentError(None, None, "Input shape axis %d must equal %d, got shape %s"
                                       % (axis, num, fmt_dims(x.shape)))
        return tuple(np.take(x, i, axis=axis) for i in range(num))

    @classmethod
    def numpy_source(cls, op, args):
        return "tuple(np.take(np.asarray(%s), i, axis=%d) for i in range(%d))" % (
            args[0], op.get_attr("axis"), op.get_attr("num"))

    @staticmethod
    def grad(op, *grads):
        outs = []
        for g, o in zip(grads, op.outputs):
            outs.append(g if g is not None else zeros_like(o))
        return [stack(outs, axis=op.get_attr("axis"))]


def unstack(value, num=None, axis=0, name="unstack") -> list:
    """Unpack the slices of `value` along `axis` into a list (tf.unstack)."""
    with op_scope(name, "unstack", [value]) as s:
        x = s.convert(value, "value")
        d = x.shape.dim_sizes
        if num is None:
            if d is None:
                raise ValueError("Cannot infer num from shape %s" % x.shape)
            num = d[axis]
            if num is None:
                raise ValueError("Cannot infer argument `num` from shape %s" % x.shape)
        if d is not None and not -len(d) <= axis < len(d):
            raise ValueError("Dimension %d must be in range [-%d, %d)" % (axis, len(d), len(d)))
        return s.make(Unpack, [x], {"T": x.dtype, "num": num, "axis": axis}).outputs


class Split(OpDef):
    """Split a tensor into `num_split` equal pieces along an axis (input 0 is the axis)."""

    type_name = "Split"
    kernel_attrs = ("num_split",)

    @classmethod
    def outputs(cls, op):
        n = op.attrs["num_split"]
        x = op.inputs[1]
        d = x.shape.dim_sizes
        ax = constant_value(op.inputs[0])
        dt = x.dtype.base_dtype
        if d is None or ax is None:
            return [(dt, None if d is None else (None,) * len(d))] * n
        ax = int(ax) % len(d)
        if d[ax] is not None and d[ax] % n:
            raise shape_error(op, "Dimension size must be evenly divisible by %d but is %d" % (n, d[ax]),
                              (), d)
        return [(dt, d[:ax] + (None if d[ax] is None else d[ax] // n,) + d[ax + 1:])] * n

    @staticmethod
    def kernel(axis, x, num_split):
        try:
            return tuple(np.split(x, num_split, axis=int(axis)))
        except ValueError:
            raise InvalidArgumentError(None, None, "Number of ways to split should evenly divide the split "
                                       "dimension, but got split_dim %d (size = %d) and num_split %d"
                                       % (int(axis), np.shape(x)[int(axis)], num_split)) from None

    @classmethod
    def numpy_source(cls, op, args):
        return "tuple(np.split(%s, %d, axis=int(%s)))" % (args[1], op.get_attr("num_split"), args[0])

    @staticmethod
    def grad(op, *grads):
        outs = [g if g is not None else zeros_like(o) for g, o in zip(grads, op.outputs)]
        return [None, concat(outs, op.inputs[0])]


class SplitV(OpDef):
    """Split a tensor into pieces of the given sizes along an axis."""

    type_name = "SplitV"
    kernel_attrs = ("num_split",)

    @classmethod
    def outputs(cls, op):
        n = op.attrs["num_split"]
        x = op.inputs[0]
        d = x.shape.dim_sizes
        sizes = constant_value(op.inputs[1])
        ax = constant_value(op.inputs[2])
        dt = x.dtype.base_dtype
        if d is None or ax is None or sizes is None:
            return [(dt, None if d is None else (None,) * len(d))] * n
        ax = int(ax) % len(d)
        sizes = [int(v) for v in sizes]
        if -1 in sizes and d[ax] is not None:
            sizes[sizes.index(-1)] = d[ax] - (sum(sizes) + 1)
        return [(dt, d[:ax] + (sz if sz >= 0 else None,) + d[ax + 1:]) for sz in sizes]

    @staticmethod
    def kernel(x, sizes, axis, num_split):
        sizes = [int(v) for v in sizes]
        ax = int(axis)
        if -1 in sizes:
            sizes[sizes.index(-1)] = np.shape(x)[ax] - (sum(sizes) + 1)
        if sum(sizes) != np.shape(x)[ax]:
            raise InvalidArgumentError(None, None, "Determined shape must either match input shape along "
                                       "split_dim exactly if fully specified, or be less than the size of the "
                                       "input along split_dim if not fully specified.  Got: %d" % sum(sizes))
        return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=ax))

    @classmethod
    def numpy_source(cls, op, args):
        return "_split_v(%s, %s, %s)" % tuple(args), {"_split_v": '''
def _split_v(x, sizes, axis):
    """x split along axis into pieces of the given sizes (one size may be -1: the rest)."""
    sizes = [int(v) for v in sizes]
    ax = int(axis)
    if -1 in sizes:
        sizes[sizes.index(-1)] = np.shape(x)[ax] - (sum(sizes) + 1)
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=ax))
'''}

    @staticmethod
    def grad(op, *grads):
        outs = [g if g is not None else zeros_like(o) for g, o in zip(grads, op.outputs)]
        return [concat(outs, op.inputs[2]), None, None]


def split(value, num_or_size_splits, axis=0, num=None, name="split") -> list:
    """Split `value` into equal pieces or pieces of given sizes (tf.split)."""
    with op_scope(name, "split", [value]) as s:
        x = s.convert(value, "value")
        if isinstance(num_or_size_splits, (int, np.integer)):
            ax = s.convert(axis, "split_dim", dtype=_dtypes.int32)
            return s.make(Split, [ax, x], {"T": x.dtype, "num_split": int(num_or_size_splits)}).outputs
        sizes = s.convert(num_or_size_splits, "size_splits", dtype=_dtypes.int32) \
            if not isinstance(num_or_size_splits, Tensor) else num_or_size_splits
        n = num if num is not None else (sizes.shape.dim_sizes[0] if sizes.shape.dim_sizes else None)
        if n is None:
            raise ValueError("Cannot infer argument `num` from shape %s" % sizes.shape)
        ax = s.convert(axis, "split_dim", dtype=_dtypes.int32)
        return s.make(SplitV, [x, sizes, ax], {"T": x.dtype, "num_split": int(n)}).outputs


class Tile(OpDef):
    type_name = "Tile"

    @staticmethod
    def shape(op, d, m_d):
        m = constant_value(op.inputs[1])
        if d is None:
            return None if m_d is None or m_d[0] is None else (None,) * m_d[0]
        if m is None:
            return (None,) * len(d)
        m = [int(v) for v in np.reshape(m, [-1])]
        if len(m) != len(d):
            raise shape_error(op, "Shape must be rank %d but is rank %d" % (len(d), len(m)), d, m_d)
        return tuple(None if x is None else x * k for x, k in zip(d, m))

    @staticmethod
    def kernel(x, multiples):
        if np.ndim(x) != len(multiples):
            raise InvalidArgumentError(None, None, "Expected multiples argument to be a vector of length %d but "
                                       "got length %d" % (np.ndim(x), len(multiples)))
        return np.tile(x, multiples)

    @classmethod
    def numpy_source(cls, op, args):
        return "np.tile(%s, %s)" % tuple(args)

    @staticmethod
    def grad(op, g):
        from .math_ops import reduce_sum
        x, m = op.inputs
        in_shape = shape(x)
        split_shape = reshape(transpose(stack([m, in_shape])), [-1])
        axes = _range_like(0, size(split_shape), 2)
        return [reshape(reduce_sum(reshape(g, split_shape), axes), in_shape), None]


def _range_like(start, limit, delta):
    from .math_ops import range as _range
    return _range(start, limit, delta)


def tile(input, multiples, name=None) -> Tensor:  # noqa: A002
    with op_scope(name, "Tile", [input]) as s:
        x = s.convert(input, "input")
        m = shape_tensor(multiples, "multiples")
        return s.make(Tile, [x, m], {"T": x.dtype}).outputs[0]


class Pad(OpDef):
    type_name = "PadV2"
    numpy_kernel = True
    kernel_attrs = ("mode",)

    @staticmethod
    def shape(op, d, p_d, c_d):
        p = constant_value(op.inputs[1])
        if d is None:
            return None
        if p is None:
            return (None,) * len(d)
        p = np.reshape(p, [-1, 2])
        return tuple(None if x is None else x + int(a) + int(b) for x, (a, b) in zip(d, p))

    @staticmethod
    def kernel(x, paddings, constant_values, mode):
        pw = [(int(a), int(b)) for a, b in np.reshape(paddings, [-1, 2])]
        if not pw:  # a scalar (paddings of shape [0, 2]) pads to itself
            return np.array(x)
        if mode == "CONSTANT":
            return np.pad(x, pw, mode="constant", constant_values=constant_values)
        return np.pad(x, pw, mode="reflect" if mode == "REFLECT" else "symmetric")

    @staticmethod
    def grad(op, g):
        x, p, _ = op.inputs
        begin = slice(p, [0, 0], [-1, 1])
        return [slice(g, reshape(begin, [-1]), shape(x)), None, None]


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0) -> Tensor:
    with op_scope(name, "Pad", [tensor]) as s:
        x = s.convert(tensor, "input")
        p = s.convert(paddings, "paddings", dtype=_dtypes.int32) if not isinstance(paddings, Tensor) else paddings
        c = s.convert(constant_values, "constant_values", dtype=x.dtype.base_dtype)
        return s.make(Pad, [x, p, c], {"T": x.dtype, "mode": mode.upper()}).outputs[0]


class ReverseV2(OpDef):
    type_name = "ReverseV2"
    numpy_kernel = True

    @staticmethod
    def shape(op, d, a_d):
        return d

    @staticmethod
    def kernel(x, axis):
        return np.flip(x, axis=tuple(int(a) for a in np.reshape(axis, [-1])))

    @staticmethod
    def grad(op, g):
        return [reverse(g, op.inputs[1]), None]


def reverse(tensor, axis, name=None) -> Tensor:
    with op_scope(name, "ReverseV2", [tensor]) as s:
        x = s.convert(tensor, "tensor")
        a = s.convert(axis, "axis", dtype=_dtypes.int32) if not isinstance(axis, Tensor) else axis
        return s.make(ReverseV2, [x, a], {"T": x.dtype}).outputs[0]


class BroadcastTo(OpDef):
    type_name = "BroadcastTo"

    @staticmethod
    def shape(op, d, s_d):
        known = _known_shape_value(op.inputs[1])
        if known is None:
            return None
        return tuple(known)

    @staticmethod
    def kernel(x, shape):
        try:
            return np.broadcast_to(x, tuple(int(v) for v in shape)).copy()
        except ValueError:
            raise InvalidArgumentError(None, None, "Incompatible shapes: %s vs. %s"
                                       % (fmt_dims(np.shape(x)), fmt_dims(tuple(shape)))) from None

    @classmethod
    def numpy_source(cls, op, args):
        return "np.broadcast_to(%s, tuple(int(v) for v in %s)).copy()" % tuple(args)

    @staticmethod
    def grad(op, g):
        from .math_ops import sum_to_shape_of
        return [sum_to_shape_of(g, op.inputs[0]), None]


def broadcast_to(input, shape, name=None) -> Tensor:  # noqa: A002
    with op_scope(name, "BroadcastTo", [input]) as s:
        x = s.convert(input, "input")
        sh = shape_tensor(shape, "shape")
        return s.make(BroadcastTo, [x, sh], {"T": x.dtype}).outputs[0]


# ======================================================================================
# Gather, Slice, StridedSlice, OneHot, Select/Where, Cast
# ======================================================================================

class GatherV2(OpDef):
    """Pick slices of `params` along `axis` by integer `indices`."""

    type_name = "GatherV2"

    @staticmethod
    def dtype(op):
        return op.inputs[0].dtype.base_dtype

    @staticmethod
    def shape(op, p, i, a):
        ax = constant_value(op.inputs[2])
        if p is None or i is None or ax is None:
            return None
        ax = int(ax)
        if ax < 0:
            ax += len(p)
        return p[:ax] + i + p[ax + 1:]

    @staticmethod
    def kernel(params, indices, axis):
        ax = int(axis)
        n = np.shape(params)[ax]
        idx = np.asarray(indices)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            bad = idx.reshape(-1)[np.argmax((idx.reshape(-1) < 0) | (idx.reshape(-1) >= n))]
            raise InvalidArgumentError(None, None, "indices = %d is not in [0, %d)" % (bad, n))
        return np.take(params, idx, axis=ax)

    @classmethod
    def numpy_source(cls, op, args):
        return "np.take(%s, np.asarray(%s), axis=int(%s))" % tuple(args)

    @staticmethod
    def grad(op, g):
        from .math_ops import unsorted_segment_sum
        params, indices, axis = op.inputs
        ax = constant_value(axis)
        if ax is None or int(ax) != 0:
            from .math_ops import _gather_grad_general
            return _gather_grad_general(op, g)
        p_shape = shape(params)
        flat_idx = reshape(indices, [-1])
        rest = slice(p_shape, [1], [-1])
        g2 = reshape(g, concat([[-1], rest], 0))
        return [unsorted_segment_sum(g2, flat_idx, p_shape[0]), None, None]


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0) -> Tensor:
    """Gather slices of `params` at `indices` (tf.gather)."""
    with op_scope(name, "GatherV2", [params, indices]) as s:
        p = s.convert(params, "params")
        i = s.convert(indices, "indices")
        if not i.dtype.base_dtype.is_integer:
            raise TypeError("Value passed to parameter 'indices' has DataType %s not in list of allowed values: "
                            "int16, int32, int64" % i.dtype.base_dtype.name)
        a = s.convert(0 if axis is None else axis, "axis", dtype=_dtypes.int32)
        return s.make(GatherV2, [p, i, a], {"Tparams": p.dtype, "Tindices": i.dtype, "batch_dims": batch_dims}).outputs[0]


class Slice(OpDef):
    """A slice of `size` elements starting at `begin` (size -1: to the end)."""

    type_name = "Slice"

    @staticmethod
    def shape(op, d, b_d, s_d):
        b = constant_value(op.inputs[1])
        sz = _known_shape_value(op.inputs[2])
        if d is None:
            return None if s_d is None or s_d[0] is None else (None,) * s_d[0]
        if sz is None:
            return (None,) * len(d)
        out = []
        for i, k in enumerate(sz):
            if k is None:
                out.append(None)
            elif k == -1:
                out.append(None if (d[i] is None or b is None) else d[i] - int(b[i]))
            else:
                out.append(k)
        return tuple(out)

    @staticmethod
    def kernel(x, begin, size):
        x = np.asarray(x)
        idx = []
        for i, (b, s) in enumerate(zip(begin, size)):
            b, s = int(b), int(s)
            end = x.shape[i] if s == -1 else b + s
            if b < 0 or end > x.shape[i] or end < b:
                raise InvalidArgumentError(None, None, "Expected size[%d] in [0, %d], but got %d"
                                           % (i, x.shape[i] - b, s))
            idx.append(builtins.slice(b, end))
        return x[tuple(idx)]

    @classmethod
    def numpy_source(cls, op, args):
        return "_slice(%s, %s, %s)" % tuple(args), {"_slice": '''
def _slice(x, begin, size):
    """x[begin : begin + size] on every axis (size -1: to the end)."""
    x = np.asarray(x)
    return x[tuple(slice(int(b), x.shape[i] if int(s) == -1 else int(b) + int(s))
                   for i, (b, s) in enumerate(zip(begin, size)))]
'''}

    @staticmethod
    def grad(op, g):
        x, begin, _ = op.inputs
        in_shape = shape(x)
        before = reshape(begin, [-1, 1])
        after = reshape(in_shape - shape(op.outputs[0]) - begin, [-1, 1])
        return [pad(g, concat([before, after], 1)), None, None]


def slice(input_, begin, size, name=None) -> Tensor:  # noqa: A001
    """Extract a slice (tf.slice)."""
    with op_scope(name, "Slice", [input_]) as s:
        x = s.convert(input_, "input")
        b = shape_tensor(begin, "begin")
        sz = shape_tensor(size, "size")
        return s.make(Slice, [x, b, sz], {"T": x.dtype, "Index": b.dtype}).outputs[0]


class StridedSlice(OpDef):
    """NumPy-style indexing (what `tensor[...]` builds)."""

    type_name = "StridedSlice"
    kernel_attrs = ("spec",)

    @staticmethod
    def shape(op, d, *rest):
        spec = op.attrs["spec"]
        b, e, st = (constant_value(t) for t in op.inputs[1:])
        if d is None:
            return None
        if b is None or e is None or st is None:
            if any(k[0] == "tensor" for k in spec):
                pass
            out, i = [], 0
            for kind, *_ in spec:
                if kind == "newaxis":
                    out.append(1)
                elif kind == "ellipsis":
                    n = len(d) - sum(1 for k in spec if k[0] not in ("newaxis", "ellipsis"))
                    out.extend(d[i:i + n])
                    i += n
                elif kind == "index":
                    i += 1
                else:
                    out.append(None)
                    i += 1
            out.extend(d[i:])
            return tuple(out)
        try:
            idx = _build_index(spec, b, e, st, len(d), d, op)
        except IndexError as exc:
            raise shape_error(op, str(exc), d, *rest) from None
        probe = []
        for x in d:
            probe.append(x if x is not None else 10 ** 6)
        try:
            shp = np.empty(probe, dtype=np.bool_)[idx].shape if int(np.prod(probe)) < 10 ** 7 else None
        except Exception:
            shp = None
        if shp is None:
            return None
        # map unknown input dims to unknown outputs
        out, i = [], 0
        for pos, k in enumerate(idx):
            if k is None:
                out.append(1)
            elif k is Ellipsis:
                n = len(d) - sum(1 for kk in idx if kk is not None and kk is not Ellipsis)
                out.extend(d[i:i + n])
                i += n
            elif isinstance(k, builtins.slice):
                out.append(None if d[i] is None else len(range(*k.indices(d[i]))))
                i += 1
            else:
                i += 1
        out.extend(d[i:])
        return tuple(out)

    @staticmethod
    def kernel(x, begin, end, strides, spec):
        x = np.asarray(x)
        try:
            return x[_build_index(spec, begin, end, strides, x.ndim, x.shape, None)]
        except IndexError as exc:
            raise InvalidArgumentError(None, None, str(exc)) from None

    @classmethod
    def numpy_source(cls, op, args):
        """NumPy indexing written out (`x[:, 0]`); needs constant begin, end and strides."""
        index = _index_source(op, 1)
        return None if index is None else "np.asarray(%s)[%s]" % (args[0], index)

    @staticmethod
    def grad(op, g):
        x = op.inputs[0]
        return [StridedSliceGrad_apply(shape(x), op.inputs[1], op.inputs[2], op.inputs[3], g,
                                       op.get_attr("spec")), None, None, None]


def _index_source(op, first):
    """A StridedSlice(Grad) op's index as NumPy source (`:, 0`), from its constant begin, end and strides
    (inputs first..first+2); None if they are not constants."""
    b, e, st = (constant_value(t) for t in op.inputs[first:first + 3])
    if b is None or e is None or st is None:
        return None
    parts = []
    for j, (kind, has_b, has_e) in enumerate(op.get_attr("spec")):
        if kind == "newaxis":
            parts.append("None")
        elif kind == "ellipsis":
            parts.append("...")
        elif kind == "index":
            parts.append(str(int(b[j])))
        else:
            step = int(st[j])
            parts.append("%s:%s%s" % (int(b[j]) if has_b else "", int(e[j]) if has_e else "",
                                      "" if step == 1 else ":%d" % step))
    if not parts:
        return "()"
    return ", ".join(parts) + ("," if len(parts) == 1 else "")


def _build_index(spec, begin, end, strides, ndim, dims, op):
    idx = []
    j = 0
    consumed = sum(1 for k in spec if k[0] not in ("newaxis", "ellipsis"))
    dim = 0
    for kind, has_b, has_e in spec:
        if kind == "newaxis":
            idx.append(None)
            j += 1
            continue
        if kind == "ellipsis":
            idx.append(Ellipsis)
            dim += ndim - consumed
            j += 1
            continue
        if dim >= ndim:
            raise IndexError("Index out of range using input dim %d; input has only %d dims" % (dim, ndim))
        if kind == "index":
            k = int(begin[j])
            n = dims[dim]
            if n is not None and not -n <= k < n:
                raise IndexError("slice index %d of dimension %d out of bounds." % (k, dim))
            idx.append(k)
        else:
            idx.append(builtins.slice(int(begin[j]) if has_b else None, int(end[j]) if has_e else None,
                                      int(strides[j])))
        j += 1
        dim += 1
    return tuple(idx)


class StridedSliceGrad(OpDef):
    """Scatter a slice's gradient back into zeros of the input shape."""

    type_name = "StridedSliceGrad"
    kernel_attrs = ("spec",)

    @classmethod
    def numpy_source(cls, op, args):
        index = _index_source(op, 1)
        if index is None:
            return None
        return "_strided_slice_grad(%s, %s, np.index_exp[%s])" % (args[0], args[4], index), {
            "_strided_slice_grad": '''
def _strided_slice_grad(shape, dy, index):
    """dy scattered into zeros of `shape` at `index` (the gradient of a slice)."""
    out = np.zeros(tuple(int(v) for v in shape), dtype=np.asarray(dy).dtype)
    out[index] = dy
    return out
'''}

    @staticmethod
    def grad(op, gg):
        """Linear in dy: its gradient is the same slice of the incoming gradient (TF's rule)."""
        b, e, st = op.inputs[1:4]
        with op_scope(None, "StridedSlice", [gg]) as s:
            sliced = s.make(StridedSlice, [gg, b, e, st], {"T": gg.dtype, "Index": b.dtype,
                                                           "spec": op.get_attr("spec")}).outputs[0]
        return [None, None, None, None, sliced]

    @staticmethod
    def dtype(op):
        return op.inputs[4].dtype.base_dtype

    @staticmethod
    def shape(op, s_d, *rest):
        known = _known_shape_value(op.inputs[0])
        return None if known is None else tuple(known)

    @staticmethod
    def kernel(shape, begin, end, strides, dy, spec):
        out = np.zeros(tuple(int(v) for v in shape), dtype=np.asarray(dy).dtype)
        idx = _build_index(spec, begin, end, strides, out.ndim, out.shape, None)
        out[idx] = dy
        return out


def StridedSliceGrad_apply(shape_t, b, e, st, dy, spec):  # noqa: N802
    with op_scope(None, "StridedSliceGrad", [dy]) as s:
        return s.make(StridedSliceGrad, [shape_t, b, e, st, dy], {"spec": spec, "T": dy.dtype}).outputs[0]


def _slice_helper(tensor, slice_spec):
    """tensor[slice_spec] -> StridedSlice (tf.Tensor.__getitem__)."""
    if not isinstance(slice_spec, tuple):
        slice_spec = (slice_spec,)
    begin, end, strides, spec = [], [], [], []
    for s in slice_spec:
        if isinstance(s, builtins.slice):
            for part in (s.start, s.stop, s.step):
                if part is not None and not isinstance(part, (int, np.integer, Tensor)):
                    raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                                    "scalar tf.int32/tf.int64 tensors are valid indices, got %r" % (part,))
            begin.append(s.start if s.start is not None else 0)
            end.append(s.stop if s.stop is not None else 0)
            strides.append(s.step if s.step is not None else 1)
            spec.append(("slice", s.start is not None, s.stop is not None))
        elif s is Ellipsis:
            begin.append(0), end.append(0), strides.append(1)
            spec.append(("ellipsis", False, False))
        elif s is None:
            begin.append(0), end.append(0), strides.append(1)
            spec.append(("newaxis", False, False))
        elif isinstance(s, (int, np.integer)) and not isinstance(s, bool):
            begin.append(int(s)), end.append(int(s) + 1), strides.append(1)
            spec.append(("index", True, True))
        elif isinstance(s, Tensor) and s.dtype.base_dtype in (_dtypes.int32, _dtypes.int64) and \
                (s.shape.ndims in (0, None)):
            begin.append(s), end.append(s + 1), strides.append(1)
            spec.append(("index", True, True))
        else:
            raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
                            "tf.int32/tf.int64 tensors are valid indices, got %r" % (s,))
    with op_scope(None, "strided_slice", [tensor]) as sc:
        x = sc.convert(tensor, "input")

        def pack(vals, nm):
            if any(isinstance(v, Tensor) for v in vals):
                return stack([v if isinstance(v, Tensor) else v for v in vals], name=nm)
            return constant(np.array(vals, dtype=np.int32), name=nm)
        b = pack(begin, "stack")
        e = pack(end, "stack_1")
        st = pack(strides, "stack_2")
        return sc.make(StridedSlice, [x, b, e, st], {"T": x.dtype, "Index": b.dtype, "spec": tuple(spec)}).outputs[0]


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                  shrink_axis_mask=0, var=None, name=None) -> Tensor:
    """tf.strided_slice: entry i of begin/end/strides is read through bit i of the masks, as TF defines them.

    ellipsis_mask: an ellipsis (at most one); new_axis_mask: a new axis of size 1; shrink_axis_mask: index
    begin[i] and drop the axis; otherwise a slice whose begin (end) is open when begin_mask (end_mask) is set.
    """
    with op_scope(name, "StridedSlice", [input_, begin, end]) as sc:
        x = sc.convert(input_, "input")
        b = sc.convert(begin, "begin", dtype_hint=_dtypes.int32)
        e = sc.convert(end, "end", dtype_hint=_dtypes.int32)
        st = sc.convert(strides if strides is not None else np.ones(_static_length(b, "begin"), np.int32),
                        "strides", dtype_hint=_dtypes.int32)
        n = _static_length(b, "begin")
        for t, arg in ((e, "end"), (st, "strides")):
            if _static_length(t, arg) != n:
                raise ValueError("Shape must be rank 1 and all of begin, end and strides of equal length for "
                                 "'%s' (op: 'StridedSlice'): begin has %d entries, %s has %d"
                                 % (sc.name, n, arg, _static_length(t, arg)))
        if bin(ellipsis_mask & ((1 << n) - 1)).count("1") > 1:
            raise ValueError("Multiple ellipses in slice spec not allowed")
        spec = []
        for i in builtins.range(n):
            bit = 1 << i
            if ellipsis_mask & bit:
                spec.append(("ellipsis", False, False))
            elif new_axis_mask & bit:
                spec.append(("newaxis", False, False))
            elif shrink_axis_mask & bit:
                spec.append(("index", True, True))
            else:
                spec.append(("slice", not begin_mask & bit, not end_mask & bit))
        return sc.make(StridedSlice, [x, b, e, st], {"T": x.dtype, "Index": b.dtype, "spec": tuple(spec),
                                                     "begin_mask": begin_mask, "end_mask": end_mask,
                                                     "ellipsis_mask": ellipsis_mask,
                                                     "new_axis_mask": new_axis_mask,
                                                     "shrink_axis_mask": shrink_axis_mask}).outputs[0]


def _static_length(t: Tensor, arg: str) -> int:
    """The number of entries of a 1-D begin/end/strides tensor, which must be known while building."""
    d = t.shape.dim_sizes
    if d is None or len(d) != 1 or d[0] is None:
        raise ValueError("tf.strided_slice needs `%s` as a 1-D tensor of known length, got shape %s"
                         % (arg, t.shape))
    return d[0]


class OneHot(OpDef):
    type_name = "OneHot"
    kernel_attrs = ("axis",)
    grad = None

    @classmethod
    def numpy_source(cls, op, args):
        return "_one_hot(%s, %s, %s, %s, %d)" % (*args, op.get_attr("axis")), {"_one_hot": '''
def _one_hot(indices, depth, on_value, off_value, axis):
    """on_value at each index along a new axis of size depth, off_value elsewhere."""
    idx = np.asarray(indices)
    depth = int(depth)
    out = np.full(idx.shape + (depth,), off_value, dtype=np.asarray(on_value).dtype)
    valid = (idx >= 0) & (idx < depth)
    pos = np.nonzero(valid)
    out[pos + (idx[pos],)] = on_value
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out
'''}

    @staticmethod
    def dtype(op):
        return op.inputs[2].dtype.base_dtype

    @staticmethod
    def shape(op, i, d, on, off):
        depth = constant_value(op.inputs[1])
        if i is None:
            return None
        axis = op.attrs["axis"]
        depth = None if depth is None else int(depth)
        if axis == -1:
            return i + (depth,)
        return i[:axis] + (depth,) + i[axis:]

    @staticmethod
    def kernel(indices, depth, on_value, off_value, axis):
        idx = np.asarray(indices)
        depth = int(depth)
        # out[..., j] = on where indices == j (any rank, scalars included: one_hot(2, 4) has shape [4])
        hot = idx[..., None] == np.arange(depth)
        out = np.where(hot, on_value, off_value).astype(np.asarray(on_value).dtype, copy=False)
        if axis != -1:
            out = np.moveaxis(out, -1, axis)
        return out


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None) -> Tensor:
    """One-hot encode `indices` (tf.one_hot); float32 unless on/off values or dtype say otherwise."""
    with op_scope(name, "one_hot", [indices]) as s:
        if dtype is not None:
            dt = _dtypes.as_dtype(dtype)
        elif on_value is not None:
            dt = on_value.dtype if isinstance(on_value, Tensor) else to_numpy(on_value)[1]
        elif off_value is not None:
            dt = off_value.dtype if isinstance(off_value, Tensor) else to_numpy(off_value)[1]
        else:
            dt = _dtypes.float32
        on = s.convert(1 if on_value is None else on_value, "on_value", dtype=dt)
        off = s.convert(0 if off_value is None else off_value, "off_value", dtype=dt)
        i = s.convert(indices, "indices")
        d = s.convert(depth, "depth", dtype=_dtypes.int32)
        return s.make(OneHot, [i, d, on, off], {"T": dt, "TI": i.dtype, "axis": -1 if axis is None else axis}).outputs[0]


class Select(OpDef):
    """Pick from `x` where `condition` is true, else from `y` (tf.where with three arguments)."""

    type_name = "Select"

    @staticmethod
    def dtype(op):
        return op.inputs[1].dtype.base_dtype

    @staticmethod
    def shape(op, c, x, y):
        from ..framework.shapes import broadcast_dims
        xy = broadcast_dims(x, y, op.name, op.type)
        if c is not None and xy is not None and len(c) == 1 and len(xy) > 1:
            return xy  # TF1 Select: a vector condition picks rows
        return broadcast_dims(c, xy, op.name, op.type)

    @staticmethod
    def kernel(c, x, y):
        c = np.asarray(c)
        x = np.asarray(x)
        if c.ndim == 1 and x.ndim > 1 and c.shape[0] == x.shape[0]:
            c = c.reshape((-1,) + (1,) * (x.ndim - 1))
        try:
            return np.where(c, x, y)
        except ValueError:
            raise InvalidArgumentError(None, None, "'then' and 'else' must have the same size.  but received: %s vs. %s"
                                       % (fmt_dims(np.shape(x)), fmt_dims(np.shape(y)))) from None

    @classmethod
    def numpy_source(cls, op, args):
        if cls.type_name == "SelectV2":
            return "np.where(%s, %s, %s)" % tuple(args)
        return "_select(%s, %s, %s)" % tuple(args), {"_select": '''
def _select(c, x, y):
    """TF1's Select: x where c else y; a vector condition picks rows."""
    c = np.asarray(c)
    x = np.asarray(x)
    if c.ndim == 1 and x.ndim > 1 and c.shape[0] == x.shape[0]:
        c = c.reshape((-1,) + (1,) * (x.ndim - 1))
    return np.where(c, x, y)
'''}

    @staticmethod
    def grad(op, g):
        from .math_ops import sum_to_shape_of
        c, x, y = op.inputs
        z = zeros_like(g)
        return [None, sum_to_shape_of(where(c, g, z), x), sum_to_shape_of(where(c, z, g), y)]


class SelectV2(Select):
    """tf.where_v2: condition, x and y broadcast against each other (NumPy rules, no row picking)."""

    type_name = "SelectV2"

    @staticmethod
    def shape(op, c, x, y):
        from ..framework.shapes import broadcast_dims
        return broadcast_dims(c, broadcast_dims(x, y, op.name, op.type), op.name, op.type)

    @staticmethod
    def kernel(c, x, y):
        try:
            return np.where(c, x, y)
        except ValueError:
            raise InvalidArgumentError(None, None, "condition %s, then %s, and else %s must be broadcastable"
                                       % (fmt_dims(np.shape(c)), fmt_dims(np.shape(x)), fmt_dims(np.shape(y)))) \
                from None

    @staticmethod
    def grad(op, g):
        from .math_ops import sum_to_shape_of
        c, x, y = op.inputs
        z = zeros_like(g)
        return [None, sum_to_shape_of(where_v2(c, g, z), x), sum_to_shape_of(where_v2(c, z, g), y)]


class Where(OpDef):
    """Coordinates of true elements (tf.where with one argument)."""

    type_name = "Where"
    numpy_kernel = True
    grad = None

    @staticmethod
    def dtype(op):
        return _dtypes.int64

    @staticmethod
    def shape(op, d):
        return (None, None if d is None else len(d))

    @staticmethod
    def kernel(x):
        return np.argwhere(x).astype(np.int64)


def where(condition, x=None, y=None, name=None) -> Tensor:
    """tf.where: elementwise select, or coordinates of true elements when x and y are None."""
    if x is None and y is None:
        with op_scope(name, "Where", [condition]) as s:
            c = s.convert(condition, "input")
            return s.make(Where, [c], {"T": c.dtype}).outputs[0]
    return _select(Select, condition, x, y, name)


def _select(opdef, condition, x, y, name):
    """Build Select (TF1 tf.where) or SelectV2 (tf.where_v2) with TF's argument conversion."""
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    with op_scope(name, opdef.type_name, [condition, x, y]) as s:
        c = s.convert(condition, "condition")
        if c.dtype.base_dtype is not _dtypes.bool:
            raise TypeError("Value passed to parameter 'condition' has DataType %s not in list of allowed "
                            "values: bool" % c.dtype.base_dtype.name)
        xt = s.convert(x, "t") if isinstance(x, Tensor) or not isinstance(y, Tensor) else None
        if xt is None:
            yt = s.convert(y, "e")
            xt = s.convert(x, "t", dtype=yt.dtype.base_dtype)
        else:
            yt = s.convert(y, "e", dtype=xt.dtype.base_dtype) if not isinstance(y, Tensor) else y
        from ..framework.opdef import same_dtype
        same_dtype(opdef.type_name, [("t", xt), ("e", yt)])
        return s.make(opdef, [c, xt, yt], {"T": xt.dtype}).outputs[0]


def where_v2(condition, x=None, y=None, name=None) -> Tensor:
    """tf.where_v2: like tf.where, but condition, x and y broadcast against each other (SelectV2)."""
    if x is None and y is None:
        return where(condition, name=name)
    return _select(SelectV2, condition, x, y, name)


class Cast(OpDef):
    """Convert to another dtype (floats to ints truncate toward zero)."""

    type_name = "Cast"
    kernel_attrs = ("DstT",)

    @staticmethod
    def dtype(op):
        return op.attrs["DstT"]

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(x, DstT):  # noqa: N803
        if DstT is _dtypes.string:
            raise InvalidArgumentError(None, None, "Cast to string is not supported")
        x = np.asarray(x)
        if x.dtype == object:
            raise InvalidArgumentError(None, None, "Cast string to %s is not supported" % DstT.name)
        return x.astype(DstT.as_numpy_dtype)

    @classmethod
    def numpy_source(cls, op, args):
        dst = op.get_attr("DstT")
        if dst.name == "string":
            return None
        return "np.asarray(%s).astype(%r)" % (args[0], dst.name)

    @staticmethod
    def grad(op, g):
        src = op.inputs[0].dtype.base_dtype
        dst = op.get_attr("DstT")
        if (src.is_floating or src.is_complex) and (dst.is_floating or dst.is_complex):
            return [cast(g, src)]
        return [None]


def cast(x, dtype, name=None) -> Tensor:
    """Cast `x` to `dtype` (tf.cast); a no-op when the dtype already matches."""
    dt = _dtypes.as_dtype(dtype).base_dtype
    if isinstance(x, Tensor) and x.dtype.base_dtype is dt:
        return x
    with op_scope(name, "Cast", [x]) as s:
        t = s.convert(x, "x")
        if t.dtype.base_dtype is dt:
            return t
        return s.make(Cast, [t], {"SrcT": t.dtype.base_dtype, "DstT": dt, "Truncate": False}).outputs[0]


def boolean_mask(tensor, mask, name="boolean_mask", axis=None) -> Tensor:
    """Keep the entries of `tensor` where `mask` is true (tf.boolean_mask), via Where + Gather."""
    with op_scope(name, "boolean_mask", [tensor, mask]) as s:
        x = s.convert(tensor, "tensor")
        m = s.convert(mask, "mask")
        k = m.shape.ndims or 1
        lead = reshape(x, concat([[-1], slice(shape(x), [k], [-1])], 0)) if k > 1 else x
        idx = squeeze(where(reshape(m, [-1])), axis=[1])
        return gather(lead, idx)


# --- autopacking: lists that contain tensors convert to a Pack op ------------------------------

def _autopack(value, dtype=None, name=None, as_ref=False):
    if not any(isinstance(v, Tensor) for v in _leaves(value)):
        return NotImplemented
    items = [v if isinstance(v, Tensor) or not isinstance(v, (list, tuple)) else _autopack(v, dtype)
             for v in value]
    return stack(items, name=name or "packed")


register_tensor_conversion_function((list, tuple), _autopack, priority=99)
