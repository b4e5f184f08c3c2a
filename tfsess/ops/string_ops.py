"""String ops (tf.strings): string tensors hold bytes, as in TensorFlow."""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.opdef import OpDef, op_scope, check_dtype

__all__ = ["length", "join", "as_string"]


class StringLength(OpDef):
    """Length of each string in bytes (or in UTF-8 characters)."""

    type_name = "StringLength"
    kernel_attrs = ("unit",)
    grad = None

    @staticmethod
    def dtype(op):
        return _dtypes.int32

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(x, unit):
        x = np.asarray(x, dtype=object)
        if unit == "UTF8_CHAR":
            f = np.vectorize(lambda s: len(s.decode("utf-8")), otypes=[np.int32])
        else:
            f = np.vectorize(len, otypes=[np.int32])
        return f(x) if x.size else np.zeros(x.shape, np.int32)


def length(input, name=None, unit="BYTE"):  # noqa: A002
    with op_scope(name, "StringLength", [input]) as s:
        x = s.convert(input, "input")
        check_dtype("StringLength", "input", x, "any")
        if x.dtype.base_dtype is not _dtypes.string:
            raise TypeError("Value passed to parameter 'input' has DataType %s not in list of allowed values: string"
                            % x.dtype.base_dtype.name)
        return s.make(StringLength, [x], {"unit": unit}).outputs[0]


class StringJoin(OpDef):
    type_name = "StringJoin"
    kernel_attrs = ("separator",)
    grad = None

    @staticmethod
    def dtype(op):
        return _dtypes.string

    @staticmethod
    def shape(op, *dims):
        from ..framework.shapes import broadcast_dims
        out = ()
        for d in dims:
            out = broadcast_dims(out, d, op.name, op.type)
        return out

    @staticmethod
    def kernel(*xs, separator):
        arrs = np.broadcast_arrays(*[np.asarray(x, dtype=object) for x in xs])
        out = np.empty(arrs[0].shape, dtype=object)
        flat = [a.reshape(-1) for a in arrs]
        sep = separator.encode() if isinstance(separator, str) else separator
        o = out.reshape(-1)
        for i in range(o.size):
            o[i] = sep.join(f[i] for f in flat)
        return out


def join(inputs, separator="", name=None):
    with op_scope(name, "StringJoin", list(inputs)) as s:
        xs = [s.convert(x, "inputs") for x in inputs]
        return s.make(StringJoin, xs, {"separator": separator, "N": len(xs)}).outputs[0]


class AsString(OpDef):
    type_name = "AsString"
    grad = None

    @staticmethod
    def dtype(op):
        return _dtypes.string

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(x):
        x = np.asarray(x)
        out = np.empty(x.shape, dtype=object)
        o = out.reshape(-1)
        for i, v in enumerate(x.reshape(-1)):
            o[i] = (("%g" % v) if x.dtype.kind == "f" else str(v)).encode()
        return out


def as_string(input, name=None, **kwargs):  # noqa: A002
    with op_scope(name, "AsString", [input]) as s:
        x = s.convert(input, "input")
        return s.make(AsString, [x], {"T": x.dtype}).outputs[0]
