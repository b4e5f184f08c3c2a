"""Graph -> DOT text and a plain-text listing: pure functions, standard library only, no recursion.

Node ids come from creation order (`n0`, `n1`, ... for ops, `s0`, ... for collapsed scopes), and every
iteration is over lists in creation order, so the same graph always gives the same text.
"""
from __future__ import annotations

from typing import Collection, Iterable, Mapping, Optional

__all__ = ["MAX_NODES", "graph_to_dot", "graph_to_text", "summary", "tensor_spec", "scopes_of"]

MAX_NODES = 200            # beyond this, scopes are collapsed (largest first), then the oldest ops summarised
MAX_TEXT_LINES = 60

VARIABLE_TYPES = frozenset({"VariableV2", "Variable", "VarHandleOp"})
PLACEHOLDER_TYPES = frozenset({"Placeholder", "PlaceholderV2", "PlaceholderWithDefault"})
CONST_TYPES = frozenset({"Const"})

_FONT = "Helvetica,Arial,sans-serif"
_NEW_COLOR = "#d62728"
_RAN_COLOR = "#1f6fd1"
_REF_COLOR = "#e67e22"
_IDLE = "#c8c8c8"
_CLUSTER_FILLS = ("#f6f7f9", "#eceef2", "#e2e5eb")
_STYLE = {   # op kind -> node attributes
    "placeholder": 'shape=invhouse, fillcolor="#ffd8a8"',
    "variable": 'shape=cylinder, fillcolor="#b7e4d8"',
    "const": 'shape=box, fillcolor="#eeeeee", fontsize=9',
    "op": 'shape=ellipse, fillcolor="#ffffff"',
    "scope": 'shape=box3d, fillcolor="#dbe9fb"',
}


# ----- small helpers -------------------------------------------------------------------------

def _q(s: str) -> str:
    """A DOT double-quoted string (backslashes, quotes and newlines escaped)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _relative(name: str, cluster: str) -> str:
    """`name` as shown inside the drawn cluster `cluster` (an op named like its scope shows its last part)."""
    if not cluster:
        return name
    if name == cluster:
        return name.rsplit("/", 1)[-1]
    return name[len(cluster) + 1:] if name.startswith(cluster + "/") else name


def _kind(op_type: str) -> str:
    if op_type in PLACEHOLDER_TYPES:
        return "placeholder"
    if op_type in VARIABLE_TYPES:
        return "variable"
    if op_type in CONST_TYPES:
        return "const"
    return "op"


def tensor_spec(t) -> str:
    """'(?, 3) float32': the static shape and base dtype of a tensor, as drawn on edges."""
    dims = t.shape.dims
    if dims is None:
        shape = "<unknown>"
    else:
        sizes = ["?" if getattr(d, "value", d) is None else str(getattr(d, "value", d)) for d in dims]
        shape = "(%s,)" % sizes[0] if len(sizes) == 1 else "(%s)" % ", ".join(sizes)
    return "%s %s" % (shape, t.dtype.base_dtype.name)


def _tensor_ref(t) -> str:
    """An input as the listing shows it: the producer's name, with ':k' for outputs other than 0."""
    return t.op.name if t.value_index == 0 else t.name


def _ops_of(graph_or_ops) -> list:
    if hasattr(graph_or_ops, "get_operations"):
        return graph_or_ops.get_operations()
    return list(graph_or_ops)


def _value_of(op, values: Mapping[str, str]) -> Optional[str]:
    """The display text of an op's outputs found in `values` (keyed by tensor name)."""
    found = []
    outs = op.outputs
    for t in outs:
        v = values.get(t.name)
        if v is not None:
            found.append(v if len(outs) == 1 else ":%d = %s" % (t.value_index, v))
    return "\n".join(found) if found else None


# ----- name scopes ------------------------------------------------------------------------------

