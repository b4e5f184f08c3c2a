"""tf.gradients: symbolic reverse-mode differentiation that adds gradient ops to the graph.

One reverse sweep over the ops between `xs` and `ys` (creation order reversed is a reverse
topological order), calling each op type's registered rule and summing contributions with AddN.
"""
from __future__ import annotations

import collections
import enum

import numpy as np

from ..framework.graph import Tensor, Operation, _graph_of, convert_to_tensor
from ..framework.opdef import GRADIENT_REGISTRY, op_scope
from . import array_ops as _a

__all__ = ["gradients", "UnconnectedGradients", "AggregationMethod"]


class UnconnectedGradients(enum.Enum):
    NONE = "none"
    ZERO = "zero"


class AggregationMethod:
    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _differentiable(t: Tensor) -> bool:
    d = t.dtype.base_dtype
    return d.is_floating or d.is_complex


def _grad_fn(op: Operation):
    key = op.gradient_override or op.type
    if key in GRADIENT_REGISTRY:
        return GRADIENT_REGISTRY[key]
    raise LookupError("No gradient defined for operation '%s' (op type: %s). In general every operation must "
                      "have an associated `@tf.RegisterGradient` for correct autodiff, which this op is lacking. "
                      "If you want to pretend this operation is a constant in your program, you may insert "
                      "`tf.stop_gradient`. This can be useful to silence the error in cases where you know "
                      "gradients are not needed, e.g. the forward pass of tf.custom_gradient. Please see more "
                      "details in https://www.tensorflow.org/api_docs/python/tf/custom_gradient."
                      % (op.name, op.type))


def _aggregate(grads):
    if not grads:
        return None
    if len(grads) == 1:
        return grads[0]
    from .math_ops import add_n
    return add_n(grads)


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False, gate_gradients=False,
              aggregation_method=None, stop_gradients=None, unconnected_gradients=UnconnectedGradients.NONE):
    """Symbolic d(sum(ys))/dx for each x in `xs`: a list of len(xs) Tensors (None when unconnected)."""
    ys = [convert_to_tensor(y) if not isinstance(y, Tensor) else y for y in _as_list(ys)]
    xs = [x._ref() if hasattr(x, "_ref") else (x if isinstance(x, Tensor) else convert_to_tensor(x))
          for x in _as_list(xs)]
    stops = set()
    for s in _as_list(stop_gradients) if stop_gradients is not None else []:
        stops.add(s._ref() if hasattr(s, "_ref") else s)
    grad_ys = _as_list(grad_ys) if grad_ys is not None else [None] * len(ys)
    unconnected = UnconnectedGradients(unconnected_gradients) if not isinstance(
        unconnected_gradients, UnconnectedGradients) else unconnected_gradients
    g = _graph_of(ys + xs)
    with g.as_default(), op_scope(name, "gradients") as sc:
        if len(grad_ys) != len(ys):  # inside the scope: a failed call uses up its name, as in TF
            raise ValueError("Length mismatch. Passed %d grad_ys for %d ys" % (len(grad_ys), len(ys)))
        saved_stack = g.name_stack
        g.name_stack = sc.name
        try:
            results = _gradients_in_scope(g, ys, xs, grad_ys, stops, unconnected)
        finally:
            g.name_stack = saved_stack
    if unconnected is UnconnectedGradients.ZERO:  # TF makes these after leaving the gradients scope
        with g.as_default():
            results = [_a.zeros_like(x) if gx is None else gx for x, gx in zip(xs, results)]
    return results


