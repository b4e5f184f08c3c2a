"""tf.SparseTensor: three dense tensors (indices, values, dense_shape) handled as one value, and its fetched
form tf.SparseTensorValue. Session.run fetches and feeds it component-wise (tfsess/client/session.py).
"""
from __future__ import annotations

import collections

import numpy as np

from . import dtypes as _dtypes
from .graph import (Tensor, _eval_using_default_session, convert_to_tensor, name_scope,
                    register_tensor_conversion_function)
from .opdef import constant_value
from .shapes import TensorShape, unknown_shape

__all__ = ["SparseTensor", "SparseTensorValue", "is_sparse", "convert_to_tensor_or_sparse_tensor",
           "dense_shape_of"]

SparseTensorValue = collections.namedtuple("SparseTensorValue", ["indices", "values", "dense_shape"])
SparseTensorValue.__doc__ = "The value of a fetched SparseTensor: NumPy indices [N, rank] int64, values [N], dense_shape [rank] int64."


def dense_shape_of(shape_tensor: Tensor) -> TensorShape:
    """The static shape a 1-D int64 shape tensor describes (TF's constant_value_as_shape): known where constant."""
    v = constant_value(shape_tensor)
    if v is not None:
        return TensorShape([None if int(d) == -1 else int(d) for d in np.reshape(v, [-1])])
    op = shape_tensor.op
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "Pack" and shape_tensor.dims is not None and len(shape_tensor.dims) == 1:
        out = []
        for inp in op.inputs:
            c = constant_value(inp)
            out.append(None if c is None or int(c) == -1 else int(c))
        return TensorShape(out)
    d = shape_tensor.dims
    if d is not None and len(d) == 1 and d[0] is not None:
        return TensorShape([None] * d[0])
    return unknown_shape()


class SparseTensor:
    """A sparse tensor: `indices` [N, rank] int64, `values` [N], `dense_shape` [rank] int64.

    dense[tuple(indices[i])] = values[i]; every other element is zero. Indices are expected in row-major
    order (tf.sparse_reorder fixes them), as in TF.
    """

    __slots__ = ("_indices", "_values", "_dense_shape", "__weakref__")
    is_tensor_like = True   # tf.is_tensor is True for a SparseTensor, as in TF 1.15

    @classmethod
    def from_value(cls, sparse_tensor_value) -> "SparseTensor":
        if not is_sparse(sparse_tensor_value):
            raise TypeError("Neither a SparseTensor nor SparseTensorValue: %s." % (sparse_tensor_value,))
        return SparseTensor(indices=sparse_tensor_value.indices, values=sparse_tensor_value.values,
                            dense_shape=sparse_tensor_value.dense_shape)

    def __init__(self, indices, values, dense_shape):
        with name_scope(None, "SparseTensor", [indices, values, dense_shape]):
            indices = convert_to_tensor(indices, name="indices", dtype=_dtypes.int64)
            values = convert_to_tensor(values, name="values")
            dense_shape = convert_to_tensor(dense_shape, name="dense_shape", dtype=_dtypes.int64)
        self._indices = indices
        self._values = values
        self._dense_shape = dense_shape
        indices_shape = indices.shape.with_rank(2)
        values_shape = values.shape.with_rank(1)
        dense_shape_shape = dense_shape.shape.with_rank(1)
        indices_shape[0].merge_with(values_shape[0])      # one row of indices per value
        indices_shape[1].merge_with(dense_shape_shape[0])  # one column per dimension

    # --- components -----------------------------------------------------------------------
    @property
    def indices(self) -> Tensor:
        """The indices of the non-zero values: a 2-D int64 Tensor [N, rank]."""
        return self._indices

    @property
    def values(self) -> Tensor:
        """The non-zero values: a 1-D Tensor [N]."""
        return self._values

    @property
    def dense_shape(self) -> Tensor:
        """The shape of the dense tensor: a 1-D int64 Tensor [rank]."""
        return self._dense_shape

    @property
    def op(self):
        """The Operation that produces `values`."""
        return self._values.op

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def graph(self):
        return self._indices.graph

    @property
    def shape(self) -> TensorShape:
        """The static shape of the dense tensor (known where `dense_shape` is constant)."""
        return dense_shape_of(self._dense_shape)

    def get_shape(self) -> TensorShape:
        return dense_shape_of(self._dense_shape)

    def consumers(self) -> list:
        """The Operations that consume any of the three component tensors."""
        out = {}
        for t in (self._values, self._indices, self._dense_shape):
            for op in t.consumers():
                out[op] = None
        return list(out)

    def eval(self, feed_dict=None, session=None) -> SparseTensorValue:
        """Run the three components in `session` (or the default session): a SparseTensorValue."""
        indices, values, dense_shape = _eval_using_default_session(
            [self._indices, self._values, self._dense_shape], feed_dict, self.graph, session)
        return SparseTensorValue(indices, values, dense_shape)

    def __str__(self):
        return "SparseTensor(indices=%s, values=%s, dense_shape=%s)" % (self._indices, self._values,
                                                                        self._dense_shape)

    __repr__ = __str__   # TF 1.15 keeps object.__repr__; the readable form serves notebooks better


def is_sparse(x) -> bool:
    """Is `x` a SparseTensor or a SparseTensorValue?"""
    return isinstance(x, (SparseTensor, SparseTensorValue))


def convert_to_tensor_or_sparse_tensor(value, dtype=None, name=None):
    """`value` as a SparseTensor (from a SparseTensorValue) or else as a Tensor."""
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype and not dtype.is_compatible_with(value.dtype):
            raise RuntimeError("Sparse dtype: requested = %s, actual = %s" % (dtype.name, value.dtype.name))
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


def _refuse_dense_conversion(value, dtype=None, name=None, as_ref=False):
    """A SparseTensor is not a dense Tensor: TF 1.15's TypeError when one is passed where a Tensor is expected."""
    raise TypeError("Failed to convert object of type %s to Tensor. Contents: %s. Consider casting elements to a "
                    "supported type." % (type(value), value))


register_tensor_conversion_function(SparseTensor, _refuse_dense_conversion)
