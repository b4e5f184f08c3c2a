"""Ops that TensorFlow's own gradient code puts in graphs (BroadcastGradientArgs, ShapeN, PreventGradient), so
`.meta` files and GraphDefs written by TF 1.x/2.x import and run; tfsess's own gradients never create them."""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.opdef import OpDef

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
        dt = op._inputs[0]._dtype.base_dtype
        return [(dt, (None,)), (dt, (None,))]

    @classmethod
    def bind(cls, op, session):
        np_t = op._inputs[0]._dtype.base_dtype._np

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
        out_type = op._attrs.get("out_type")
        dt = out_type if out_type is not None else _dtypes.int32
        return [(dt, (None if t._shape._dims is None else len(t._shape._dims),)) for t in op._inputs]

    @classmethod
    def bind(cls, op, session):
        np_t = cls.outputs(op)[0][0]._np if op._inputs else np.int32

        def kernel(*xs):
            return tuple(np.array(np.shape(x), np_t) for x in xs)
        return kernel


class PreventGradient(OpDef):
    """The identity, whose gradient is an error (TF puts it on the second derivative of softmax losses)."""

    type_name = "PreventGradient"
    forwards_input = True

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(x):
        return x

    @staticmethod
    def grad(op, g):
        message = op._attrs.get("message", "")
        raise LookupError("Gradient explicitly disabled. Reason: %r"
                          % (message.encode("utf-8") if isinstance(message, str) else message))
