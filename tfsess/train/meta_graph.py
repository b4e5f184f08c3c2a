"""tf.train.export_meta_graph / import_meta_graph / write_graph with TensorFlow's MetaGraphDef (`.meta`) files.

A `.meta` written by real TF 1.x or 2.x's compat.v1 imports here (TF's own saver ops, SaveV2/RestoreV2, are left
out: the Saver returned is tfsess's, for the same variables); the `.meta` that Saver.save writes imports in TF.
The import is all or nothing: a bad file raises before the graph changes.
"""
from __future__ import annotations

import os

from ..framework import protos
from ..framework.errors import NotFoundError
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.graph_def import graph_to_proto
from ..framework.importer import add_built, build_nodes

__all__ = ["export_meta_graph", "import_meta_graph", "write_graph"]

# collections whose items are variables saved as VariableDef protos (TF's proto registry for collections)
_VARIABLE_KEYS = ("variables", "trainable_variables", "local_variables", "model_variables", "global_step",
                  "moving_average_variables", "metric_variables")
_MAX_FILE = 1 << 31


def _collection(pb, graph, key, out) -> bool:
    from ..ops.variables import Variable
    items = graph.get_collection(key)
    if not items:
        return False
    if all(isinstance(i, Variable) for i in items) and key in _VARIABLE_KEYS:
        for v in items:
            vd = pb.VariableDef(variable_name=v.name, initial_value_name=v.initial_value.name,
                                initializer_name=v.initializer.name, snapshot_name=v.value().name,
                                trainable=v.trainable, is_resource=False)
            out.bytes_list.value.append(vd.SerializeToString())
    elif all(isinstance(i, (Tensor, Operation, Variable)) for i in items):
        out.node_list.value.extend(i.name for i in items)
    elif all(isinstance(i, bool) or not isinstance(i, int) for i in items) and \
            all(isinstance(i, float) for i in items):
        out.float_list.value.extend(items)
    elif all(isinstance(i, int) and not isinstance(i, bool) for i in items):
        out.int64_list.value.extend(items)
    elif all(isinstance(i, (str, bytes)) for i in items):
        out.bytes_list.value.extend(i.encode("utf-8") if isinstance(i, str) else i for i in items)
    else:
        return False     # Python objects (queue runners, cond contexts): not carried, as TF warns and skips
    return True


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None, collection_list=None,
                      as_text=False, graph=None, export_scope=None, clear_devices=False,
                      clear_extraneous_savers=False, strip_default_attrs=False, save_debug_info=False,
                      saver=None, **kwargs):
    """The graph with its collections as a MetaGraphDef proto, written to `filename` if given."""
    from .atomic_file import write_atomically
    pb = protos.load()
    graph = graph or get_default_graph()
    meta = pb.MetaGraphDef()
    meta.meta_info_def.tensorflow_version = "1.15.0"
    meta.meta_info_def.tensorflow_git_version = "tfsess"
    meta.graph_def.CopyFrom(graph_def if graph_def is not None else graph_to_proto(graph))
    if clear_devices:
        for node in meta.graph_def.node:
            node.device = ""
    if saver_def is not None:
        meta.saver_def.CopyFrom(saver_def)
    for key in sorted(graph.get_all_collection_keys()):
        if collection_list is not None and key not in collection_list:
            continue
        cd = pb.CollectionDef()
        if _collection(pb, graph, key, cd):
            meta.collection_def[key].CopyFrom(cd)
    if filename:
        filename = os.fspath(filename)
        if as_text:
            write_atomically(filename, lambda f: f.write(str(meta)), binary=False)
        else:
            write_atomically(filename, lambda f: f.write(meta.SerializeToString()))
    return meta


def write_graph(graph_or_graph_def, logdir, name, as_text=True) -> str:
    """Write a Graph or GraphDef to logdir/name as text (.pbtxt) or binary (.pb); returns the path."""
    from .atomic_file import write_atomically
    gd = graph_or_graph_def.as_graph_def() if hasattr(graph_or_graph_def, "as_graph_def") else graph_or_graph_def
    logdir = os.fspath(logdir)
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    if as_text:
        write_atomically(path, lambda f: f.write(str(gd)), binary=False)
    else:
        write_atomically(path, lambda f: f.write(gd.SerializeToString()))
    return path


