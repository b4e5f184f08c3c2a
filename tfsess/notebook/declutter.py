"""TensorBoard's decluttering rules over a GraphSnapshot: which display node stands for each op.

- Name scopes are boxes; a scope is drawn open only when it is in `expanded`. `default_expanded` opens every
  scope of a small graph (at most SMALL_GRAPH ops, except variables' own scopes) and none of a larger one.
- Constants whose name sits under their consumer (`mul/y`, `radius/input`) and, in larger graphs, every
  consumed constant are drawn inside their consumers instead of as nodes.
- Initializers, gradients, optimizer updates, save/restore, summaries and NoOps (and constants and
  variables that only feed them) go to an auxiliary side area, as do high-degree nodes (TensorBoard's
  quartile rule), once the graph has at least AUX_MIN_OPS ops.
- Runs of at least SERIES_MIN sibling nodes whose names differ only by a number (`add`, `add_1`, ...)
  become one stack named `add_*`, unless that name is in `expanded` or grouping is off.
All passes are loops over lists in creation order (no recursion), so the same snapshot gives the same view.
"""
from __future__ import annotations

import re
from typing import Iterable

from .snapshot import CONST_TYPES, PLACEHOLDER_TYPES, VARIABLE_TYPES, GraphSnapshot


__all__ = ["Layout", "default_expanded", "scopes_of", "SMALL_GRAPH", "AUX_MIN_OPS", "SERIES_MIN", "MAX_NODES"]

SMALL_GRAPH = 30       # graphs with at most this many ops draw every name scope open
AUX_MIN_OPS = 15       # TensorBoard extracts auxiliary nodes only from graphs of at least 15 nodes
SERIES_MIN = 5         # TensorBoard's seriesNodeMinSize
MAX_NODES = 200        # beyond this many display nodes, the earliest ones are summarised in one node
AUX_DEGREE_MIN = 5
LOOP_TYPES = frozenset({"While"})     # the op that runs a tf.while_loop frame (drawn as one closed box)

_AUX_SCOPE = re.compile(r"^(gradients|save|restore|summaries|summary|init|Adam|GradientDescent|Momentum|RMSProp|"
                        r"Adagrad|AdagradDA|Adadelta|Ftrl|ProximalAdagrad|ProximalGradientDescent)(_\d+)?$")
_SERIES = re.compile(r"^(.*[^_])_(\d+)$")


class Scopes:
    """Name scopes of a snapshot: order of first appearance, parent, and each op's home scope."""

    def __init__(self, names: list):
        self.index: dict = {}
        self.parent: dict = {}
        for name in names:
            prefix = ""
            start = 0
            while True:
                cut = name.find("/", start)
                if cut < 0:
                    break
                scope = name[:cut]
                if scope not in self.index:
                    self.index[scope] = len(self.index)
                    self.parent[scope] = prefix
                prefix = scope
                start = cut + 1
        self.home = []
        for name in names:
            if name in self.index:            # an op named like a scope lives inside it (TensorBoard)
                self.home.append(name)
            else:
                cut = name.rfind("/")
                self.home.append(name[:cut] if cut > 0 else "")


def scopes(snap: GraphSnapshot) -> Scopes:
    """The drawn name scopes of a snapshot.

    A scope holding only the op named like it and that op's own literals (`mul` with `mul/y`, made by
    `x * 2.0`) is not drawn as a scope: the op is drawn alone with the literal written inside it.
    """
    names = snap.names()
    sc = Scopes(names)
    index = snap.index
    members: dict = {}
    for i, h in enumerate(sc.home):
        if h:
            members.setdefault(h, []).append(i)
    parents = {p for p in sc.parent.values() if p}
    only_consumer: dict = {}
    for j, r in enumerate(snap.ops):
        for (src, _k, _spec) in r.inputs:
            i = index.get(src)
            if i is not None:
                only_consumer[i] = j if only_consumer.get(i, j) == j else -1
        for c in r.control_inputs:
            i = index.get(c)
            if i is not None:
                only_consumer[i] = -1
    trivial = set()
    for s, ms in members.items():
        j = index.get(s)
        if s in parents or j is None or sc.home[j] != s:
            continue
        if all(i == j or (snap.ops[i].type in CONST_TYPES and only_consumer.get(i) == j) for i in ms):
            trivial.add(s)
    if trivial:
        for s in trivial:
            for i in members[s]:
                sc.home[i] = sc.parent[s]
        sc.index = {s: k for k, s in enumerate(x for x in sc.index if x not in trivial)}
        sc.parent = {s: p for s, p in sc.parent.items() if s not in trivial}
    return sc


