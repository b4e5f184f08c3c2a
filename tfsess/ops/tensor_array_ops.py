"""tf.TensorArray: a list of tensors threaded through while loops by its `flow` (a float32 scalar, as in TF1).

At run time a flow's value is an immutable `TensorList` (a 0-d float32 array that also holds the items), so
each write makes a new list and a while loop's recorded iterations stay cheap. Gradient flows are
TensorLists too; adding two of them merges their items (AddN of gradient flows works as in TF).
"""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import Tensor
from ..framework.opdef import OpDef, op_scope
from ..framework.shapes import TensorShape

__all__ = ["TensorArray", "TensorList"]


class TensorList(np.ndarray):
    """A TensorArray's run-time value: a 0-d float32 array (the flow) carrying the items (None: unwritten)."""

    items: tuple = ()

    @staticmethod
    def make(items) -> "TensorList":
        t = np.zeros((), np.float32).view(TensorList)
        t.items = tuple(items)
        return t

    def __array_finalize__(self, obj):
        self.items = getattr(obj, "items", ()) if isinstance(obj, TensorList) and obj.shape == () else ()

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc is np.add and method == "__call__" and len(inputs) == 2:
            return _merge(inputs[0], inputs[1])
        raw = [np.asarray(x) if isinstance(x, TensorList) else x for x in inputs]
        kwargs.pop("out", None)
        return getattr(ufunc, method)(*raw, **kwargs)

    def __reduce__(self):
        return TensorList.make, (self.items,)


def _items(v) -> tuple:
    return v.items if isinstance(v, TensorList) else ()


def _merge(a, b) -> TensorList:
    """The sum of two gradient flows: items added where both have one."""
    ia, ib = _items(a), _items(b)
    n = max(len(ia), len(ib))
    out = []
    for k in range(n):
        x = ia[k] if k < len(ia) else None
        y = ib[k] if k < len(ib) else None
        out.append(y if x is None else x if y is None else x + y)
    return TensorList.make(out)


def _element_dims(op):
    es = op.attrs.get("element_shape")
    return es.dim_sizes if isinstance(es, TensorShape) else None


class _TAOp(OpDef):
    """Shared attrs of the TensorArray ops (dtype, element_shape)."""

    @staticmethod
    def _flow():
        return (_dtypes.float32, ())


class TensorArrayV3(_TAOp):
    """A new TensorArray of `size` unwritten items; output: its flow."""

    type_name = "TensorArrayV3"
    grad = None

    @classmethod
    def outputs(cls, op):
        return [cls._flow()]

    @staticmethod
    def kernel(size):
        return TensorList.make([None] * int(size))


class TensorArrayWriteV3(_TAOp):
    """flow_out = flow_in with item `index` set to `value` (each index is written once)."""

    type_name = "TensorArrayWriteV3"

    @classmethod
    def outputs(cls, op):
        return [cls._flow()]

    @classmethod
    def bind(cls, op, session):
        dynamic = op.attrs["dynamic_size"]
        name = op.attrs["ta_name"]

        def k(flow, index, value):
            items = list(_items(flow))
            i = int(index)
            if i < 0 or (i >= len(items) and not dynamic):
                raise InvalidArgumentError(None, op, "TensorArray %s: Tried to write to index %d but array is not "
                                           "resizeable and size is: %d" % (name, i, len(items)))
            if i >= len(items):
                items.extend([None] * (i + 1 - len(items)))
            if items[i] is not None:
                raise InvalidArgumentError(None, op, "TensorArray %s: Could not write to TensorArray index %d "
                                           "because it has already been written to." % (name, i))
            items[i] = value
            return TensorList.make(items)
        return k

    @staticmethod
    def grad(op, g):
        flow, index, value = op.inputs
        return [g, None, _read(g, index, op.attrs, like=value, name="TensorArrayReadV3")]


class TensorArrayReadV3(_TAOp):
    """Item `index` of a TensorArray (a gradient read gives zeros for an item never written)."""

    type_name = "TensorArrayReadV3"

    @classmethod
    def outputs(cls, op):
        return [(op.attrs["dtype"], _element_dims(op))]

    @classmethod
    def bind(cls, op, session):
        zeros_ok = op.attrs.get("_grad_read", False)
        name = op.attrs["ta_name"]
        np_type = op.attrs["dtype"].as_numpy_dtype

        def k(flow, index, *like):
            items = _items(flow)
            i = int(index)
            if zeros_ok and (i >= len(items) or items[i] is None):
                return np.zeros_like(like[0]) if like else np.zeros((), np_type)
            if i < 0 or i >= len(items):
                raise InvalidArgumentError(None, op, "TensorArray %s: Tried to read from index %d but array size "
                                           "is: %d" % (name, i, len(items)))
            if items[i] is None:
                raise InvalidArgumentError(None, op, "TensorArray %s: Could not read from TensorArray index %d "
                                           "because it has not yet been written to." % (name, i))
            return items[i]
        return k

    @staticmethod
    def grad(op, g):
        flow, index = op.inputs[:2]
        with op_scope(None, "TensorArrayGradScatter", [flow, index, g]) as s:
            out = s.make(TensorArrayGradPut, [flow, index, g], dict(op.attrs)).outputs[0]
        return [out, None] + [None] * (len(op.inputs) - 2)


