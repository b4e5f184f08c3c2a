"""tf.while_loop: cond and body traced once into the graph (under `while/`), run by one `While` op.

The `While` kernel runs the traced cond/body ops as session sub-plans, one iteration at a time (a plain
Python loop: no recursion, any number of steps). With back_prop it also outputs the per-iteration loop
values; the gradient op `WhileGrad` replays the body's gradient ops over them in reverse.
"""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import Operation, Tensor, convert_to_tensor
from ..framework.opdef import OpDef, op_scope, create_op
from ..framework.shapes import TensorShape
from ..framework.traversal import ops_needed
from . import array_ops as _a
from .control_flow_ops import _flatten, _pack_like
from .tensor_array_ops import TensorArray

__all__ = ["while_loop"]


class LoopVar(OpDef):
    """A loop variable as the traced cond/body sees it; the `While` kernel feeds its value each iteration."""

    type_name = "LoopVar"
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(op.attrs["dtype"], op.attrs["shape"].dim_sizes)]

    @classmethod
    def bind(cls, op, session):
        def k():
            raise InvalidArgumentError(None, op, "%s is a loop variable of a tf.while_loop: it has a value only "
                                       "while the loop runs; fetch the loop's outputs instead" % op.outputs[0].name)
        return k


class Exit(OpDef):
    """A loop variable's final value, as it leaves the loop (TF's `while/Exit`)."""

    type_name = "Exit"

    @staticmethod
    def shape(op, d):
        return d

    @staticmethod
    def kernel(x):
        return x

    @staticmethod
    def grad(op, g):
        return [g]


class _Loop:
    """What the traced loop is made of (kept in the While op's attrs)."""

    __slots__ = ("n", "cond_args", "cond_out", "body_args", "body_outs", "captured", "has_max", "back_prop",
                 "stateful")


class _Iterations:
    """The loop values and stateful-op outputs of each iteration (a While op's variant output)."""

    __slots__ = ("steps",)

    def __init__(self):
        self.steps = []

    def __repr__(self):
        return "<while loop iterations: %d>" % len(self.steps)


class While(OpDef):
    """Runs the traced cond/body sub-plans until cond is false (or maximum_iterations is reached)."""

    type_name = "While"
    stateful = True

    @classmethod
    def outputs(cls, op):
        loop = op.attrs["_loop"]
        outs = [(t.dtype.base_dtype, t.shape.dim_sizes) for t in loop.body_args]
        if loop.back_prop:
            outs.append((_dtypes.variant, ()))
        return outs

    @classmethod
    def bind(cls, op, session):
        loop = op.attrs["_loop"]
        n, has_max, back_prop = loop.n, loop.has_max, loop.back_prop
        run_cond = session.subplan([loop.cond_out], loop.cond_args + loop.captured)
        run_body = session.subplan(loop.body_outs + loop.stateful, loop.body_args + loop.captured)

        def k(*inputs):
            vals = list(inputs[:n])
            limit = int(inputs[n]) if has_max else -1
            caps = list(inputs[n + has_max:])
            record = _Iterations() if back_prop else None
            it = 0
            while it != limit and run_cond(vals + caps)[0]:
                out = run_body(vals + caps)
                if record is not None:
                    record.steps.append((vals, out[n:]))
                vals = out[:n]
                it += 1
            if record is not None:
                vals.append(record)
            return tuple(vals) if len(vals) > 1 else vals[0]
        return k

    @staticmethod
    def grad(op, *grads):
        return _while_grad(op, grads)


