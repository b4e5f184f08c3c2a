"""Run plans: what `Session.run` executes for one (fetches, fed tensors) combination.

A plan is built once: one iterative walk finds the needed ops (creation order is a topological
order), constants are folded, and each op's NumPy kernel is bound. The first execution interprets
the steps; from the second on, the plan runs as generated straight-line Python (one kernel call per
line, intermediates deleted after their last use). tf.cond plans and very large plans stay
interpreted. A failed run rolls back every variable it changed; a run holds the locks of the variables
it may update until it commits or rolls back (per-run isolation between threads).

Generated code keeps its source: each plan registers it with `linecache` under its own file name
(`<tfsess plan 7>`), every line commented with the op it runs, so tracebacks and `inspect.getsource`
show it. Set `INTERPRET_ONLY = True` to keep every plan interpreted while debugging.

A traced plan (`traced=True`, used by tfsess/client/tracing.py) runs every needed op as a step, Consts and
NoOps included, without constant folding, always interpreted; `execute(values, trace=fn)` calls
`fn(step index, input values, result, start ns, end ns)` after each step (input values None: a step
skipped as dead in an untaken tf.cond branch).
"""
from __future__ import annotations

import functools
import itertools
import linecache
import threading
import time
import weakref

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError, OpError
from ..framework.traversal import ops_needed
from ..framework.runtime import DEAD, rollback, uninitialized_error

__all__ = ["Plan", "DEAD", "fetched_value"]

# Tests switch this on: every kernel output is checked against its op's static dtype and shape.
CHECK_OUTPUTS = False

INTERPRET_ONLY = False          # debugging: never compile plans to straight-line code
TIER_UP_AFTER = 2               # runs before a plan is compiled to straight-line code (tests may set 1)
_CODEGEN_MAX_STEPS = 20000      # larger plans stay interpreted (compiling huge functions costs more)
_FOLD_MAX_ELEMENTS = 1 << 16    # constant folding keeps results up to this size
_CODE_CACHE: dict = {}          # generated source -> code object (names in the source are positional)
_PLAN_NUMBERS = itertools.count(1)
_now = time.perf_counter_ns


try:  # NumPy 2: set the ufunc error state directly (np.errstate costs ~1 us per run)
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
    _QUIET_EXTOBJ = _make_extobj(all="ignore")
except (ImportError, AttributeError, TypeError):  # pragma: no cover - NumPy 1.x
    _extobj_contextvar = None


def fetched_value(v):
    """A fetched value as TF returns it: scalars as NumPy scalars, arrays never aliasing session state."""
    if type(v) is np.ndarray:
        if v.ndim == 0:
            return v[()]
        if not v.flags.writeable:
            return v.copy()
        return v
    if v is DEAD:
        raise InvalidArgumentError(None, None, "Retval[0] does not have value")
    return v


class _Step:
    """One op to execute: its bound kernel, the tensors it reads and the tensors it produces."""

    __slots__ = ("op", "fn", "ins", "outs", "ctx", "ctrl", "merge")


def _make_reader(store, var_op, read_op):
    """Read a variable's current value when a consumer needs it (TF's reference-variable aliasing)."""
    get = store.get

    def read():
        v = get(var_op)
        if v is None:
            raise uninitialized_error(var_op, read_op)
        return v
    return read


