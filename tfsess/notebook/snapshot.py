"""Immutable copies of a graph's ops (name, type, inputs, shapes, attrs, location): what every drawing reads.

A drawing is built from a `GraphSnapshot`, never from the live graph, so a picture taken at the end of a
cell never changes when later cells add ops, and a list of ops cut from a graph (`ops[:2]`) draws fine:
inputs whose producer is not in the snapshot are kept as names only.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np

__all__ = ["OpRecord", "GraphSnapshot", "snapshot", "tensor_spec", "VARIABLE_TYPES", "PLACEHOLDER_TYPES",
           "CONST_TYPES"]

VARIABLE_TYPES = frozenset({"VariableV2", "Variable", "VarHandleOp"})
PLACEHOLDER_TYPES = frozenset({"Placeholder", "PlaceholderV2", "PlaceholderWithDefault"})
CONST_TYPES = frozenset({"Const"})
_LITERAL_MAX = 6            # constants with at most this many elements show their value


def tensor_spec(t) -> str:
    """'(?, 3) float32': the static shape and base dtype of a tensor, as drawn on edges."""
    dims = t.dims                      # ints and None, or None for an unknown rank
    if dims is None:
        shape = "<unknown>"
    else:
        sizes = ["?" if d is None else str(d) for d in dims]
        shape = "(%s,)" % sizes[0] if len(sizes) == 1 else "(%s)" % ", ".join(sizes)
    return "%s %s" % (shape, t.dtype.base_dtype.name)


@dataclass(frozen=True)
class OpRecord:
    """One op as it was when the snapshot was taken."""

    name: str
    type: str
    inputs: tuple            # ((producer name, output index, spec), ...)
    control_inputs: tuple    # producer names
    outputs: tuple           # spec per output
    ref_inputs: tuple        # input positions taken by reference (Assign*, Apply*)
    device: str
    location: str            # 'file:line' where the user's code created the op
    attrs: tuple             # ((key, short text), ...)
    literal: Optional[str]   # a small constant's value, as text
    initializer: bool        # a variable's initializer (or part of tf.global_variables_initializer())


def _literal(op) -> Optional[str]:
    if op.type not in CONST_TYPES:
        return None
    try:
        v = np.asarray(op.get_attr("value"))
    except Exception:
        return None
    if v.size > _LITERAL_MAX:
        return None
    if v.ndim == 0:
        x = v[()]
        if isinstance(x, bytes):
            x = x.decode("utf-8", "replace")
        return ("%.4g" % x) if v.dtype.kind == "f" else repr(x) if isinstance(x, str) else str(x)
    with np.printoptions(precision=3, suppress=True):
        return " ".join(np.array2string(v, separator=", ").split())


def _attr_summary(op) -> tuple:
    out = []
    for k, v in sorted(op.node_def.attr.items()):
        if k == "value":
            continue
        s = v.base_dtype.name if hasattr(v, "base_dtype") else repr(v)
        out.append((k, s if len(s) <= 60 else s[:59] + "…"))
    return tuple(out)


def _input_spec(t, made: dict) -> str:
    """An input's spec: its producer's record already has it (creation order is topological)."""
    r = made.get(t.op.name)
    return r.outputs[t.value_index] if r is not None and t.value_index < len(r.outputs) else tensor_spec(t)


def _record(op, initializers: frozenset, made: Optional[dict] = None) -> OpRecord:
    loc = op.traceback[0] if op.traceback else ("<unknown>", 0)
    made = {} if made is None else made
    return OpRecord(
        name=op.name, type=op.type,
        inputs=tuple((t.op.name, t.value_index, _input_spec(t, made)) for t in op.inputs),
        control_inputs=tuple(c.name for c in op.control_inputs),
        outputs=tuple(tensor_spec(t) for t in op.outputs),
        ref_inputs=tuple(getattr(op.op_def, "ref_inputs", ())),
        device=op.device or "", location="%s:%s" % loc, attrs=_attr_summary(op),
        literal=_literal(op), initializer=op.name in initializers)


class GraphSnapshot:
    """An ordered, immutable list of OpRecords with a name index (creation order is topological)."""

    __slots__ = ("ops", "index", "__weakref__")

    def __init__(self, ops: Iterable[OpRecord]):
        self.ops: tuple = tuple(ops)
        self.index: dict = {r.name: i for i, r in enumerate(self.ops)}

    def __len__(self) -> int:
        return len(self.ops)

    def names(self) -> list:
        return [r.name for r in self.ops]

    def without(self, hidden: Iterable[str]) -> "GraphSnapshot":
        """The snapshot without the named ops (e.g. the ones `%eval` expressions created)."""
        hidden = set(hidden)
        if not hidden:
            return self
        return GraphSnapshot(r for r in self.ops if r.name not in hidden)


_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # graph -> (records so far)


def _initializer_names(graph) -> frozenset:
    names = set()
    for key in ("variables", "local_variables"):
        try:
            for v in graph.get_collection(key):
                init = getattr(v, "initializer", None)
                if init is not None:
                    names.add(init.name)
        except Exception:
            continue
    return frozenset(names)


def snapshot(graph_or_ops, hidden: Iterable[str] = ()) -> GraphSnapshot:
    """Copy a graph (or a list of its ops) into a GraphSnapshot; records of a graph's ops are cached.

    Ops never change after creation, so a graph's records are made once and reused by later snapshots
    (a cell's snapshot costs only its new ops).
    """
    if isinstance(graph_or_ops, GraphSnapshot):
        return graph_or_ops.without(hidden)
    if hasattr(graph_or_ops, "get_operations"):
        graph = graph_or_ops
        ops = graph.get_operations()
        records = _cache.get(graph)
        if records is None or len(records) > len(ops) or (records and records[-1].name != ops[len(records) - 1].name):
            records = []
        if len(records) < len(ops):
            inits = _initializer_names(graph)
            made = {r.name: r for r in records}
            for op in ops[len(records):]:
                made[op.name] = _record(op, inits, made)
            records = list(made.values())
            _cache[graph] = records
        return GraphSnapshot(records).without(hidden)
    ops = list(graph_or_ops)
    inits = _initializer_names(ops[0].graph) if ops else frozenset()
    return GraphSnapshot(_record(op, inits) for op in ops).without(hidden)
