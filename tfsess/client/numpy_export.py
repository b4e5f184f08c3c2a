"""tfsess.export_numpy: the ops a run of `fetches` executes, written out as a standalone NumPy program.

    tfsess.export_numpy(loss, [x, y], "mlp.py", session=sess)   # writes mlp.py and mlp.npz
    import mlp; mlp.run(xv, yv)                                   # == sess.run(loss, {x: xv, y: yv})

The module has one line per op, in the order the session runs them (the steps of a traced plan,
tfsess/client/plan.py), each commented with the op's name and type; it imports only NumPy. The current
variable values (and large constants) are saved beside it in an .npz and loaded into the module's
`VARIABLES` dict; ops that update variables (Assign, ApplyGradientDescent, ApplyAdam, ...) update that
dict, as a session's state. Each op gives its NumPy form itself (`OpDef.numpy_source`, next to its
kernel); an op without one makes the export fail with an error naming it.
"""
from __future__ import annotations

import builtins
import keyword
import os
import re
from typing import Any, Sequence

import numpy as np

from ..framework.graph import Operation, Tensor, get_default_session
from ..framework.runtime import uninitialized_error

__all__ = ["export_numpy", "numpy_source", "numpy_program", "NumpyExportError"]

_INLINE_MAX_ELEMENTS = 64    # larger constants go to the .npz
_RESERVED = {"np", "os", "run", "VARIABLES", "CONSTANTS", "variables"} | set(dir(builtins))


class NumpyExportError(ValueError):
    """The graph cannot be written as a NumPy program (an op has no NumPy form, or an unsupported fetch)."""


class _Names:
    """Readable, unique Python identifiers for op and tensor names (`dense/MatMul` -> `dense_MatMul`)."""

    def __init__(self):
        self._used = set(_RESERVED)

    def new(self, name: str) -> str:
        base = re.sub(r"\W", "_", name).strip("_") or "v"
        if base[0].isdigit():
            base = "v" + base
        if keyword.iskeyword(base) or keyword.issoftkeyword(base):
            base += "_"
        ident, n = base, 1
        while ident in self._used:
            ident = "%s_%d" % (base, n)
            n += 1
        self._used.add(ident)
        return ident


def _literal(arr):
    """Python source rebuilding `arr` exactly (dtype included), or None if it has no short literal form."""
    a = np.asarray(arr)
    if np.size(a) > _INLINE_MAX_ELEMENTS:
        return None
    if a.dtype == object:
        if not all(isinstance(v, bytes) for v in a.reshape(-1)):
            return None
        return "np.array(%r, dtype=object)" % (a.tolist(),)
    if a.dtype.kind not in "biufc":
        return None
    return "np.array(%r, dtype=%r)" % (a.tolist(), a.dtype.name)


def _structure(template, leaves, value_expr) -> str:
    """The return expression rebuilding the fetch structure (lists, tuples, dicts) from fetched expressions."""
    if type(template) is int:
        return value_expr(leaves[template])
    kind = template[0]
    if kind == "list":
        return "[%s]" % ", ".join(_structure(t, leaves, value_expr) for t in template[1])
    if kind == "tuple":
        inner = [_structure(t, leaves, value_expr) for t in template[1]]
        return "(%s)" % (inner[0] + "," if len(inner) == 1 else ", ".join(inner))
    if kind == "dict" and template[1] is dict:
        return "{%s}" % ", ".join("%r: %s" % (k, _structure(t, leaves, value_expr)) for k, t in template[2])
    raise NumpyExportError("export_numpy supports fetches nested in lists, tuples and dicts; got a %s fetch"
                           % (template[1].__name__ if kind != "custom" else "registered custom"))