class Plan:
    """The compiled form of one (fetches, fed tensors) combination of a session.

    Reads of a variable (its ref output, or the `read` Identity of it) are not steps: each consumer
    reads the session's current value when it runs, so an op ordered after an update (by data or
    control dependencies) sees the updated value, as TF's reference variables behave.
    """

    def __init__(self, session, fetch_tensors, target_ops, fed, traced=False):
        self.session = session
        self.traced = traced
        self.fed = list(fed)
        # what a fed value must be to be taken as is (the session's fast path): the NumPy type, the static dims
        self.fed_checks = [(t, t.dtype.base_dtype.as_numpy_dtype, t.shape.dim_sizes) for t in self.fed]
        self.fetch_tensors = list(fetch_tensors)
        self.fetched = [t for t in self.fetch_tensors if t not in fed]
        ops = ops_needed(self.fetch_tensors, target_ops, fed)
        self.uses_dead = any(op.op_def.is_switch for op in ops)
        self.ops = ops if traced else None   # every planned op, in order (run metadata's partition graph)
        needed = set(ops)
        store = session.variable_store
        readers = {}
        aliased = {}   # reader tensor -> the variable whose buffer it is
        for op in ops:
            opdef = op.op_def
            if opdef.is_variable:
                t = op.outputs[0]
                if t not in fed:
                    readers[t] = _make_reader(store, op, None)
                    aliased[t] = op
            elif (opdef.forwards_input and op.cond_context is None and op.inputs[0] in aliased
                  and op.outputs[0] not in fed and not (self.uses_dead and op.control_inputs)):
                # TF's Identity forwards its input's buffer: a chain of Identity ops from a reference
                # variable (v/read, tf.identity(v), stop_gradient...) shows the updates the run makes.
                var = aliased[op.inputs[0]]
                readers[op.outputs[0]] = _make_reader(store, var, op)
                aliased[op.outputs[0]] = var
        consts = {}
        steps = []
        for op in ops:
            opdef = op.op_def
            if (not op.inputs and not self.uses_dead and not traced and op.outputs[:1]
                    and op.outputs[0] not in fed):
                value = opdef.static_value(op)
                if value is not None:   # a Const
                    consts[op.outputs[0]] = value
                    continue
            if op.outputs and all(t in readers for t in op.outputs):
                continue
            if opdef.is_variable or (opdef.orders_only and not self.uses_dead and not traced):
                continue  # a NoOp only orders its control inputs, which the plan runs anyway
            st = _Step()
            st.op = op
            refs = opdef.ref_inputs
            st.ins = [t for i, t in enumerate(op.inputs) if i not in refs]
            st.outs = list(op.outputs)
            st.ctx = opdef.needs_ctx
            st.merge = opdef.is_merge
            st.ctrl = [c for c in op.control_inputs if c in needed]
            st.fn = opdef.bind(op, session)
            steps.append(st)
        if not self.uses_dead and not traced:
            steps = _fold_constants(steps, consts, fed)
        self.steps = steps
        self.consts = consts
        self.readers = readers
        self.frees_after = _liveness(steps, fed, set(self.fetched))
        self.filename = None
        self.has_state = any(st.ctx for st in steps)
        self.locks = _write_locks(session, steps)
        self.code = None
        self._runs = 0
        # a plan with no steps and no locks returns folded constants and variable reads directly
        self.trivial = None
        if not steps and not self.locks and not traced and not self.uses_dead and self.fetched:
            self.trivial = [(True, readers[t]) if t in readers else (False, consts[t]) for t in self.fetched]
        self._final = (self.uses_dead or len(steps) > _CODEGEN_MAX_STEPS or not steps or INTERPRET_ONLY
                       or traced)
        if not self._final and (TIER_UP_AFTER <= 1 or self._build_codegen(only_if_cached=True)):
            if self.code is None:
                self._build_codegen()
            self._final = True
        else:
            self._build_interpreter()

    # -- running -------------------------------------------------------------------------------
    def execute(self, feed_values, trace=None):
        """Run once; returns the values of the fetched (non-fed) tensors, in order.

        `trace` (traced plans only): called after each step as trace(i, inputs, result, t0_ns, t1_ns)."""
        if self.trivial and trace is None:   # nothing to compute: constants and variable reads only
            try:
                return tuple(v() if read else v for read, v in self.trivial)
            except OpError as exc:   # an uninitialized variable read
                raise _annotate(exc, exc.op) from None
        if not self._final:
            self._runs += 1
            if self._runs >= TIER_UP_AFTER:  # reused: worth compiling to straight-line code
                self._build_codegen()
                self._final = True
        undo = {} if self.has_state else None
        run_fn = self.run_fn
        if trace is not None:
            if not self.traced:
                raise ValueError("execute(trace=...) needs a plan built with traced=True")
            run_fn = functools.partial(run_fn, trace=trace)
        locks = self.locks
        for lock in locks:
            lock.acquire()
        try:
            # TF gives inf/nan silently where NumPy would warn: ignore floating-point errors during the run.
            if _extobj_contextvar is not None:
                token = _extobj_contextvar.set(_QUIET_EXTOBJ)
                try:
                    return run_fn(feed_values, undo)
                finally:
                    _extobj_contextvar.reset(token)
            with np.errstate(all="ignore"):
                return run_fn(feed_values, undo)
        except BaseException as exc:
            if undo:
                rollback(self.session.variable_store, undo)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise self._translate(exc) from (None if isinstance(exc, OpError) else exc)
        finally:
            for lock in locks:
                lock.release()

    # -- codegen: straight-line Python, one kernel call per line ------------------------------
    def _build_codegen(self, only_if_cached=False) -> bool:
        """Generate the plan's code; with only_if_cached, give up (False) unless it was compiled before."""
        g = {"DEAD": DEAD}
        names = {}
        for t, arr in self.consts.items():
            nm = "_c%d" % len(names)
            names[t] = nm
            g[nm] = arr
        for i, (t, reader) in enumerate(self.readers.items()):
            g["_r%d" % i] = reader
            names[t] = "_r%d()" % i
        counter = 0
        for t in self.fed:
            names[t] = "v%d" % counter
            counter += 1
        for st in self.steps:
            for t in st.outs:
                if t not in names:
                    names[t] = "v%d" % counter
                    counter += 1
        frees_after = self.frees_after
        lines = ["def _plan(_feeds, _undo):"]
        notes = [""]
        for i, t in enumerate(self.fed):
            lines.append("    %s = _feeds[%d]" % (names[t], i))
            notes.append("fed: %s" % t.name)
        line_steps = {}
        for i, st in enumerate(self.steps):
            kname = "_k%d" % i
            g[kname] = st.fn
            args = (["_undo"] if st.ctx else []) + [names[t] for t in st.ins]
            call = "%s(%s)" % (kname, ", ".join(args))
            if not st.outs:
                line = "    " + call
            elif len(st.outs) == 1:
                line = "    %s = %s" % (names[st.outs[0]], call)
            else:
                line = "    %s, = %s" % (", ".join(names[o] for o in st.outs), call)
            line_steps[len(lines) + 1] = i
            lines.append(line)
            notes.append("%s (%s)" % (st.op.name, st.op.type))
            if CHECK_OUTPUTS:
                g["_check"] = _check_output
                g["_op%d" % i] = st.op
                for k, o in enumerate(st.outs):
                    lines.append("    _check(_op%d, %d, %s)" % (i, k, names[o]))
                    notes.append("")
            dead = frees_after.get(i)
            if dead:
                lines.append("    del " + ", ".join(names[t] for t in dead))
                notes.append("")
        lines.append("    return (%s)" % "".join(names[t] + ", " for t in self.fetched))
        notes.append("fetches: %s" % ", ".join(t.name for t in self.fetched))
        src = "\n".join(lines)
        code = _CODE_CACHE.get(src)  # a rebuilt graph of the same structure reuses the compiled code
        if code is None and only_if_cached:
            return False
        if code is None:
            code = compile(src, "<tfsess plan>", "exec")
            if len(_CODE_CACHE) >= 256:
                _CODE_CACHE.pop(next(iter(_CODE_CACHE)))
            _CODE_CACHE[src] = code
        self.code = code
        exec(code, g)
        fn = g["_plan"]
        # The compiled code is shared by plans of the same structure; each plan gets its own file name and
        # source (op names as comments) without recompiling.
        self.filename = "<tfsess plan %d>" % next(_PLAN_NUMBERS)
        fn.__code__ = fn.__code__.replace(co_filename=self.filename)
        annotated = [ln + ("  # " + note if note else "") + "\n" for ln, note in zip(lines, notes)]
        linecache.cache[self.filename] = (sum(map(len, annotated)), None, annotated, self.filename)
        weakref.finalize(self, linecache.cache.pop, self.filename, None)
        self.run_fn = fn
        self.names = names
        self.line_steps = line_steps
        return True

    @property
    def source(self) -> str | None:
        """The generated straight-line code of this plan (None while it is interpreted)."""
        entry = linecache.cache.get(self.filename) if self.filename else None
        return "".join(entry[2]) if entry else None

    # -- interpreter: dead-branch aware (tf.cond), for large plans and for the first run -------------
    def _build_interpreter(self):
        readers = self.readers
        slot_of = {}
        for t in self.fed:
            slot_of[t] = len(slot_of)
        for st in self.steps:
            for t in st.outs:
                if t not in slot_of:
                    slot_of[t] = len(slot_of)
        for t in self.consts:
            slot_of[t] = len(slot_of)
        nslots = len(slot_of)
        const_init = [(slot_of[t], arr) for t, arr in self.consts.items()]
        uses_dead = self.uses_dead
        done_slot = {}
        if uses_dead:
            for st in self.steps:
                for c in st.ctrl:
                    if c not in done_slot:
                        done_slot[c] = nslots
                        nslots += 1
        rows = []
        for i, st in enumerate(self.steps):
            ins = [readers[t] if t in readers else slot_of[t] for t in st.ins]
            rows.append([st.fn, ins, [slot_of.get(t) for t in st.outs], st.ctx,
                         [done_slot[c] for c in st.ctrl if c in done_slot], done_slot.get(st.op), st.merge,
                         [slot_of[t] for t in self.frees_after.get(i, ())]])
        feed_slots = [slot_of[t] for t in self.fed]
        fetch_slots = [readers[t] if t in readers else slot_of[t] for t in self.fetched]
        check = CHECK_OUTPUTS
        steps = self.steps

        def run(feeds, undo, trace=None):
            vals = [None] * nslots
            for s, v in zip(feed_slots, feeds):
                vals[s] = v
            for s, v in const_init:
                vals[s] = v
            i = -1
            try:
                for i, (fn, ins, outs, ctx, ctrl, done, merge, frees) in enumerate(rows):
                    if uses_dead and not merge and (any(type(s) is int and vals[s] is DEAD for s in ins) or
                                                    any(vals[c] is DEAD for c in ctrl)):
                        for s in outs:
                            if s is not None:
                                vals[s] = DEAD
                        if done is not None:
                            vals[done] = DEAD
                        if trace is not None:
                            t = _now()
                            trace(i, None, DEAD, t, t)
                        continue
                    args = [vals[s] if type(s) is int else s() for s in ins]
                    if trace is None:
                        r = fn(undo, *args) if ctx else fn(*args)
                    else:
                        t0 = _now()
                        r = fn(undo, *args) if ctx else fn(*args)
                        trace(i, args, r, t0, _now())
                    if len(outs) == 1:
                        vals[outs[0]] = r
                        if check:
                            _check_output(steps[i].op, 0, r)
                    elif outs:
                        for k, (s, v) in enumerate(zip(outs, r)):
                            vals[s] = v
                            if check:
                                _check_output(steps[i].op, k, v)
                    if done is not None:
                        vals[done] = True
                    for s in frees:
                        vals[s] = None
            except BaseException as exc:
                exc._tfsess_step = i
                exc._tfsess_inputs = [vals[s] if type(s) is int else None for s in rows[i][1]] if i >= 0 else []
                raise
            return tuple(vals[s] if type(s) is int else s() for s in fetch_slots)
        self.run_fn = run

    # -- errors ------------------------------------------------------------------------------
    def _failing_step(self, exc):
        idx = getattr(exc, "_tfsess_step", None)
        inputs = getattr(exc, "_tfsess_inputs", None)
        if idx is None and self.code is not None:
            tb = exc.__traceback__
            while tb is not None:
                code = tb.tb_frame.f_code
                if code.co_name == "_plan" and code.co_filename == self.filename:
                    idx = self.line_steps.get(tb.tb_lineno)
                    if idx is not None:
                        loc, glb = tb.tb_frame.f_locals, tb.tb_frame.f_globals
                        inputs = [loc.get(self.names[t], glb.get(self.names[t])) for t in self.steps[idx].ins]
                        break
                tb = tb.tb_next
        return idx, inputs

    def _translate(self, exc):
        idx, inputs = self._failing_step(exc)
        op = self.steps[idx].op if idx is not None and idx >= 0 else None
        if isinstance(exc, OpError):
            return _annotate(exc, exc.op if exc.op is not None else op)
        if op is not None:
            new = op.op_def.runtime_error(op, exc, inputs or [])
            if new is not None:
                return _annotate(new, op)
            return _annotate(InvalidArgumentError(None, op, "%s: %s" % (type(exc).__name__, exc)), op)
        return exc