class _Scopes:
    """Name scopes of a list of ops: order of first appearance, parent, size and each op's home scope."""

    def __init__(self, ops: list):
        self.index: dict = {}                      # scope -> creation-order index
        self.parent: dict = {}                     # scope -> parent scope ('' is the root)
        self.size: dict = {}                       # scope -> number of ops inside (nested too)
        for op in ops:
            parts = op.name.split("/")
            prefix = ""
            for part in parts[:-1]:
                scope = part if not prefix else prefix + "/" + part
                if scope not in self.index:
                    self.index[scope] = len(self.index)
                    self.parent[scope] = prefix
                prefix = scope
        self.home = []                             # op index -> scope the op is drawn in
        for op in ops:
            name = op.name
            if name in self.index:                 # an op named like a scope lives inside it (TensorBoard)
                home = name
            else:
                cut = name.rfind("/")
                home = name[:cut] if cut > 0 else ""
            self.home.append(home)
            s = home
            while s:
                self.size[s] = self.size.get(s, 0) + 1
                s = self.parent[s]

    def chain(self, scope: str) -> list:
        """`scope` and its ancestors, outermost first."""
        out = []
        while scope:
            out.append(scope)
            scope = self.parent[scope]
        out.reverse()
        return out

    def depth(self, scope: str) -> int:
        return scope.count("/") + 1 if scope else 0


def scopes_of(graph_or_ops) -> list:
    """The name scopes of a graph, in order of first appearance (what a view can collapse)."""
    return list(_Scopes(_ops_of(graph_or_ops)).index)


# ----- layout: which node stands for each op ----------------------------------------------------

class _Layout:
    """Display nodes (ops or collapsed scopes), their clusters, and the auto-collapse/summary decisions."""

    def __init__(self, ops, new, ran, collapsed, collapse_variables, max_nodes):
        self.ops = ops
        self.index = {op: i for i, op in enumerate(ops)}
        self.sc = sc = _Scopes(ops)
        coll = {s for s in collapsed if s in sc.index}
        if collapse_variables:
            coll.update(op.name for op in ops if op.type in VARIABLE_TYPES and op.name in sc.index)
        self.variable_of = {op.name: op for op in ops if op.type in VARIABLE_TYPES and op.name in coll}
        keep_open = set()                           # scopes holding highlighted ops: collapsed last
        for i, op in enumerate(ops):
            if op.name in new or (ran is not None and op.name in ran):
                keep_open.update(sc.chain(sc.home[i]))
        self.auto_collapsed = []
        self.collapsed = coll
        self._assign()
        if len(self.nodes) > max_nodes:
            self._auto_collapse(max_nodes, keep_open)
        self.hidden = self.nodes[:-max_nodes] if len(self.nodes) > max_nodes else []
        self.visible = self.nodes[len(self.hidden):]

    def _assign(self):
        """Map every op to its display node: itself, or the outermost collapsed scope around it."""
        sc = self.sc
        root = {}
        for s in sc.index:                           # parents come before children
            p = sc.parent[s]
            root[s] = root.get(p) if p and root.get(p) else (s if s in self.collapsed else None)
        self.node_of = []                            # op index -> node key ('n', i) or ('s', scope)
        first = {}
        for i in range(len(self.ops)):
            r = root.get(sc.home[i]) if sc.home[i] else None
            key = ("s", r) if r else ("n", i)
            self.node_of.append(key)
            if key not in first:
                first[key] = i
        self.nodes = sorted(first, key=first.get)   # display nodes in order of their first op
        self.first = first

    def _auto_collapse(self, max_nodes, keep_open):
        """Collapse the largest scopes (keeping highlighted ones open as long as possible)."""
        sc = self.sc
        hidden_inside = {}                           # scope -> ops already hidden by collapsed groups inside it
        outermost = [s for s in sc.index if s in self.collapsed
                     and not any(a in self.collapsed for a in sc.chain(sc.parent[s]))]
        for s in outermost:
            for a in sc.chain(sc.parent[s]):
                hidden_inside[a] = hidden_inside.get(a, 0) + sc.size.get(s, 1) - 1
        order = sorted(sc.index, key=lambda s: (-sc.size.get(s, 0), sc.depth(s), sc.index[s]))
        count = len(self.nodes)
        for allow_open in (False, True):
            for s in order:
                if count <= max_nodes:
                    break
                if (s in keep_open and not allow_open) or any(a in self.collapsed for a in sc.chain(s)):
                    continue
                visible = sc.size.get(s, 0) - hidden_inside.get(s, 0)
                if visible <= 1:
                    continue
                self.collapsed.add(s)
                self.auto_collapsed.append(s)
                for a in sc.chain(sc.parent[s]):
                    hidden_inside[a] = hidden_inside.get(a, 0) + visible - 1
                count -= visible - 1
        self._assign()

    def location(self, key) -> str:
        """The scope a display node sits in."""
        if key[0] == "s":
            return self.sc.parent[key[1]]
        return self.sc.home[key[1]]


