"""Control flow: group/no_op, tf.cond (Switch/Merge: only the taken branch runs), assertions, printing."""
from __future__ import annotations

import sys

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import Operation, Tensor, convert_to_tensor, get_default_graph
from ..framework.opdef import OpDef, op_scope, create_op
from ..framework.runtime import DEAD
from . import array_ops as _a

__all__ = ["group", "no_op", "cond", "Assert", "Print", "print_v2", "check_numerics", "tuple_",
           "assert_equal", "assert_less", "assert_greater", "assert_non_negative", "assert_positive",
           "with_dependencies", "case"]


# ======================================================================================
# NoOp and group
# ======================================================================================

class NoOp(OpDef):
    """Does nothing; used to group control dependencies."""

    type_name = "NoOp"
    orders_only = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return []

    @classmethod
    def bind(cls, op, session):
        return _noop


def _noop(*args):
    return None


def no_op(name=None) -> Operation:
    with op_scope(name, "NoOp") as s:
        return s.make(NoOp, [])


def group(*inputs, **kwargs) -> Operation:
    """An op that runs all `inputs` (tf.group); fetching it returns None."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("Unknown keyword arguments: " + ", ".join(kwargs))
    ops = []
    for x in inputs:
        items = x if isinstance(x, (list, tuple)) else [x]
        for i in items:
            if hasattr(i, "_as_graph_element") and not isinstance(i, (Tensor, Operation)):
                i = i._as_graph_element()
            if isinstance(i, Tensor):
                i = i.op
            if not isinstance(i, Operation):
                raise TypeError("Expected tf.group() expected Tensor arguments not '%s' with type '%s'"
                                % (i, type(i)))
            ops.append(i)
    with op_scope(name, "group_deps", ops) as s:
        return s.make(NoOp, [], control_inputs=ops)


def with_dependencies(dependencies, output_tensor, name=None):
    g = get_default_graph()
    with g.control_dependencies(dependencies):
        return _a.identity(output_tensor, name=name)


def tuple_(tensors, name=None, control_inputs=None):
    """Tensors that are only available after all of `tensors` are computed (tf.tuple)."""
    with op_scope(name, "tuple", [t for t in tensors if t is not None]):
        gate = group(*[t for t in tensors if t is not None] + list(control_inputs or []))
        out = []
        g = get_default_graph()
        for t in tensors:
            if t is None:
                out.append(None)
            else:
                with g.control_dependencies([gate]):
                    out.append(_a.identity(t))
        return out


# ======================================================================================
# cond: Switch / Merge with dead-branch semantics
# ======================================================================================

class Switch(OpDef):
    """Forward `data` to output 1 if `pred` else output 0; the other output is dead."""

    type_name = "Switch"
    is_switch = True

    @classmethod
    def outputs(cls, op):
        t = op.inputs[0]
        return [(t.dtype.base_dtype, t.shape.dim_sizes)] * 2

    @staticmethod
    def kernel(data, pred):
        return (DEAD, data) if pred else (data, DEAD)

    @staticmethod
    def grad(op, g_false, g_true):
        # The gradient flows from whichever branch ran: merge the two.
        if g_false is None and g_true is None:
            return [None, None]
        zf = g_false if g_false is not None else _a.zeros_like(op.outputs[0])
        zt = g_true if g_true is not None else _a.zeros_like(op.outputs[1])
        m = merge([zf, zt])[0]
        m.op.set_internal_attr("_pred", op.inputs[1])  # Merge.grad switches on it (second derivatives)
        return [m, None]


class Merge(OpDef):
    """Forward whichever input is alive; output 1 is its index."""

    type_name = "Merge"
    is_merge = True

    @classmethod
    def outputs(cls, op):
        dims = [t.shape.dim_sizes for t in op.inputs]
        out = dims[0]
        for d in dims[1:]:
            if out is None or d is None or len(out) != len(d):
                out = None
                break
            out = builtins_tuple(a if a == b else None for a, b in zip(out, d))
        return [(op.inputs[0].dtype.base_dtype, out), (_dtypes.int32, ())]

    @staticmethod
    def kernel(*inputs):
        for i, v in enumerate(inputs):
            if v is not DEAD:
                return v, np.int32(i)
        return DEAD, DEAD

    @staticmethod
    def grad(op, g, g_index):
        pred = op.attrs["_pred"]
        if g is None:
            return [None] * len(op.inputs)
        f, t = switch(g, pred)
        return [f, t]


builtins_tuple = tuple


def switch(data, pred, name=None):
    with op_scope(name, "Switch", [data, pred]) as s:
        out = s.make(Switch, [data, pred], {"T": data.dtype}).outputs
    return out[0], out[1]


def merge(inputs, name=None):
    with op_scope(name, "Merge", list(inputs)) as s:
        op = s.make(Merge, list(inputs), {"T": inputs[0].dtype, "N": len(inputs)})
    return op.outputs[0], op.outputs[1]


class CondContext:
    """One branch of a tf.cond: tensors from outside enter through a Switch on the predicate."""

    def __init__(self, pred, pivot, branch, name, parent):
        self.pred = pred          # the pred_id tensor
        self.pivot = pivot        # switch_t / switch_f identity
        self.pivot_op = pivot.op
        self.branch = branch      # 1 = true branch, 0 = false branch
        self.name = name          # cond scope, e.g. "cond"
        self.parent = parent
        self._switched = {}

    def contains(self, ctx) -> bool:
        while ctx is not None:
            if ctx is self:
                return True
            ctx = ctx.parent
        return False

    def process_input(self, t: Tensor) -> Tensor:
        if self.contains(t.op.cond_context):
            return t
        cached = self._switched.get(t)
        if cached is not None:
            return cached
        g = t.graph
        saved_ctx, saved_stack = g.cond_context, g.name_stack
        g.cond_context, g.name_stack = self.parent, ""
        try:
            name = g.unique_name(self.name + "/Switch")
            sw = create_op(Switch, [t, self.pred], {"T": t.dtype}, name, g)
        finally:
            g.cond_context, g.name_stack = saved_ctx, saved_stack
        out = sw.outputs[self.branch]
        self._switched[t] = out
        return out


def _flatten(x, out):
    if isinstance(x, (list, builtins_tuple)):
        for i in x:
            _flatten(i, out)
    elif isinstance(x, dict):
        for k in sorted(x):
            _flatten(x[k], out)
    else:
        out.append(x)
    return out


def _pack_like(structure, flat):
    it = iter(flat)

    def rebuild(x):
        if isinstance(x, list):
            return [rebuild(i) for i in x]
        if isinstance(x, builtins_tuple):
            vals = [rebuild(i) for i in x]
            return type(x)(*vals) if hasattr(x, "_fields") else builtins_tuple(vals)
        if isinstance(x, dict):
            return {k: rebuild(x[k]) for k in sorted(x)}
        return next(it)
    return rebuild(structure)


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """Run `true_fn` or `false_fn` depending on `pred` (tf.cond); only the taken branch executes."""
    if fn1 is not None:
        true_fn = fn1
    if fn2 is not None:
        false_fn = fn2
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool")
    with op_scope(name, "cond", [pred]) as s:
        g = s.graph
        p = s.convert(pred, "pred")
        if p.dtype.base_dtype is not _dtypes.bool:
            raise TypeError("pred must be a bool tensor, got %s" % p.dtype.name)
        if p.shape.ndims not in (None, 0):
            raise ValueError("Shape must be rank 0 but is rank %d for 'cond/Switch' (op: 'Switch')" % p.shape.ndims)
        scope = s.name
        outer = g.cond_context
        saved_stack = g.name_stack
        g.name_stack = scope
        try:
            sw_f, sw_t = switch(p, p)
            switch_t = _a.identity(sw_t, name="switch_t")
            switch_f = _a.identity(sw_f, name="switch_f")
            pred_id = _a.identity(p, name="pred_id")
            results = []
            for branch, pivot, fn in ((1, switch_t, true_fn), (0, switch_f, false_fn)):
                ctx = CondContext(pred_id, pivot, branch, scope, outer)
                g.cond_context = ctx
                try:
                    res = fn()
                    if res is None:
                        raise ValueError("true_fn and false_fn must return a tensor or a structure of tensors.")
                    flat = _flatten(res, [])
                    conv = []
                    for v in flat:
                        if isinstance(v, Operation):
                            with g.control_dependencies([v]):
                                v = _a.identity(pivot)
                        elif not isinstance(v, Tensor):
                            v = v._as_graph_element() if hasattr(v, "_as_graph_element") else \
                                convert_to_tensor(v)
                            if v.dtype.is_ref:
                                v = _a.identity(v)
                        conv.append(ctx.process_input(v))
                finally:
                    g.cond_context = outer
                results.append((res, conv))
            (res_t, flat_t), (res_f, flat_f) = results
            if len(flat_t) != len(flat_f):
                raise ValueError("true_fn and false_fn must return the same number of results.")
            merged = []
            for vt, vf in zip(flat_t, flat_f):
                if vt.dtype.base_dtype is not vf.dtype.base_dtype:
                    raise ValueError("Outputs of true_fn and false_fn must have the same type: %s, %s"
                                     % (vt.dtype.name, vf.dtype.name))
                m, _ = merge([vf, vt])
                m.op.set_internal_attr("_pred", pred_id)
                merged.append(m)
        finally:
            g.name_stack = saved_stack
        out = _pack_like(res_t, merged)
        if not strict and isinstance(out, (list, builtins_tuple)) and len(out) == 1 and not hasattr(out, "_fields"):
            out = out[0]
        return out




def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Nested conds: the first true predicate's function runs (tf.case)."""
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    if default is None:
        pairs, (_, default) = pairs[:-1], pairs[-1]

    def build(i):
        if i == len(pairs):
            return default()
        p, fn = pairs[i]
        return cond(p, fn, lambda: build(i + 1), name="%s_%d" % (name, i) if i else name)
    return build(0)


