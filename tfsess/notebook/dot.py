"""GraphSnapshot -> DOT text, info cards and a plain-text listing: pure functions, no IPython, no recursion.

Everything reads a `GraphSnapshot` (a live graph or a list of ops is snapshotted first), never the live
graph. Node and cluster ids follow the front-end contract: `op:<op name>`, `scope:<scope or stack name>`
(a collapsed box; clicking it adds the name to `expanded`), `cluster_scope:<name>` (an open scope).
Text is at least 14 pt on nodes and 12 pt on edges so it reads when projected.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Iterable, Mapping, Optional

from .declutter import MAX_NODES, Layout, default_expanded, scopes_of as _scopes_of
from .snapshot import CONST_TYPES, PLACEHOLDER_TYPES, VARIABLE_TYPES, GraphSnapshot, snapshot, tensor_spec

__all__ = ["MAX_NODES", "MAX_TEXT_LINES", "View", "build_view", "graph_to_dot", "graph_to_text", "summary",
           "tensor_spec", "scopes_of", "PLACEHOLDER_TYPES", "VARIABLE_TYPES"]

MAX_TEXT_LINES = 60
MAX_CONTROL_EDGES = 4        # TensorBoard hides control edges past 4 per node
MAX_EMBEDDED_LINES = 3
AUX_COLUMNS = 2              # the auxiliary area's nodes sit in this many columns

_FONT = "Helvetica"          # Graphviz has metrics for it (a font list falls back to Times's: labels overflow)
_NEW_COLOR = "#d62728"
_REF_COLOR = "#e67e22"
_CLUSTER_FILLS = ("#f4f6f9", "#e9edf3", "#dfe4ec")
_STYLE = {   # node kind -> attributes
    "placeholder": 'shape=invhouse, fillcolor="#ffd8a8"',
    "variable": 'shape=cylinder, fillcolor="#b7e4d8"',
    "const": 'shape=box, fillcolor="#eeeeee"',
    "op": 'shape=ellipse, fillcolor="#ffffff"',
    "scope": 'shape=box3d, fillcolor="#dbe9fb"',
    "series": 'shape=box, style="filled,rounded", peripheries=2, fillcolor="#e8def8"',
}


def _q(s: str) -> str:
    """A DOT double-quoted string (backslashes, quotes and newlines escaped)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _kind(op_type: str) -> str:
    if op_type in PLACEHOLDER_TYPES:
        return "placeholder"
    if op_type in VARIABLE_TYPES:
        return "variable"
    if op_type in CONST_TYPES:
        return "const"
    return "op"


def _relative(name: str, cluster: str) -> str:
    if not cluster:
        return name
    base = cluster[:-2] if cluster.endswith("_*") else cluster
    if name == base:
        return name.rsplit("/", 1)[-1]
    if cluster.endswith("_*"):
        base = base.rsplit("/", 1)[0] if "/" in base else ""
        return name[len(base) + 1:] if base and name.startswith(base + "/") else name
    return name[len(cluster) + 1:] if name.startswith(cluster + "/") else name


def scopes_of(graph_or_ops) -> list:
    """The name scopes of a graph or snapshot, in order of first appearance (what a view can expand)."""
    return _scopes_of(snapshot(graph_or_ops))


@dataclass
class View:
    """One drawing: DOT text, info cards per element id, the ids to emphasise, and a one-line summary."""

    dot: str
    node_info: dict = field(default_factory=dict)
    highlight: list = field(default_factory=list)
    summary: str = ""
    layout: Optional[Layout] = None


def build_view(graph_or_ops, *, new: Collection[str] = (), values: Optional[Mapping[str, str]] = None,
               expanded: Optional[Iterable[str]] = None, collapsed: Iterable[str] = (),
               group_series: bool = True, auxiliary: bool = True, rankdir: str = "TB",
               max_nodes: int = MAX_NODES) -> View:
    """Build the decluttered drawing of a graph, a list of ops or a GraphSnapshot.

    `expanded`: scopes (and `base_*` stacks) drawn open; None means `default_expanded` (every scope of a
    small graph except `collapsed` and variables' scopes, none of a larger one). `new`: op names to
    emphasise. `values`: tensor name -> short text shown on the producing node.
    """
    snap = snapshot(graph_or_ops)
    if expanded is None:
        expanded = default_expanded(snap, collapsed)
    lay = Layout(snap, expanded=expanded, group_series=group_series, auxiliary=auxiliary, max_nodes=max_nodes)
    return _Emitter(snap, lay, frozenset(new), dict(values or {}), rankdir).view()