class WhileGrad(OpDef):
    """Gradients of a While op's inputs: the body's gradient ops, run once per recorded iteration, last first."""

    type_name = "WhileGrad"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(t.dtype.base_dtype, t.shape.dim_sizes) for t in op.attrs["_targets"]]

    @classmethod
    def bind(cls, op, session):
        loop, gys, dxs, dcaps = (op.attrs[k] for k in ("_loop", "_gys", "_dxs", "_dcaps"))
        nf = len(gys)
        run = session.subplan([d for d in dxs if d is not None] + [d for d in dcaps if d is not None],
                              loop.body_args + loop.captured + loop.stateful + gys)
        var_idx = op.attrs["_var_idx"]
        cap_idx = op.attrs["_cap_idx"]

        def k(record, *rest):
            g = list(rest[:nf])
            caps = list(rest[nf:])
            acc = [None] * len(cap_idx)
            for vals, stateful in reversed(record.steps):
                out = iter(run(vals + caps + list(stateful) + g))
                g = [next(out) if d is not None else np.zeros_like(vals[i]) for d, i in zip(dxs, var_idx)]
                for j, d in enumerate(dcaps):
                    if d is not None:
                        v = next(out)
                        acc[j] = v if acc[j] is None else acc[j] + v
            acc = [np.zeros_like(caps[i]) if a is None else _as_dtype(a, caps[i].dtype) for a, i in zip(acc, cap_idx)]
            res = [_as_dtype(x, v.dtype) for x, v in zip(g, rest[:nf])] + acc
            return tuple(res) if len(res) > 1 else res[0]
        return k


def _as_dtype(x, dtype):
    """`x` as an array of `dtype`; arrays (TensorArray flows included) that already are, as they are."""
    return x if isinstance(x, np.ndarray) and x.dtype == dtype else np.asarray(x, dtype)


def _differentiable(t):
    d = t.dtype.base_dtype
    return d.is_floating or d.is_complex


def _while_grad(op, grads):
    from .gradients import _gradients_in_scope, UnconnectedGradients
    loop = op.attrs["_loop"]
    n_in = len(op.inputs)
    if not loop.back_prop:
        return [None] * n_in
    g = op.graph
    var_idx = [i for i in range(loop.n) if _differentiable(loop.body_args[i]) and grads[i] is not None]
    cap_idx = [j for j, t in enumerate(loop.captured) if _differentiable(t)]
    if not var_idx:
        return [None] * n_in
    gys = [create_op(LoopVar, [], {"dtype": loop.body_args[i].dtype.base_dtype,
                                   "shape": loop.body_args[i].shape},
                     g.unique_name(g.name_stack + "/GradIn" if g.name_stack else "GradIn"), g).outputs[0]
           for i in var_idx]
    xs = [loop.body_args[i] for i in var_idx] + [loop.captured[j] for j in cap_idx]
    ys = [loop.body_outs[i] for i in var_idx]
    with g.control_dependencies(None):
        dx = _gradients_in_scope(g, ys, xs, gys, set(), UnconnectedGradients.NONE)
    dxs, dcaps = dx[:len(var_idx)], dx[len(var_idx):]
    keep_caps = [j for j, d in zip(cap_idx, dcaps) if d is not None]
    attrs = {"_loop": loop, "_gys": gys, "_dxs": dxs, "_dcaps": [d for d in dcaps if d is not None],
             "_var_idx": var_idx, "_cap_idx": keep_caps,
             "_targets": [op.inputs[i] for i in var_idx] + [op.inputs[loop.n + loop.has_max + j]
                                                            for j in keep_caps]}
    inputs = [op.outputs[loop.n]] + [grads[i] for i in var_idx] + [op.inputs[loop.n + loop.has_max + j]
                                                                     for j in range(len(loop.captured))]
    with op_scope(None, "WhileGrad", inputs) as s:
        gop = s.make(WhileGrad, inputs, attrs)
    res = [None] * n_in
    for k, i in enumerate(var_idx):
        res[i] = gop.outputs[k]
    for k, j in enumerate(keep_caps):
        res[loop.n + loop.has_max + j] = gop.outputs[len(var_idx) + k]
    return res


def _shape_le(out: TensorShape, inv: TensorShape) -> bool:
    """True when `out` is at least as specific as the invariant `inv` (TF's _ShapeLessThanOrEqual)."""
    if inv.dim_sizes is None:
        return True
    if out.dim_sizes is None or len(out.dim_sizes) != len(inv.dim_sizes):
        return False
    return all(b is None or a == b for a, b in zip(out.dim_sizes, inv.dim_sizes))


