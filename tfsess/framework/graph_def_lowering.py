"""tfsess's own gradient helper ops written as the TF ops that compute the same (for GraphDefs TF reads).

SumToShape becomes Shape/BroadcastGradientArgs/Sum/Reshape and ReduceGrad ExpandDims/BroadcastTo (and, for a
mean, GatherV2/Prod/Cast/RealDiv), as TF's own gradient code builds them, and a reflecting PadV2 TF's
MirrorPad; the last node keeps the op's name, so consumers and fetches are unchanged. tfsess imports the
result as well (it has all those ops).
"""
from __future__ import annotations

import numpy as np

from . import dtypes as _dtypes
from .opdef import constant_value

__all__ = ["lower", "LOWERED"]


class _Nodes:
    """NodeDef specs (name, op type, inputs, attrs) under the op's name, with names not used in the graph."""

    def __init__(self, op, taken):
        self.op, self.taken, self.specs = op, taken, []

    def add(self, suffix, op_type, inputs, attrs, final=False):
        name = self.op.name
        if not final:
            base = name + "/" + suffix
            name, i = base, 0
            while name in self.taken:
                i += 1
                name = "%s_%d" % (base, i)
            self.taken.add(name)
        self.specs.append((name, op_type, list(inputs), attrs))
        return name

    def const(self, suffix, value):
        arr = np.asarray(value, np.int32)
        return self.add(suffix, "Const", [], {"dtype": _dtypes.int32, "value": arr})


def _sum_to_shape(op, nodes):
    g, target = op.inputs[0], op.inputs[1]
    dt = g.dtype.base_dtype
    sg = nodes.add("Shape", "Shape", [g._as_node_def_input()], {"T": dt, "out_type": _dtypes.int32})
    if op.attrs.get("shape_input"):
        st = target._as_node_def_input()
    else:
        st = nodes.add("Shape_1", "Shape", [target._as_node_def_input()],
                       {"T": target.dtype.base_dtype, "out_type": _dtypes.int32})
    bga = nodes.add("BroadcastGradientArgs", "BroadcastGradientArgs", [sg, st], {"T": _dtypes.int32})
    total = nodes.add("Sum", "Sum", [g._as_node_def_input(), bga + ":1"],
                      {"T": dt, "Tidx": _dtypes.int32, "keep_dims": False})
    nodes.add("", "Reshape", [total, st], {"T": dt, "Tshape": _dtypes.int32}, final=True)
    return True


def _reduce_grad(op, nodes):
    g, target, axes = op.inputs
    if op.attrs.get("shape_input"):
        rank = target.shape._dims[0] if target.shape._dims else None
    else:
        rank = None if target.shape._dims is None else len(target.shape._dims)
    ax = constant_value(axes)
    if ax is None or rank is None or target.dtype.base_dtype.name not in ("int32",) and op.attrs.get("shape_input"):
        return False
    ax = sorted({int(a) % rank for a in np.reshape(ax, [-1])}) if rank else []
    dt = g.dtype.base_dtype
    if op.attrs.get("shape_input"):
        shape = target._as_node_def_input()
    else:
        shape = nodes.add("Shape", "Shape", [target._as_node_def_input()],
                          {"T": target.dtype.base_dtype, "out_type": _dtypes.int32})
    cur = g._as_node_def_input()
    if not op.attrs.get("keep_dims"):
        for i, a in enumerate(ax):
            cur = nodes.add("ExpandDims" + ("_%d" % i if i else ""), "ExpandDims",
                            [cur, nodes.const("ExpandDims/dim" + ("_%d" % i if i else ""), a)],
                            {"T": dt, "Tdim": _dtypes.int32})
    mean = op.attrs.get("mean")
    out = nodes.add("BroadcastTo", "BroadcastTo", [cur, shape], {"T": dt, "Tidx": _dtypes.int32}, final=not mean)
    if mean:
        picked = nodes.add("GatherV2", "GatherV2", [shape, nodes.const("indices", ax), nodes.const("axis", 0)],
                           {"Tparams": _dtypes.int32, "Tindices": _dtypes.int32, "Taxis": _dtypes.int32,
                            "batch_dims": 0})
        count = nodes.add("Prod", "Prod", [picked, nodes.const("Prod/reduction_indices", [0])],
                          {"T": _dtypes.int32, "Tidx": _dtypes.int32, "keep_dims": False})
        cast = nodes.add("Cast", "Cast", [count], {"SrcT": _dtypes.int32, "DstT": dt, "Truncate": False})
        nodes.add("", "RealDiv", [out, cast], {"T": dt}, final=True)
    return True


def _mirror_pad(op, nodes):
    mode = op.attrs.get("mode", "CONSTANT")
    if mode == "CONSTANT":
        return False          # TF's PadV2 itself
    x, paddings = op.inputs[0], op.inputs[1]
    nodes.add("", "MirrorPad", [x._as_node_def_input(), paddings._as_node_def_input()],
              {"T": x.dtype.base_dtype, "Tpaddings": paddings.dtype.base_dtype, "mode": mode}, final=True)
    return True


_LOWER = {"SumToShape": _sum_to_shape, "ReduceGrad": _reduce_grad, "PadV2": _mirror_pad}
LOWERED = frozenset(_LOWER)


def lower(op, taken: set):
    """[(name, op type, inputs, attrs)] computing `op` with TF's ops, or None to keep `op` as it is."""
    fn = _LOWER.get(op.type)
    if fn is None or op.control_inputs:
        return None
    nodes = _Nodes(op, taken)
    return nodes.specs if fn(op, nodes) else None
