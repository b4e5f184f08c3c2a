"""Graph <-> TensorFlow's GraphDef/NodeDef/AttrValue/TensorProto protocol buffers (framework/protos.py).

Nodes carry the attrs TensorFlow's op registry gives their op type (_tf_op_attrs.py) that tfsess keeps, and
type attrs with no default such as Identity's `T` taken from the inputs, so that TF 1.x and 2.x import them
(attrs left out take TF's defaults on import; attrs newer TF versions added would break TF 1.x readers).
"""
from __future__ import annotations

import numbers

import numpy as np

from . import dtypes as _dtypes
from . import protos
from .shapes import TensorShape

__all__ = ["graph_to_proto", "node_to_proto", "attr_to_proto", "attr_from_proto", "tensor_to_proto",
           "tensor_from_proto", "dtype_from_enum", "PRODUCER"]

PRODUCER = 134      # GraphDef version of TF 1.15: every TF 1.x/2.x consumer reads it
_DT = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF", "int8": "DT_INT8", "int16": "DT_INT16",
       "int32": "DT_INT32", "int64": "DT_INT64", "uint8": "DT_UINT8", "uint16": "DT_UINT16", "uint32": "DT_UINT32",
       "uint64": "DT_UINT64", "bool": "DT_BOOL", "string": "DT_STRING", "complex64": "DT_COMPLEX64",
       "complex128": "DT_COMPLEX128", "variant": "DT_VARIANT", "resource": "DT_RESOURCE"}
_FROM_DT = {v: k for k, v in _DT.items()}
_VAL = {"float32": "float_val", "float64": "double_val", "int8": "int_val", "int16": "int_val", "int32": "int_val",
        "uint8": "int_val", "uint16": "int_val", "int64": "int64_val", "uint32": "uint32_val",
        "uint64": "uint64_val", "bool": "bool_val", "float16": "half_val", "complex64": "scomplex_val",
        "complex128": "dcomplex_val", "string": "string_val"}
_OP_ATTRS = None


def _op_attrs() -> dict:
    global _OP_ATTRS
    if _OP_ATTRS is None:
        from ._tf_op_attrs import OP_ATTRS
        _OP_ATTRS = OP_ATTRS
    return _OP_ATTRS


def dtype_enum(pb, dtype) -> int:
    return pb.dtype_enum[_DT[_dtypes.as_dtype(dtype).base_dtype.name]]


def dtype_from_enum(pb, value: int):
    name = pb.dtype_name.get(value, "DT_INVALID")
    base = name[:-4] if name.endswith("_REF") else name
    if base not in _FROM_DT:
        raise ValueError("dtype %s is not supported by tfsess" % name)
    return _dtypes.as_dtype(_FROM_DT[base])


def shape_to_proto(pb, shape, out=None):
    out = pb.TensorShapeProto() if out is None else out
    out.SetInParent()       # a scalar's shape is an empty message, but present
    dims = shape.as_list() if isinstance(shape, TensorShape) and shape.ndims is not None else (
        None if isinstance(shape, TensorShape) or shape is None else list(shape))
    if dims is None:
        out.unknown_rank = True
    else:
        for d in dims:
            out.dim.add(size=-1 if d is None else int(d))
    return out


def shape_from_proto(sp) -> TensorShape:
    if sp.unknown_rank:
        return TensorShape(None)
    return TensorShape([None if d.size < 0 else d.size for d in sp.dim])


