"""tf.import_graph_def: TensorFlow GraphDef nodes into a tfsess Graph, all or nothing.

Every node is checked and built (op type known, attrs decoded, inputs resolved, nodes in any order) before
the graph changes; any problem is a ValueError naming the node, and unknown op types are listed together.
"""
from __future__ import annotations

from . import protos
from .graph import _VALID_OP_NAME, Operation, Tensor, get_default_graph
from .graph_def import attr_from_proto, masks_to_spec
from .opdef import OP_REGISTRY

__all__ = ["import_graph_def", "build_nodes", "add_built"]


# tfsess op types whose Python functions live only in the graph that built them
_TRACED = frozenset({"While", "WhileGrad", "LoopVar", "GeneratorDataset", "MapDataset", "FilterDataset",
                     "InterleaveDataset"})


def _order(nodes) -> list:
    """The nodes with every input's node before its consumer (Kahn's algorithm, iterative)."""
    by_name = {n.name: n for n in nodes}
    deps = {}
    for n in nodes:
        deps[n.name] = {i.lstrip("^").split(":")[0] for i in n.input} & by_name.keys()
    users = {name: [] for name in by_name}
    for name, ds in deps.items():
        for d in ds:
            users[d].append(name)
    ready = [n.name for n in nodes if not deps[n.name]]
    out, left = [], {k: len(v) for k, v in deps.items()}
    while ready:
        name = ready.pop()
        out.append(by_name[name])
        for u in users[name]:
            left[u] -= 1
            if left[u] == 0:
                ready.append(u)
    if len(out) != len(nodes):
        stuck = sorted(k for k, v in left.items() if v > 0)
        raise ValueError("GraphDef has a cycle (a TF while loop, which tfsess imports only as tf.while_loop "
                         "rebuilt in Python) through nodes: %s" % ", ".join(stuck[:10]))
    return out


def build_nodes(graph, nodes, prefix: str = "", input_map=None, clear_devices: bool = False) -> dict:
    """{full name: Operation} of `nodes` (NodeDef protos), built but not yet added to `graph`."""
    pb = protos.load()
    input_map = dict(input_map or {})
    unknown = sorted({n.op for n in nodes if n.op not in OP_REGISTRY})
    if unknown:
        raise ValueError("Cannot import the graph: op type%s not supported by tfsess: %s"
                         % ("s" if len(unknown) > 1 else "", ", ".join(unknown)))
    names = [n.name for n in nodes]
    if len(set(names)) != len(names):
        dup = sorted({x for x in names if names.count(x) > 1})
        raise ValueError("Duplicate node name in graph: '%s'" % dup[0])
    built = {}

    def op_named(name, node):
        if name in input_map and isinstance(input_map[name], Operation):
            return input_map[name]
        op = built.get(prefix + name)
        if op is None:
            raise ValueError("Node '%s': Unknown input node '%s'" % (node, name))
        return op

    def tensor_named(spec, node):
        op_name, _, index = spec.partition(":")
        index = index or "0"
        if not index.isdigit():
            raise ValueError("Node '%s': '%s' is not a tensor name" % (node, spec))
        key = "%s:%s" % (op_name, index)
        if key in input_map:
            t = input_map[key]
            if not isinstance(t, Tensor):
                raise TypeError("input_map values must be Tensors, got %r for %s" % (t, key))
            return t
        op = op_named(op_name, node)
        if int(index) >= len(op._outputs):
            raise ValueError("Node '%s': Connecting to invalid output %s of source node %s which has %d outputs"
                             % (node, index, op_name, len(op._outputs)))
        return op._outputs[int(index)]

    for n in _order(nodes):
        if not _VALID_OP_NAME.match(n.name):
            raise ValueError("Node name %r is not valid. Accepted names conform to Regex /%s/"
                             % (n.name, _VALID_OP_NAME.pattern))
        full = prefix + n.name
        if full in graph._ops_by_name:
            raise ValueError("Node '%s' already exists in the graph: import it with a name prefix" % full)
        opdef = OP_REGISTRY[n.op]
        try:
            attrs = {k: attr_from_proto(pb, v) for k, v in n.attr.items() if not k.startswith("_")}
        except ValueError as err:
            raise ValueError("Node '%s' (%s): %s" % (n.name, n.op, err)) from None
        inputs = [tensor_named(i, n.name) for i in n.input if not i.startswith("^")]
        _adapt_attrs(n, attrs, inputs)
        control = list(dict.fromkeys(op_named(i[1:], n.name) for i in n.input if i.startswith("^")))
        if n.op == "Const" and (not hasattr(attrs.get("value"), "dtype") or "dtype" not in attrs):
            raise ValueError("Node '%s': a Const needs `value` and `dtype` attrs" % n.name)
        op = Operation(graph, full, opdef, inputs, attrs, control)
        try:
            op.build_outputs()
        except (KeyError, AttributeError, TypeError, IndexError) as err:
            if n.op in _TRACED:
                raise ValueError("cannot import this graph: node '%s' is a %s, which holds a traced Python "
                                 "function (a tf.while_loop, dynamic_rnn or tf.data function) that a GraphDef "
                                 "does not carry. Rebuild the graph in Python and restore the checkpoint into it "
                                 "with Saver.restore." % (n.name, n.op)) from None
            raise ValueError("Node '%s' (%s): attrs or inputs do not fit the op: %s: %s"
                             % (n.name, n.op, type(err).__name__, err)) from None
        if n.device and not clear_devices:
            op._set_device(n.device)
        built[full] = op
    return built