class _Writer:
    """Turns a traced plan into the lines of `run()`: feeds, variable reads, one line per step."""

    def __init__(self, session, plan, feeds):
        self.session = session
        self.plan = plan
        self.names = _Names()
        self.expr = {}        # tensor -> Python expression of its value
        self.arrays = {}      # .npz key -> array (variables by name, large constants as "const:NAME")
        self.body = []        # (code, comment) lines of run()
        self.helpers = {}     # helper name -> its def source
        self.missing = []     # ops without a NumPy form
        self.params = []
        self._var_ident = {}
        self._written = {st.op.inputs[i].op for st in plan.steps for i in st.op.op_def.ref_inputs}
        for t in feeds:
            self._feed(t)
        for st in plan.steps:
            self._step(st.op)

    def _feed(self, t: Tensor) -> None:
        ident = self.names.new(t.op.name if t.value_index == 0 else "%s_%d" % (t.op.name, t.value_index))
        self.params.append(ident)
        self.expr[t] = ident
        dt = t.dtype.base_dtype
        np_name = "object" if dt.name == "string" else repr(np.dtype(dt.as_numpy_dtype).name)
        self.body.append(("%s = np.asarray(%s, dtype=%s)" % (ident, ident, np_name), "%s (%s): fed"
                          % (t.name, t.op.type)))

    def variable(self, var: Operation, for_update: bool = False) -> str:
        """A variable's current value: `variables[name]` at each use if the program updates it, else read once."""
        key = var.name
        if key not in self.arrays:
            value = self.session.variable_store.get(var)
            if value is not None:
                self.arrays[key] = value
            elif not for_update:
                raise uninitialized_error(var)
        if var in self._written:
            return "variables[%r]" % key
        ident = self._var_ident.get(var)
        if ident is None:
            ident = self._var_ident[var] = self.names.new(var.name)
            self.body.append(("%s = variables[%r]" % (ident, key), "%s (%s)" % (var.name, var.type)))
        return ident

    def value(self, t: Tensor) -> str:
        """The expression of a tensor the plan computed, was fed, or reads from a variable."""
        if t in self.expr:
            return self.expr[t]
        if t not in self.plan.readers:  # pragma: no cover - the plan's order computes every input first
            raise NumpyExportError("export_numpy: no value for %s" % t.name)
        op = t.op
        return self.variable(op if op.op_def.is_variable else op.inputs[0].op)

    def _step(self, op: Operation) -> None:
        opdef = op.op_def
        comment = "%s (%s)" % (op.name, op.type)
        outs = list(op.outputs)
        if opdef.orders_only:
            self.body.append(("pass", comment + ": orders its control inputs"))
            return
        const = opdef.static_value(op) if not op.inputs else None
        if const is not None:
            ident = self.names.new(op.name)
            lit = _literal(const)
            if lit is None:
                self.arrays["const:" + op.name] = np.asarray(const)
                lit = "CONSTANTS[%r]" % op.name
            self.body.append(("%s = %s" % (ident, lit), comment))
            self.expr[outs[0]] = ident
            return
        args = [self.variable(t.op, for_update=True) if i in opdef.ref_inputs else self.value(t)
                for i, t in enumerate(op.inputs)]
        src = opdef.numpy_source(op, args)
        if src is None:
            self.missing.append(op)
            self.expr.update((t, "<missing>") for t in outs)   # go on: the error names every such op
            return
        if isinstance(src, tuple):
            src, extra = src
            self.helpers.update(extra)
        idents = [self.names.new(op.name if k == 0 else "%s_%d" % (op.name, k)) for k in range(len(outs))]
        refs = ["variables[%r]" % op.inputs[i].op.name for i in opdef.ref_inputs]
        if len(refs) > 1:   # an update of several variables: a tuple of their new values
            self.body.append(("%s = %s = %s" % (", ".join(refs), idents[0], src), comment))
            self.expr[outs[0]] = idents[0] + "[0]"
            return
        targets = ([", ".join(idents)] if idents else []) + refs
        self.body.append((" = ".join(targets + [src]), comment))
        self.expr.update(zip(outs, idents))