# ======================================================================================
# Assertions and printing
# ======================================================================================

def _fmt_value(v, summarize):
    v = np.asarray(v)
    if v.dtype == object:
        flat = [x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in v.reshape(-1)]
        if v.ndim == 0:
            return flat[0]
        return "[" + " ".join(flat[:summarize] + (["..."] if len(flat) > summarize else [])) + "]"
    if v.ndim == 0:
        return np.array2string(v)
    if summarize is not None and summarize >= 0 and v.size > summarize:
        flat = v.reshape(-1)
        return "[" + " ".join(np.array2string(x) for x in flat[:summarize]) + "...]"
    return np.array2string(v, separator=" ", max_line_width=10 ** 6).replace("\n", "")


class AssertOp(OpDef):
    """Fails the run with InvalidArgumentError when `condition` is false."""

    type_name = "Assert"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return []

    @classmethod
    def bind(cls, op, session):
        summarize = op.attrs.get("summarize", 3)

        def k(condition, *data):
            if not np.all(condition):
                parts = []
                for d in data:
                    arr = np.asarray(d)
                    if arr.dtype == object and arr.ndim == 0:
                        parts.append("[%s]" % _fmt_value(arr, summarize))
                    else:
                        txt = _fmt_value(arr, summarize)
                        parts.append(txt if txt.startswith("[") else "[%s]" % txt)
                raise InvalidArgumentError(None, op, "assertion failed: " + " ".join(parts))
        return k