# ----- DOT ---------------------------------------------------------------------------------------

def graph_to_dot(graph_or_ops, *, new: Collection[str] = (), ran: Optional[Collection[str]] = None,
                 values: Optional[Mapping[str, str]] = None, collapsed: Iterable[str] = (),
                 collapse_variables: bool = True, max_nodes: int = MAX_NODES, rankdir: str = "TB") -> str:
    """DOT source for a graph: op type and name on nodes, shapes/dtypes on edges, scopes as clusters.

    `new`: op names to emphasise (what a cell added). `ran`: op names that ran (others are greyed).
    `values`: tensor name -> short text shown on the producing node. `collapsed`: scopes drawn as one
    node; variables (with their Assign/read ops) are one node unless `collapse_variables` is False.
    """
    ops = _ops_of(graph_or_ops)
    new = frozenset(new)
    ran = None if ran is None else frozenset(ran)
    values = values or {}
    lay = _Layout(ops, new, ran, collapsed, collapse_variables, max(1, int(max_nodes)))
    sc = lay.sc
    visible = lay.visible
    vis_set = set(visible)

    # Which scopes are drawn as clusters: those holding at least two visible nodes.
    count = {}
    for key in visible:
        for s in sc.chain(lay.location(key)):
            count[s] = count.get(s, 0) + 1

    def drawn_parent(scope):
        while scope and count.get(scope, 0) < 2:
            scope = sc.parent[scope]
        return scope

    members = {}   # drawn cluster ('' = top level) -> node keys
    children = {}  # drawn cluster -> drawn child clusters
    for s in sc.index:
        if count.get(s, 0) >= 2 and not any(a in lay.collapsed for a in sc.chain(s)):
            children.setdefault(drawn_parent(sc.parent[s]), []).append(s)
    for key in visible:
        members.setdefault(drawn_parent(lay.location(key)), []).append(key)

    # Per display node: member ops and flags.
    ops_in, is_new, did_run = {}, set(), set()
    for i, key in enumerate(lay.node_of):
        ops_in.setdefault(key, []).append(i)
        if ops[i].name in new:
            is_new.add(key)
        if ran is None or ops[i].name in ran:
            did_run.add(key)

    def node_id(key):
        return ("n%d" % key[1]) if key[0] == "n" else ("s%d" % sc.index[key[1]])

    def node_line(key, cluster):
        idx = ops_in[key]
        var = lay.variable_of.get(key[1]) if key[0] == "s" else None
        if key[0] == "n" or var is not None:
            op = ops[key[1]] if var is None else var
            rel = _relative(op.name, cluster)
            kind = _kind(op.type)
            lines = [rel] if rel == op.type else [rel, op.type]
            if kind in ("placeholder", "variable") or (op.outputs and not _has_consumers(op, lay, key)):
                if op.outputs:
                    lines.append(tensor_spec(op.outputs[0]))
            val = _value_of(op, values)
            if val is None and var is not None:
                read = values.get(op.name + "/read:0")
                val = read
            if val is not None:
                lines.append("= " + val)
            if op.device:
                lines.append("@" + op.device)
            tooltip = "%s (%s)%s" % (op.name, op.type, " on " + op.device if op.device else "")
        else:
            scope = key[1]
            rel = _relative(scope, cluster)
            kind = "scope"
            lines = [rel + "/", "%d ops" % len(idx)]
            tooltip = "name scope %s: %d ops (collapsed)" % (scope, len(idx))
        attrs = [_STYLE[kind], "label=" + _q("\n".join(lines)), "tooltip=" + _q(tooltip)]
        if key in is_new:
            attrs.append('color="%s", penwidth=2.5, fontcolor="%s"' % (_NEW_COLOR, _NEW_COLOR))
        elif ran is not None and key in did_run:
            attrs.append('color="%s", penwidth=2' % _RAN_COLOR)
        if key not in did_run:
            attrs.append('color="%s", fontcolor="#9a9a9a", fillcolor="#f7f7f7"' % _IDLE)
        return "%s [%s];" % (node_id(key), ", ".join(attrs))

    out = ["digraph tfsess {",
           '  graph [rankdir=%s, fontname="%s", fontsize=10, nodesep=0.25, ranksep=0.35, newrank=true];'
           % (rankdir, _FONT),
           '  node [fontname="%s", fontsize=10, style="filled", margin="0.08,0.03", height=0.3];' % _FONT,
           '  edge [fontname="%s", fontsize=8, color="#555555", fontcolor="#555555", arrowsize=0.6];' % _FONT]

    # Clusters, emitted with an explicit stack (no recursion).
    stack = [("open", "")]
    while stack:
        what, scope = stack.pop()
        depth = sc.depth(scope) if scope else 0
        pad = "  " * (depth + 1)
        if what == "close":
            out.append("  " * depth + "}")
            continue
        if scope:
            out.append("  " * depth + "subgraph cluster_%d {" % sc.index[scope])
            rel = scope
            parent = drawn_parent(sc.parent[scope])
            if parent:
                rel = scope[len(parent) + 1:]
            fill = _CLUSTER_FILLS[(depth - 1) % len(_CLUSTER_FILLS)]
            out.append('%slabel=%s; tooltip=%s; style="rounded,filled"; fillcolor="%s"; color="#b8bcc6"; '
                       'fontsize=10; labeljust=l;' % (pad, _q(rel + "/"), _q("name scope " + scope), fill))
        for key in members.get(scope, ()):
            out.append(pad + node_line(key, scope))
        if scope:
            stack.append(("close", scope))
        for child in reversed(children.get(scope, ())):
            stack.append(("open", child))

    if lay.hidden:
        n_hidden = sum(len(ops_in[k]) for k in lay.hidden)
        out.append('  more [shape=note, style="dashed", label=%s, tooltip=%s];'
                   % (_q("… %d earlier ops\n(not drawn)" % n_hidden),
                      _q("the graph has more than %d nodes; collapse scopes to see more" % max_nodes)))

    # Edges: one per (src node, dst node, kind), in creation order of the destination.
    edges = {}
    for j, op in enumerate(ops):
        dst = lay.node_of[j]
        if dst not in vis_set:
            continue
        refs = getattr(op.op_def, "ref_inputs", ())
        for k, t in enumerate(op.inputs):
            src = lay.node_of[lay.index[t.op]]
            if src == dst:
                continue
            kind = "ref" if k in refs else "data"
            _add_edge(edges, src, dst, kind, tensor_spec(t), vis_set)
        for c in op.control_inputs:
            src = lay.node_of[lay.index[c]]
            if src != dst:
                _add_edge(edges, src, dst, "control", None, vis_set)
    data_pairs = {(s, d) for (s, d, kind) in edges if kind != "control"}
    for (src, dst, kind), labels in edges.items():
        if kind == "control" and (src, dst) in data_pairs:
            continue
        sid = "more" if src == "more" else node_id(src)
        attrs = []
        if kind == "control":
            attrs.append('style=dashed, color="#999999", arrowhead=odot')
        else:
            uniq = list(dict.fromkeys(labels))
            attrs.append("label=" + _q(uniq[0] if len(uniq) == 1 else "%d tensors" % len(uniq)))
            if kind == "ref":
                attrs.append('color="%s", fontcolor="%s"' % (_REF_COLOR, _REF_COLOR))
        if ran is not None and src != "more":
            both = src in did_run and dst in did_run
            if both and kind != "ref":
                attrs.append('color="%s", penwidth=1.6' % _RAN_COLOR)
            elif not both:
                attrs.append('color="%s", fontcolor="#b0b0b0"' % _IDLE)
        out.append("  %s -> %s [%s];" % (sid, node_id(dst), ", ".join(attrs)))
    out.append("}")
    return "\n".join(out) + "\n"