def tensor_to_proto(pb, value, out=None):
    """A TensorProto as make_tensor_proto writes it: tensor_content for >1 distinct numbers, else *_val."""
    out = pb.TensorProto() if out is None else out
    arr = np.asarray(value)
    name = "string" if arr.dtype == object or arr.dtype.kind in "SU" else _dtypes.as_dtype(arr.dtype).name
    out.dtype = pb.dtype_enum[_DT[name]]
    out.tensor_shape.SetInParent()
    shape_to_proto(pb, list(arr.shape), out.tensor_shape)
    flat = arr.reshape(-1)
    if name == "string":
        out.string_val.extend(x if isinstance(x, bytes) else str(x).encode("utf-8") for x in flat)
    elif flat.size > 1 and not np.all(flat == flat[0]):
        out.tensor_content = np.ascontiguousarray(flat).astype(flat.dtype.newbyteorder("<")).tobytes()
    elif flat.size:
        v = flat[0]
        field = getattr(out, _VAL[name])
        if name == "float16":
            field.append(int(np.asarray(v, np.float16).view(np.uint16)))
        elif name in ("complex64", "complex128"):
            field.extend([float(v.real), float(v.imag)])
        elif name == "bool":
            field.append(bool(v))
        elif name in ("float32", "float64"):
            field.append(float(v))
        else:
            field.append(int(v))
    return out


_MAX_ELEMENTS = 1 << 28


def tensor_from_proto(pb, tp) -> np.ndarray:
    """The array of a TensorProto (tensor_content, or *_val repeated to fill the shape as TF does)."""
    dt = dtype_from_enum(pb, tp.dtype)
    shape = [d.size for d in tp.tensor_shape.dim]
    if any(d < 0 for d in shape):
        raise ValueError("a constant tensor has an unknown dimension: %s" % shape)
    n = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if n > _MAX_ELEMENTS:
        raise ValueError("a constant tensor of %d elements is too large" % n)
    if dt.name == "string":
        vals = list(tp.string_val)
        arr = np.empty(n, dtype=object)
        if vals:
            if len(vals) not in (1, n):
                raise ValueError("a string tensor of %d elements has %d values" % (n, len(vals)))
            arr[:] = vals if len(vals) == n else vals * n
        else:
            arr[:] = [b""] * n
        arr = arr.reshape(shape)
    else:
        np_dt = np.dtype(dt.as_numpy_dtype)
        if tp.tensor_content:
            if len(tp.tensor_content) != n * np_dt.itemsize:
                raise ValueError("tensor_content holds %d bytes, expected %d for shape %s"
                                 % (len(tp.tensor_content), n * np_dt.itemsize, shape))
            arr = np.frombuffer(tp.tensor_content, np_dt.newbyteorder("<")).astype(np_dt).reshape(shape)
        else:
            vals = list(getattr(tp, _VAL[dt.name]))
            if dt.name == "float16":
                vals = np.asarray(vals, np.uint16).view(np.float16)
            elif dt.name in ("complex64", "complex128"):
                vals = np.asarray(vals, np.float64).reshape(-1, 2) @ np.array([1, 1j])
            vals = np.asarray(vals, np_dt)
            if vals.size > n:
                raise ValueError("a tensor of shape %s has %d values" % (shape, vals.size))
            arr = np.zeros(n, np_dt)
            if vals.size:
                arr[:vals.size] = vals
                arr[vals.size:] = vals[-1]     # TF repeats the last value
            arr = arr.reshape(shape)
    arr.flags.writeable = False
    return arr


def _scalar(pb, av, v) -> bool:
    if isinstance(v, _dtypes.DType):
        av.type = dtype_enum(pb, v)
    elif isinstance(v, (bool, np.bool_)):
        av.b = bool(v)
    elif isinstance(v, numbers.Integral):
        av.i = int(v)
    elif isinstance(v, numbers.Real):
        av.f = float(v)
    elif isinstance(v, str):
        av.s = v.encode("utf-8")
    elif isinstance(v, bytes):
        av.s = v
    elif isinstance(v, TensorShape):
        shape_to_proto(pb, v, av.shape)
    elif isinstance(v, np.ndarray):
        tensor_to_proto(pb, v, av.tensor)
    else:
        return False
    return True


