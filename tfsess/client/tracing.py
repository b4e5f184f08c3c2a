"""Per-op tracing of one run: which ops ran, in which order, for how long, on what values.

`trace_run(session, fetches, feed_dict, keep_values=False)` runs like `session.run` (same fetch/feed rules,
same values, same variable updates) through a *traced* plan of the session (tfsess/client/plan.py): the
plan's own steps in the plan's own order, with Consts and NoOps kept as steps and no constant folding, so
every op the fetches need appears once. Ops pruned away and the producers of fed tensors never run and
never appear. The result is a `RunTrace`; `OpRecord` documents one executed op. Run metadata
(`RunOptions(trace_level=FULL_TRACE)`) and the notebook's step-through view are built from it.

Variables are not steps: as with TF's reference variables, each consumer reads the variable's current value
when it runs, so a record lists the variables its inputs read (`reads`) and the variables it updates
(`writes`).
"""
from __future__ import annotations

import time
from typing import Any, NamedTuple, Optional

import numpy as np

from ..framework.graph import Operation, Tensor
from ..framework.runtime import DEAD

__all__ = ["OpRecord", "OutputInfo", "VariableRead", "RunTrace", "trace_run", "run_with_metadata"]


class OutputInfo(NamedTuple):
    """One output of an executed op: runtime shape (None if not an array), dtype name, byte size."""

    shape: Optional[tuple]
    dtype: str
    nbytes: int


class VariableRead(NamedTuple):
    """Input `input_index` of an op read variable `variable` (its op name) through tensor `tensor`."""

    input_index: int
    variable: str
    tensor: str


class OpRecord:
    """One executed op of a traced run.

    Fields:
      index           position in execution order (0, 1, ...)
      step            index of its step in the traced plan (`RunTrace.plan.steps[step].op is op`); equals
                      `index` unless steps of an untaken tf.cond branch were skipped before it
      op              the Operation; `name` and `type` are its name and op type
      start_us/end_us wall-clock start and end of its kernel, microseconds since the epoch (float)
      outputs         one OutputInfo (shape, dtype, nbytes) per output; shape None for a dead output
      inputs          the data input tensors the kernel received (variable references taken by an
                      update op, such as Assign's `ref`, are not inputs: they are in `writes`)
      fed_inputs      positions in `inputs` whose tensor was fed (a cut point of the graph)
      reads           VariableRead entries: inputs that read a variable's current value
      writes          names of the variables this op updated
      control_inputs  names of the ops that had to run before it by a control dependency
      input_values    with keep_values: the input values (NumPy arrays or scalars), else None
      output_values   with keep_values: the output values, else None
      written_values  with keep_values: {variable name: value after this op}, else None
    """

    __slots__ = ("index", "step", "op", "name", "type", "start_us", "end_us", "outputs", "inputs", "fed_inputs",
                 "reads", "writes", "control_inputs", "input_values", "output_values", "written_values")

    @property
    def duration_us(self) -> float:
        return self.end_us - self.start_us

    def __repr__(self):
        return "<OpRecord %d: %s (%s) %.1f us>" % (self.index, self.name, self.type, self.duration_us)


class RunTrace:
    """The result of `trace_run`.

    Fields:
      results         what `session.run(fetches, feed_dict)` returns, in the structure of `fetches`
      fetches         the fetched Tensors and Operations (flattened, without repeats)
      records         OpRecord per executed op, in execution order
      fed             the fed tensors (cut points), in feed order
      skipped         ops of untaken tf.cond branches (planned but dead: their kernels did not run)
      control_edges   (from op name, to op name) for each control dependency between planned ops
      start_us/end_us wall-clock bounds of the run, microseconds since the epoch
      plan            the traced Plan that ran (its `steps` are the records' ops, in order)
    `ops` is the subgraph the run needed (records' ops plus the variables they read), in graph order.
    """

    __slots__ = ("results", "fetches", "records", "fed", "skipped", "control_edges", "start_us", "end_us", "plan")

    def __init__(self):
        self.results = None
        self.fetches = []
        self.records = []
        self.fed = []
        self.skipped = []
        self.control_edges = []
        self.start_us = self.end_us = 0.0
        self.plan = None

    @property
    def ops(self) -> list:
        """Every op the run needed (pruned ops and producers of fed tensors excluded), in graph order."""
        return list(self.plan.ops) if self.plan is not None else []

    @property
    def variables_read(self) -> list:
        """Names of the variables read, in first-read order."""
        return list(dict.fromkeys(r.variable for rec in self.records for r in rec.reads))

    @property
    def variables_written(self) -> list:
        """Names of the variables updated, in first-write order."""
        return list(dict.fromkeys(v for rec in self.records for v in rec.writes))

    def __repr__(self):
        return "<RunTrace: %d ops, %d fed>" % (len(self.records), len(self.fed))


def _output_info(t: Tensor, v) -> OutputInfo:
    dtype = t.dtype.base_dtype.name
    if v is DEAD or v is None:
        return OutputInfo(None, dtype, 0)
    if type(v) is not np.ndarray and not isinstance(v, (np.generic, int, float, bool, complex, bytes)):
        return OutputInfo(None, dtype, 0)  # an opaque value (iterator, TensorArray...)
    a = np.asarray(v)
    if a.dtype == object:
        nbytes = sum(len(x) if isinstance(x, (bytes, str)) else 0 for x in a.reshape(-1))
    else:
        nbytes = int(a.nbytes)
    return OutputInfo(tuple(a.shape), dtype, nbytes)