class TensorArrayGradPut(_TAOp):
    """The gradient flow of a read: a list as long as the forward one, with `g` at `index`."""

    type_name = "TensorArrayGradPut"
    grad = None

    @classmethod
    def outputs(cls, op):
        return [cls._flow()]

    @staticmethod
    def kernel(flow, index, g):
        items = [None] * len(_items(flow))
        i = int(index)
        if i >= len(items):
            items.extend([None] * (i + 1 - len(items)))
        items[i] = g
        return TensorList.make(items)


class TensorArrayGatherV3(_TAOp):
    """The items at `indices`, stacked into one tensor (TensorArray.stack / gather)."""

    type_name = "TensorArrayGatherV3"

    @classmethod
    def outputs(cls, op):
        e = _element_dims(op)
        n = op.inputs[1].shape.dim_sizes
        lead = n[0] if n is not None else None
        return [(op.attrs["dtype"], None if e is None else (lead,) + tuple(e))]

    @classmethod
    def bind(cls, op, session):
        name = op.attrs["ta_name"]
        np_type = op.attrs["dtype"].as_numpy_dtype
        e = _element_dims(op)
        zeros_ok = op.attrs.get("_grad_read", False)

        def k(flow, indices, *like):
            items = _items(flow)
            picked = []
            for i in np.asarray(indices).reshape(-1):
                i = int(i)
                if zeros_ok and (i >= len(items) or items[i] is None):
                    picked.append(np.zeros(like[0].shape[1:], like[0].dtype))
                    continue
                if i < 0 or i >= len(items) or items[i] is None:
                    raise InvalidArgumentError(None, op, "TensorArray %s: Could not read from TensorArray index %d "
                                               "because it has not yet been written to." % (name, i))
                picked.append(items[i])
            if not picked:
                if e is None or None in e:
                    raise InvalidArgumentError(None, op, "TensorArray %s: Could not read from TensorArray: it is "
                                               "empty and its element shape is not fully defined." % name)
                return np.zeros((0,) + tuple(e), np_type)
            return np.stack(picked).astype(np_type, copy=False)
        return k

    @staticmethod
    def grad(op, g):
        flow, indices = op.inputs[:2]
        with op_scope(None, "TensorArrayGradScatter", [flow, indices, g]) as s:
            out = s.make(TensorArrayScatterV3, [flow, indices, g], dict(op.attrs, _fresh=True)).outputs[0]
        return [out, None] + [None] * (len(op.inputs) - 2)


class TensorArrayScatterV3(_TAOp):
    """flow_out = flow_in with items `indices` set to the rows of `value` (TensorArray.unstack / scatter)."""

    type_name = "TensorArrayScatterV3"

    @classmethod
    def outputs(cls, op):
        return [cls._flow()]

    @classmethod
    def bind(cls, op, session):
        fresh = op.attrs.get("_fresh", False)
        dynamic = op.attrs["dynamic_size"]
        name = op.attrs["ta_name"]

        def k(flow, indices, value):
            items = [None] * len(_items(flow)) if fresh else list(_items(flow))
            idx = np.asarray(indices).reshape(-1)
            value = np.asarray(value)
            if len(idx) != (value.shape[0] if value.ndim else 0):
                raise InvalidArgumentError(None, op, "TensorArray %s: Expected len(indices) == values.shape[0], but "
                                           "saw: %d vs. %d" % (name, len(idx), value.shape[0] if value.ndim else 0))
            for row, i in enumerate(idx):
                i = int(i)
                if i >= len(items):
                    if not (dynamic or fresh):
                        raise InvalidArgumentError(None, op, "TensorArray %s: Tried to write to index %d but array "
                                                   "is not resizeable and size is: %d" % (name, i, len(items)))
                    items.extend([None] * (i + 1 - len(items)))
                items[i] = value[row]
            return TensorList.make(items)
        return k

    @staticmethod
    def grad(op, g):
        flow, indices, value = op.inputs
        return [None if op.attrs.get("_fresh") else g, None,
                _gather(g, indices, dict(op.attrs, _grad_read=True), like=value)]


class TensorArraySizeV3(_TAOp):
    """The number of items of a TensorArray (int32)."""

    type_name = "TensorArraySizeV3"
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.int32, ())]

    @staticmethod
    def kernel(flow):
        return np.int32(len(_items(flow)))


def _read(flow, index, attrs, like=None, name=None):
    attrs = dict(attrs, _grad_read=like is not None)
    ins = [flow, index] + ([like] if like is not None else [])
    with op_scope(name, "TensorArrayReadV3", ins) as s:
        return s.make(TensorArrayReadV3, ins, attrs).outputs[0]


