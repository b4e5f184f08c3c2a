"""The %%graph and %eval magics, their line parsing, and short error messages with hints."""
from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
from typing import Any, Optional

import numpy as np
from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from ..framework import errors as tf_errors
from ..framework.graph import Operation, Tensor
from ..framework.traversal import ops_needed
from . import cell_errors
from . import dot as _dot
from .widgets import ControlSpec, EvalResult, EvalView, GraphView, short_value

try:  # IPython >= 8.12
    from IPython.core.magic import output_can_be_silenced
except ImportError:  # pragma: no cover
    def output_can_be_silenced(f):
        return f

__all__ = ["TfsessMagics", "short_error", "split_eval_line", "split_expressions"]

MAX_NODE_VALUES = 400       # above this many ops in the subgraph, values are not fetched for every node
_FEED_WORD = re.compile(r"^[A-Za-z_.][\w./:\-]*=(?!=)")
_FEED_MISSING = re.compile(r"You must feed a value for placeholder tensor '([^']+)'")
_UNINIT = re.compile(r"uninitialized value (\S+)")
_WATCH_OK_STATEFUL = frozenset({"VariableV2", "IsVariableInitialized", "Assert"})


# ----- short errors ------------------------------------------------------------------------------

def _hint(exc: BaseException, msg: str) -> Optional[str]:
    m = _FEED_MISSING.search(msg)
    if m:
        name = m.group(1)
        return ("placeholder '%s' needs a value in every run: add --feed %s=VALUE to %%eval (or --interact "
                "for a control), or pass feed_dict={<the placeholder>: VALUE} to sess.run" % (name, name))
    if _UNINIT.search(msg):
        return ("variables have no value until their initializer runs: "
                "sess.run(tf.global_variables_initializer()) (or %eval tf.global_variables_initializer())")
    if "is not an element of this graph" in msg or "graph is different" in msg:
        return ("this tensor was built in another graph than the session's (after tf.reset_default_graph() "
                "or inside tf.Graph().as_default()): build it again, or start over with %%graph --new")
    if "closed Session" in msg:
        return "the session was closed; %%graph --new starts a new graph and session"
    if "Dimensions must be equal" in msg or "Shapes must be equal rank" in msg or "must have rank" in msg:
        return "check the static shapes with t.shape ('?' is a size known only at run time)"
    if isinstance(exc, NameError):
        return "%eval takes Python expressions and also op/tensor names such as 'add' or 'add:0'"
    if "Cannot feed value of shape" in msg:
        return "the fed value's shape must match the placeholder's static shape"
    return None


def short_error(exc: BaseException) -> list:
    """A few lines for an error: class, first line of the message, the failing op and a hint."""
    msg = exc.message if isinstance(exc, tf_errors.OpError) else str(exc)
    first = msg.strip().splitlines()[0] if msg.strip() else ""
    lines = ["%s: %s" % (type(exc).__name__, first)]
    op = getattr(exc, "op", None) if isinstance(exc, tf_errors.OpError) else None
    if op is not None:
        lines.append("  in op '%s' (%s)" % (op.name, op.type))
    hint = _hint(exc, msg)
    if hint:
        lines.append("Hint: " + hint)
    return lines


def _shorten(exc: BaseException, lines: Optional[list] = None) -> BaseException:
    """Make IPython show `exc` as a few lines instead of a traceback (class and message are kept)."""
    stb = list(lines) if lines is not None else short_error(exc)
    try:
        exc._render_traceback_ = lambda: stb
    except Exception:  # an exception type without __dict__: shown with its normal traceback
        pass
    return exc


def _from_tfsess(tb) -> bool:
    """Whether the innermost frame of a traceback is inside tfsess (so the error is a graph/session error)."""
    pkg = __name__.rsplit(".", 2)[0] + "."
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    mod = last.tb_frame.f_globals.get("__name__", "")
    return mod.startswith(pkg) and not mod.startswith(pkg + "notebook")


# ----- parsing %eval lines ------------------------------------------------------------------------