def _fmt(shape: TensorShape) -> str:
    return str(shape)


def _as_tensor(v):
    if isinstance(v, TensorArray):
        return v.flow
    if isinstance(v, Tensor):
        return v
    if hasattr(v, "_as_graph_element") and not isinstance(v, Operation):
        v = v._as_graph_element()
        if isinstance(v, Tensor):
            return _a.identity(v) if v.dtype.is_ref else v
    return convert_to_tensor(v)


def _loop_ops(traced, loop_vars) -> set:
    """The traced ops that run every iteration: those depending on a loop variable or on a stateful op
    (random draws). The rest (constants, variables and their reads, created while tracing) are computed
    once, before the loop, and enter it as captured inputs; TF creates variables outside loops too."""
    inside = {t.op for t in loop_vars}
    for op in traced:  # creation order is a topological order
        if op in inside:
            continue
        if (op.op_def.stateful and op.type != "VariableV2") or any(t.op in inside for t in op.inputs) or \
                any(c in inside for c in op.control_inputs):
            inside.add(op)
    return inside


def _wrap(tas, tensors):
    """Loop values as the user's functions see them: TensorArrays rebuilt around their flow tensors."""
    return [t if ta is None else ta._with_flow(t) for ta, t in zip(tas, tensors)]


def _structure_error(first, second):
    return ValueError("The two structures don't have the same nested structure.\n\nFirst structure: type=%s str=%s"
                      "\n\nSecond structure: type=%s str=%s" % (type(first).__name__, first,
                                                                 type(second).__name__, second))


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, name=None, maximum_iterations=None, return_same_structure=False):
    """Repeat `body` while `cond` is true (tf.while_loop); returns the loop variables' final values."""
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    if loop_vars is None or (isinstance(loop_vars, (list, tuple, dict)) and not _flatten(loop_vars, [])):
        raise ValueError("'loop_vars' must be provided.")
    single = not isinstance(loop_vars, (list, tuple, dict))
    structure = [loop_vars] if single else loop_vars
    flat_raw = _flatten(structure, [])
    with op_scope(name, "while", [v for v in flat_raw if isinstance(v, Tensor)]) as s:
        g = s.graph
        saved_stack = g.name_stack
        g.name_stack = s.name
        try:
            flat_init = [_as_tensor(v) for v in flat_raw]  # Python values become `while/Const`, as in TF
            tas = [v if isinstance(v, TensorArray) else None for v in flat_raw]  # threaded by their flows
        finally:
            g.name_stack = saved_stack
        if shape_invariants is not None:
            inv_flat = _flatten([shape_invariants] if single else shape_invariants, [])
            if len(inv_flat) != len(flat_init):
                raise _structure_error(structure, shape_invariants)
            invariants = [TensorShape(v) if not isinstance(v, TensorShape) else v for v in inv_flat]
            for t, inv in zip(flat_init, invariants):
                if not _shape_le(t.shape, inv):
                    raise ValueError("The shape invariant specified for %s is not compatible with the initial shape "
                                     "of the loop variable. It enters the loop with shape %s, but the specified "
                                     "shape invariant is %s." % (t.name, _fmt(t.shape), _fmt(inv)))
        else:
            invariants = [t.shape for t in flat_init]
        max_t = None
        if maximum_iterations is not None:
            max_t = s.convert(maximum_iterations, "maximum_iterations", dtype=_dtypes.int32)
            if max_t.shape.ndims not in (None, 0):
                raise ValueError("maximum_iterations must be a scalar, saw shape: %s" % max_t.shape)
        outer_ctx = g.cond_context
        saved_stack = g.name_stack
        start_id = g.version
        g.name_stack = s.name
        g.cond_context = None
        try:
            with g.control_dependencies(None):
                def loop_vars_named(kind):
                    return [create_op(LoopVar, [], {"dtype": t.dtype.base_dtype, "shape": inv},
                                      g.unique_name(kind), g).outputs[0]
                            for t, inv in zip(flat_init, invariants)]
                cond_args = loop_vars_named("Merge")
                packed = _pack_like(structure, _wrap(tas, cond_args))
                c = cond(packed) if single else cond(*packed) if isinstance(packed, (list, tuple)) else cond(packed)
                c = _as_tensor(c)
                if c.dtype.base_dtype is not _dtypes.bool:
                    raise TypeError("Input 'input' of 'LoopCond' Op has type %s that does not match expected type "
                                    "of bool." % c.dtype.base_dtype.name)
                if c.shape.ndims not in (None, 0):
                    raise ValueError("Shape must be rank 0 but is rank %d for '%s/LoopCond' (op: 'LoopCond')"
                                     % (c.shape.ndims, s.name))
                body_args = loop_vars_named("Identity")
                packed = _pack_like(structure, _wrap(tas, body_args))
                res = body(packed) if single else body(*packed) if isinstance(packed, (list, tuple)) else body(packed)
                if single or (isinstance(structure, (list, tuple)) and len(structure) == 1
                              and not isinstance(res, (list, tuple))):
                    res = [res]
                flat_res = _flatten(res, [])
                flat_out = [_as_tensor(v) for v in flat_res]
                if len(flat_out) != len(flat_init):
                    raise _structure_error(_pack_like(structure, body_args), res)
                for t0, inv, o in zip(flat_init, invariants, flat_out):
                    if o.dtype.base_dtype is not t0.dtype.base_dtype:
                        raise TypeError("Input 1 of node %s/Merge was passed %s from %s/NextIteration:0 incompatible "
                                        "with expected %s." % (s.name, o.dtype.base_dtype.name, s.name,
                                                               t0.dtype.base_dtype.name))
                    if not _shape_le(o.shape, inv):
                        raise ValueError("Input tensor '%s' enters the loop with shape %s, but has shape %s after one "
                                         "iteration. To allow the shape to vary across iterations, use the "
                                         "`shape_invariants` argument of tf.while_loop to specify a less-specific "
                                         "shape." % (t0.name, _fmt(inv), _fmt(o.shape)))
                inside = _loop_ops(g.ops_since(start_id), cond_args + body_args)
                captured = {}
                for op in inside:
                    for t in op.inputs:
                        if t.op not in inside and not t.dtype.is_ref:
                            captured[t] = None
                for o in flat_out + [c]:
                    if o.op not in inside and not o.dtype.is_ref:
                        captured[o] = None
                loop = _Loop()
                loop.n = len(flat_init)
                loop.cond_args, loop.cond_out = cond_args, c
                loop.body_args, loop.body_outs = body_args, flat_out
                loop.captured = list(captured)
                loop.has_max = max_t is not None
                loop.back_prop = bool(back_prop)
                loop.stateful = []
                if back_prop:
                    fed = set(body_args) | set(captured)
                    loop.stateful = [t for op in ops_needed(flat_out, [], fed) if op in inside
                                     and op.op_def.stateful for t in op.outputs]
        finally:
            g.name_stack = saved_stack
            g.cond_context = outer_ctx
        g.name_stack = s.name
        try:
            inputs = flat_init + ([max_t] if max_t is not None else []) + loop.captured
            wop = create_op(While, inputs, {"_loop": loop, "parallel_iterations": parallel_iterations,
                                            "back_prop": bool(back_prop)}, g.unique_name("While"), g)
            outs = [create_op(Exit, [wop.outputs[i]], {"T": t.dtype}, g.unique_name("Exit"), g).outputs[0]
                    for i, t in enumerate(flat_init)]
        finally:
            g.name_stack = saved_stack
    result = _pack_like(res, _wrap([v if isinstance(v, TensorArray) else None for v in flat_res], outs))
    # (TF1 returns the structure the body returned)
    if single:
        return result[0]
    if not return_same_structure and isinstance(result, (list, tuple)) and len(outs) == 1 and \
            not hasattr(result, "_fields"):
        return outs[0]
    return result