def _add_edge(edges, src, dst, kind, label, visible):
    if src not in visible:
        src = "more"
    labels = edges.setdefault((src, dst, kind), [])
    if label is not None:
        labels.append(label)


def _has_consumers(op, lay, key) -> bool:
    """Whether some output of `op` feeds an op drawn as another node."""
    for t in op.outputs:
        for c in t.consumers():
            if lay.node_of[lay.index[c]] != key:
                return True
    return False


# ----- text --------------------------------------------------------------------------------------

class _Folded:
    """A collapsed scope standing in for its ops in the text listing."""

    type = ""

    def __init__(self, scope: str):
        self.name = scope + "/"
        self.ops: list = []


def _fold_scopes(ops: list, collapsed: Iterable[str]) -> list:
    """`ops` with the ops of each collapsed scope (outermost wins) replaced by one _Folded at the first one."""
    scopes = set(collapsed)
    if not scopes:
        return ops
    out, folded = [], {}
    for op in ops:
        parts = op.name.split("/")
        home = None
        for k in range(1, len(parts) + 1):      # an op named like a scope belongs to it (as in the drawing)
            prefix = "/".join(parts[:k])
            if prefix in scopes:
                home = prefix
                break
        if home is None:
            out.append(op)
            continue
        if home not in folded:
            folded[home] = _Folded(home)
            out.append(folded[home])
        folded[home].ops.append(op)
    return out