def _liveness(steps, fed, keep) -> dict:
    """{step index: tensors to drop after it}: fed and computed values, at their last use (unless fetched)."""
    produced = set(fed)
    for st in steps:
        produced.update(st.outs)
    last_use = {}
    for i, st in enumerate(steps):
        for t in st.ins:
            last_use[t] = i
    frees_after = {}
    for t, i in last_use.items():
        if t in produced and t not in keep:
            frees_after.setdefault(i, []).append(t)
    return frees_after


def _write_locks(session, steps):
    """The locks of the variables this plan may update, in one global order (no deadlock between plans).

    A run holds them from its start until it commits or rolls back: updates are atomic (TF's
    use_locking=True, for every update) and a rollback restores only values no other run could change.
    """
    written = {}
    for st in steps:
        if st.ctx:
            op = st.op
            for i in op.op_def.ref_inputs:
                var = op.inputs[i].op
                written[var.creation_index, id(var)] = var
    locks = session._var_locks
    return tuple(locks.setdefault(var, threading.RLock()) for _, var in sorted(written.items()))


def _fold_constants(steps, consts, fed):
    """Precompute pure ops whose inputs are all constants (or whose value follows from static shapes),
    as TF's graph optimizer does; the run then only executes what depends on feeds and variables."""
    kept = []
    for st in steps:
        op = st.op
        opdef = op.op_def
        if opdef.stateful or opdef.needs_ctx or not op.outputs or any(t in fed for t in op.outputs):
            kept.append(st)
            continue
        values = None
        v = opdef.static_value(op) if op.cond_context is None else None
        if v is not None:
            values = (v,)
        elif all(t in consts for t in st.ins):
            try:
                with np.errstate(all="ignore"):
                    out = st.fn(*[consts[t] for t in st.ins])
            except Exception:  # leave it to fail at run time, with the op's own error
                out = None
            if out is not None:
                values = out if len(op.outputs) > 1 else (out,)
        if values is None or any(np.size(v) > _FOLD_MAX_ELEMENTS for v in values):
            kept.append(st)
            continue
        for t, v in zip(op.outputs, values):
            if type(v) is np.ndarray and v.flags.writeable:
                v.flags.writeable = False
            consts[t] = v
    return kept


