"""MetaGraph files for graphs tfsess saved: the graph's ops and collections as JSON (data, not code)."""
from __future__ import annotations

import base64
import json

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.opdef import OP_REGISTRY, create_op
from ..framework.shapes import TensorShape

__all__ = ["export_meta_graph", "import_meta_graph"]

_FORMAT = "tfsess-metagraph-1"


def _enc(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, _dtypes.DType):
        return {"dtype": v.name}
    if isinstance(v, TensorShape):
        return {"shape": None if v.ndims is None else v.as_list()}
    if isinstance(v, np.ndarray):
        if v.dtype == object:
            return {"strings": [base64.b64encode(x).decode("ascii") for x in v.reshape(-1)], "dims": list(v.shape)}
        return {"array": base64.b64encode(np.ascontiguousarray(v).tobytes()).decode("ascii"),
                "np": v.dtype.str, "dims": list(v.shape)}
    if isinstance(v, np.generic):
        return _enc(np.asarray(v))
    if isinstance(v, Tensor):
        return {"tensor": v.name}
    if isinstance(v, tuple):
        return {"tuple": [_enc(x) for x in v]}
    if isinstance(v, list):
        return [_enc(x) for x in v]
    if isinstance(v, bytes):
        return {"bytes": base64.b64encode(v).decode("ascii")}
    # traced functions of while loops and tf.data, generators: Python objects that JSON cannot carry. The
    # export (and so Saver.save) still works; importing such an op says why it cannot be rebuilt.
    return {"python": type(v).__name__}


def _dec(v, graph, prefix):
    if isinstance(v, list):
        return [_dec(x, graph, prefix) for x in v]
    if not isinstance(v, dict):
        return v
    if "dtype" in v:
        return _dtypes.as_dtype(v["dtype"])
    if "shape" in v:
        return TensorShape(v["shape"])
    if "strings" in v:
        arr = np.array([base64.b64decode(x) for x in v["strings"]] or [], dtype=object).reshape(v["dims"])
        arr.flags.writeable = False
        return arr
    if "array" in v:
        arr = np.frombuffer(base64.b64decode(v["array"]), dtype=np.dtype(v["np"])).reshape(v["dims"]).copy()
        arr.flags.writeable = False
        return arr
    if "tensor" in v:
        return graph.get_tensor_by_name(prefix + v["tensor"])
    if "tuple" in v:
        return tuple(_dec(x, graph, prefix) for x in v["tuple"])
    if "bytes" in v:
        return base64.b64decode(v["bytes"])
    if "python" in v:
        raise ValueError("cannot import this graph: an op holds a traced Python function or object (%s: a "
                         "tf.while_loop, dynamic_rnn, tf.data function or generator). Rebuild the graph in Python "
                         "and restore the checkpoint into it with Saver.restore." % v["python"])
    raise ValueError("unknown attr encoding %r" % (v,))


def _coll_item(item):
    from ..ops.variables import Variable
    if isinstance(item, Variable):
        return {"variable": item.op.name, "initializer": item.initializer.name,
                "snapshot": item.value().name, "initial_value": item.initial_value.name,
                "trainable": item.trainable}
    if isinstance(item, Tensor):
        return {"tensor": item.name}
    if isinstance(item, Operation):
        return {"op": item.name}
    if isinstance(item, (str, int, float, bool)):
        return {"value": item}
    return None


def export_meta_graph(filename=None, graph=None, saver=None, collection_list=None, **kwargs):
    """Write the graph (ops, attrs, collections) as JSON; returns the dict."""
    graph = graph or get_default_graph()
    ops = []
    for op in graph.get_operations():
        ops.append({"name": op.name, "type": op.type, "inputs": [t.name for t in op.inputs],
                    "control": [c.name for c in op.control_inputs], "device": op.device,
                    "attrs": {k: _enc(v) for k, v in op._attrs.items()}})
    colls = {}
    for key in graph.get_all_collection_keys():
        if collection_list is not None and key not in collection_list:
            continue
        items = [_coll_item(i) for i in graph.get_collection(key)]
        if items and all(i is not None for i in items):
            colls[key] = items
    meta = {"format": _FORMAT, "ops": ops, "collections": colls}
    if filename:
        from .atomic_file import write_atomically
        write_atomically(filename, lambda f: json.dump(meta, f), binary=False)
    return meta


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """Recreate a graph saved by tfsess in the default graph; returns a Saver for its variables."""
    from ..framework.errors import NotFoundError
    from ..ops.variables import Variable
    from .saver import Saver
    if isinstance(meta_graph_or_file, dict):
        meta = meta_graph_or_file
    else:
        try:
            with open(meta_graph_or_file) as f:
                meta = json.load(f)
        except FileNotFoundError:
            raise NotFoundError(None, None, "File %s does not exist." % meta_graph_or_file) from None
        except ValueError:
            raise ValueError("%s is not a MetaGraph file written by tfsess." % meta_graph_or_file) from None
    if meta.get("format") != _FORMAT:
        raise ValueError("Not a MetaGraph written by tfsess (format %r)." % meta.get("format"))
    g = get_default_graph()
    # like TF's `with name_scope(import_scope)`: the scope is uniquified and marked as used
    prefix = g.unique_name(import_scope) + "/" if import_scope else ""
    for rec in meta["ops"]:
        opdef = OP_REGISTRY.get(rec["type"])
        if opdef is None:
            raise ValueError("Op type not registered '%s' in binary running on this machine." % rec["type"])
        inputs = [g.get_tensor_by_name(prefix + n) for n in rec["inputs"]]
        control = [g.get_operation_by_name(prefix + n) for n in rec["control"]]
        attrs = {k: _dec(v, g, prefix) for k, v in rec["attrs"].items()}
        name = prefix + rec["name"]
        g._names_in_use[name.lower()] = g._names_in_use.get(name.lower(), 0) + 1
        saved = g._control_deps
        g._control_deps = []
        try:
            op = create_op(opdef, inputs, attrs, name, g, control)
        finally:
            g._control_deps = saved
        if rec["device"] and not clear_devices:
            op._set_device(rec["device"])
    var_by_name = {}
    for key, items in meta["collections"].items():
        for it in items:
            if "variable" in it:
                vname = it["variable"]
                v = var_by_name.get(vname)
                if v is None:
                    v = Variable.__new__(Variable)
                    v._variable = g.get_tensor_by_name(prefix + vname + ":0")
                    v._initializer_op = g.get_operation_by_name(prefix + it["initializer"])
                    v._snapshot = g.get_tensor_by_name(prefix + it["snapshot"])
                    v._initial_value = g.get_tensor_by_name(prefix + it["initial_value"])
                    v._trainable = it["trainable"]
                    v._constraint = None
                    v._save_slice_info = None
                    v._graph_key = g
                    var_by_name[vname] = v
                g.add_to_collection(key, v)
            elif "tensor" in it:
                g.add_to_collection(key, g.get_tensor_by_name(prefix + it["tensor"]))
            elif "op" in it:
                g.add_to_collection(key, g.get_operation_by_name(prefix + it["op"]))
            else:
                g.add_to_collection(key, it["value"])
    if not var_by_name:
        return None
    return Saver(var_list={name: v for name, v in var_by_name.items()})
