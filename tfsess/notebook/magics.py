"""The %%graph and %eval magics: argument handling and wiring; parsing, running and drawing live elsewhere."""
from __future__ import annotations

import ast
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from ..framework.graph import Operation, Tensor
from ..framework.sparse_tensor import SparseTensor
from . import cell_errors, run_views
from .declutter import default_expanded
from .dot import scopes_of
from .errors import magic_errors
from .evaluation import ControlSpec, Runner, control_spec, placeholder_default
from .lines import split_eval_line, split_expressions
from .snapshot import PLACEHOLDER_TYPES
from .widgets import EvalView, GraphView

try:  # IPython >= 8.12
    from IPython.core.magic import output_can_be_silenced
except ImportError:  # pragma: no cover
    def output_can_be_silenced(f):
        return f

__all__ = ["TfsessMagics"]

_WATCH_OK_STATEFUL = frozenset({"VariableV2", "IsVariableInitialized", "Assert"})


@magics_class
class TfsessMagics(Magics):
    """%%graph and %eval, bound to one loaded tfsess extension (its session and live views)."""

    def __init__(self, shell, ext):
        super().__init__(shell)
        self.ext = ext

    @magic_arguments()
    @argument("--new", action="store_true", help="start a fresh graph with a new InteractiveSession "
                                                  "(the old session is closed)")
    @argument("--scope", metavar="NAME", help="run the cell inside tf.name_scope(NAME)")
    @argument("--no-draw", action="store_true", dest="no_draw",
              help="show the op listing instead of a drawing (no Graphviz needed)")
    @argument("--collapse", nargs="+", action="append", metavar="SCOPE", default=[],
              help="draw these name scopes as closed boxes (a click opens them)")
    @argument("--expand", nargs="+", action="append", metavar="SCOPE", default=[],
              help="draw these name scopes (or NAME_* stacks) open")
    @argument("--expand-all", action="store_true", dest="expand_all", help="draw every name scope open")
    @argument("--no-group", action="store_true", dest="no_group",
              help="draw add, add_1, add_2, ... one by one instead of as one stack")
    @argument("--lr", action="store_true", help="lay the graph out left to right (same as --direction LR)")
    @argument("--direction", choices=("TB", "LR"), default=None, help="layout direction: TB (top-down) or LR")
    @argument("--live", action="store_true",
              help="keep following: redraw this picture when later cells add ops")
    @argument("--file", metavar="PATH", help="show the graph of a TensorFlow file (model.ckpt.meta, graph.pb, "
                                             ".pbtxt) in a fresh Graph; the session's graph is untouched")
    @no_var_expand
    @line_cell_magic
    def graph(self, line, cell=None):
        """Run the cell, building ops in the session's graph, and show the graph as the cell left it.

        The ops the cell added are emphasised in red. The picture stays as it is when later cells add
        ops, unless --live (or its "follow later cells" button) is on. Larger graphs start decluttered, as
        in TensorBoard: name scopes are closed boxes (click to open), initializers, gradients and optimizer
        updates sit in an "auxiliary" area, similar names (add_1, add_2, ...) form one stack, and constants
        are written inside the node that uses them. Variables are cylinders, placeholders orange inputs.
        In Python: view.expand(NAME), view.collapse(NAME), view.direction = "LR", view.save("graph.svg").

        Examples::

            %%graph
            a = tf.constant(2.0, name="a")
            b = a * 3

            %%graph --new --scope layer1
            w = tf.Variable(tf.ones([2, 2]), name="w")

            %%graph --expand gradients --lr
            train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

            %graph --file model.ckpt.meta
        """
        args = self._parse(self.graph, line)
        ext = self.ext
        error = None
        if args.file:
            if cell is not None and cell.strip():
                raise UsageError("%%graph --file shows a file's graph: leave the cell empty, or use %graph --file")
            from .graph_files import load_graph_file
            graph, new = load_graph_file(args.file), []
        else:
            ext.ensure_current()
            if args.new:
                ext.new_graph()
            graph = ext.session.graph
            before = len(graph.get_operations())
            error = ext.run_cell_in_graph(cell or "", graph, args.scope)
            if ext.session.graph is not graph:      # the cell reset the default graph itself
                graph, before = ext.session.graph, 0
            new = [op.name for op in graph.get_operations()[before:]]
        snap = ext.snapshot(graph)
        known = set(self._scopes(snap))
        collapse = [s for group in args.collapse for s in group]
        expand = [s for group in args.expand for s in group]
        unknown = [s for s in collapse + expand if s not in known and not s.endswith("_*")]
        if unknown:
            print("tfsess: no name scope %s in the graph (its scopes: %s)"
                  % (", ".join(repr(s) for s in unknown), ", ".join(self._scopes(snap)[:20]) or "none"))
        start = set(default_expanded(snap, collapse))
        if args.expand_all:
            start |= known
        start = (start | set(expand)) - set(collapse)
        view = GraphView(snap, new=[n for n in new if n in snap.index], draw=not args.no_draw,
                         title="graph" if error is None else "graph (partial: the cell failed)",
                         expanded=start, rankdir="LR" if args.lr else (args.direction or "TB"),
                         group_series=not args.no_group, live=args.live,
                         text_collapsed=[s for s in collapse if s in known])
        ext.add_graph_view(view)
        if error is not None:
            if new and not isinstance(error, SyntaxError):
                display(view)              # the partial graph: what the cell built before failing
            cell_errors.raise_cell_error(self.shell, error, "%%graph " + line)   # fails as a plain cell
        return view

    @staticmethod
    def _scopes(snap) -> list:
        return scopes_of(snap)

    @magic_arguments()
    @argument("expr", nargs="*", metavar="EXPR",
              help="tensors, variables or ops (Python expressions), or op/tensor names such as add:0")
    @argument("--feed", nargs="+", action="append", metavar="NAME=VALUE", default=[],
              help="feed placeholder NAME (a Python name or a tensor name) with VALUE (a Python expression)")
    @argument("--watch", action="store_true",
              help="keep the values live: refresh after every later run of the session")
    @argument("--interact", action="store_true",
              help="a slider or text box for every unfed placeholder; changing one re-runs")
    @argument("--no-draw", action="store_true", dest="no_draw", help="do not show the graph")
    @argument("--trace", action="store_true",
              help="step through the run op by op: each op's inputs and output, feeds as cut points")
    @argument("--grad", action="store_true",
              help="EXPR is a loss: show d loss / d node (tf.gradients) and the value on every node it depends on")
    @argument("--backward", action="store_true",
              help="with --grad: also draw and list the backward ops tf.gradients built")
    @argument("--code", action="store_true",
              help="show the run as a standalone NumPy program (what tfsess.export_numpy writes)")
    @output_can_be_silenced
    @no_var_expand
    @line_magic
    def eval(self, line):
        """Evaluate tensors, variables or ops in the InteractiveSession and show their values.

        Scalars are shown large, vectors and matrices as heatmap tables with dtype and shape; below,
        a drawing of the subgraph that ran (from the fetches back to the feeds) with values on its nodes.
        Ops that the expressions themselves create (`%eval tf.reduce_sum(y)`) are left out of later
        %%graph pictures.

        Examples::

            %eval y
            %eval y W "layer/MatMul:0" --feed x=[[1, 2, 3]]
            %eval loss --feed x=X_train y_=Y_train --watch
            %eval y --interact
            %eval y --trace --feed x=[[1, 2, 3]]
            %eval loss --grad --feed x=X y_=Y
            %eval y --code
        """
        expr_text, argv = split_eval_line(line)
        args = self._parse(self.eval, argv)
        exprs = split_expressions(expr_text)
        if not exprs:
            raise UsageError("%%eval needs at least one expression\n%s" % _usage(self.eval))
        mode = run_views.mode_of(args, exprs, _usage(self.eval))
        if mode is not None:
            return run_views.show(self, mode, exprs, args)
        ext = self.ext
        ext.ensure_current()
        sess = ext.session
        graph = sess.graph
        before = len(graph.get_operations())
        with magic_errors():
            try:
                labels, leaves, notes = self._resolve(exprs, graph)
            finally:
                ext.hide_ops(graph, graph.get_operations()[before:])
            fixed = self._feeds(args.feed, graph)
            runner = Runner(sess, leaves, fixed, {})
            specs = []
            if args.interact:
                for op in runner.subgraph(set(fixed)):
                    if op.type in PLACEHOLDER_TYPES:
                        t = op.outputs[0]
                        runner.controls[op.name] = t
                        specs.append(control_spec(t, placeholder_default(op)))
            if args.watch:
                self._check_watchable(runner.subgraph(set(fixed) | set(runner.controls.values())))
            result = runner({s.name: _initial(s) for s in specs})
        result.notes[:0] = notes
        if args.interact and not specs:
            result.notes.append("--interact: no unfed placeholders in this subgraph")
        subgraph = None if args.no_draw else ext.snapshot(graph, only=result.ran)
        view = EvalView(labels, result, runner, controls=specs, subgraph=subgraph, watch=args.watch)
        ext.add_eval_view(view)
        return view

    # --- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _parse(func, line_or_argv):
        """Parse magic arguments; errors are UsageErrors that end with the usage line."""
        try:
            if isinstance(line_or_argv, list):
                return func.parser.parse_args(line_or_argv)
            return parse_argstring(func, line_or_argv)
        except (UsageError, ValueError) as e:   # ValueError: shlex found unbalanced quotes
            raise UsageError("%s\n%s" % (e, _usage(func))) from None

    def _resolve(self, exprs: list, graph) -> tuple:
        """Each expression -> graph elements: Python first, then op/tensor names; lists are flattened."""
        labels, leaves, notes = [], [], []
        ns = self.shell.user_ns
        for expr in exprs:
            value = self._eval_expr(expr, ns, graph)
            items = [(expr, value)]
            if isinstance(value, (list, tuple)):
                items = [("%s[%d]" % (expr, i), v) for i, v in enumerate(value)]
            elif isinstance(value, dict):
                items = [("%s[%r]" % (expr, k), v) for k, v in value.items()]
            elif isinstance(value, SparseTensor):   # its three component tensors
                items = [("%s.%s" % (expr, part), getattr(value, part)) for part in ("indices", "values", "dense_shape")]
            for label, v in items:
                elem = self._element(v, graph, label)
                if isinstance(v, str) and isinstance(elem, Operation) and elem.outputs:
                    notes.append("'%s' names an op, which runs without a value; to see its output, "
                                 "eval '%s:0'" % (v, v))
                labels.append(label)
                leaves.append(elem)
        return labels, leaves, notes

    @staticmethod
    def _eval_expr(expr: str, ns: dict, graph) -> Any:
        try:
            code = compile(expr, "<%eval>", "eval")
        except SyntaxError:
            code = None
        if code is not None:
            try:
                return eval(code, ns)  # noqa: S307  (the user's own expression, in the user's kernel)
            except NameError:
                if not _is_graph_name(graph, expr):
                    raise
        if _is_graph_name(graph, expr):
            return expr
        if code is None:
            compile(expr, "<%eval>", "eval")     # raise the SyntaxError
        raise NameError("'%s' is neither a Python expression nor an op/tensor name in the graph" % expr)

    @staticmethod
    def _element(v: Any, graph, label: str):
        if isinstance(v, (Tensor, Operation, str)) or (hasattr(v, "_as_graph_element") and not isinstance(v, type)):
            return graph.as_graph_element(v, allow_tensor=True, allow_operation=True)
        raise TypeError("%%eval evaluates tensors, variables, ops or their names; %s is %s"
                        % (label, type(v).__name__))

    def _feeds(self, groups: list, graph) -> dict:
        feeds = {}
        ns = self.shell.user_ns
        for group in groups:
            for item in group:
                name, _, vtext = item.partition("=")
                key = self._feed_key(name, ns, graph)
                try:
                    value = eval(compile(vtext, "<%eval --feed>", "eval"), ns)  # noqa: S307
                except SyntaxError:
                    raise UsageError("--feed %s: %r is not a Python expression" % (item, vtext)) from None
                if isinstance(key, SparseTensor):   # fed component-wise, as Session.run does
                    feeds.update(zip((key.indices, key.values, key.dense_shape), value))
                else:
                    feeds[key] = value
        return feeds

    @staticmethod
    def _feed_key(name: str, ns: dict, graph) -> Tensor:
        """A feed key: a Python name bound to a tensor (or SparseTensor), else a tensor name, else an op's only
        output."""
        obj = ns.get(name) if name.isidentifier() else None
        if isinstance(obj, SparseTensor) and obj.graph is graph:
            return obj
        if obj is not None and (isinstance(obj, Tensor) or hasattr(obj, "_as_graph_element")):
            elem = graph.as_graph_element(obj, allow_tensor=True, allow_operation=False)
            return elem
        if _is_graph_name(graph, name):
            elem = graph.as_graph_element(name, allow_tensor=True, allow_operation=True)
            if isinstance(elem, Operation):
                if len(elem.outputs) != 1:
                    raise UsageError("--feed %s: op '%s' has %d outputs; name one as '%s:0'"
                                     % (name, name, len(elem.outputs), name))
                elem = elem.outputs[0]
            return elem
        raise UsageError("--feed %s=...: '%s' is neither a Python name of a tensor nor a tensor name in the graph"
                         % (name, name))

    @staticmethod
    def _check_watchable(ops: list) -> None:
        """--watch re-runs after every run: refuse subgraphs that change state or draw random numbers."""
        for op in ops:
            od = op.op_def
            if getattr(od, "needs_ctx", False) or (getattr(od, "stateful", False)
                                                    and op.type not in _WATCH_OK_STATEFUL):
                raise UsageError(
                    "--watch re-runs the expression after every run of the session, but it runs '%s' (%s), "
                    "which changes state or draws random numbers, so watching would change the results. "
                    "Watch a tensor that only reads state, such as a loss or a variable." % (op.name, op.type))


def _usage(func) -> str:
    """'usage: %eval [--feed ...] ...' on one line (the help formatter adds reST markup)."""
    return "usage: " + " ".join(func.parser.format_usage().replace("::", " ").split())


def _initial(spec: ControlSpec) -> Any:
    return ast.literal_eval(spec.value) if spec.kind == "text" else spec.value


def _is_graph_name(graph, name: str) -> bool:
    try:
        graph.as_graph_element(name, allow_tensor=True, allow_operation=True)
        return True
    except Exception:
        return False