def graph_to_dot(graph_or_ops, **options) -> str:
    """DOT source of `build_view(graph_or_ops, **options)`."""
    return build_view(graph_or_ops, **options).dot


class _Emitter:
    def __init__(self, snap: GraphSnapshot, lay: Layout, new: frozenset, values: dict, rankdir: str):
        self.snap, self.lay, self.new, self.values = snap, lay, new, values
        self.rankdir = "LR" if str(rankdir).upper() == "LR" else "TB"
        self.ops_in = lay.ops_in()
        self.ids: dict = {}
        self.info: dict = {}
        self.highlight: list = []

    # --- ids and labels -----------------------------------------------------------------------
    def node_id(self, key) -> str:
        nid = self.ids.get(key)
        if nid is None:
            nid = self.ids[key] = ("n%d" % key[1]) if key[0] == "op" else ("s%d" % len(self.ids))
        return nid

    def _elem(self, key) -> str:
        return "op:" + self.snap.ops[key[1]].name if key[0] == "op" else "scope:" + key[1]

    def _value(self, r) -> Optional[str]:
        found = []
        for k in range(len(r.outputs)):
            v = self.values.get("%s:%d" % (r.name, k))
            if v is not None:
                found.append(v if len(r.outputs) == 1 else ":%d = %s" % (k, v))
        return "\n".join(found) if found else None

    def _embedded_lines(self, j: int) -> list:
        ops = self.snap.ops
        consumer = ops[j].name
        lines = []
        consts = self.lay.embedded.get(j, ())
        for i in consts[:MAX_EMBEDDED_LINES]:
            c = ops[i]
            rel = c.name[len(consumer) + 1:] if c.name.startswith(consumer + "/") else c.name
            val = self.values.get(c.name + ":0") or c.literal or (c.outputs[0] if c.outputs else "")
            lines.append("%s = %s" % (rel, val))
        if len(consts) > MAX_EMBEDDED_LINES:
            lines.append("+%d constants" % (len(consts) - MAX_EMBEDDED_LINES))
        return lines

    def _op_rows(self, r) -> list:
        rows = [["type", r.type]]
        for (src, k, spec) in r.inputs:
            rows.append(["input", "%s%s  %s" % (src, "" if k == 0 else ":%d" % k, spec)])
        for c in r.control_inputs:
            rows.append(["control input", c])
        for k, spec in enumerate(r.outputs):
            rows.append(["output" if len(r.outputs) == 1 else "output %d" % k, spec])
        if r.literal is not None:
            rows.append(["value", r.literal])
        v = self._value(r)
        if v is not None:
            rows.append(["value after run", v])
        if r.device:
            rows.append(["device", r.device])
        rows.extend([["attr " + k, v] for k, v in r.attrs])
        rows.append(["defined at", r.location])
        return rows

    def node_line(self, key, cluster: str) -> str:
        lay, ops = self.lay, self.snap.ops
        members = self.ops_in.get(key, [])
        var = None
        if key[0] == "scope":
            i = self.snap.index.get(key[1])
            if i is not None and ops[i].type in VARIABLE_TYPES:
                var = ops[i]
        if key[0] == "op" or var is not None:
            r = ops[key[1]] if var is None else var
            rel = _relative(r.name, cluster)
            kind = _kind(r.type)
            lines = [rel] if rel == r.type else [rel, r.type]
            sink = key[0] == "op" and not any(lay.node_of[c] != key for c in lay.consumers[key[1]])
            if r.outputs and (kind in ("placeholder", "variable") or sink):
                lines.append(r.outputs[0])
            if key[0] == "op":
                lines.extend(self._embedded_lines(key[1]))
            val = self._value(r)
            if val is None and var is not None:
                val = self.values.get(r.name + "/read:0")
            if val is not None:
                lines.append("= " + val)
            if r.device:
                lines.append("@" + r.device)
            tooltip = "%s (%s)%s" % (r.name, r.type, " on " + r.device if r.device else "")
            rows = self._op_rows(r)
            if var is not None:
                rows.insert(0, ["ops inside", str(len(members))])
            self.info[self._elem(key)] = {"title": r.name, "rows": rows}
        elif key[0] == "scope":
            rel = _relative(key[1], cluster)
            kind = "scope"
            lines = [rel + "/", "%d ops" % len(members)]
            tooltip = "name scope %s: %d ops (click to expand)" % (key[1], len(members))
            self.info[self._elem(key)] = {"title": key[1] + "/", "rows": self._group_rows(members)}
        else:
            kind = "series"
            names = [ops[i].name for i in members]
            mem = lay.series_members.get(key[1], [])
            first, last = _series_ends(mem, ops)
            lines = ["%s … %s" % (_relative(first, cluster), _relative(last, cluster).rsplit("/", 1)[-1]),
                     "%d × %s" % (len(mem), "scope" if mem and mem[0][0] == "scope" else ops[members[0]].type)]
            tooltip = "%d similar nodes %s (click to ungroup)" % (len(mem), key[1])
            self.info[self._elem(key)] = {"title": key[1], "rows": [["nodes", str(len(mem))],
                                                                   ["first", first], ["last", last],
                                                                   ["ops inside", str(len(names))]]}
        attrs = ['id=' + _q(self._elem(key)), _STYLE[kind], "label=" + _q("\n".join(lines)),
                 "tooltip=" + _q(tooltip)]
        if any(ops[i].name in self.new for i in members) or (key[0] == "op" and ops[key[1]].name in self.new):
            attrs.append('color="%s", penwidth=3, fontcolor="%s"' % (_NEW_COLOR, _NEW_COLOR))
            self.highlight.append(self._elem(key))
        return "%s [%s];" % (self.node_id(key), ", ".join(attrs))

    def _group_rows(self, members: list) -> list:
        ops = self.snap.ops
        counts: dict = {}
        for i in members:
            counts[ops[i].type] = counts.get(ops[i].type, 0) + 1
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        rows = [["ops", str(len(members))]]
        rows += [["type", "%s × %d" % kv] for kv in top[:5]]
        if len(top) > 5:
            rows.append(["…", "%d more types" % (len(top) - 5)])
        return rows

    # --- the whole drawing --------------------------------------------------------------------
    def view(self) -> View:
        lay = self.lay
        out = ["digraph tfsess {",
               '  graph [rankdir=%s, fontname="%s", fontsize=14, nodesep=0.35, ranksep=0.5, newrank=true, '
               'bgcolor="transparent"];' % (self.rankdir, _FONT),
               '  node [fontname="%s", fontsize=14, style="filled", margin="0.10,0.04", height=0.4];' % _FONT,
               '  edge [fontname="%s", fontsize=12, color="#666666", fontcolor="#555555", arrowsize=0.7];' % _FONT]
        visible = lay.visible
        main = [k for k in visible if k not in lay.aux]
        aux = [k for k in visible if k in lay.aux]
        self._clusters(out, main, "  ", set())
        if aux:
            out.append('  subgraph cluster_auxiliary {')
            out.append('    id="cluster_auxiliary"; label=%s; style="dashed,rounded"; color="#999999"; '
                       'fontcolor="#666666"; fontsize=14; labeljust=l;'
                       % _q("auxiliary: initializers, gradients, optimizer, saving"))
            self._clusters(out, aux, "    ", self._emitted)
            out.extend(self._aux_columns(aux))
            out.append("  }")
        if lay.hidden:
            n_hidden = sum(len(self.ops_in.get(k, ())) for k in lay.hidden)
            out.append('  more [id="more", shape=note, style="dashed", label=%s, tooltip=%s];'
                       % (_q("… %d earlier ops\n(not drawn)" % n_hidden),
                          _q("the graph has more than %d nodes; collapse scopes to see more" % len(visible))))
        self._edges(out)
        out.append("}")
        return View(dot="\n".join(out) + "\n", node_info=self.info, highlight=self.highlight,
                    summary=lay.summary(), layout=lay)

    _emitted: set = frozenset()

    def _aux_columns(self, aux: list) -> list:
        """Invisible edges that stack the auxiliary area's top-level nodes in AUX_COLUMNS columns beside the
        main graph (as TensorBoard's side panel) instead of one wide row that pushes the picture past the width."""
        top = [k for k in aux if not self.lay.location.get(k)]
        return ["    %s -> %s [style=invis, weight=0];" % (self.node_id(a), self.node_id(b))
                for a, b in zip(top, top[AUX_COLUMNS:])]

    def _clusters(self, out: list, keys: list, pad0: str, taken: set) -> None:
        """Nodes inside their open scopes' clusters, emitted with an explicit stack (no recursion)."""
        lay = self.lay
        members: dict = {}
        children: dict = {}
        seen = set()
        for k in keys:
            loc = lay.location[k]
            members.setdefault(loc, []).append(k)
            while loc and loc not in seen:
                seen.add(loc)
                parent = lay.cluster_parent(loc)
                children.setdefault(parent, []).append(loc)
                loc = parent
        for v in children.values():
            v.sort(key=lambda c: lay.sc.index.get(c, len(lay.sc.index)))
        emitted = set(taken)
        stack = [("open", "", 0)]
        while stack:
            what, scope, depth = stack.pop()
            pad = pad0 + "  " * depth
            if what == "close":
                out.append(pad0 + "  " * (depth - 1) + "}")
                continue
            if scope:
                cid = "cluster_scope:" + scope           # the element id the page toggles on a click
                name = cid if cid not in emitted else "cluster_aux_scope:" + scope   # part of it is auxiliary
                emitted.add(cid)
                out.append(pad0 + "  " * (depth - 1) + "subgraph %s {" % _q(name))
                parent = lay.cluster_parent(scope)
                rel = _relative(scope, parent) if parent else scope
                fill = _CLUSTER_FILLS[(depth - 1) % len(_CLUSTER_FILLS)]
                out.append('%sid=%s; label=%s; tooltip=%s; style="rounded,filled"; fillcolor="%s"; '
                           'color="#b8bcc6"; fontsize=14; labeljust=l;'
                           % (pad, _q(cid), _q(rel + ("" if scope.endswith("_*") else "/")),
                              _q("name scope %s (click to collapse)" % scope), fill))
                n = sum(len(self.ops_in.get(k, ())) for k in members.get(scope, ()))
                self.info[cid] = {"title": scope + "/", "rows": [["ops drawn here", str(n)]]}
            for k in members.get(scope, ()):
                out.append(pad + self.node_line(k, scope))
            if scope:
                stack.append(("close", scope, depth + 1))
            for child in reversed(children.get(scope, ())):
                stack.append(("open", child, depth + 1))
        self._emitted = emitted

    def _edges(self, out: list) -> None:
        lay, ops = self.lay, self.snap.ops
        vis = set(lay.visible)
        edges: dict = {}
        controls: dict = {}
        for j, r in enumerate(ops):
            d = lay.node_of[j]
            if d is None or d not in vis:
                continue
            for pos, i in enumerate(lay.input_idx[j]):
                if i is None:
                    continue
                s = lay.node_of[i]
                if s is None or s == d:
                    continue
                if s not in vis:
                    s = "more"
                elif (s in lay.aux) != (d in lay.aux):
                    continue
                kind = "ref" if pos in r.ref_inputs else "data"
                edges.setdefault((s, d, kind), []).append(r.inputs[pos][2])
            for c in r.control_inputs:
                i = self.snap.index.get(c)
                s = lay.node_of[i] if i is not None else None
                if s is None or s == d or s not in vis or (s in lay.aux) != (d in lay.aux):
                    continue
                controls.setdefault(d, {})[s] = True
        data_pairs = {(s, d) for (s, d, _k) in edges}
        for d, srcs in controls.items():
            if len(srcs) > MAX_CONTROL_EDGES:
                continue
            for s in srcs:
                if (s, d) not in data_pairs:
                    edges[(s, d, "control")] = []
        for (s, d, kind), labels in edges.items():
            sid = "more" if s == "more" else self.node_id(s)
            if kind == "control":
                attrs = 'style=dashed, color="#999999", arrowhead=odot, tooltip="control dependency"'
            else:
                uniq = list(dict.fromkeys(labels))
                label = uniq[0] if len(uniq) == 1 else "%d tensors" % len(labels)
                attrs = "label=" + _q(" " + label + " ")
                if kind == "ref":
                    attrs += ', color="%s", fontcolor="%s", style=bold, arrowhead=diamond, ' \
                             'tooltip="reference edge: the op changes its input"' % (_REF_COLOR, _REF_COLOR)
            out.append("  %s -> %s [%s];" % (sid, self.node_id(d), attrs))


