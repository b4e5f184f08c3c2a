"""GraphView and EvalView: the picture of a graph snapshot (interactive in the page) and the values of %eval.

A GraphView draws one immutable GraphSnapshot; only a `live` view follows later cells. The drawing widget
is the browser-side `GraphWidget` (layout in the page) when it is available, else a stock ipywidgets HTML
holding an SVG rendered in the kernel under a time limit. The output bundle always carries text/plain (the
op listing, what nbval compares) and, when it could be rendered in time, image/svg+xml for viewers without
widgets. Nothing here raises out of a callback; nothing here touches a session (EvalView calls a `runner`).
"""
from __future__ import annotations

import html
import pathlib
from typing import Any, Callable, Iterable, Optional, Sequence

import ipywidgets as W
from traitlets import Bool, Dict, Int, List, Unicode

from . import dot as _dot
from . import render as _render
from .errors import short_error
from .evaluation import ControlSpec, EvalResult
from .snapshot import GraphSnapshot, snapshot
from .values import describe, indent_value, value_html, value_text

__all__ = ["GraphView", "EvalView", "TextAndPicture", "make_control", "control_value", "drawing_widget_class"]

_SVG_BOX = '<div style="overflow:auto; max-height:{h}px; max-width:100%">{svg}</div>'


class StaticDrawing(W.HTML):
    """Fallback drawing widget with GraphWidget's traits: shows an SVG rendered in the kernel (time-limited)."""

    dot = Unicode("")
    expanded = List(Unicode())
    node_info = Dict()
    highlight = List(Unicode())
    rankdir = Unicode("TB")
    svg = Unicode("")
    height = Int(560)
    status = Unicode("")
    draw = Bool(True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.observe(self._redraw, names=["dot", "height"])
        self._redraw()

    def _redraw(self, change=None) -> None:
        svg = _render.render_svg(self.dot) if (self.draw and self.dot) else None
        if svg is None:
            self.svg = ""
            self.status = "error: no renderer finished in time" if self.draw else "text"
            return
        self.svg = svg
        self.status = "ok"
        self.value = _SVG_BOX.format(h=self.height, svg=svg)


def drawing_widget_class():
    """The browser-side GraphWidget when anywidget and its front-end are installed, else StaticDrawing."""
    try:
        from .graph_widget import GraphWidget
    except Exception:   # no anywidget, or no front-end shipped: draw in the kernel
        return StaticDrawing
    return GraphWidget


class GraphView(W.VBox):
    """The drawing of one GraphSnapshot: boxes expand on click, direction and series grouping can change.

    `view.expand(scope)`, `view.collapse(scope)`, `view.direction = "LR"`, `view.save("graph.svg")`.
    """

    dot = Unicode("", help="DOT source of the current drawing")
    text = Unicode("", help="the text/plain form: a headline and a listing of the ops")
    shown = Unicode("", help="'widget' (drawn in the page), 'svg' (drawn in the kernel) or 'text'")
    redraws = Int(0, help="how many times the view was rebuilt")
    live = Bool(False, help="follow later cells (redraw when they add ops)")

    def __init__(self, source, *, new: Sequence[str] = (), values: Optional[dict] = None, draw: bool = True,
                 title: str = "graph", expanded: Optional[Iterable[str]] = None, collapsed: Iterable[str] = (),
                 rankdir: str = "TB", group_series: bool = True, live: bool = False, ran: Optional[Sequence] = None,
                 text_collapsed: Iterable[str] = (), widget_class=None):
        self.snap: GraphSnapshot = snapshot(source)
        self.title = title
        self.draw = draw
        self.new = tuple(new)
        self.ran = None if ran is None else tuple(ran)
        self.values = dict(values or {})
        self.group_series = group_series
        self.text_collapsed = tuple(text_collapsed)
        self.static_svg: Optional[str] = None
        self._static_for = None
        self.frozen = False
        start = _dot.default_expanded(self.snap, collapsed) if expanded is None else frozenset(expanded)
        cls = widget_class or (drawing_widget_class() if draw else None)
        self.header = W.HTML()
        self.follow = W.ToggleButton(value=live, description="follow later cells", icon="refresh",
                                     tooltip="redraw this picture when later cells add ops",
                                     layout=W.Layout(width="auto"))
        self.drawing = None
        kids = [W.HBox([self.header, self.follow])]
        if cls is not None:
            kw = {"rankdir": "LR" if str(rankdir).upper() == "LR" else "TB", "expanded": sorted(start)}
            if cls is StaticDrawing:
                kw["draw"] = draw
            self.drawing = cls(**kw)
            kids.append(self.drawing)
        else:
            self.body = W.HTML()
            kids.append(self.body)
        super().__init__(children=kids)
        self._expanded = frozenset(start)
        self._rankdir = "LR" if str(rankdir).upper() == "LR" else "TB"
        self.live = live
        self.follow.observe(self._on_follow, names="value")
        if self.drawing is not None:
            self.drawing.observe(self._on_expanded, names="expanded")
            self.drawing.observe(self._on_rankdir, names="rankdir")
        self.redraw()

    # --- public API ---------------------------------------------------------------------------
    @property
    def expanded(self) -> tuple:
        """The name scopes (and `base_*` stacks) drawn open."""
        return tuple(sorted(self._expanded))

    @property
    def collapsed(self) -> tuple:
        """The name scopes drawn as closed boxes (those not expanded)."""
        return tuple(s for s in _dot.scopes_of(self.snap) if s not in self._expanded)

    def expand(self, *names: str) -> None:
        self._set_expanded(self._expanded | set(names))

    def collapse(self, *names: str) -> None:
        self._set_expanded(self._expanded - set(names))

    def expand_all(self) -> None:
        self._set_expanded(set(_dot.scopes_of(self.snap)) | self._expanded)

    @property
    def direction(self) -> str:
        return self._rankdir

    @direction.setter
    def direction(self, rankdir: str) -> None:
        r = "LR" if str(rankdir).upper() == "LR" else "TB"
        if r != self._rankdir:
            self._rankdir = r
            if self.drawing is not None and self.drawing.rankdir != r:
                self.drawing.rankdir = r
            self.redraw()

    def set_grouping(self, on: bool) -> None:
        """Group series of similar names (`add_1`, `add_2`, ...) into one stack, or draw them one by one."""
        self.group_series = bool(on)
        self.redraw()

    def refresh_live(self, snap: GraphSnapshot) -> None:
        """A live view: redraw from a newer snapshot, emphasising the ops added since the last one."""
        if not self.live or self.frozen or len(snap) == len(self.snap):
            return
        old = set(self.snap.index)
        self.new = tuple(r.name for r in snap.ops if r.name not in old)
        self.snap = snap
        self.redraw()

    def update(self, *, values: Optional[dict] = None, ran: Optional[Sequence] = None, snap=None) -> None:
        """Change the values on nodes (and the snapshot / ops that ran) and redraw."""
        if values is not None:
            self.values = dict(values)
        if ran is not None:
            self.ran = tuple(ran)
        if snap is not None:
            self.snap = snapshot(snap)
        self.redraw()

    def svg(self, timeout: float = _render.STATIC_TIMEOUT) -> Optional[str]:
        """The SVG of the current drawing: the one the page drew, else rendered in the kernel within `timeout`."""
        page = getattr(self.drawing, "svg", "") if self.drawing is not None else ""
        if page and getattr(self.drawing, "status", "") == "ok":
            return page
        if self._static_for != self.dot:
            self.static_svg = _render.render_svg(self.dot, timeout) if self.dot else None
            self._static_for = self.dot
        return self.static_svg

    def save(self, path, timeout: float = _render.SAVE_TIMEOUT) -> pathlib.Path:
        """Write the drawing to `path` (.svg, .png with the system `dot`, or .dot); ValueError if it cannot."""
        target = pathlib.Path(path)
        fmt = target.suffix.lower().lstrip(".") or "svg"
        if fmt in ("dot", "gv"):
            target.write_text(self.dot, encoding="utf-8")
            return target
        if fmt == "svg":
            svg = self.svg(timeout)
            if svg is None:
                raise ValueError("could not render the graph within %g s (no Graphviz renderer finished)" % timeout)
            target.write_text(svg, encoding="utf-8")
            return target
        if fmt == "png":
            data = _render.render(self.dot, "png", timeout)
            if data is None:
                raise ValueError("PNG needs the system Graphviz `dot` program; save as .svg instead")
            target.write_bytes(data)
            return target
        raise ValueError("save() writes .svg, .png or .dot files, not %r" % target.suffix)

    def highlight_ids(self) -> list:
        """Element ids of the drawn nodes holding the emphasised (new) ops."""
        return list(self._highlight)

    def to_graphviz(self):
        """The current drawing as a `graphviz.Source` (for the graphviz package's own render/export)."""
        import graphviz
        return graphviz.Source(self.dot)

    def freeze(self) -> None:
        """Stop being interactive: drop observers and the drawing widget, keep the last picture as static HTML."""
        if self.frozen:
            return
        svg = self.svg(timeout=0.5) if self.drawing is not None else None
        self.frozen = True
        self.live = False
        self.follow.unobserve(self._on_follow, names="value")
        if self.drawing is not None:
            self.drawing.unobserve(self._on_expanded, names="expanded")
            self.drawing.unobserve(self._on_rankdir, names="rankdir")
        picture = _SVG_BOX.format(h=560, svg=svg) if svg else "<pre>%s</pre>" % html.escape(self.text)
        self.header.value = self.header.value + picture
        old = [self.children[0], self.follow] + ([self.drawing] if self.drawing is not None else [])
        self.children = (self.header,)
        for w in old:
            _close(w)
        self.drawing = None
        self.snap = GraphSnapshot(())          # the records are no longer needed

    detach = freeze

    def close(self) -> None:
        self.freeze()
        _close(self.header)
        layout = self.layout
        super().close()
        layout.close()

    def redraw(self) -> None:
        """Rebuild DOT, info cards and text from the snapshot and send them; never raises."""
        if self.frozen:
            return
        try:
            self._redraw()
        except Exception as exc:  # drawing must never break a cell
            self.shown = "text"
            self.header.value = "<pre>%s</pre>" % html.escape("(could not draw the graph: %s: %s)"
                                                              % (type(exc).__name__, exc))

    # --- internals ----------------------------------------------------------------------------
    def _set_expanded(self, names) -> None:
        names = frozenset(names)
        if names == self._expanded:
            return
        self._expanded = names
        if self.drawing is not None and set(self.drawing.expanded) != names:
            self.drawing.expanded = sorted(names)     # the page shows the same boxes open
        self.redraw()

    def _on_expanded(self, change) -> None:
        names = frozenset(change["new"])
        if names != self._expanded:
            self._expanded = names
            self.redraw()

    def _on_rankdir(self, change) -> None:
        self.direction = change["new"]

    def _on_follow(self, change) -> None:
        self.live = bool(change["new"])

    def _redraw(self) -> None:
        v = _dot.build_view(self.snap, new=self.new, values=self.values, expanded=self._expanded,
                            group_series=self.group_series, rankdir=self._rankdir)
        self.dot = v.dot
        self.summary = v.summary
        self._highlight = list(v.highlight)
        self.text = self._text()
        if self.drawing is not None:
            with self.drawing.hold_trait_notifications():
                self.drawing.node_info = v.node_info
                self.drawing.highlight = v.highlight
                self.drawing.dot = v.dot
            self.shown = "svg" if isinstance(self.drawing, StaticDrawing) and self.drawing.svg else (
                "text" if isinstance(self.drawing, StaticDrawing) else "widget")
            if self.shown == "text":
                self.drawing.value = "<pre style=\"font-size:12px\">%s</pre>" % html.escape(self.text)
        else:
            self.shown = "text"
            self.body.value = "<pre style=\"font-size:12px\">%s</pre>" % html.escape(self.text)
        self.header.value = '<span style="color:#555">%s</span>' % html.escape(self._headline())
        self.redraws += 1

    def _headline(self) -> str:
        parts = ["%s: %s" % (self.title, _dot.summary(self.snap))]
        if self.new:
            parts.append("%d new (marked +)" % len(self.new))
        return "; ".join(parts)

    def _text(self) -> str:
        listing = _dot.graph_to_text(self.snap, new=self.new, ran=self.ran, values=self.values,
                                     collapsed=self.text_collapsed)
        return "%s\ndrawn: %s\n%s" % (self._headline(), self.summary, listing)

    def __repr__(self) -> str:
        extra = (", %d new" % len(self.new)) if self.new else ""
        return "GraphView(%d ops%s)" % (len(self.snap), extra)

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.text
        if self.draw and not self.frozen:
            try:
                svg = self.svg()
            except Exception:
                svg = None
            if svg:
                data["image/svg+xml"] = svg
                self._keep_picture(svg)
        return data

    def _keep_picture(self, svg: str) -> None:
        """Give a page-side drawing the kernel's SVG until the page draws its own: a notebook saved before any
        page drew it (nbclient, nbval) then still shows this picture when reopened without a kernel."""
        d = self.drawing
        if d is not None and not isinstance(d, StaticDrawing) and not d.svg and hasattr(d, "engine_version"):
            d.svg = svg


def _close(widget) -> None:
    """Close a widget with its layout and style models (each is a widget of its own)."""
    for w in (widget, getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(w, W.Widget):
            w.close()


# ----- controls and the eval view ------------------------------------------------------------------

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
    import ast
    if spec.kind != "text":
        return widget.value
    return ast.literal_eval(widget.value.strip())


class TextAndPicture:
    """The output bundle of a view with a `text` listing and an optional drawing (`graph_view`): text/plain is
    the listing (terminal, nbval) and image/svg+xml the kernel-rendered picture for viewers without widgets,
    which the drawing also keeps as its saved picture."""

    text: str
    graph_view: "GraphView | None"

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.text
        if self.graph_view is not None and self.graph_view.draw:
            try:
                svg = self.graph_view.svg()
            except Exception:
                svg = None
            if svg:
                data["image/svg+xml"] = svg
                self.graph_view._keep_picture(svg)
        return data


class EvalView(TextAndPicture, W.VBox):
    """Values of `%eval` and the subgraph that computed them; re-runs on control changes and when watched.

    A control change re-runs and updates the values and the node labels of the same subgraph drawing
    (its snapshot is not rebuilt).
    """

    text = Unicode("", help="the text/plain form: the values")
    refreshes = Int(0, help="how many runs the view has shown")
    status = Unicode("", help="the last error or note shown under the values")
    stale = False  # set by the extension when the session ran since the last refresh

    def __init__(self, labels: Sequence[str], result: EvalResult, runner: Optional[Callable[[dict], EvalResult]], *,
                 controls: Sequence[ControlSpec] = (), subgraph=None, draw: bool = True, watch: bool = False,
                 widget_class=None):
        self.labels = list(labels)
        self.runner = runner
        self.watch = watch
        self.specs = list(controls)
        self.controls = {s.name: make_control(s) for s in self.specs}
        self.values_box = W.VBox([W.HTML() for _ in self.labels])
        self.status_html = W.HTML()
        self.graph_view = (GraphView(subgraph, ran=result.ran, values=result.node_values, draw=draw,
                                     title="subgraph that ran", widget_class=widget_class)
                           if subgraph is not None else None)
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
        if self.graph_view is not None and self.refreshes:
            self.graph_view.update(values=result.node_values, ran=result.ran)
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
                lines.append(indent_value(label, value_text(v)) + "    # " + describe(v, dt))
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