def _words(line: str) -> list:
    """Split at top-level whitespace: brackets and quotes keep their contents together."""
    words, buf, depth, quote = [], [], 0, None
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if quote:
            buf.append(ch)
            if ch == "\\" and i + 1 < n:
                buf.append(line[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            buf.append(ch)
        elif ch in "([{":
            depth += 1
            buf.append(ch)
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                raise UsageError("unbalanced '%s' in: %s" % (ch, line))
            buf.append(ch)
        elif ch.isspace() and depth == 0:
            if buf:
                words.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
        i += 1
    if quote or depth:
        raise UsageError("unbalanced quotes or brackets in: %s" % line)
    if buf:
        words.append("".join(buf))
    return words


def split_eval_line(line: str) -> tuple:
    """(expression text, argv for the flags): `--feed` takes the NAME=VALUE words after it."""
    line = line.strip()
    while line.endswith(";"):
        line = line[:-1].rstrip()
    words = _words(line)
    exprs, argv = [], []
    i = 0
    while i < len(words):
        w = words[i]
        if w.startswith("--") and len(w) > 2 and w[2].isalpha():
            argv.append(w)
            i += 1
            if w == "--feed":
                while i < len(words) and _FEED_WORD.match(words[i]):
                    argv.append(words[i])
                    i += 1
            continue
        exprs.append(w)
        i += 1
    return " ".join(exprs), argv


_OPENERS = {"(": ")", "[": "]", "{": "}"}


def _ends_atom(tok) -> bool:
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string) or tok.string in ("True", "False", "None")
    if tok.type in (tokenize.NUMBER, tokenize.STRING):
        return True
    if getattr(tokenize, "FSTRING_END", None) == tok.type:
        return True
    return tok.type == tokenize.OP and tok.string in (")", "]", "}", "...")


def _starts_atom(tok) -> bool:
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string) or tok.string in ("True", "False", "None", "lambda")
    if tok.type in (tokenize.NUMBER, tokenize.STRING):
        return True
    if getattr(tokenize, "FSTRING_START", None) == tok.type:
        return True
    return tok.type == tokenize.OP and tok.string in ("{", "...")


def split_expressions(text: str) -> list:
    """Split 'a b+c, d' into ['a', 'b+c', 'd']: at top-level commas and between two adjacent operands."""
    text = text.strip()
    if not text:
        return []
    try:
        toks = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT,
                                  tokenize.INDENT, tokenize.DEDENT)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [text]
    cuts = []        # (start, end) of each expression, in columns of the single line
    depth, start, prev = 0, 0, None
    for tok in toks:
        col = tok.start[1]
        if tok.type == tokenize.OP and tok.string in _OPENERS:
            if depth == 0 and prev is not None and _ends_atom(prev) and tok.string == "{":
                cuts.append((start, col))
                start = col
            depth += 1
        elif tok.type == tokenize.OP and tok.string in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and tok.type == tokenize.OP and tok.string == ",":
            cuts.append((start, col))
            start = tok.end[1]
            prev = None
            continue
        elif depth == 0 and prev is not None and _ends_atom(prev) and _starts_atom(tok):
            cuts.append((start, col))
            start = col
        prev = tok
    cuts.append((start, len(text)))
    return [text[a:b].strip() for a, b in cuts if text[a:b].strip()]


# ----- running fetches ----------------------------------------------------------------------------