def read_meta_graph_file(filename):
    """A MetaGraphDef from a binary or text `.meta` file (TF tries binary first, then text)."""
    pb = protos.load()
    filename = os.fspath(filename)
    try:
        if os.path.getsize(filename) > _MAX_FILE:
            raise ValueError("%s is too large for a MetaGraph file" % filename)
        with open(filename, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise NotFoundError(None, None, "File %s does not exist." % filename) from None
    return parse_meta_graph(pb, data, filename)


def parse_meta_graph(pb, data: bytes, what: str = "the data"):
    meta = pb.MetaGraphDef()
    try:
        meta.ParseFromString(data)
        return meta
    except (pb.DecodeError, RuntimeError, ValueError):
        pass
    try:
        pb.text_format.Parse(data.decode("utf-8"), meta, descriptor_pool=pb.pool)
        return meta
    except Exception:       # protobuf's text ParseError, UnicodeDecodeError ...
        raise ValueError("%s is not a MetaGraph file: neither a binary nor a text MetaGraphDef" % what) from None


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, input_map=None, **kwargs):
    """Recreate a MetaGraphDef's graph and collections in the default graph; returns a Saver for its
    variables (None if it has none)."""
    from .saver import Saver
    pb = protos.load()
    if isinstance(meta_graph_or_file, pb.MetaGraphDef):
        meta = meta_graph_or_file
    elif hasattr(meta_graph_or_file, "SerializeToString"):        # TF's or tensorboard's class
        meta = parse_meta_graph(pb, meta_graph_or_file.SerializeToString())
    else:
        meta = read_meta_graph_file(meta_graph_or_file)
    g = get_default_graph()
    if g.finalized:
        raise RuntimeError("Graph is finalized and cannot be modified.")
    prefix = g.unique_name(import_scope, mark_as_used=False) + "/" if import_scope else ""
    nodes = list(meta.graph_def.node)
    if meta.HasField("saver_def") and meta.saver_def.restore_op_name:
        scope = meta.saver_def.restore_op_name.rpartition("/")[0] + "/"   # TF's save/ ops: tfsess saves itself
        nodes = [n for n in nodes if not n.name.startswith(scope)]
    input_map = {(k if ":" in k else k + ":0"): v for k, v in (input_map or {}).items()}
    built = build_nodes(g, nodes, prefix, input_map, clear_devices=clear_devices)
    colls, variables = _collections(pb, meta, built, prefix)
    # every op and collection item is valid: only now does the graph change
    if import_scope:
        g.unique_name(import_scope)
    add_built(g, built)
    for key, items in colls:
        for item in items:
            g.add_to_collection(key, item)
    if not variables:
        return None
    return Saver(var_list=dict(variables))


def _collections(pb, meta, built, prefix):
    """[(key, items)] with names resolved to the built ops, and [(saved name, Variable)]."""
    def element(name):
        op_name, sep, index = name.partition(":")
        op = built.get(prefix + op_name)
        if op is None:
            return None
        if not sep:
            return op
        if not index.isdigit() or int(index) >= len(op.outputs):
            raise ValueError("Malformed MetaGraph: %r is not an output of %s" % (name, op_name))
        return op.outputs[int(index)]

    out, variables, made = [], [], {}
    for key in sorted(meta.collection_def):
        cd = meta.collection_def[key]
        kind = cd.WhichOneof("kind")
        if kind == "node_list":
            items = [e for e in (element(n) for n in cd.node_list.value) if e is not None]
            items = [made.get(e.op.name, e) if isinstance(e, Tensor) and e.op.type == "VariableV2" else e
                     for e in items]
        elif kind == "bytes_list" and key in _VARIABLE_KEYS:
            items = []
            for raw in cd.bytes_list.value:
                vd = pb.VariableDef.FromString(raw)
                v = made.get(vd.variable_name)
                if v is None:
                    v = _variable(vd, element)
                made[vd.variable_name] = v
                items.append(v)
                if key in ("variables", "global_step") and all(v is not x for _, x in variables):
                    variables.append((vd.variable_name.rpartition(":")[0], v))
        elif kind == "bytes_list":
            items = list(cd.bytes_list.value)
        elif kind == "int64_list":
            items = list(cd.int64_list.value)
        elif kind == "float_list":
            items = list(cd.float_list.value)
        else:
            continue
        out.append((key, items))
    return out, variables


def _variable(vd, element):
    """A tfsess Variable over imported ops (VariableV2, its Assign initializer, read snapshot, initial value)."""
    from ..ops.variables import Variable
    parts = [element(vd.variable_name), element(vd.initializer_name), element(vd.snapshot_name),
             element(vd.initial_value_name) if vd.initial_value_name else None]
    if any(p is None for p in parts[:3]) or not isinstance(parts[0], Tensor) or parts[0].op.type != "VariableV2":
        raise ValueError("Malformed MetaGraph: variable %s refers to ops that are not in the graph (%s, %s, %s)"
                         % (vd.variable_name, vd.variable_name, vd.initializer_name, vd.snapshot_name))
    v = Variable.__new__(Variable)
    v._variable, v._initializer_op, v._snapshot, v._initial_value = parts[0], parts[1], parts[2], \
        parts[3] if parts[3] is not None else parts[2]
    v._trainable = bool(vd.trainable)
    v._constraint = None
    v._save_slice_info = None
    v._graph_key = parts[0].graph
    return v