def _series_ends(mem: list, ops) -> tuple:
    names = [k[1] if k[0] == "scope" else ops[k[1]].name for k in mem]
    return (names[0], names[-1]) if names else ("", "")


# ----- text --------------------------------------------------------------------------------------

def _fold(snap: GraphSnapshot, collapsed: Iterable[str]) -> list:
    """Records, with the ops of each collapsed scope (outermost wins) replaced by ('fold', scope, [records])."""
    scopes = set(collapsed)
    if not scopes:
        return list(snap.ops)
    out, folded = [], {}
    for r in snap.ops:
        parts = r.name.split("/")
        home = None
        for k in range(1, len(parts) + 1):
            prefix = "/".join(parts[:k])
            if prefix in scopes:
                home = prefix
                break
        if home is None:
            out.append(r)
            continue
        if home not in folded:
            folded[home] = ("fold", home, [])
            out.append(folded[home])
        folded[home][2].append(r)
    return out


def summary(graph_or_ops) -> str:
    """'12 ops: 1 placeholder, 2 variables, 3 constants' (deterministic, for headers and text/plain)."""
    snap = snapshot(graph_or_ops)
    kinds = {"placeholder": 0, "variable": 0, "const": 0}
    for r in snap.ops:
        k = _kind(r.type)
        if k in kinds:
            kinds[k] += 1
    parts = []
    for k, word in (("placeholder", "placeholder"), ("variable", "variable"), ("const", "constant")):
        if kinds[k]:
            parts.append("%d %s%s" % (kinds[k], word, "" if kinds[k] == 1 else "s"))
    n = len(snap)
    return "%d op%s" % (n, "" if n == 1 else "s") + (": " + ", ".join(parts) if parts else "")


