"""The %eval views of one run that are not plain values: --trace (step through), --grad, --code.

Each resolves its expressions and feeds the way %eval does, builds its ops (if any) in the session's
graph and hides every op it made from later pictures, then returns its own widget.
"""
from __future__ import annotations

from typing import Optional

from IPython.core.error import UsageError

from ..framework.graph import Tensor
from .errors import magic_errors
from .snapshot import GraphSnapshot, snapshot

__all__ = ["MODES", "mode_of", "show"]

MODES = ("trace", "grad", "code")


def mode_of(args, exprs: list, usage: str) -> Optional[str]:
    """Which of --trace/--grad/--code was given (None: a plain %eval); UsageError for bad combinations."""
    modes = [m for m in MODES if getattr(args, m)]
    if args.backward and "grad" not in modes:
        raise UsageError("--backward goes with --grad (it shows the backward ops tf.gradients built)\n%s" % usage)
    if not modes:
        return None
    if len(modes) > 1:
        raise UsageError("%s: use one of --trace, --grad and --code at a time\n%s"
                         % (" and ".join("--" + m for m in modes), usage))
    mode = modes[0]
    for other in ("watch", "interact"):
        if getattr(args, other):
            raise UsageError("--%s cannot be combined with --%s\n%s" % (mode, other, usage))
    if mode == "grad" and len(exprs) != 1:
        raise UsageError("--grad differentiates one loss, got %d expressions: %s\n%s"
                         % (len(exprs), ", ".join(exprs), usage))
    return mode


def show(magics, mode: str, exprs: list, args):
    """Resolve, run and build the view of `mode`; errors are short, ops the view made are hidden."""
    ext = magics.ext
    ext.ensure_current()
    sess = ext.session
    graph = sess.graph
    before = len(graph.get_operations())
    with magic_errors():
        try:
            labels, leaves, notes = magics._resolve(exprs, graph)
            feeds = magics._feeds(args.feed, graph)
            view = _BUILDERS[mode](ext, sess, labels, leaves, feeds, args)
            if getattr(view, "graph_view", None) is not None:
                ext.add_graph_view(view.graph_view)      # bounded like every picture (older ones freeze)
        finally:
            ext.hide_ops(graph, graph.get_operations()[before:])
    return view


def _grad(ext, sess, labels, leaves, feeds, args):
    from .grad_view import GradView, compute_gradients

    loss = leaves[0]
    if not isinstance(loss, Tensor):
        raise UsageError("--grad differentiates a tensor; %s is the op '%s' (name one of its outputs, such as "
                         "'%s:0')" % (labels[0], loss.name, loss.name))
    result = compute_gradients(sess, loss, feeds)
    result.loss = labels[0] if labels[0].isidentifier() else result.loss
    full = None if args.no_draw else snapshot(sess.graph)
    return GradView(result, full, backward=args.backward)


def _subgraph(graph, names) -> GraphSnapshot:
    """The ops named, in graph order, from a snapshot that keeps the ops %eval expressions made."""
    keep = set(names)
    return GraphSnapshot(r for r in snapshot(graph).ops if r.name in keep)


def _trace(ext, sess, labels, leaves, feeds, args):
    from .trace_view import TraceView, trace

    result = trace(sess, labels, leaves, feeds)
    names = [k.split(":")[0] for k in result.feeds] + result.variables + result.reads + result.ops
    return TraceView(result, None if args.no_draw else _subgraph(sess.graph, names))


def _code(ext, sess, labels, leaves, feeds, args):
    from .code_view import CodeView, program_for

    fed = list(feeds)
    source, arrays = program_for(sess, leaves, fed)
    return CodeView(labels, source, arrays, feeds=[(t.name, feeds[t]) for t in fed])


_BUILDERS = {"grad": _grad, "trace": _trace, "code": _code}
