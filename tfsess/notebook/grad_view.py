"""%eval --grad LOSS: every node LOSS depends on, with its value and d LOSS / d node, micrograd-style.

The gradients come from `tf.gradients(LOSS, nodes)` built in the session's own graph (under the name
scope `eval_gradients`, so the user's own `tf.gradients` keeps the name `gradients`); the extension
hides those ops from later pictures, as it hides every op an %eval expression makes. Values and
gradients are fetched in one `sess.run`, so they belong to the same run. The backward ops `tf.gradients`
built are matched to the forward op they differentiate by their names (`eval_gradients/<op>_grad/...`).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Optional

import ipywidgets as W
import numpy as np

from ..framework.graph import Operation, Tensor
from ..framework.traversal import ancestors
from .snapshot import VARIABLE_TYPES, GraphSnapshot
from .values import short_value, value_text
from .widgets import TextAndPicture

__all__ = ["GradNode", "GradResult", "compute_gradients", "GradView", "GRAD_SCOPE"]

GRAD_SCOPE = "eval_gradients"
_PAD = "padding:2px 14px 2px 0;"
_MAX_NODES = 400            # gradients for more nodes than this are not fetched (the run would be huge)


@dataclass
class GradNode:
    """One forward tensor LOSS depends on: its value and d LOSS / d it (None: no gradient flows to it)."""

    name: str                 # op name for an op's only output, else the tensor name
    tensor: str
    op: str
    type: str
    value: Any
    grad: Any
    fed: bool = False
    backward: tuple = ()      # names of the backward ops tf.gradients built for this node's op


@dataclass
class GradResult:
    """The nodes in creation order, LOSS first among equals last; the backward ops by forward op."""

    loss: str
    nodes: list
    forward_ops: list                       # op names of the forward subgraph (fed placeholders included)
    backward_ops: list                      # every op tf.gradients added, in creation order
    backward_of: dict = field(default_factory=dict)   # forward op name -> its backward op names
    feeds: dict = field(default_factory=dict)
    scope: str = GRAD_SCOPE                  # the name scope the backward ops are in (eval_gradients_1, ...)
    notes: list = field(default_factory=list)


def _display_name(t: Tensor) -> str:
    return t.op.name if len(t.op.outputs) == 1 else t.name


def _is_variable_read(op: Operation) -> bool:
    """A variable's `read` Identity: the same value and gradient as the variable, drawn inside it."""
    return op.type == "Identity" and len(op.inputs) == 1 and op.inputs[0].op.type in VARIABLE_TYPES


def _differentiable(t: Tensor) -> bool:
    dt = t.dtype.base_dtype
    return dt.is_floating or dt.is_complex


def _backward_owner(name: str, forward: list) -> Optional[str]:
    """The forward op whose `<op>_grad` scope holds backward op `name` (the longest matching name)."""
    rest = name.split("/", 1)[1] if "/" in name else ""
    best = None
    for f in forward:
        if rest.startswith(f + "_grad/") and (best is None or len(f) > len(best)):
            best = f
    return best