def Assert(condition, data, summarize=None, name=None) -> Operation:  # noqa: N802
    """An op that fails the run when `condition` is false, printing `data` (tf.Assert)."""
    with op_scope(name, "Assert", [condition]) as s:
        c = s.convert(condition, "condition")
        ds = [s.convert(d, "data_%d" % i) for i, d in enumerate(data)]
        return s.make(AssertOp, [c] + ds, {"summarize": 3 if summarize is None else summarize,
                                           "T": [d.dtype for d in ds]})


def _binary_assert(fn, sym, x, y, data, summarize, message, name, default):
    from . import math_ops as m
    with op_scope(name, default, [x, y]) as s:
        xt = s.convert(x, "x")
        yt = s.convert(y, "y", dtype_hint=xt.dtype.base_dtype)
        cond_t = m.reduce_all(fn(xt, yt))
        if data is None:
            data = [message or "", "Condition x %s y did not hold element-wise:" % sym,
                    "x (%s) = " % xt.name, xt, "y (%s) = " % yt.name, yt]
            if not message:
                data = data[1:]
        return Assert(cond_t, data, summarize=summarize, name="Assert")


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    from . import math_ops as m
    return _binary_assert(m.equal, "==", x, y, data, summarize, message, name, "assert_equal")


def assert_less(x, y, data=None, summarize=None, message=None, name=None):
    from . import math_ops as m
    return _binary_assert(m.less, "<", x, y, data, summarize, message, name, "assert_less")