def graph_to_text(graph_or_ops, *, new: Collection[str] = (), ran: Optional[Collection[str]] = None,
                  values: Optional[Mapping[str, str]] = None, only_ran: bool = False,
                  max_lines: int = MAX_TEXT_LINES, collapsed: Iterable[str] = ()) -> str:
    """One line per op: '+' for new ops, '*' for ops that ran, then name, type, inputs, outputs, value.

    Each scope in `collapsed` (the outermost one counts) is one line 'scope/  (N ops, collapsed)'.
    """
    snap = snapshot(graph_or_ops)
    new = frozenset(new)
    ran = None if ran is None else frozenset(ran)
    values = values or {}
    if only_ran and ran is not None:
        snap = GraphSnapshot(r for r in snap.ops if r.name in ran)
    items = _fold(snap, collapsed)
    if not items:
        return "  (no ops)"
    shown = list(range(len(items)))
    cut = None
    if len(items) > max_lines:
        head = max(1, max_lines // 3)
        tail = max(1, max_lines - head - 1)
        shown = list(range(head)) + list(range(len(items) - tail, len(items)))
        cut = (len(items) - tail, len(items) - head - tail)

    def name_of(it):
        return it[1] + "/" if isinstance(it, tuple) else it.name

    width_n = min(40, max(len(name_of(items[i])) for i in shown))
    width_t = min(24, max(len(items[i].type) if not isinstance(items[i], tuple) else 0 for i in shown))
    lines = []
    for i in shown:
        if cut is not None and i == cut[0]:
            lines.append("  … %d more ops …" % cut[1])
        it = items[i]
        if isinstance(it, tuple):
            names = [r.name for r in it[2]]
            mark = "+" if any(n in new for n in names) else (
                "*" if ran is not None and any(n in ran for n in names) else " ")
            lines.append(("%s %-*s  (%d ops, collapsed)" % (mark, width_n, it[1] + "/", len(names))).rstrip())
            continue
        r = it
        mark = "+" if r.name in new else ("*" if ran is not None and r.name in ran else " ")
        ins = [src if k == 0 else "%s:%d" % (src, k) for (src, k, _s) in r.inputs]
        ins += ["^" + c for c in r.control_inputs]
        line = "%s %-*s  %-*s" % (mark, width_n, r.name, width_t, r.type)
        if ins:
            line += "  (%s)" % ", ".join(ins)
        if r.outputs:
            line += " -> " + ", ".join(r.outputs)
        found = [values.get("%s:%d" % (r.name, k)) for k in range(len(r.outputs))]
        found = [v for v in found if v is not None]
        if found:
            line += "  = " + " ".join(v.replace("\n", " ") for v in found)
        lines.append(line.rstrip())
    return "\n".join(lines)