class _Runner:
    """Runs the fetches of one %eval in the session (again for --watch and --interact)."""

    def __init__(self, session, leaves: list, fixed: dict, controls: dict):
        self.session = session
        self.leaves = leaves            # per label: Tensor or Operation
        self.fixed = fixed              # Tensor -> fed value (from --feed)
        self.controls = controls        # control name -> placeholder Tensor

    def subgraph(self, fed) -> list:
        tensors = [x for x in self.leaves if isinstance(x, Tensor)]
        targets = [x for x in self.leaves if isinstance(x, Operation)]
        return ops_needed(tensors, targets, fed)

    def __call__(self, control_values: dict) -> EvalResult:
        feeds = dict(self.fixed)
        for name, v in control_values.items():
            feeds[self.controls[name]] = v
        ran_ops = self.subgraph(set(feeds))
        notes = []
        extras = []
        if len(ran_ops) <= MAX_NODE_VALUES and not any(getattr(op.op_def, "is_switch", False) for op in ran_ops):
            have = set(x for x in self.leaves if isinstance(x, Tensor))
            for op in ran_ops:
                for t in op.outputs:
                    if t not in have and t not in feeds:
                        have.add(t)
                        extras.append(t)
        elif len(ran_ops) > MAX_NODE_VALUES:
            notes.append("values on graph nodes omitted: the subgraph has %d ops" % len(ran_ops))
        fetches = list(self.leaves) + extras
        try:
            out = self.session.run(fetches, feed_dict=feeds or None)
        except Exception:
            if not extras:
                raise
            extras = []      # a failed run changes no variable, so running just the fetches is safe
            out = self.session.run(list(self.leaves), feed_dict=feeds or None)
        values = out[:len(self.leaves)]
        node_values = {}
        for t, v in zip(fetches, out):
            if isinstance(t, Tensor):
                node_values[t.name] = short_value(v)
        shown_feeds = {}
        for t, v in feeds.items():
            v = _as_dtype(v, t)
            node_values[t.name] = short_value(v)
            shown_feeds[t.op.name if t.value_index == 0 else t.name] = v
        ran = [op.name for op in ran_ops]
        fed_ops = [t.op.name for t in feeds if t.op.name not in ran]
        dtypes = [x.dtype.base_dtype.name if isinstance(x, Tensor) else None for x in self.leaves]
        return EvalResult(values=list(values), dtypes=dtypes, node_values=node_values,
                          ran=fed_ops + ran, feeds=shown_feeds, notes=notes)


def _as_dtype(v: Any, t: Tensor) -> Any:
    """A fed value as the placeholder's dtype (how the graph sees it), for display."""
    try:
        return np.asarray(v, dtype=t.dtype.base_dtype.as_numpy_dtype)
    except Exception:
        return v


def _control_spec(t: Tensor, default: Any = None) -> ControlSpec:
    """A slider for scalar float/int placeholders, a checkbox for bool, else a text box holding a literal."""
    dt = t.dtype.base_dtype
    dims = t.shape.dims
    desc = "%s %s" % (t.op.name, _dot.tensor_spec(t))
    if dims is not None and len(dims) == 0:
        if dt.is_bool:
            return ControlSpec(t.op.name, "bool", bool(default) if default is not None else False, desc)
        if dt.is_floating:
            return ControlSpec(t.op.name, "float", float(default) if default is not None else 0.0, desc)
        if dt.is_integer:
            return ControlSpec(t.op.name, "int", int(default) if default is not None else 0, desc)
    if default is None:
        shape = [] if dims is None else [1 if getattr(d, "value", d) is None else getattr(d, "value", d)
                                         for d in dims]
        kind = bool if dt.is_bool else (int if dt.is_integer else float)
        default = np.zeros(shape, dtype=kind)
    return ControlSpec(t.op.name, "text", repr(np.asarray(default).tolist()), desc)


def _placeholder_default(op: Operation) -> Any:
    """The default of a PlaceholderWithDefault when it is a constant, else None."""
    if op.type == "PlaceholderWithDefault" and op.inputs and op.inputs[0].op.type == "Const":
        try:
            return op.inputs[0].op.get_attr("value")
        except Exception:
            return None
    return None