def compute_gradients(session, loss: Tensor, feeds: dict) -> GradResult:
    """Values and d loss / d node for every floating tensor `loss` depends on by data, in one run."""
    from ..ops.gradients import gradients

    if not isinstance(loss, Tensor):
        raise TypeError("--grad needs a tensor to differentiate, not the op '%s'; name one of its outputs, "
                        "such as '%s:0'" % (loss.name, loss.name))
    if not _differentiable(loss):
        raise TypeError("--grad differentiates a floating-point tensor; '%s' is %s"
                        % (loss.name, loss.dtype.base_dtype.name))
    fed = set(feeds)
    if loss in fed:
        raise ValueError("--grad: '%s' is fed, so it depends on nothing; differentiate a tensor computed "
                         "from the feeds" % loss.name)
    ops = sorted(ancestors([loss.op], fed, follow_control=False), key=lambda op: op.creation_index)
    fed_ops = sorted({t.op for t in fed if any(t in op.inputs for op in ops)}, key=lambda op: op.creation_index)
    forward = fed_ops + [op for op in ops if op not in fed_ops]
    # inside tf.cond branches a tensor of the untaken branch has no value (nor a gradient): leave them out
    in_branches = any(getattr(op.op_def, "is_switch", False) for op in forward)
    xs = []
    for op in forward:
        if _is_variable_read(op) or (in_branches and (op.cond_context is not None or op.op_def.is_switch)):
            continue
        for t in op.outputs:
            if _differentiable(t) and (t in fed or op not in fed_ops):
                xs.append(t)
    if len(xs) > _MAX_NODES:
        raise ValueError("--grad: LOSS depends on %d tensors; gradients are shown for at most %d"
                         % (len(xs), _MAX_NODES))
    graph = loss.graph
    before = len(graph.get_operations())
    grads = gradients(loss, xs, name=GRAD_SCOPE)
    new_ops = graph.get_operations()[before:]
    fetch_x = [t for t in xs if t not in fed]
    fetch_g = [g for g in grads if g is not None]
    out = session.run(fetch_x + fetch_g, feed_dict=feeds or None)
    value_of = dict(zip(fetch_x, out[:len(fetch_x)]))
    for t in xs:
        if t in fed:
            value_of[t] = feeds[t]
    grad_vals = iter(out[len(fetch_x):])
    forward_names = [op.name for op in forward]
    backward_of: dict = {}
    for op in new_ops:
        owner = _backward_owner(op.name, forward_names)
        if owner is not None:
            backward_of.setdefault(owner, []).append(op.name)
    nodes = []
    for t, g in zip(xs, grads):
        nodes.append(GradNode(name=_display_name(t), tensor=t.name, op=t.op.name, type=t.op.type,
                              value=value_of[t], grad=None if g is None else next(grad_vals),
                              fed=t in fed, backward=tuple(backward_of.get(t.op.name, ()))))
    shown_feeds = {_display_name(t): v for t, v in feeds.items()}
    notes = ["tf.cond's Switch ops and branch ops are not listed (the untaken branch has no values)"] if in_branches else []
    return GradResult(loss=_display_name(loss), nodes=nodes, forward_ops=forward_names, notes=notes,
                      backward_ops=[op.name for op in new_ops], backward_of=backward_of, feeds=shown_feeds,
                      scope=new_ops[0].name.split("/", 1)[0] if new_ops else GRAD_SCOPE)


def _one_line(v: Any) -> str:
    """Scalars to 4 significant digits (float32 noise hidden), arrays as NumPy prints them, on one line."""
    a = np.asarray(v)
    if a.ndim == 0 and a.dtype.kind in "fc":
        return short_value(a)
    return " ".join(value_text(v).split())


def node_label(n: GradNode) -> str:
    """The text on a drawn node: micrograd's `data | grad`."""
    return "%s | grad %s" % (short_value(n.value, 20), "None" if n.grad is None else short_value(n.grad, 20))


