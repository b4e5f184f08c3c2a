"""MetaGraph files for graphs tfsess saved: the graph's ops and collections as JSON (data, not code)."""
from __future__ import annotations

import base64
import json

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import NotFoundError
from ..framework.graph import _VALID_OP_NAME, Operation, Tensor, get_default_graph
from ..framework.opdef import OP_REGISTRY
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


_MAX_ATTR_DEPTH = 16   # attr values nest a few levels; deeper input is malformed (and must not recurse far)


def _dec(v, tensor, depth=0):
    """Decode one attr value; `tensor(name)` resolves a tensor reference."""
    if depth > _MAX_ATTR_DEPTH:
        raise ValueError("attr value nested more than %d levels deep" % _MAX_ATTR_DEPTH)
    if isinstance(v, list):
        return [_dec(x, tensor, depth + 1) for x in v]
    if not isinstance(v, dict):
        if v is not None and not isinstance(v, (bool, int, float, str)):
            raise ValueError("unknown attr encoding %r" % (v,))
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
        dt = np.dtype(v["np"])
        if dt.hasobject:
            raise ValueError("an array attr of Python objects is not data")
        arr = np.frombuffer(base64.b64decode(v["array"]), dtype=dt).reshape(v["dims"]).copy()
        arr.flags.writeable = False
        return arr
    if "tensor" in v:
        return tensor(v["tensor"])
    if "tuple" in v:
        return tuple(_dec(x, tensor, depth + 1) for x in v["tuple"])
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
                    "attrs": {k: _enc(v) for k, v in op.attrs.items()}})
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
        except (ValueError, RecursionError):
            raise ValueError("%s is not a MetaGraph file written by tfsess." % meta_graph_or_file) from None
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise ValueError("Not a MetaGraph written by tfsess (format %r)."
                         % (meta.get("format") if isinstance(meta, dict) else type(meta).__name__))
    g = get_default_graph()
    if g.finalized:
        raise RuntimeError("Graph is finalized and cannot be modified.")
    # like TF's `with name_scope(import_scope)`: the scope is uniquified and marked as used
    prefix = g.unique_name(import_scope, mark_as_used=False) + "/" if import_scope else ""
    try:
        ops, colls = _build(meta, g, prefix, clear_devices)
    except (ValueError, TypeError, NotFoundError):
        raise
    except Exception as err:  # KeyError, AttributeError, RecursionError...: the file is malformed
        raise ValueError("Malformed MetaGraph: %s: %s" % (type(err).__name__, err)) from None
    # every op and collection item is valid: only now does the graph change
    if import_scope:
        g.unique_name(import_scope)
    g.add_built_ops(ops)
    var_by_name = {}
    for key, kind, it, value in colls:
        if kind == "variable":
            vname = it["variable"]
            v = var_by_name.get(vname)
            if v is None:
                v = Variable.__new__(Variable)
                v._variable, v._initializer_op, v._snapshot, v._initial_value = value
                v._trainable = bool(it.get("trainable", True))
                v._constraint = None
                v._save_slice_info = None
                v._graph_key = g
                var_by_name[vname] = v
            value = v
        g.add_to_collection(key, value)
    if not var_by_name:
        return None
    return Saver(var_list={name: v for name, v in var_by_name.items()})