def _module_text(module_name, writer, feeds, unique, ret) -> str:
    """The module: docstring, imports, the .npz load, helper functions, then run()."""
    names = [x.name for x in unique]
    fetch_names = ", ".join(names[:3]) + (" and %d more" % (len(names) - 3) if len(names) > 3 else "")
    fetch_names = fetch_names or "nothing"
    params = writer.params
    lines = ['"""%s: %s computed with NumPy (written by tfsess.export_numpy).' % (module_name, fetch_names),
             "",
             "run(%s) returns what Session.run(fetches, feed_dict) returned for the same feeds." % ", ".join(params),
             "One line per op, in the session's execution order. Variable values come from %s.npz beside"
             % module_name,
             "this file (VARIABLES); ops that update a variable change VARIABLES, like a session's state.",
             '"""',
             "import os",
             "",
             "import numpy as np",
             ""]
    arrays = writer.arrays
    var_keys = [k for k in arrays if not k.startswith("const:")]
    const_keys = [k for k in arrays if k.startswith("const:")]
    if arrays:
        lines.append("_DATA = np.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), %r))"
                     % (module_name + ".npz"))
    lines.append("VARIABLES = {%s}" % ", ".join("%r: _DATA[%r]" % (k, k) for k in var_keys))
    lines.append("CONSTANTS = {%s}" % ", ".join("%r: _DATA[%r]" % (k[6:], k) for k in const_keys))
    for name in sorted(writer.helpers):
        lines += ["", ""] + writer.helpers[name].strip("\n").splitlines()
    lines += ["", "", '@np.errstate(all="ignore")   # as the session: inf and nan without warnings',
              "def run(%s):" % ", ".join(params + ["variables=VARIABLES"]),
              '    """%s from %s."""' % (fetch_names, ", ".join(t.name for t in feeds) or "no feeds")]
    width = min(max([len(c) for c, _ in writer.body] + [0]), 60)
    lines += ["    %s  # %s" % (code.ljust(width), note) for code, note in writer.body]
    lines.append("    return %s" % ret)
    return "\n".join(lines) + "\n"


def numpy_program(fetches: Any, feed_list: Sequence = (), session=None, module_name: str = "model"):
    """(source, arrays): the module text and the arrays of its .npz (`<module_name>.npz` beside it)."""
    from .session import _flatten_fetch
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError("Cannot export without a session: pass session= or make a session the default "
                             "(`with sess.as_default():`)")
    graph = session.graph
    if feed_list is None:
        feed_list = []
    if not isinstance(feed_list, (list, tuple)):
        raise TypeError("Argument `feed_list` must be a list or tuple. Received: feed_list=%s" % (feed_list,))
    feeds = [graph.as_graph_element(f, allow_tensor=True, allow_operation=False) for f in feed_list]
    if len(set(feeds)) != len(feeds):
        raise ValueError("feed_list has the same tensor twice: %s" % [t.name for t in feeds])
    leaves: list = []
    template = _flatten_fetch(graph, fetches, leaves)
    unique = list(dict.fromkeys(leaves))
    tensors = [x for x in unique if type(x) is Tensor]
    targets = [x for x in unique if type(x) is Operation]
    plan = session._plan_for(tensors, targets, dict.fromkeys(feeds), traced=True)
    writer = _Writer(session, plan, feeds)
    if writer.missing:
        raise NumpyExportError("export_numpy: no NumPy form for %d op(s): %s" % (
            len(writer.missing), ", ".join("%s (%s)" % (op.name, op.type) for op in writer.missing)))
    ret = _structure(template, leaves, lambda leaf: "None" if type(leaf) is Operation else writer.value(leaf))
    return _module_text(module_name, writer, feeds, unique, ret), writer.arrays


def numpy_source(fetches: Any, feed_list: Sequence = (), session=None, module_name: str = "model") -> str:
    """The text of the module export_numpy would write for these arguments (no files written)."""
    return numpy_program(fetches, feed_list, session, module_name)[0]


def export_numpy(fetches: Any, feed_list: Sequence, path, session=None) -> str:
    """Write `fetches` as a NumPy module at `path` (a .py file) and the variable values at the .npz beside it.

    Importing the module and calling its `run(*feeds)` gives the values `session.run(fetches, feed_dict)`
    gives for the same feeds, without tfsess. Returns the module's path.
    """
    path = os.fspath(path)
    if not path.endswith(".py"):
        raise ValueError("export_numpy writes a Python module: `path` must end in .py, got %r" % (path,))
    stem = os.path.splitext(os.path.basename(path))[0]
    if not stem.isidentifier():
        raise ValueError("export_numpy: the module name %r (from %r) is not a Python identifier" % (stem, path))
    source, arrays = numpy_program(fetches, feed_list, session, module_name=stem)
    npz = os.path.join(os.path.dirname(path), stem + ".npz")
    with open(npz, "wb") as f:
        np.savez(f, **arrays)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    return path