def _adapt_attrs(node, attrs, inputs):
    """TF's attrs in tfsess's spelling where they differ (StridedSlice's masks: tfsess's spec; PadV2's mode)."""
    if node.op == "PadV2":
        attrs.setdefault("mode", "CONSTANT")
    if node.op in ("StridedSlice", "StridedSliceGrad") and "spec" not in attrs:
        begin = inputs[1] if len(inputs) > 1 else None
        dims = begin.shape._dims if begin is not None else None
        if not dims or dims[0] is None:
            raise ValueError("Node '%s' (%s): the begin/end/strides inputs need a static length"
                             % (node.name, node.op))
        attrs["spec"] = masks_to_spec(attrs, dims[0])


def add_built(graph, built: dict) -> None:
    """Add ops made by build_nodes to `graph` (after every check passed)."""
    graph.add_built_ops(list(built.values()))


def _as_graph_def(graph_def):
    pb = protos.load()
    if isinstance(graph_def, pb.GraphDef):
        return graph_def
    if hasattr(graph_def, "SerializeToString") and type(graph_def).__name__ == "GraphDef":
        return pb.GraphDef.FromString(graph_def.SerializeToString())   # TF's or tensorboard's class
    raise TypeError("graph_def must be a GraphDef proto")


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None, op_dict=None,
                     producer_op_list=None):
    """Import a GraphDef into the default graph under `name` ("import" by default); returns the ops or
    tensors named in `return_elements`, if given."""
    gd = _as_graph_def(graph_def)
    g = get_default_graph()
    if g._finalized:
        raise RuntimeError("Graph is finalized and cannot be modified.")
    if input_map is not None and not isinstance(input_map, dict):
        raise TypeError("input_map must be a dictionary mapping strings to Tensor objects.")
    input_map = {(k if ":" in k or k.startswith("^") else k + ":0"): v for k, v in (input_map or {}).items()}
    input_map = {k[1:] if k.startswith("^") else k: v for k, v in input_map.items()}
    scope = "import" if name is None else name
    prefix = g.unique_name(scope, mark_as_used=False) + "/" if scope else ""
    built = build_nodes(g, list(gd.node), prefix, input_map)
    used = {i.lstrip("^") if ":" in i or i.startswith("^") else i + ":0" for n in gd.node for i in n.input}
    unused = sorted(k for k in input_map if k not in used and k.split(":")[0] not in used)
    if unused:
        raise ValueError("Attempted to map inputs that were not found in graph_def: [%s]" % ", ".join(unused))
    results = []
    for spec in return_elements or []:
        op_name, sep, index = spec.partition(":")
        op = built.get(prefix + op_name)
        if op is None:
            raise ValueError("Requested return_element %r not found in graph_def." % spec)
        if sep:
            if not index.isdigit() or int(index) >= len(op._outputs):
                raise ValueError("Requested return_element %r not found in graph_def." % spec)
            results.append(op._outputs[int(index)])
        else:
            results.append(op)
    if scope:
        g.unique_name(scope)
    add_built(g, built)
    return results if return_elements is not None else None