class GradView(TextAndPicture, W.VBox):
    """The nodes of LOSS with value and gradient: a table, and the forward graph with both on its nodes.

    The "backward ops" toggle adds the ops tf.gradients built to the drawing (each forward op's backward
    ops sit in its `<op>_grad` box); the dropdown emphasises the backward ops of one forward op.
    """

    def __init__(self, result: GradResult, graph_snapshot: Optional[GraphSnapshot], *, draw: bool = True,
                 backward: bool = False, widget_class=None):
        from .widgets import GraphView

        self.result = result
        self.table = W.HTML(self._table_html())
        kids: list = [self.table]
        self.graph_view = None
        self.show_backward = W.ToggleButton(value=False, description="backward ops", icon="arrow-left",
                                            tooltip="add the ops tf.gradients built to the drawing",
                                            layout=W.Layout(width="auto"))
        owners = [n.op for n in result.nodes if n.backward]
        self.backward_of = W.Dropdown(options=[("all", "")] + [(o, o) for o in dict.fromkeys(owners)],
                                      value="", description="emphasise:", disabled=True,
                                      style={"description_width": "initial"})
        self._full = graph_snapshot
        if graph_snapshot is not None:
            fwd = set(result.forward_ops)
            self._forward = GraphSnapshot(r for r in graph_snapshot.ops if r.name in fwd)
            values = {n.tensor: node_label(n) for n in result.nodes}
            self._title = "d %s / d node on the forward graph" % result.loss
            self.graph_view = GraphView(self._forward, values=values, draw=draw, title=self._title, rankdir="LR",
                                        widget_class=widget_class)
            kids += [W.HBox([self.show_backward, self.backward_of]), self.graph_view]
            self.show_backward.observe(self._on_toggle, names="value")
            self.backward_of.observe(self._on_pick, names="value")
        super().__init__(children=kids)
        if backward:
            self.show_backward.value = True
        self.text = self._text(backward)

    # --- public -------------------------------------------------------------------------------
    @property
    def grads(self) -> dict:
        """node name -> d LOSS / d node (None where no gradient flows)."""
        return {n.name: n.grad for n in self.result.nodes}

    @property
    def values(self) -> dict:
        return {n.name: n.value for n in self.result.nodes}

    def set_backward(self, on: bool, of: str = "") -> None:
        """Show (or hide) the backward ops in the drawing; `of` emphasises one forward op's backward ops."""
        self.show_backward.value = bool(on)
        if on:
            self.backward_of.value = of

    # --- internals ----------------------------------------------------------------------------
    def _on_toggle(self, change) -> None:
        self.backward_of.disabled = not change["new"]
        self._redraw()

    def _on_pick(self, change) -> None:
        self._redraw()

    def _redraw(self) -> None:
        gv = self.graph_view
        if gv is None:
            return
        if not self.show_backward.value:
            gv.title = self._title
            gv.new = ()
            gv.update(snap=self._forward)
            return
        keep = set(self.result.forward_ops) | set(self.result.backward_ops)
        snap = GraphSnapshot(r for r in self._full.ops if r.name in keep)
        of = self.backward_of.value
        gv.title = self._title + " and the backward ops tf.gradients built (in red)"
        gv.new = tuple(self.result.backward_of.get(of, ())) + (of,) if of else tuple(self.result.backward_ops)
        gv.update(snap=snap)
        if self.result.scope not in gv.expanded:
            gv.expand(self.result.scope)

    def _table_html(self) -> str:
        r = self.result
        th = '<th style="text-align:left; padding:2px 14px 2px 0">%s</th>'
        rows = ["<tr>%s</tr>" % "".join(th % h for h in ("node", "op", "value", "d %s / d node" % html.escape(r.loss)))]
        for n in r.nodes:
            grad = "None (no gradient flows here)" if n.grad is None else _one_line(n.grad)
            rows.append('<tr><td style="%s"><b>%s</b>%s</td><td style="%s color:#777">%s</td><td style="%s">%s</td>'
                        '<td style="%s color:#1f6fd1">%s</td></tr>'
                        % (_PAD, html.escape(n.name), " (fed)" if n.fed else "", _PAD, html.escape(n.type),
                           _PAD, html.escape(_one_line(n.value)), _PAD, html.escape(grad)))
        return ('<table style="border-collapse:collapse; font-family:monospace; font-size:13px">%s</table>'
                % "".join(rows))

    def _text(self, backward: bool) -> str:
        r = self.result
        lines = ["d %s / d node for the %d node%s %s depends on (tf.gradients):"
                 % (r.loss, len(r.nodes), "" if len(r.nodes) == 1 else "s", r.loss)]
        for n in r.nodes:
            lines.append("  %s%s: value=%s, grad=%s" % (n.name, " (fed)" if n.fed else "", _one_line(n.value),
                                                         "None" if n.grad is None else _one_line(n.grad)))
        if r.feeds:
            lines.append("feeds: " + ", ".join("%s=%s" % (k, _one_line(v)) for k, v in r.feeds.items()))
        lines.extend(r.notes)
        if backward:
            lines.append("backward ops tf.gradients built (%d):" % len(r.backward_ops))
            for op, names in r.backward_of.items():
                lines.append("  for %s: %s" % (op, ", ".join(names)))
            rest = [b for b in r.backward_ops if not any(b in v for v in r.backward_of.values())]
            if rest:
                lines.append("  seed and sums: " + ", ".join(rest))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "GradView(%s, %d nodes)" % (self.result.loss, len(self.result.nodes))


