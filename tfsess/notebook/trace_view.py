"""%eval --trace: step forward and back through one run, op by op, on the drawing of the subgraph that ran.

The run is one `tfsess.client.tracing.trace_run` (the session's own traced plan, so the steps are the ops
that really executed, in their real order, with the values they really saw). Each step shows the op's
input values (marked when fed, a cut point, or when read from a variable), its output values, the
variables it wrote and the ops it waited for by a control dependency; the drawing emphasises the op and
shows the values computed so far. Nothing here runs the session again: stepping only changes the view.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import ipywidgets as W
import numpy as np

from ..framework.graph import Tensor
from . import dot as _dot
from .snapshot import GraphSnapshot
from .values import short_value, value_text
from .widgets import TextAndPicture

__all__ = ["Step", "TraceResult", "trace", "TraceView", "step_line"]

MAX_STEPS = 2000            # longer runs are traced but only their first steps are listed and steppable
TEXT_HEAD, TEXT_TAIL = 50, 20   # text/plain of a longer run: its first and last steps


@dataclass
class Step:
    """One executed op: what it read, what it produced, what it wrote, what it waited for."""

    number: int                      # 1, 2, ... in execution order
    op: str
    type: str
    inputs: list                     # [(tensor name, value, note)], note: '' | 'fed' | 'read W'
    outputs: list                    # [(tensor name, value)]
    writes: dict = field(default_factory=dict)      # variable name -> value after this op
    after: tuple = ()                # control inputs (op names)
    duration_us: float = 0.0


@dataclass
class TraceResult:
    """A traced run: steps in execution order, fed tensors (the cut points), fetched values."""

    labels: list
    values: list
    steps: list
    feeds: dict                      # fed tensor name -> value
    variables: list                  # variables read or written (op names), in first-use order
    reads: list = field(default_factory=list)       # the ops through which variables were read (W/read)
    fetched_reads: dict = field(default_factory=dict)   # label -> 'read v ...' for fetches read, not computed
    skipped: list = field(default_factory=list)     # ops of untaken tf.cond branches
    truncated: int = 0               # executed ops not listed (past MAX_STEPS)

    @property
    def ops(self) -> list:
        return [s.op for s in self.steps]


def _as_fed(t: Tensor, v: Any) -> Any:
    """A fed value as the graph sees it (the placeholder's dtype), for display."""
    try:
        return np.asarray(v, dtype=t.dtype.base_dtype.as_numpy_dtype)
    except Exception:
        return v


def trace(session, labels: Sequence[str], leaves: Sequence, feeds: dict) -> TraceResult:
    """Run `leaves` once through the session's traced plan and keep every step's values."""
    from ..client.tracing import trace_run

    run = trace_run(session, list(leaves), feeds or None, keep_values=True)
    fed = set(run.fed)
    steps = []
    for rec in run.records[:MAX_STEPS]:
        read_at = {r.input_index: _read_note(session.graph, r) for r in rec.reads}
        ins = []
        for k, (t, v) in enumerate(zip(rec.inputs, rec.input_values)):
            note = "fed" if k in rec.fed_inputs or t in fed else read_at.get(k, "")
            ins.append((t.name, v, note))
        outs = [(t.name, v) for t, v in zip(rec.op.outputs, rec.output_values)]
        steps.append(Step(number=rec.index + 1, op=rec.name, type=rec.type, inputs=ins, outputs=outs,
                          writes=dict(rec.written_values or {}), after=tuple(rec.control_inputs),
                          duration_us=rec.duration_us))
    shown = {t.name: _as_fed(t, v) for t, v in feeds.items()}
    variables = list(dict.fromkeys(run.variables_read + run.variables_written))
    reads = list(dict.fromkeys(r.tensor.rsplit(":", 1)[0] for rec in run.records for r in rec.reads))
    readers = run.plan.readers if run.plan is not None else {}
    fetched_reads = {}
    for label, x in zip(labels, leaves):
        if isinstance(x, Tensor) and x in readers and x not in fed:
            fetched_reads[label] = _chain_note(x)
            op = x.op
            while op.op_def.forwards_input and op.inputs and not op.op_def.is_variable:
                reads.append(op.name)           # drawn: the fetch is read through these Identity ops
                op = op.inputs[0].op
            variables.append(op.name)
    reads, variables = list(dict.fromkeys(reads)), list(dict.fromkeys(variables))
    return TraceResult(labels=list(labels), values=list(run.results), steps=steps, feeds=shown,
                       fetched_reads=fetched_reads,
                       variables=variables, reads=reads, skipped=[op.name for op in run.skipped],
                       truncated=max(0, len(run.records) - MAX_STEPS))


def _read_note(graph, read) -> str:
    """'read v', or 'read v after ^update' when the read waits for ops by control dependencies
    (`v.read_value()` inside `tf.control_dependencies`): reads are not steps, so say it here."""
    return _chain_note(graph.get_tensor_by_name(read.tensor))


def _chain_note(t: Tensor) -> str:
    """How a tensor the plan reads from a variable gets its value: 'read v' plus the control inputs of the
    Identity ops between it and the variable (walked iteratively)."""
    after, op = [], t.op
    while op.op_def.forwards_input and op.inputs and not op.op_def.is_variable:
        after.extend(c.name for c in op.control_inputs)
        op = op.inputs[0].op
    after = list(dict.fromkeys(after))
    return "read " + op.name + (" after " + ", ".join("^" + c for c in after) if after else "")


# ----- text --------------------------------------------------------------------------------------

def _v(v: Any, limit: int = 40) -> str:
    return short_value(v, limit)


def step_line(s: Step) -> str:
    """'3. add (AddV2): 1, 2 -> 3' with fed inputs, variable reads/writes and control deps marked."""
    ins = ", ".join(_v(v) + (" (%s)" % note if note else "") for _n, v, note in s.inputs)
    outs = ", ".join(_v(v) for _n, v in s.outputs) if s.outputs else "(no output)"
    line = "%d. %s (%s): %s-> %s" % (s.number, s.op, s.type, ins + " " if ins else "", outs)
    extra = ["writes %s = %s" % (k, _v(v)) for k, v in s.writes.items()]
    if s.after:
        extra.append("after " + ", ".join("^" + c for c in s.after))
    return line + ("; " + "; ".join(extra) if extra else "")


def _one_line(v: Any) -> str:
    return " ".join(value_text(v).split())


# ----- the widget ----------------------------------------------------------------------------------

class TraceView(TextAndPicture, W.VBox):
    """Step through a traced run: back/next buttons and a slider choose the step shown.

    `view.step` is the step shown (0: before the run, only the feeds); `view.go(n)`, `view.next()`,
    `view.back()` move. The drawing (if any) emphasises the current op and carries the values so far.
    """

    def __init__(self, result: TraceResult, subgraph: Optional[GraphSnapshot], *, draw: bool = True,
                 widget_class=None):
        from .widgets import GraphView

        self.result = result
        n = len(result.steps)
        self.back_button = W.Button(description="back", icon="step-backward", layout=W.Layout(width="auto"),
                                    tooltip="the previous op")
        self.next_button = W.Button(description="next", icon="step-forward", layout=W.Layout(width="auto"),
                                    tooltip="the next op")
        self.slider = W.IntSlider(value=min(1, n), min=0, max=n, step=1, description="step",
                                  continuous_update=True, readout=True)
        self.panel = W.HTML()
        self.graph_view = None
        self._drawn_in: dict = {}        # constant drawn inside its consumer -> that consumer
        if subgraph is not None:
            lay = _dot.build_view(subgraph).layout
            for j, consts in (lay.embedded.items() if lay is not None else ()):
                for i in consts:
                    self._drawn_in.setdefault(subgraph.ops[i].name, subgraph.ops[j].name)
        kids: list = [W.HTML(self._headline_html()), W.HBox([self.back_button, self.slider, self.next_button]),
                      self.panel]
        if subgraph is not None:
            self.graph_view = GraphView(subgraph, values=self._values_at(self.slider.value), draw=draw,
                                        title="subgraph that ran (the current step's op in red)",
                                        widget_class=widget_class,
                                        new=self._current(self.slider.value))
            kids.append(self.graph_view)
        super().__init__(children=kids)
        self.back_button.on_click(lambda _b: self.back())
        self.next_button.on_click(lambda _b: self.next())
        self.slider.observe(self._on_step, names="value")
        self.text = self._text()
        self._show(self.slider.value)

    # --- public -------------------------------------------------------------------------------
    @property
    def step(self) -> int:
        return self.slider.value

    @property
    def steps(self) -> list:
        return list(self.result.steps)

    def go(self, n: int) -> None:
        self.slider.value = max(0, min(len(self.result.steps), int(n)))

    def next(self) -> None:
        self.go(self.step + 1)

    def back(self) -> None:
        self.go(self.step - 1)

    # --- internals ----------------------------------------------------------------------------
    def _on_step(self, change) -> None:
        self._show(change["new"])

    def _current(self, k: int) -> tuple:
        """The op of step k to emphasise (a constant drawn inside its consumer: that consumer)."""
        if k < 1:
            return ()
        op = self.result.steps[k - 1].op
        return (self._drawn_in.get(op, op),)

    def _values_at(self, k: int) -> dict:
        """Node values after step k: the feeds, variables as read/written so far, every output so far."""
        r = self.result
        vals = {name: _v(v, 24) + " (fed)" for name, v in r.feeds.items()}
        for s in r.steps[:k]:
            for name, v, note in s.inputs:
                if note.startswith("read "):
                    vals.setdefault(note[5:].split(" ")[0] + ":0", _v(v, 24))
            for name, v in s.outputs:
                vals[name] = _v(v, 24)
            for var, v in s.writes.items():
                vals[var + ":0"] = _v(v, 24) + " (written)"
        return vals

    def _show(self, k: int) -> None:
        n = len(self.result.steps)
        self.back_button.disabled = k <= 0
        self.next_button.disabled = k >= n
        self.panel.value = self._step_html(k)
        if self.graph_view is not None:
            self.graph_view.new = self._current(k)
            self.graph_view.update(values=self._values_at(k))

    def _headline(self) -> str:
        r = self.result
        head = "run of %s: %d op%s executed, in this order" % (", ".join(r.labels), len(r.steps) + r.truncated,
                                                             "" if len(r.steps) + r.truncated == 1 else "s")
        if r.feeds:
            head += "; fed (the graph is cut there): " + ", ".join(_short_name(t) for t in r.feeds)
        return head

    def _headline_html(self) -> str:
        return '<div style="color:#555; margin:2px 0">%s</div>' % html.escape(self._headline())

    def _step_html(self, k: int) -> str:
        r = self.result
        if k == 0:
            rows = ["<b>before the run</b>: nothing has executed yet."]
            if r.feeds:
                rows.append("Fed tensors (cut points: their producers never run): " + ", ".join(
                    "<code>%s</code> = %s" % (html.escape(_short_name(t)), html.escape(_v(v)))
                    for t, v in r.feeds.items()))
            return "<div>%s</div>" % "<br>".join(rows)
        s = r.steps[k - 1]
        out = ['<div style="font-size:15px; margin:4px 0"><b>%d. %s</b> <span style="color:#777">(%s)</span></div>'
               % (s.number, html.escape(s.op), html.escape(s.type))]
        table = []
        for name, v, note in s.inputs:
            mark = {"fed": '<span style="color:#d35400">fed: a cut point</span>'}.get(
                note, '<span style="color:#16a085">reads variable %s</span>' % html.escape(note[5:])
                if note.startswith("read ") else "")
            table.append("<tr><td>input</td><td><code>%s</code></td><td><pre style=\"margin:0\">%s</pre></td>"
                         "<td>%s</td></tr>" % (html.escape(name), html.escape(value_text(v)), mark))
        for name, v in s.outputs:
            table.append("<tr><td><b>output</b></td><td><code>%s</code></td><td><pre style=\"margin:0\"><b>%s</b>"
                         "</pre></td><td></td></tr>" % (html.escape(name), html.escape(value_text(v))))
        for var, v in s.writes.items():
            table.append("<tr><td>writes</td><td><code>%s</code></td><td><pre style=\"margin:0\">%s</pre></td>"
                         '<td><span style="color:#c0392b">the variable now holds this</span></td></tr>'
                         % (html.escape(var), html.escape(value_text(v))))
        if table:
            out.append('<table style="border-collapse:separate; border-spacing:12px 2px; margin-left:-12px; '
                       'font-size:13px">%s</table>' % "".join(table))
        if s.after:
            out.append('<div style="color:#777">ran after %s (control dependenc%s)</div>'
                       % (", ".join("<code>%s</code>" % html.escape(c) for c in s.after),
                          "y" if len(s.after) == 1 else "ies"))
        return "".join(out)

    def _text(self) -> str:
        r = self.result
        lines = [self._headline()]
        if r.feeds:
            lines.append("fed: " + ", ".join("%s = %s" % (_short_name(t), _one_line(v)) for t, v in r.feeds.items()))
        steps = r.steps
        if len(steps) > TEXT_HEAD + TEXT_TAIL + 1:
            lines.extend(step_line(s) for s in steps[:TEXT_HEAD])
            lines.append("… %d more steps (step through them above, or read view.steps) …"
                         % (len(steps) - TEXT_HEAD - TEXT_TAIL))
            lines.extend(step_line(s) for s in steps[-TEXT_TAIL:])
        else:
            lines.extend(step_line(s) for s in steps)
        if r.truncated:
            lines.append("… %d more ops" % r.truncated)
        if r.skipped:
            lines.append("not run (untaken tf.cond branch): " + ", ".join(r.skipped))
        for label, v in zip(r.labels, r.values):
            note = r.fetched_reads.get(label)
            lines.append("%s = %s%s" % (label, "ran (no value)" if v is None else _one_line(v),
                                        "  (%s)" % note if note else ""))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "TraceView(%s, %d steps)" % (", ".join(self.result.labels), len(self.result.steps))



def _short_name(tensor_name: str) -> str:
    return tensor_name[:-2] if tensor_name.endswith(":0") else tensor_name
