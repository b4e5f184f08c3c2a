"""Constants: Python and NumPy values as Const ops, with TF1's dtype rules (int -> int32, float -> float32).

TF keeps this in framework/ too: `convert_to_tensor` turns plain values into constants through the
conversion function registered at the bottom of this module.
"""
from __future__ import annotations

import builtins

import numpy as np

from . import dtypes as _dtypes
from .graph import Tensor, get_default_graph, register_tensor_conversion_function
from .opdef import OpDef, create_op
from .shapes import TensorShape

__all__ = ["Const", "constant", "to_numpy"]

_pybool = builtins.bool


# ======================================================================================
# Python value -> NumPy array with TF1's dtype rules
# ======================================================================================

def _leaves(value):
    """Iterate the scalar leaves of nested lists/tuples (non-recursive)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        else:
            yield v


def _fail_convert(value):
    return TypeError("Failed to convert elements of %s to Tensor. Consider casting elements to a supported "
                     "type. See https://www.tensorflow.org/api_docs/python/tf/dtypes for supported TF dtypes."
                     % (value,))


def _to_bytes_array(arr):
    out = np.empty(arr.shape, dtype=object)
    flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
    for i, s in enumerate(flat_in):
        flat_out[i] = s.encode("utf-8") if isinstance(s, str) else bytes(s)
    return out


def _python_compatible(leaf, dtype) -> bool:
    """May the Python scalar `leaf` be converted to `dtype` (TF's _AssertCompatible)?"""
    if isinstance(leaf, (np.ndarray, np.generic)):
        return True
    if dtype is _dtypes.string:
        return isinstance(leaf, (str, bytes))
    if dtype is _dtypes.bool:
        return isinstance(leaf, _pybool)
    if dtype.is_integer:
        return isinstance(leaf, (int, _pybool)) and not isinstance(leaf, float)
    if dtype.is_floating:
        return isinstance(leaf, (int, float, _pybool))
    if dtype.is_complex:
        return isinstance(leaf, (int, float, complex, _pybool))
    return False


def to_numpy(value, dtype=None):
    """Convert a Python/NumPy value to an ndarray of TF's dtype; returns (array, DType)."""
    if value is None:
        raise ValueError("None values not supported.")
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype).base_dtype
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if dtype is None:
            dtype = _dtypes.infer_dtype(arr)
        if dtype is _dtypes.string:
            return (_to_bytes_array(arr) if arr.dtype.kind in "SU" else arr.astype(object)), dtype
        if arr.dtype.kind in "SUO":
            raise TypeError("Expected %s, but got %r of type '%s'." % (dtype.name, value, type(value).__name__))
        return arr.astype(dtype.as_numpy_dtype, copy=False), dtype
    # Python scalars and nested lists
    if dtype is not None:
        for leaf in _leaves(value):
            if leaf is None:
                raise ValueError("None values not supported.")
            if not _python_compatible(leaf, dtype):
                if isinstance(leaf, (int, float, complex, str, bytes, _pybool)):
                    raise TypeError("Expected %s, but got %r of type '%s'." % (dtype.name, leaf, type(leaf).__name__))
                raise _fail_convert(value)
        if dtype is _dtypes.string:
            return _to_bytes_array(np.array(value, dtype=object)), dtype
        if dtype.is_integer:
            try:
                return np.array(value).astype(dtype.as_numpy_dtype), dtype
            except OverflowError:
                raise _fail_convert(value) from None
        return np.array(value, dtype=dtype.as_numpy_dtype), dtype
    for leaf in _leaves(value):
        if leaf is None:
            raise ValueError("None values not supported.")
        if not isinstance(leaf, (int, float, complex, str, bytes, _pybool, np.generic)):
            raise _fail_convert(value)
    try:
        arr = np.array(value)
    except OverflowError:
        raise _fail_convert(value) from None
    kind = arr.dtype.kind
    if kind in "US":
        return _to_bytes_array(arr), _dtypes.string
    if kind == "O":
        if all(isinstance(x, (str, bytes)) for x in _leaves(value)):
            return _to_bytes_array(arr), _dtypes.string
        raise _fail_convert(value)
    if arr.dtype == np.float64:
        return arr.astype(np.float32), _dtypes.float32
    if arr.dtype == np.int64:
        small = arr.astype(np.int32)
        if np.array_equal(small, arr):
            return small, _dtypes.int32
        return arr, _dtypes.int64
    if kind == "u":  # huge Python ints that numpy made unsigned
        raise _fail_convert(value)
    return arr, _dtypes.as_dtype(arr.dtype)


# ======================================================================================
# Const / Placeholder / Identity
# ======================================================================================

class Const(OpDef):
    """A constant tensor stored in the graph."""

    type_name = "Const"
    grad = None

    @classmethod
    def outputs(cls, op):
        v = op.attrs["value"]
        return [(op.attrs["dtype"], v.shape)]

    @classmethod
    def bind(cls, op, session):
        v = op.attrs["value"]
        return lambda: v

    @classmethod
    def static_value(cls, op):
        return op.attrs["value"]


_SCALAR_DTYPES = {float: _dtypes.float32, bool: _dtypes.bool}


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False) -> Tensor:
    """A Const op holding `value` (tf.constant); python int -> int32, float -> float32."""
    vt = type(value)
    if shape is None and (vt is float or vt is bool) and (dtype is None or dtype is _SCALAR_DTYPES[vt]):
        dt = _SCALAR_DTYPES[vt]  # the most common constant, a Python scalar: skip the general conversion
        arr = np.array(value, dtype=dt.as_numpy_dtype)
    else:
        arr, dt = to_numpy(value, dtype)
    if shape is not None:
        shape = tuple(TensorShape(shape).as_list())
        if arr.shape != shape:
            if verify_shape:
                raise TypeError("Expected Tensor's shape: %s, got %s." % (shape, arr.shape))
            if arr.size == 1:
                arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
            elif arr.size == int(np.prod(shape)):
                arr = arr.reshape(shape)
            elif arr.size < int(np.prod(shape)):
                flat = arr.reshape(-1)
                out = np.empty(int(np.prod(shape)), dtype=arr.dtype)
                out[:flat.size] = flat
                out[flat.size:] = flat[-1]
                arr = out.reshape(shape)
            else:
                raise TypeError("Expected Tensor's shape: %s, got %s." % (shape, arr.shape))
    if arr is value or arr.base is not None or not arr.flags.owndata:
        arr = arr.copy()  # the graph keeps its own, read-only copy; the caller's array stays theirs
    arr.flags.writeable = False
    g = get_default_graph()
    op = create_op(Const, [], {"value": arr, "dtype": dt}, g._op_name(name or "Const"), g)
    return op.outputs[0]


def _constant_conversion(value, dtype=None, name=None, as_ref=False):
    """convert_to_tensor's fallback for plain values: a Const op (TF registers it the same way)."""
    return constant(value, dtype=dtype, name=name or "Const")


register_tensor_conversion_function(object, _constant_conversion, priority=200)

