"""Ops that TensorFlow's own gradient code puts in graphs (BroadcastGradientArgs, ShapeN, PreventGradient), so
`.meta` files and GraphDefs written by TF 1.x/2.x import and run; tfsess's own gradients never create them."""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.opdef import OpDef
from .array_ops import Identity

__all__ = ["broadcast_gradient_args"]


def broadcast_gradient_args(s0, s1) -> tuple:
    """The axes to sum each gradient over, for inputs of shapes s0 and s1 broadcast together (TF's BCast)."""
    a, b = [int(v) for v in np.reshape(s0, [-1])], [int(v) for v in np.reshape(s1, [-1])]
    if a == b:
        return [], []
    n = max(len(a), len(b))
    pa, pb = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    r0, r1 = [], []
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x == y:
            if x == 1:
                r0.append(i)
                r1.append(i)
        elif x == 1:
            r0.append(i)
        elif y == 1:
            r1.append(i)
        else:
            raise InvalidArgumentError(None, None, "Incompatible shapes: [%s] vs. [%s]"
                                       % (",".join(map(str, a)), ",".join(map(str, b))))
    return r0, r1


class BroadcastGradientArgs(OpDef):
    """The reduction axes of a broadcasting binary op's two input gradients (outputs r0, r1)."""

    type_name = "BroadcastGradientArgs"
    grad = None

    @classmethod
    def outputs(cls, op):
        dt = op.inputs[0].dtype.base_dtype
        return [(dt, (None,)), (dt, (None,))]

    @classmethod
    def bind(cls, op, session):
        np_t = op.inputs[0].dtype.base_dtype.as_numpy_dtype

        def kernel(s0, s1):
            r0, r1 = broadcast_gradient_args(s0, s1)
            return np.array(r0, np_t), np.array(r1, np_t)
        return kernel


class ShapeN(OpDef):
    """The shapes of N tensors, one output each (TF's gradients of conv2d and concat use it)."""

    type_name = "ShapeN"
    grad = None

    @classmethod
    def outputs(cls, op):
        out_type = op.attrs.get("out_type")
        dt = out_type if out_type is not None else _dtypes.int32
        return [(dt, (None if t.dims is None else len(t.dims),)) for t in op.inputs]

    @classmethod
    def bind(cls, op, session):
        np_t = cls.outputs(op)[0][0].as_numpy_dtype if op.inputs else np.int32

        def kernel(*xs):
            return tuple(np.array(np.shape(x), np_t) for x in xs)
        return kernel


class PreventGradient(Identity):
    """The identity, whose gradient is an error (TF puts it on the second derivative of softmax losses)."""

    type_name = "PreventGradient"

    @staticmethod
    def grad(op, g):
        message = op.attrs.get("message", "")
        raise LookupError("Gradient explicitly disabled. Reason: %r"
                          % (message.encode("utf-8") if isinstance(message, str) else message))


class BroadcastArgs(OpDef):
    """The shape two shapes broadcast to (TF's broadcast_to and its gradients use it)."""

    type_name = "BroadcastArgs"
    grad = None

    @staticmethod
    def shape(op, d0, d1):
        if d0 is None or d1 is None or d0[0] is None or d1[0] is None:
            return (None,)
        return (max(d0[0], d1[0]),)

    @staticmethod
    def kernel(s0, s1):
        a, b = [int(v) for v in np.reshape(s0, [-1])], [int(v) for v in np.reshape(s1, [-1])]
        try:
            out = np.broadcast_shapes(tuple(a), tuple(b))
        except ValueError:
            raise InvalidArgumentError(None, None, "Incompatible shapes: [%s] vs. [%s]"
                                       % (",".join(map(str, a)), ",".join(map(str, b)))) from None
        return np.array(out, np.asarray(s0).dtype)


def _pad_width(paddings):
    return [(int(a), int(b)) for a, b in np.reshape(paddings, [-1, 2])]


def _padded_shape(op, d):
    from ..framework.opdef import constant_value
    p = constant_value(op.inputs[1])
    if d is None:
        return None
    if p is None:
        return (None,) * len(d)
    return tuple(None if x is None else x + a + b for x, (a, b) in zip(d, _pad_width(p)))


class Pad(OpDef):
    """Zero padding: TF's tf.pad without constant_values (tfsess's own tf.pad makes PadV2)."""

    type_name = "Pad"

    @staticmethod
    def shape(op, d, p_d):
        return _padded_shape(op, d)

    @staticmethod
    def kernel(x, paddings):
        return np.pad(x, _pad_width(paddings), mode="constant")

    @staticmethod
    def grad(op, g):
        from .array_ops import reshape, shape, slice
        x, p = op.inputs
        begin = slice(p, [0, 0], [-1, 1])
        return [slice(g, reshape(begin, [-1]), shape(x)), None]


def _mirror_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each position of a mirror-padded axis, the input position it copies."""
    return np.pad(np.arange(n), (before, after), mode="reflect" if mode == "REFLECT" else "symmetric")


class MirrorPad(OpDef):
    """Padding by reflection (mode REFLECT or SYMMETRIC): tf.pad(..., mode=...) as TF writes it."""

    type_name = "MirrorPad"
    kernel_attrs = ("mode",)

    @staticmethod
    def shape(op, d, p_d):
        return _padded_shape(op, d)

    @staticmethod
    def kernel(x, paddings, mode):
        return np.pad(x, _pad_width(paddings), mode="reflect" if mode == "REFLECT" else "symmetric")

    @staticmethod
    def grad(op, g):
        from ..framework.opdef import create_op
        from ..framework.graph import get_default_graph
        gr = get_default_graph()
        return [create_op(MirrorPadGrad, [g, op.inputs[1]], {"T": g.dtype, "mode": op.get_attr("mode")},
                          gr.unique_name("MirrorPadGrad"), gr).outputs[0], None]


class MirrorPadGrad(OpDef):
    """The gradient of MirrorPad: each padded position's gradient added back to the input position it copies."""

    type_name = "MirrorPadGrad"
    kernel_attrs = ("mode",)

    @staticmethod
    def shape(op, d, p_d):
        from ..framework.opdef import constant_value
        p = constant_value(op.inputs[1])
        if d is None:
            return None
        if p is None:
            return (None,) * len(d)
        return tuple(None if x is None else x - a - b for x, (a, b) in zip(d, _pad_width(p)))

    @staticmethod
    def kernel(g, paddings, mode):
        g = np.asarray(g)
        for axis, (a, b) in enumerate(_pad_width(paddings)):
            n = g.shape[axis] - a - b
            out = np.zeros(g.shape[:axis] + (n,) + g.shape[axis + 1:], g.dtype)
            idx = _mirror_index(n, a, b, mode)
            np.add.at(np.moveaxis(out, axis, 0), idx, np.moveaxis(g, axis, 0))
            g = out
        return g

    @staticmethod
    def grad(op, gg):
        from ..framework.opdef import create_op
        from ..framework.graph import get_default_graph
        gr = get_default_graph()
        return [create_op(MirrorPad, [gg, op.inputs[1]], {"T": gg.dtype, "mode": op.get_attr("mode")},
                          gr.unique_name("MirrorPad"), gr).outputs[0], None]
