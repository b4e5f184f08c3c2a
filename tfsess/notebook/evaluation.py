"""Running the fetches of one %eval (again for --watch and --interact): results, controls, the subgraph run."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..framework.graph import Operation, Tensor
from ..framework.traversal import ops_needed
from .snapshot import tensor_spec
from .values import short_value

__all__ = ["EvalResult", "ControlSpec", "Runner", "control_spec", "placeholder_default", "MAX_NODE_VALUES"]

MAX_NODE_VALUES = 400       # above this many ops in the subgraph, values are not fetched for every node


@dataclass
class EvalResult:
    """What one run produced: a value per label, short node values, the ops that ran, the feeds used."""

    values: list
    dtypes: list
    node_values: dict = field(default_factory=dict)
    ran: list = field(default_factory=list)
    feeds: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


@dataclass
class ControlSpec:
    """A control for one unfed placeholder: kind is 'float', 'int', 'bool' or 'text' (a Python literal)."""

    name: str
    kind: str
    value: Any
    description: str = ""


class Runner:
    """Runs the fetches of one %eval in the session (again for --watch and --interact)."""

    def __init__(self, session, leaves: list, fixed: dict, controls: dict):
        self.session = session
        self.leaves = leaves            # per label: Tensor or Operation
        self.fixed = fixed              # Tensor -> fed value (from --feed)
        self.controls = controls        # control name -> placeholder Tensor

    def subgraph(self, fed) -> list:
        tensors = [x for x in self.leaves if isinstance(x, Tensor)]
        targets = [x for x in self.leaves if isinstance(x, Operation)]
        return ops_needed(tensors, targets, fed)

    def __call__(self, control_values: dict) -> EvalResult:
        feeds = dict(self.fixed)
        for name, v in control_values.items():
            feeds[self.controls[name]] = v
        ran_ops = self.subgraph(set(feeds))
        notes = []
        extras = []
        if len(ran_ops) <= MAX_NODE_VALUES and not any(getattr(op.op_def, "is_switch", False) for op in ran_ops):
            have = set(x for x in self.leaves if isinstance(x, Tensor))
            for op in ran_ops:
                for t in op.outputs:
                    if t not in have and t not in feeds:
                        have.add(t)
                        extras.append(t)
        elif len(ran_ops) > MAX_NODE_VALUES:
            notes.append("values on graph nodes omitted: the subgraph has %d ops" % len(ran_ops))
        fetches = list(self.leaves) + extras
        try:
            out = self.session.run(fetches, feed_dict=feeds or None)
        except Exception:
            if not extras:
                raise
            extras = []      # a failed run changes no variable, so running just the fetches is safe
            out = self.session.run(list(self.leaves), feed_dict=feeds or None)
        values = out[:len(self.leaves)]
        node_values = {}
        for t, v in zip(fetches, out):
            if isinstance(t, Tensor):
                node_values[t.name] = short_value(v)
        shown_feeds = {}
        for t, v in feeds.items():
            v = _as_dtype(v, t)
            node_values[t.name] = short_value(v)
            shown_feeds[t.op.name if t.value_index == 0 else t.name] = v
        ran = [op.name for op in ran_ops]
        fed_ops = [t.op.name for t in feeds if t.op.name not in ran]
        dtypes = [x.dtype.base_dtype.name if isinstance(x, Tensor) else None for x in self.leaves]
        return EvalResult(values=list(values), dtypes=dtypes, node_values=node_values,
                          ran=fed_ops + ran, feeds=shown_feeds, notes=notes)


def _as_dtype(v: Any, t: Tensor) -> Any:
    """A fed value as the placeholder's dtype (how the graph sees it), for display."""
    try:
        return np.asarray(v, dtype=t.dtype.base_dtype.as_numpy_dtype)
    except Exception:
        return v


def control_spec(t: Tensor, default: Any = None) -> ControlSpec:
    """A slider for scalar float/int placeholders, a checkbox for bool, else a text box holding a literal."""
    dt = t.dtype.base_dtype
    dims = t.shape.dims
    desc = "%s %s" % (t.op.name, tensor_spec(t))
    if dims is not None and len(dims) == 0:
        if dt.is_bool:
            return ControlSpec(t.op.name, "bool", bool(default) if default is not None else False, desc)
        if dt.is_floating:
            return ControlSpec(t.op.name, "float", float(default) if default is not None else 0.0, desc)
        if dt.is_integer:
            return ControlSpec(t.op.name, "int", int(default) if default is not None else 0, desc)
    if default is None:
        shape = [] if dims is None else [1 if getattr(d, "value", d) is None else getattr(d, "value", d)
                                         for d in dims]
        kind = bool if dt.is_bool else (int if dt.is_integer else float)
        default = np.zeros(shape, dtype=kind)
    return ControlSpec(t.op.name, "text", repr(np.asarray(default).tolist()), desc)


def placeholder_default(op: Operation) -> Any:
    """The default of a PlaceholderWithDefault when it is a constant, else None."""
    if op.type == "PlaceholderWithDefault" and op.inputs and op.inputs[0].op.type == "Const":
        try:
            return op.inputs[0].op.get_attr("value")
        except Exception:
            return None
    return None
