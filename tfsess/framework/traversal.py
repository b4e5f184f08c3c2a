"""The backward graph walk `Session.run` prunes with: which ops a set of fetches needs, in creation order.

Iterative (no recursion), so 100,000-op chains are fine. tf.gradients walks the graph its own way (TF's
pending-count order, which fixes the summation order of gradient contributions).
"""
from __future__ import annotations

__all__ = ["ops_needed", "ancestors"]


def ancestors(start_ops, stop_tensors=frozenset(), skip_ref_inputs=True, follow_control=True) -> set:
    """Ops reachable backwards from `start_ops` through data and control inputs.

    The walk does not pass through tensors in `stop_tensors` (fed tensors) nor through inputs an op
    takes by reference (a variable updated by Assign is not read first).
    """
    seen = set()
    stack = list(start_ops)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        refs = op.op_def.ref_inputs if skip_ref_inputs else ()
        for i, t in enumerate(op.inputs):
            if t in stop_tensors or i in refs:
                continue
            p = t.op
            if p not in seen:
                stack.append(p)
        if follow_control:
            for c in op.control_inputs:
                if c not in seen:
                    stack.append(c)
    return seen


def ops_needed(fetch_tensors, target_ops, fed) -> list:
    """The ops `Session.run` must execute, in creation (= topological) order."""
    start = [t.op for t in fetch_tensors if t not in fed]
    start.extend(target_ops)
    return sorted(ancestors(start, fed), key=_op_id)


def _op_id(op):
    return op._id