def _kept(v):
    """A value as the trace keeps it: arrays copied unless read-only (session state and folded values are)."""
    if type(v) is np.ndarray and v.flags.writeable:
        return v.copy()
    return v


def _variable_of(t: Tensor) -> Operation:
    """The variable op behind a tensor the plan reads lazily (the variable's ref output or its read Identity)."""
    op = t.op
    return op if op.op_def.is_variable else op.inputs[0].op


class _Recorder:
    """The plan's trace callback: turns each executed step into an OpRecord."""

    def __init__(self, session, keep_values: bool):
        self.session = session
        self.keep_values = keep_values
        self.trace = RunTrace()
        self._wall0 = time.time_ns()
        self._perf0 = time.perf_counter_ns()
        self._info = None

    def _us(self, t_ns: int) -> float:
        return (self._wall0 + (t_ns - self._perf0)) / 1000.0

    def begin(self, plan) -> None:
        """Called once the traced plan is known, before it runs: precompute per-step facts."""
        trace = self.trace
        trace.plan = plan
        trace.fed = list(plan.fed)
        fed = set(plan.fed)
        readers = plan.readers
        info = []
        for st in plan.steps:
            op = st.op
            reads = [VariableRead(k, _variable_of(t).name, t.name) for k, t in enumerate(st.ins) if t in readers]
            writes = list(dict.fromkeys(op.inputs[i].op.name for i in op.op_def.ref_inputs))
            ctrl = [c.name for c in st.ctrl]
            trace.control_edges.extend((c, op.name) for c in ctrl)
            info.append((st, [k for k, t in enumerate(st.ins) if t in fed], reads, writes, ctrl))
        self._info = info

    def __call__(self, i, args, result, t0, t1) -> None:
        st, fed_inputs, reads, writes, ctrl = self._info[i]
        if args is None:
            self.trace.skipped.append(st.op)
            return
        outs = st.outs
        values = [] if not outs else [result] if len(outs) == 1 else list(result)
        rec = OpRecord()
        rec.index = len(self.trace.records)
        rec.step = i
        rec.op = op = st.op
        rec.name, rec.type = op.name, op.type
        rec.start_us, rec.end_us = self._us(t0), self._us(t1)
        rec.outputs = [_output_info(t, v) for t, v in zip(outs, values)]
        rec.inputs = list(st.ins)
        rec.fed_inputs, rec.reads, rec.writes, rec.control_inputs = fed_inputs, reads, writes, ctrl
        if self.keep_values:
            rec.input_values = [_kept(v) for v in args]
            rec.output_values = [_kept(v) for v in values]
            store = self.session.variable_store
            rec.written_values = {name: _kept(store.get(var)) for name, var in
                                  ((op.inputs[k].op.name, op.inputs[k].op) for k in op.op_def.ref_inputs)}
        else:
            rec.input_values = rec.output_values = rec.written_values = None
        self.trace.records.append(rec)


def trace_run(session, fetches, feed_dict=None, keep_values: bool = False) -> RunTrace:
    """Run `fetches` like `session.run(fetches, feed_dict)`, recording every executed op (see RunTrace).

    keep_values=True also keeps each op's input and output values (memory: every intermediate).
    """
    from .session import _flatten_fetch, _rebuild   # same package; imported here to avoid a cycle
    if session._closed:
        raise RuntimeError("Attempted to use a closed Session.")
    graph = session.graph
    if graph.version == 0:
        raise RuntimeError("The Session graph is empty. Add operations to the graph before calling run().")
    rec = _Recorder(session, keep_values)
    feeds = session._process_feeds(feed_dict) if feed_dict else {}
    leaves = []
    template = _flatten_fetch(graph, fetches, leaves)
    rec.trace.fetches = list(dict.fromkeys(leaves))
    rec.trace.fed = list(feeds)
    rec.trace.start_us = rec._us(time.perf_counter_ns())
    out = session._run_leaves(leaves, feeds, trace=rec)
    rec.trace.end_us = rec._us(time.perf_counter_ns())
    session._notify()
    rec.trace.results = _rebuild(template, out)
    return rec.trace


def run_with_metadata(session, fetches, feed_dict, options, run_metadata) -> Any:
    """`session.run(fetches, feed_dict, options, run_metadata)`: a traced run when `options` asks for one,
    filling `run_metadata` as TF does (step_stats with a trace level, partition_graphs when asked)."""
    if not hasattr(options, "trace_level"):
        raise TypeError("options must be a tf.RunOptions, got %s" % type(options).__name__)
    if not hasattr(run_metadata, "step_stats") or not hasattr(run_metadata, "partition_graphs"):
        raise TypeError("run_metadata must be a tf.RunMetadata, got %s" % type(run_metadata).__name__)
    trace_level = options.trace_level or 0
    want_graphs = bool(getattr(options, "output_partition_graphs", False))
    if not trace_level and not want_graphs:
        return session.run(fetches, feed_dict)
    trace = trace_run(session, fetches, feed_dict)
    from .run_metadata import fill_run_metadata
    fill_run_metadata(run_metadata, trace, step_stats=bool(trace_level), partition_graphs=want_graphs)
    return trace.results