def _annotate(exc, op):
    """Attach the failing op and TF 1.15's node annotation (`[[node x (defined at f.py:3) ]]`)."""
    msg = exc.message if isinstance(exc, OpError) else str(exc)
    if op is not None and "[[node" not in msg:
        f, line = op.location
        msg = "%s\n\t [[node %s (defined at %s:%d) ]]" % (msg, op.name, f, line)
    if type(exc).__init__ is OpError.__init__:
        return OpError(exc.node_def, op, msg, exc.error_code)
    return type(exc)(exc.node_def, op, msg)


def _check_output(op, k, v):
    """Debug check (tests): a kernel's output has the static dtype and a compatible shape."""
    t = op.outputs[k]
    if v is DEAD or t.dtype.as_numpy_dtype is object and t.dtype.base_dtype is not _dtypes.string:
        return  # variant/resource values are opaque Python objects
    a = np.asarray(v)
    want = t.dtype.base_dtype
    got = _dtypes.string if a.dtype.kind in "OSU" else _dtypes.as_dtype(a.dtype)
    if got is not want:
        raise AssertionError("kernel of %s (%s) output %d has dtype %s, static dtype is %s"
                             % (op.name, op.type, k, got.name, want.name))
    if not t.shape.is_compatible_with(a.shape):
        raise AssertionError("kernel of %s (%s) output %d has shape %s, static shape is %s"
                             % (op.name, op.type, k, a.shape, t.shape))