def summary(graph_or_ops) -> str:
    """'12 ops: 1 placeholder, 2 variables, 3 constants' (deterministic, for headers and text/plain)."""
    ops = _ops_of(graph_or_ops)
    kinds = {"placeholder": 0, "variable": 0, "const": 0}
    for op in ops:
        k = _kind(op.type)
        if k in kinds:
            kinds[k] += 1
    parts = []
    for k, word in (("placeholder", "placeholder"), ("variable", "variable"), ("const", "constant")):
        if kinds[k]:
            parts.append("%d %s%s" % (kinds[k], word, "" if kinds[k] == 1 else "s"))
    head = "%d op%s" % (len(ops), "" if len(ops) == 1 else "s")
    return head + (": " + ", ".join(parts) if parts else "")


def graph_to_text(graph_or_ops, *, new: Collection[str] = (), ran: Optional[Collection[str]] = None,
                  values: Optional[Mapping[str, str]] = None, only_ran: bool = False,
                  max_lines: int = MAX_TEXT_LINES, collapsed: Iterable[str] = ()) -> str:
    """One line per op: '+' for new ops, '*' for ops that ran, then name, type, inputs, outputs, value.

    Each scope in `collapsed` (as drawn: the outermost one counts) is one line 'scope/  (N ops)' where its
    first op would be.
    """
    ops = _ops_of(graph_or_ops)
    new = frozenset(new)
    ran = None if ran is None else frozenset(ran)
    values = values or {}
    if only_ran and ran is not None:
        ops = [op for op in ops if op.name in ran]
    ops = _fold_scopes(ops, collapsed)
    if not ops:
        return "  (no ops)"
    shown = list(range(len(ops)))
    cut = None
    if len(ops) > max_lines:
        head = max(1, max_lines // 3)
        tail = max(1, max_lines - head - 1)
        shown = list(range(head)) + list(range(len(ops) - tail, len(ops)))
        cut = (len(ops) - tail, len(ops) - head - tail)   # (index before which the gap is shown, size)
    width_n = min(40, max(len(ops[i].name) for i in shown))
    width_t = min(24, max(len(ops[i].type) for i in shown))
    lines = []
    for i in shown:
        if cut is not None and i == cut[0]:
            lines.append("  … %d more ops …" % cut[1])
        op = ops[i]
        if isinstance(op, _Folded):
            names = [o.name for o in op.ops]
            mark = "+" if any(n in new for n in names) else (
                "*" if ran is not None and any(n in ran for n in names) else " ")
            lines.append(("%s %-*s  (%d ops, collapsed)" % (mark, width_n, op.name, len(names))).rstrip())
            continue
        mark = "+" if op.name in new else ("*" if ran is not None and op.name in ran else " ")
        ins = [_tensor_ref(t) for t in op.inputs] + ["^" + c.name for c in op.control_inputs]
        line = "%s %-*s  %-*s" % (mark, width_n, op.name, width_t, op.type)
        if ins:
            line += "  (%s)" % ", ".join(ins)
        if op.outputs:
            line += " -> " + ", ".join(tensor_spec(t) for t in op.outputs)
        val = _value_of(op, values)
        if val is not None:
            line += "  = " + val.replace("\n", " ")
        lines.append(line.rstrip())
    return "\n".join(lines)