def attr_to_proto(pb, v, kind=None):
    """An AttrValue for a tfsess attr value (`kind`: TF's attr type, to type an empty list); None if it has
    no AttrValue form (a traced Python function)."""
    av = pb.AttrValue()
    if kind == "shape" and not isinstance(v, TensorShape):
        v = TensorShape(v)
    elif kind == "type" and not isinstance(v, _dtypes.DType):
        v = _dtypes.as_dtype(v)
    if isinstance(v, (list, tuple)):
        lv = av.list
        av.list.SetInParent()
        for x in v:
            if isinstance(x, _dtypes.DType):
                lv.type.append(dtype_enum(pb, x))
            elif isinstance(x, (bool, np.bool_)):
                lv.b.append(bool(x))
            elif isinstance(x, numbers.Integral):
                lv.i.append(int(x))
            elif isinstance(x, numbers.Real):
                lv.f.append(float(x))
            elif isinstance(x, (str, bytes)):
                lv.s.append(x.encode("utf-8") if isinstance(x, str) else x)
            elif isinstance(x, TensorShape):
                shape_to_proto(pb, x, lv.shape.add())
            elif isinstance(x, np.ndarray):
                tensor_to_proto(pb, x, lv.tensor.add())
            else:
                return None
        return av
    if kind == "float" and isinstance(v, numbers.Real) and not isinstance(v, bool):
        av.f = float(v)
        return av
    return av if _scalar(pb, av, v) else None


def attr_from_proto(pb, av):
    """The tfsess value of an AttrValue: DType, bool, int, float, str, TensorShape, ndarray or a list."""
    kind = av.WhichOneof("value")
    if kind == "type":
        return dtype_from_enum(pb, av.type)
    if kind in ("b", "i", "f"):
        return getattr(av, kind)
    if kind == "s":
        try:
            return av.s.decode("utf-8")
        except UnicodeDecodeError:
            return av.s
    if kind == "shape":
        return shape_from_proto(av.shape)
    if kind == "tensor":
        return tensor_from_proto(pb, av.tensor)
    if kind == "list":
        lv = av.list
        for field in ("type", "shape", "tensor", "s", "i", "f", "b"):
            if len(getattr(lv, field)):
                sub = pb.AttrValue()
                out = []
                for x in getattr(lv, field):
                    if field in ("shape", "tensor"):
                        getattr(sub, field).CopyFrom(x)
                    else:
                        setattr(sub, field, x)
                    out.append(attr_from_proto(pb, sub))
                return out
        return []
    if kind is None:
        return None
    raise ValueError("attr value of kind '%s' (a function) is not supported by tfsess" % kind)


def _inferred_type(op, source):
    """A type attr tfsess does not keep (Identity's T ...), from the input or output TF's OpDef ties it to."""
    if source is None:
        return None
    kind, k = source
    if kind == "in" and k < len(op.inputs):
        return op.inputs[k].dtype.base_dtype
    if kind == "in_from" and k <= len(op.inputs):
        return [t.dtype.base_dtype for t in op.inputs[k:]]
    if kind == "out" and k < len(op.outputs):
        return op.outputs[k].dtype.base_dtype
    return None


_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def spec_to_masks(spec) -> dict:
    """tfsess's StridedSlice `spec` ((kind, has_begin, has_end) per index) as TF's five bit masks."""
    m = dict.fromkeys(_MASKS, 0)
    for i, (kind, has_b, has_e) in enumerate(spec):
        if kind == "slice":
            m["begin_mask"] |= (not has_b) << i
            m["end_mask"] |= (not has_e) << i
        else:
            m[{"ellipsis": "ellipsis_mask", "newaxis": "new_axis_mask", "index": "shrink_axis_mask"}[kind]] |= 1 << i
    return m