def assert_greater(x, y, data=None, summarize=None, message=None, name=None):
    from . import math_ops as m
    return _binary_assert(m.greater, ">", x, y, data, summarize, message, name, "assert_greater")


def assert_non_negative(x, data=None, summarize=None, message=None, name=None):
    from . import math_ops as m
    with op_scope(name, "assert_non_negative", [x]) as s:
        xt = s.convert(x, "x")
        return _binary_assert(m.greater_equal, ">=", xt, _a.zeros_like(xt), data, summarize, message, None,
                              "assert_greater_equal")


def assert_positive(x, data=None, summarize=None, message=None, name=None):
    from . import math_ops as m
    with op_scope(name, "assert_positive", [x]) as s:
        xt = s.convert(x, "x")
        return _binary_assert(m.greater, ">", xt, _a.zeros_like(xt), data, summarize, message, None, "assert_less")


class CheckNumerics(OpDef):
    """Identity that fails with InvalidArgumentError on NaN or Inf."""

    type_name = "CheckNumerics"
    kernel_attrs = ("message",)

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(x, message):
        x = np.asarray(x)
        if np.isnan(x).any():
            raise InvalidArgumentError(None, None, "%s : Tensor had NaN values" % message)
        if np.isinf(x).any():
            raise InvalidArgumentError(None, None, "%s : Tensor had Inf values" % message)
        return x

    @staticmethod
    def grad(op, g):
        return [g]


def check_numerics(tensor, message, name=None) -> Tensor:
    with op_scope(name, "CheckNumerics", [tensor]) as s:
        x = s.convert(tensor, "tensor")
        return s.make(CheckNumerics, [x], {"T": x.dtype, "message": message}).outputs[0]


class PrintOp(OpDef):
    """Identity on input 0 that prints a message and `data` to stderr when run (tf.Print)."""

    type_name = "Print"
    stateful = True

    @staticmethod
    def shape(op, d, *rest):
        return d

    @classmethod
    def bind(cls, op, session):
        message = op.attrs["message"]
        summarize = op.attrs["summarize"]
        first_n = op.attrs["first_n"]
        count = [0]

        def k(x, *data):
            if first_n < 0 or count[0] < first_n:
                count[0] += 1
                sys.stderr.write(message + "".join(_fmt_value(d, summarize) for d in data) + "\n")
            return x
        return k

    @staticmethod
    def grad(op, g):
        return [g] + [None] * (len(op.inputs) - 1)


def Print(input_, data, message=None, first_n=None, summarize=None, name=None) -> Tensor:  # noqa: N802
    with op_scope(name, "Print", [input_]) as s:
        x = s.convert(input_, "input")
        ds = [s.convert(d, "data") for d in data]
        return s.make(PrintOp, [x] + ds, {"T": x.dtype, "message": message or "",
                                          "first_n": -1 if first_n is None else first_n,
                                          "summarize": 3 if summarize is None else summarize}).outputs[0]


class PrintV2(OpDef):
    """Prints its inputs when run (tf.print); has no outputs, so fetch it or depend on it."""

    type_name = "PrintV2"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return []

    @classmethod
    def bind(cls, op, session):
        template, stream, end, summarize = (op.attrs[k] for k in ("template", "output_stream", "end", "summarize"))

        def k(*values):
            parts = [_fmt_value(v, summarize) if not isinstance(v, str) else v for v in values]
            text = template.format(*parts) + end
            out = sys.stdout if stream == "stdout" else sys.stderr
            out.write(text)
        return k


def print_v2(*inputs, **kwargs) -> Operation:
    """tf.print: an op that prints tensors and Python values when it runs."""
    stream = kwargs.pop("output_stream", sys.stderr)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    summarize = kwargs.pop("summarize", 3)
    name = kwargs.pop("name", None)
    stream_name = "stdout" if stream is sys.stdout or stream == "stdout" else "stderr"
    tensors, pieces = [], []
    for v in inputs:
        if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
            pieces.append("{}")
            tensors.append(v)
        else:
            pieces.append(str(v).replace("{", "{{").replace("}", "}}"))
    with op_scope(name, "PrintV2", [t for t in tensors if isinstance(t, Tensor)]) as s:
        ts = [s.convert(t, "inputs") for t in tensors]
        return s.make(PrintV2, ts, {"template": sep.join(pieces), "output_stream": stream_name, "end": end,
                                    "summarize": summarize})