def _build(meta, g, prefix, clear_devices):
    """Every op of `meta` as a built Operation not yet in `g`, and the resolved collection items.

    Raises ValueError/TypeError (TF's classes for bad graph input) for anything invalid; `g` is untouched."""
    records = meta.get("ops")
    colls = meta.get("collections", {})
    if not isinstance(records, list) or not isinstance(colls, dict):
        raise ValueError("Malformed MetaGraph: 'ops' must be a list and 'collections' a mapping")
    built = {}      # name -> Operation, in creation order

    def op_named(name, rec_name):
        if not isinstance(name, str):
            raise ValueError("Node '%s': an input name must be a string, got %r" % (rec_name, name))
        op = built.get(prefix + name)
        if op is None:
            raise ValueError("Node '%s': Unknown input node '%s'" % (rec_name, name))
        return op

    def tensor_named(name, rec_name="?"):
        if not isinstance(name, str):
            raise ValueError("Node '%s': a tensor name must be a string, got %r" % (rec_name, name))
        op_name, _, index = name.rpartition(":")
        if not op_name or not index.isdigit():
            raise ValueError("Node '%s': '%s' is not a tensor name (op:index)" % (rec_name, name))
        op = op_named(op_name, rec_name)
        if int(index) >= len(op.outputs):
            raise ValueError("Node '%s': Connecting to invalid output %s of source node %s which has %d outputs"
                             % (rec_name, index, op_name, len(op.outputs)))
        return op.outputs[int(index)]

    for rec in records:
        if not isinstance(rec, dict):
            raise ValueError("Malformed MetaGraph: an op record must be a mapping, got %r" % (rec,))
        name = rec.get("name")
        if not isinstance(name, str) or not _VALID_OP_NAME.match(name):
            raise ValueError("Node name %r is not valid. Accepted names conform to Regex /%s/"
                             % (name, _VALID_OP_NAME.pattern))
        full = prefix + name
        if full in built:
            raise ValueError("Duplicate node name in graph: '%s'" % name)
        if g.has_operation(full):
            raise ValueError("Node '%s' already exists in the graph: import it with an import_scope" % full)
        opdef = OP_REGISTRY.get(rec.get("type")) if isinstance(rec.get("type"), str) else None
        if opdef is None:
            raise ValueError("Op type not registered '%s' in binary running on this machine." % (rec.get("type"),))
        in_names, ctrl_names = rec.get("inputs", []), rec.get("control", [])
        attrs_rec, device = rec.get("attrs", {}), rec.get("device", "")
        if not (isinstance(in_names, list) and isinstance(ctrl_names, list) and isinstance(attrs_rec, dict)
                and isinstance(device, str)):
            raise ValueError("Node '%s': malformed inputs, control inputs, attrs or device" % name)
        inputs = [tensor_named(n, name) for n in in_names]
        control = list(dict.fromkeys(op_named(n, name) for n in ctrl_names))
        attrs = {k: _dec(v, lambda n: tensor_named(n, name)) for k, v in attrs_rec.items()}
        if opdef.type_name == "Const":
            _check_const(name, attrs)
        op = Operation(g, full, opdef, inputs, attrs, control)
        op.build_outputs()
        if device and not clear_devices:
            op._set_device(device)
        built[full] = op
    items = []
    for key, recs in colls.items():
        if not isinstance(recs, list):
            raise ValueError("Malformed MetaGraph: collection %r must be a list" % (key,))
        for it in recs:
            if not isinstance(it, dict):
                raise ValueError("Malformed MetaGraph: collection %r holds %r" % (key, it))
            if "variable" in it:
                vname = it["variable"]
                if not isinstance(vname, str):
                    raise ValueError("Malformed MetaGraph: variable name %r" % (vname,))
                value = (tensor_named(vname + ":0"), op_named(it["initializer"], vname),
                         tensor_named(it["snapshot"]), tensor_named(it["initial_value"]))
                items.append((key, "variable", it, value))
            elif "tensor" in it:
                items.append((key, "tensor", it, tensor_named(it["tensor"])))
            elif "op" in it:
                items.append((key, "op", it, op_named(it["op"], it["op"])))
            elif "value" in it and isinstance(it["value"], (str, int, float, bool)):
                items.append((key, "value", it, it["value"]))
            else:
                raise ValueError("Malformed MetaGraph: collection %r holds %r" % (key, it))
    return list(built.values()), items


def _check_const(name, attrs):
    """A Const's value must be an array of its dtype attr (TF: the tensor and `dtype` agree)."""
    value, dtype = attrs.get("value"), attrs.get("dtype")
    if not isinstance(value, np.ndarray) or not isinstance(dtype, _dtypes.DType):
        raise ValueError("Node '%s': a Const needs an array `value` and a `dtype` attr" % name)
    base = dtype.base_dtype
    ok = value.dtype == object if base.name == "string" else value.dtype == np.dtype(base.as_numpy_dtype)
    if not ok:
        got = "string" if value.dtype == object else str(value.dtype)
        raise ValueError("Node '%s': Const value has dtype %s, which does not match its dtype attr %s"
                         % (name, got, base.name))