def _gather(flow, indices, attrs, like=None, name=None):
    ins = [flow, indices] + ([like] if like is not None else [])
    with op_scope(name, "TensorArrayGatherV3", ins) as s:
        return s.make(TensorArrayGatherV3, ins, attrs).outputs[0]


class TensorArray:
    """tf.TensorArray (TF1): a size, a dtype and a flow tensor; each write/unstack returns a new TensorArray."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None, tensor_array_name=None,
                 handle=None, flow=None, infer_shape=True, element_shape=None, colocate_with_first_write_call=True,
                 name=None):
        from .array_ops import constant
        self._dtype = _dtypes.as_dtype(dtype).base_dtype
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = TensorShape(element_shape) if element_shape is not None else TensorShape(None)
        if flow is not None:
            self._flow = flow
            self._name = tensor_array_name or flow.op.name
            return
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        with op_scope(name, "TensorArray", [size] if isinstance(size, Tensor) else []) as s:
            size_t = size if isinstance(size, Tensor) else constant(size, _dtypes.int32, name="size")
            self._name = tensor_array_name or s.name
            self._flow = s.make(TensorArrayV3, [size_t], self._attrs()).outputs[0]

    def _attrs(self):
        return {"dtype": self._dtype, "element_shape": self._element_shape, "dynamic_size": self._dynamic_size,
                "ta_name": self._name}

    def _with_flow(self, flow, element_shape=None) -> "TensorArray":
        ta = TensorArray.__new__(TensorArray)
        ta._dtype, ta._dynamic_size, ta._infer_shape, ta._name = (self._dtype, self._dynamic_size,
                                                                  self._infer_shape, self._name)
        ta._element_shape = element_shape if element_shape is not None else self._element_shape
        ta._flow = flow
        return ta

    @property
    def flow(self) -> Tensor:
        return self._flow

    @property
    def dtype(self):
        return self._dtype

    @property
    def handle(self) -> Tensor:
        return self._flow

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape

    def _merged_shape(self, shape: TensorShape) -> TensorShape:
        if not self._infer_shape:
            return self._element_shape
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError("Inconsistent shapes: saw %s but expected %s (and infer_shape=True)"
                             % (shape, self._element_shape))
        return self._element_shape.merge_with(shape)

    def write(self, index, value, name=None) -> "TensorArray":
        with op_scope(name, "TensorArrayWrite", [self._flow]) as s:
            v = s.convert(value, "value", dtype=self._dtype)
            i = s.convert(index, "index", dtype=_dtypes.int32)
            es = self._merged_shape(v.shape)
            flow = s.make(TensorArrayWriteV3, [self._flow, i, v], self._attrs()).outputs[0]
        return self._with_flow(flow, es)

    def read(self, index, name=None) -> Tensor:
        with op_scope(name, "TensorArrayRead", [self._flow]) as s:
            i = s.convert(index, "index", dtype=_dtypes.int32)
            return s.make(TensorArrayReadV3, [self._flow, i], self._attrs()).outputs[0]

    def gather(self, indices, name=None) -> Tensor:
        with op_scope(name, "TensorArrayGather", [self._flow]) as s:
            i = s.convert(indices, "indices", dtype=_dtypes.int32)
            return s.make(TensorArrayGatherV3, [self._flow, i], self._attrs()).outputs[0]

    def stack(self, name=None) -> Tensor:
        from .math_ops import range as _range
        with op_scope(name, "TensorArrayStack", [self._flow]):
            return self.gather(_range(0, self.size()), name="TensorArrayGatherV3")

    def scatter(self, indices, value, name=None) -> "TensorArray":
        with op_scope(name, "TensorArrayScatter", [self._flow]) as s:
            v = s.convert(value, "value", dtype=self._dtype)
            i = s.convert(indices, "indices", dtype=_dtypes.int32)
            es = self._merged_shape(TensorShape(v.shape.dim_sizes[1:]) if v.shape.dim_sizes is not None else TensorShape(None))
            flow = s.make(TensorArrayScatterV3, [self._flow, i, v], self._attrs()).outputs[0]
        return self._with_flow(flow, es)

    def unstack(self, value, name=None) -> "TensorArray":
        from .math_ops import range as _range
        from .array_ops import shape as _shape
        with op_scope(name, "TensorArrayUnstack", [self._flow]) as s:
            v = s.convert(value, "value", dtype=self._dtype)
            n = v.shape.dim_sizes[0] if v.shape.dim_sizes is not None and v.shape.dim_sizes[0] is not None else _shape(v)[0]
            return self.scatter(_range(0, n), v, name="TensorArrayScatter")

    def size(self, name=None) -> Tensor:
        with op_scope(name, "TensorArraySizeV3", [self._flow]) as s:
            return s.make(TensorArraySizeV3, [self._flow], self._attrs()).outputs[0]

    def close(self, name=None):
        from .control_flow_ops import no_op
        return no_op(name=name)

    def identity(self) -> "TensorArray":
        from .array_ops import identity
        return self._with_flow(identity(self._flow))