# ----- the magics ---------------------------------------------------------------------------------

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
              help="draw these name scopes as single nodes (the \"name scopes\" box changes it later)")
    @no_var_expand
    @cell_magic
    def graph(self, line, cell):
        """Run the cell, building ops in the session's graph, and show the graph with the new ops in red.

        The drawing stays live: when later cells add ops it redraws once per cell, emphasising what was
        added. Name scopes are clusters; collapse them with the "name scopes" box or view.collapse(NAME).
        Variables are drawn as cylinders, placeholders as orange inputs, constants as grey boxes.

        Examples::

            %%graph
            a = tf.constant(2.0, name="a")
            b = a * 3

            %%graph --new --scope layer1
            w = tf.Variable(tf.ones([2, 2]), name="w")

            %%graph --collapse gradients
            train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        """
        args = self._parse(self.graph, line)
        ext = self.ext
        ext.ensure_current()
        if args.new:
            ext.new_graph()
        graph = ext.session.graph
        before = len(graph.get_operations())
        error = ext.run_cell_in_graph(cell, graph, args.scope)
        if ext.session.graph is not graph:      # the cell reset the default graph itself
            graph, before = ext.session.graph, 0
        new = [op.name for op in graph.get_operations()[before:]]
        view = GraphView(graph, new=new, draw=not args.no_draw,
                         title="graph" if error is None else "graph (partial: the cell failed)")
        ext.add_live_view(view)
        collapse = [s for group in args.collapse for s in group]
        if collapse:
            known = _dot.scopes_of(graph)
            unknown = [s for s in collapse if s not in known]
            if unknown:
                print("tfsess: --collapse: no name scope %s in the graph (its scopes: %s)"
                      % (", ".join(repr(s) for s in unknown), ", ".join(known[:20]) or "none"))
            view.collapse(*[s for s in collapse if s in known])
        if error is not None:
            if new and not isinstance(error, SyntaxError):
                display(view)              # the partial graph: what the cell built before failing
            cell_errors.raise_cell_error(self.shell, error, "%%graph " + line)   # fails as a plain cell
        return view

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
    @output_can_be_silenced
    @no_var_expand
    @line_magic
    def eval(self, line):
        """Evaluate tensors, variables or ops in the InteractiveSession and show their values.

        Scalars are shown large, vectors and matrices as heatmap tables with dtype and shape; below,
        the graph marks the subgraph that ran and shows the values on its nodes.

        Examples::

            %eval y
            %eval y W "layer/MatMul:0" --feed x=[[1, 2, 3]]
            %eval loss --feed x=X_train y_=Y_train --watch
            %eval y --interact
        """
        expr_text, argv = split_eval_line(line)
        args = self._parse(self.eval, argv)
        exprs = split_expressions(expr_text)
        if not exprs:
            raise UsageError("%%eval needs at least one expression\n%s" % _usage(self.eval))
        ext = self.ext
        ext.ensure_current()
        sess = ext.session
        try:
            labels, leaves, notes = self._resolve(exprs, sess.graph)
            fixed = self._feeds(args.feed, sess.graph)
            runner = _Runner(sess, leaves, fixed, {})
            specs = []
            if args.interact:
                for op in runner.subgraph(set(fixed)):
                    if op.type in _dot.PLACEHOLDER_TYPES:
                        t = op.outputs[0]
                        runner.controls[op.name] = t
                        specs.append(_control_spec(t, _placeholder_default(op)))
            if args.watch:
                self._check_watchable(runner.subgraph(set(fixed) | set(runner.controls.values())))
            result = runner({s.name: _initial(s) for s in specs})
        except UsageError:
            raise
        except SyntaxError as exc:
            raise UsageError("invalid expression %r: %s" % (exc.text.strip() if exc.text else "", exc.msg)) from None
        except Exception as exc:
            raise _shorten(exc) from None
        result.notes[:0] = notes
        if args.interact and not specs:
            result.notes.append("--interact: no unfed placeholders in this subgraph")
        view = EvalView(labels, result, runner, controls=specs, graph=None if args.no_draw else sess.graph,
                        watch=args.watch)
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
                feeds[key] = value
        return feeds

    @staticmethod
    def _feed_key(name: str, ns: dict, graph) -> Tensor:
        """A feed key: a Python name bound to a tensor, else a tensor name, else an op's only output."""
        obj = ns.get(name) if name.isidentifier() else None
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


def tfsess_error_lines(shell, etype, value, tb) -> list:
    """How an error raised by a %%graph cell is shown: short for tfsess errors, IPython's traceback else."""
    if isinstance(value, (tf_errors.OpError,)) or (isinstance(value, (ValueError, TypeError, RuntimeError))
                                                    and _from_tfsess(tb)):
        return short_error(value)
    return shell.InteractiveTB.structured_traceback(etype, value, tb)