def scopes_of(snap: GraphSnapshot) -> list:
    """The drawn name scopes of a snapshot, in order of first appearance."""
    return list(scopes(snap).index)


def _variable_scopes(snap: GraphSnapshot, sc: Scopes) -> set:
    return {r.name for r in snap.ops if r.type in VARIABLE_TYPES and r.name in sc.index}


def _loop_scopes(snap: GraphSnapshot) -> set:
    """The frames of tf.while_loop: the scope that holds a loop's While op (TensorBoard draws a loop as one box)."""
    return {r.name.rpartition("/")[0] for r in snap.ops if r.type in LOOP_TYPES and "/" in r.name}


def default_expanded(snap: GraphSnapshot, collapsed: Iterable[str] = ()) -> frozenset:
    """Scopes drawn open by default: all but variables' own scopes and while-loop frames in a small graph, none
    in a larger one."""
    if len(snap) > SMALL_GRAPH:
        return frozenset()
    sc = scopes(snap)
    shut = _variable_scopes(snap, sc) | _loop_scopes(snap) | set(collapsed)
    return frozenset(s for s in sc.index if s not in shut)


def _quartiles(xs: list) -> tuple:
    s = sorted(xs)
    n = len(s)
    return s[n // 4], s[(3 * n) // 4]


class Layout:
    """Display nodes of a snapshot under given options.

    Keys: ('op', i) an op drawn alone; ('scope', name) a collapsed scope; ('series', name) a stack.
    `node_of[i]` is the key of op i (None: a constant drawn inside its consumers, see `embedded`).
    `location[key]` is the open scope (or open series) it is drawn in ('' = top level); `aux` holds the keys
    drawn in the auxiliary area; `visible` the keys drawn (at most max_nodes; `hidden` the summarised rest).
    """

    def __init__(self, snap: GraphSnapshot, *, expanded: Iterable[str] = (), group_series: bool = True,
                 auxiliary: bool = True, max_nodes: int = MAX_NODES):
        self.snap = snap
        ops = snap.ops
        n = len(ops)
        names = [r.name for r in ops]
        self.sc = sc = scopes(snap)
        self.expanded = expanded = frozenset(expanded)
        index = snap.index
        big = n > SMALL_GRAPH

        # consumers (data and control), as op indices; inputs from outside the snapshot are skipped
        consumers = [[] for _ in range(n)]
        self.input_idx = input_idx = []
        for j, r in enumerate(ops):
            ins = []
            for (src, _k, _spec) in r.inputs:
                i = index.get(src)
                ins.append(i)
                if i is not None:
                    consumers[i].append(j)
            for c in r.control_inputs:
                i = index.get(c)
                if i is not None:
                    consumers[i].append(j)
            input_idx.append(ins)
        self.consumers = consumers

        # which collapsed scope (if any) each op's home scope is inside: the outermost closed one
        box = {}
        for s in sc.index:                    # parents come before children
            p = sc.parent[s]
            pb = box.get(p) if p else None
            box[s] = pb if pb else (None if s in expanded else s)
        self.box_of_scope = box

        # constants drawn inside their consumers
        self.embedded: dict = {}              # consumer op index -> [const op indices]
        node_of: list = [None] * n
        for i, r in enumerate(ops):
            home = sc.home[i]
            b = box.get(home) if home else None
            if b:
                node_of[i] = ("scope", b)
                continue
            if r.type in CONST_TYPES and consumers[i]:
                implicit = any(r.name.startswith(names[j] + "/") for j in consumers[i])
                if implicit or big:
                    for j in dict.fromkeys(consumers[i]):
                        self.embedded.setdefault(j, []).append(i)
                    continue
            node_of[i] = ("op", i)

        # auxiliary ops: seeds by role, then constants/variables that only feed auxiliary ops
        aux_op = [False] * n
        self.auxiliary = auxiliary and n >= AUX_MIN_OPS
        if self.auxiliary:
            for i, r in enumerate(ops):
                top = names[i].split("/", 1)[0]
                if (r.type == "NoOp" or r.initializer or "Summary" in r.type or r.type.startswith("Apply")
                        or r.type.startswith("ResourceApply") or r.type in ("SaveV2", "RestoreV2")
                        or (_AUX_SCOPE.match(top) and (top != names[i] or r.type == "NoOp"))
                        or "/Initializer/" in names[i]):
                    aux_op[i] = True
            source_only = [False] * n
            for i, r in enumerate(ops):
                if r.type in PLACEHOLDER_TYPES:
                    continue
                source_only[i] = all(k is not None and source_only[k] for k in input_idx[i])
            for i in range(n - 1, -1, -1):
                if not aux_op[i] and source_only[i] and consumers[i] and all(aux_op[j] for j in consumers[i]):
                    aux_op[i] = True
        self.aux_op = aux_op

        # display nodes and their flags, in order of their first op
        first: dict = {}
        has_aux: dict = {}
        has_main: dict = {}
        for i, key in enumerate(node_of):
            if key is None:
                continue
            if key not in first:
                first[key] = i
            if aux_op[i]:
                has_aux[key] = True
            elif consumers[i] or not source_only_safe(ops[i]):
                has_main[key] = True
        nodes = sorted(first, key=first.get)
        aux = {k for k in nodes if has_aux.get(k) and not has_main.get(k)} if self.auxiliary else set()

        location = {}
        for k in nodes:
            location[k] = sc.parent[k[1]] if k[0] == "scope" else sc.home[k[1]]

        # series grouping
        self.series_members: dict = {}
        self.series_parent: dict = {}         # open series (named in `expanded`) -> the scope it sits in
        if group_series:
            node_of, nodes, location = self._group(nodes, node_of, aux, location, first)

        # TensorBoard's high-degree rule on the main nodes (after grouping, as it does)
        if self.auxiliary:
            self._high_degree(nodes, node_of, aux, location)

        self.node_of = node_of
        self.first = first
        self.location = location
        self.aux = aux
        self.nodes = nodes
        max_nodes = max(1, int(max_nodes))
        self.hidden = nodes[:-max_nodes] if len(nodes) > max_nodes else []
        self.visible = nodes[len(self.hidden):]

    # --- passes -----------------------------------------------------------------------------
    def _high_degree(self, nodes, node_of, aux, location) -> None:
        """TensorBoard's rule: in-degree above Q3 + (Q3 - Q1) or out-degree above Q3 + 4 (Q3 - Q1) goes aside."""
        groups = {"": [k for k in nodes if k not in aux]}     # all main nodes: open scopes do not hide a hub
        pairs = set()
        for j, srcs in enumerate(self.input_idx):
            d = node_of[j]
            if d is None or d in aux:
                continue
            for i in srcs:
                if i is None:
                    continue
                s = node_of[i]
                if s is not None and s != d and s not in aux:
                    pairs.add((s, d))
        ins: dict = {}
        outs: dict = {}
        for s, d in pairs:                    # edges between drawn nodes, as TensorBoard's metaedges
            outs[s] = outs.get(s, 0) + 1
            ins[d] = ins.get(d, 0) + 1
        for members in groups.values():
            if len(members) < AUX_MIN_OPS:
                continue
            din = [ins.get(k, 0) for k in members]
            dout = [outs.get(k, 0) for k in members]
            q1i, q3i = _quartiles(din)
            q1o, q3o = _quartiles(dout)
            for k, a, b in zip(members, din, dout):
                if a + b < AUX_DEGREE_MIN:
                    continue
                if a > q3i + (q3i - q1i) or b > q3o + 4 * (q3o - q1o):
                    aux.add(k)

    def _group(self, nodes, node_of, aux, location, first):
        """Stack runs of same-type siblings named base, base_1, base_2, ... (at least SERIES_MIN)."""
        ops = self.snap.ops
        candidates: dict = {}
        for k in nodes:
            name = k[1] if k[0] == "scope" else ops[k[1]].name
            last = name.rsplit("/", 1)[-1]
            m = _SERIES.match(last)
            base = m.group(1) if m else last
            kind = "scope" if k[0] == "scope" else ops[k[1]].type
            candidates.setdefault((location[k], base, kind, k in aux), []).append((k, m is not None))
        series_of: dict = {}
        for (loc, base, kind, is_aux), members in candidates.items():
            numbered = sum(1 for _k, num in members if num)
            if len(members) < SERIES_MIN or numbered < SERIES_MIN - 1:
                continue
            sname = (loc + "/" if loc else "") + base + "_*"
            if sname in self.expanded:
                for k, _num in members:       # drawn open: the members sit in a cluster named like the series
                    location[k] = sname
                self.series_parent[sname] = loc
                self.series_members[sname] = [k for k, _ in members]
                continue
            key = ("series", sname)
            self.series_members[sname] = [k for k, _ in members]
            for k, _num in members:
                series_of[k] = key
            location[key] = loc
            if is_aux:
                aux.add(key)
        if not series_of:
            return node_of, nodes, location
        node_of = [series_of.get(k, k) if k is not None else None for k in node_of]
        seen = set()
        new_nodes = []
        for k in nodes:
            k2 = series_of.get(k, k)
            if k2 not in seen:
                seen.add(k2)
                new_nodes.append(k2)
                if k2 != k:
                    first[k2] = first[k]
        return node_of, new_nodes, location

    # --- queries ----------------------------------------------------------------------------
    def ops_in(self) -> dict:
        """key -> op indices drawn as that node."""
        out: dict = {}
        for i, k in enumerate(self.node_of):
            if k is not None:
                out.setdefault(k, []).append(i)
        return out

    def cluster_parent(self, cluster: str) -> str:
        """The open scope (or open series) a drawn cluster sits in."""
        if cluster in self.series_parent:
            return self.series_parent[cluster]
        return self.sc.parent.get(cluster, "")

    def summary(self) -> str:
        """'14 nodes + 7 auxiliary; collapsed: gradients, Adam; stacks: add_*': what the drawing shows."""
        main = [k for k in self.visible if k not in self.aux]
        parts = ["%d node%s" % (len(main), "" if len(main) == 1 else "s")]
        n_aux = len(self.visible) - len(main)
        if n_aux:
            parts[0] += " + %d auxiliary" % n_aux
        variables = {r.name for r in self.snap.ops if r.type in VARIABLE_TYPES}
        boxes = [k[1] for k in self.visible if k[0] == "scope" and k[1] not in variables]
        if boxes:
            parts.append("collapsed: " + _short_list(boxes))
        stacks = [k[1] for k in self.visible if k[0] == "series"]
        if stacks:
            parts.append("stacked: " + _short_list(stacks))
        if self.hidden:
            parts.append("%d earlier nodes summarised" % len(self.hidden))
        return "; ".join(parts)


def source_only_safe(r) -> bool:
    """Ops that count as neither main nor auxiliary when nothing consumes them (a variable's unused read)."""
    return r.type in ("Identity",) or r.type in VARIABLE_TYPES


def _short_list(items: list, limit: int = 6) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit - 1]) + ", ... %d more" % (len(items) - limit + 1)