def masks_to_spec(attrs, n: int) -> tuple:
    """TF's StridedSlice masks over `n` begin/end/strides entries as tfsess's `spec`."""
    get = lambda k: int(attrs.get(k, 0) or 0)  # noqa: E731
    spec = []
    for i in range(n):
        bit = 1 << i
        if get("ellipsis_mask") & bit:
            spec.append(("ellipsis", False, False))
        elif get("new_axis_mask") & bit:
            spec.append(("newaxis", False, False))
        elif get("shrink_axis_mask") & bit:
            spec.append(("index", True, True))
        else:
            spec.append(("slice", not get("begin_mask") & bit, not get("end_mask") & bit))
    return tuple(spec)


def _export_attrs(op) -> dict:
    """tfsess attrs with TF's spelling where they differ (StridedSlice's spec: TF's masks)."""
    attrs = op.attrs
    if op.type in ("StridedSlice", "StridedSliceGrad") and "spec" in attrs:
        attrs = dict(attrs)
        attrs.update(spec_to_masks(attrs.pop("spec")))
    return attrs


def node_to_proto(pb, op, out, add_shapes=False):
    """Fill NodeDef `out` from `op`: name, op type, inputs (with ^control inputs), device, TF's attrs."""
    out.name = op.name
    out.op = op.type
    out.input.extend([t._as_node_def_input() for t in op.inputs] + ["^" + c.name for c in op.control_inputs])
    if op.device:
        out.device = op.device
    attrs, made = _export_attrs(op), {}
    table = _op_attrs().get(op.type)
    if table is None:       # a tfsess-only op type: whatever has an AttrValue form
        for k, v in attrs.items():
            if not k.startswith("_"):
                av = attr_to_proto(pb, v)
                if av is not None:
                    made[k] = av
    else:
        for name, kind, default, source in table:
            av = None
            if name in attrs and attrs[name] is not None:
                av = attr_to_proto(pb, attrs[name], kind)
            if av is None and kind in ("type", "list(type)"):
                inferred = _inferred_type(op, source)
                if inferred is not None:
                    av = attr_to_proto(pb, inferred)
            if av is not None:
                made[name] = av
    if add_shapes:
        shapes = pb.AttrValue()
        shapes.list.SetInParent()
        for t in op.outputs:
            shape_to_proto(pb, t.shape, shapes.list.shape.add())
        made["_output_shapes"] = shapes
    for name in sorted(made):       # TF prints attrs sorted by key
        out.attr[name].CopyFrom(made[name])
    return out


def graph_to_proto(graph, from_version=None, add_shapes=False):
    """A GraphDef of `graph`'s ops in creation order (those after `from_version` if given)."""
    from .graph_def_lowering import LOWERED, lower
    pb = protos.load()
    gd = pb.GraphDef()
    gd.versions.producer = PRODUCER
    ops = graph.get_operations()
    taken = None
    for op in ops:
        if from_version is not None and op._id <= from_version:
            continue
        if op.type in LOWERED:      # tfsess-only gradient helpers, reflecting PadV2: TF's ops instead
            taken = {o.name for o in ops} if taken is None else taken
            specs = lower(op, taken)
            if specs is not None:
                for name, op_type, inputs, attrs in specs:
                    spec_to_proto(pb, name, op_type, inputs, op.device, attrs, gd.node.add())
                if add_shapes:
                    node = gd.node[len(gd.node) - 1]
                    shapes = pb.AttrValue()
                    for t in op.outputs:
                        shape_to_proto(pb, t.shape, shapes.list.shape.add())
                    node.attr["_output_shapes"].CopyFrom(shapes)
                continue
        node_to_proto(pb, op, gd.node.add(), add_shapes)
    return gd


def spec_to_proto(pb, name, op_type, inputs, device, attrs, out):
    """Fill NodeDef `out` from plain values (attrs sorted by key, as TF prints them)."""
    out.name, out.op = name, op_type
    out.input.extend(inputs)
    if device:
        out.device = device
    for k in sorted(attrs):
        out.attr[k].CopyFrom(attr_to_proto(pb, attrs[k]))
    return out