def _gradients_in_scope(g, ys, xs, grad_ys, stops, unconnected):
    pending: dict = {}
    for i, (y, gy) in enumerate(zip(ys, grad_ys)):
        if gy is None:
            if y.dtype.base_dtype.is_complex:
                raise TypeError("Gradients of complex tensors (%s) must set grad_ys (y.dtype = %r)" % (y, y.dtype))
            d = y.shape.dim_sizes
            if d is not None and None not in d:
                shp = _a.constant(np.array(d, dtype=np.int32), name="Shape")
            else:
                shp = _a.shape(y)
            with g.name_scope("grad_ys_%d" % i) as scope:
                one = _a.constant(1, dtype=y.dtype.base_dtype, name="Const")
                from .array_ops import Fill
                with op_scope(scope, "Fill") as s:
                    gy = s.make(Fill, [shp, one], {"T": one.dtype}).outputs[0]
        else:
            gy = convert_to_tensor(gy, dtype=y.dtype.base_dtype) if not isinstance(gy, Tensor) else gy
        pending.setdefault(y, []).append(gy)
    # TF's algorithm, kept for its summation order: mark ops reached forward from the xs (through
    # differentiable outputs), walk back from the ys to find the ops in between, count pending
    # consumers, then process ops from a FIFO queue as their gradients become complete.
    from_ops = [x.op for x in xs]
    reached = set()
    queue = collections.deque(from_ops)
    while queue:
        op = queue.popleft()
        if op in reached:
            continue
        reached.add(op)
        for out in op.outputs:
            if _differentiable(out):
                queue.extend(out.consumers())
    to_ops = [y.op for y in ys]
    reachable_to = {op for op in to_ops if op in reached}
    between = set()
    queue = collections.deque(to_ops)
    while queue:
        op = queue.popleft()
        if op in reached and op not in between:
            between.add(op)
            for t in op.inputs:
                queue.append(t.op)
    pending_count = collections.defaultdict(int)
    for op in between:
        for t in op.inputs:
            if t.op in between:
                pending_count[t.op] += 1
    stop_ops = {t.op for t in stops}
    for op in from_ops:
        if all(pending_count[t.op] == 0 for t in op.inputs):
            stop_ops.add(op)
    queue = collections.deque()
    queued = set()
    for op in to_ops:
        if pending_count[op] == 0 and op not in queued and op in reachable_to:
            queued.add(op)
            queue.append(op)
    while queue:
        op = queue.popleft()
        out_grads = []
        for t in op.outputs:
            gr = _aggregate(pending.get(t))
            if gr is not None:
                pending[t] = [gr]
            out_grads.append(gr)
        has_out = any(gr is not None for gr in out_grads)
        fn = None
        if has_out and op not in stop_ops:
            fn = _grad_fn(op)
        if fn is not None and has_out:
            with g.name_scope(op.name + "_grad"):
                for i, (t, gr) in enumerate(zip(op.outputs, out_grads)):
                    if gr is None and _differentiable(t):
                        out_grads[i] = _a.zeros_like(t)
                in_grads = fn(op, *out_grads)
            in_grads = list(in_grads) if isinstance(in_grads, (list, tuple)) else [in_grads]
            if len(in_grads) != len(op.inputs):
                raise ValueError("Num gradients %d generated for op %s do not match num inputs %d"
                                 % (len(in_grads), op.node_def, len(op.inputs)))
        else:
            in_grads = [None] * len(op.inputs)
        for t, gr in zip(op.inputs, in_grads):
            if gr is None:
                continue
            if not isinstance(gr, Tensor):
                gr = convert_to_tensor(gr, dtype=t.dtype.base_dtype)
            try:
                gr.set_shape(t.shape)
            except ValueError:
                raise ValueError("Incompatible shapes between op input and calculated input gradient.  Forward "
                                 "operation: %s.  Input index: %d. Original input shape: %s.  Calculated input "
                                 "gradient shape: %s" % (op.name, list(op.inputs).index(t), t.shape, gr.shape)) \
                    from None
            pending.setdefault(t, []).append(gr)
        for t in op.inputs:
            p = t.op
            pending_count[p] -= 1
            if pending_count[p] == 0 and p in between:
                queue.append(p)
    results = []
    for x in xs:
        gx = _aggregate(pending.get(x))
        if gx is not None:
            pending[x] = [gx]
        results.append(gx)
    return results


def hessians(ys, xs, name="hessians", **kwargs):
    """Second derivatives of sum(ys) w.r.t. each x (flattened), as in tf.hessians."""
    out = []
    for x in _as_list(xs):
        gx = gradients(ys, x)[0]
        n = x.shape.num_elements()
        flat = _a.reshape(gx, [-1])
        rows = [gradients(flat[i], x)[0] for i in range(n)]
        out.append(_a.reshape(_a.stack(rows), x.shape.as_list() + x.shape.as_list()))
    return out
