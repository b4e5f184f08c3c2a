"""NodeDef/GraphDef in TensorFlow's protobuf text format (`print(graph.as_graph_def())`), without protobuf.

Attrs come sorted by key, as TF 1.15 prints them. Tensor values follow make_tensor_proto: a numeric tensor of
more than one element is `tensor_content` bytes, unless all its elements are equal (as tf.ones/tf.zeros/a
broadcast scalar make them), which is one `*_val`; strings are `string_val` lines.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import dtypes as _dtypes
from .shapes import TensorShape

__all__ = ["node_text", "attr_value_lines"]

_DT_NAMES = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF", "int8": "DT_INT8",
             "int16": "DT_INT16", "int32": "DT_INT32", "int64": "DT_INT64", "uint8": "DT_UINT8",
             "uint16": "DT_UINT16", "uint32": "DT_UINT32", "uint64": "DT_UINT64", "bool": "DT_BOOL",
             "string": "DT_STRING", "complex64": "DT_COMPLEX64", "complex128": "DT_COMPLEX128"}
_VAL_FIELD = {"float32": "float_val", "float64": "double_val", "int8": "int_val", "int16": "int_val",
              "int32": "int_val", "uint8": "int_val", "uint16": "int_val", "int64": "int64_val",
              "uint32": "uint32_val", "uint64": "uint64_val", "bool": "bool_val", "float16": "half_val"}


def _dt_name(dtype) -> str:
    d = _dtypes.as_dtype(dtype).base_dtype
    return _DT_NAMES.get(d.name, "DT_" + d.name.upper())


def _escape(data) -> str:
    """Protobuf's C escaping: \\n \\r \\t \\" \\' \\\\ by name, other bytes outside printable ASCII in octal."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    out = []
    for b in data:
        c = chr(b)
        if c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c in "\"'\\":
            out.append("\\" + c)
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append("\\%03o" % b)
    return '"%s"' % "".join(out)


def _float(x, single: bool = True) -> str:
    """The shortest text that reads back as the same float32 (or float64), as protobuf prints floats."""
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    cast = np.float32 if single else float
    for p in range(1, 18):
        s = "%.*g" % (p, x)
        if cast(float(s)) == cast(x):
            return s
    return repr(x)


def _shape_lines(shape: TensorShape, field: str) -> list:
    dims = shape.as_list() if shape.ndims is not None else None
    if dims is None:
        return ["%s {" % field, "  unknown_rank: true", "}"]
    lines = ["%s {" % field]
    for d in dims:
        lines += ["  dim {", "    size: %d" % (-1 if d is None else d), "  }"]
    return lines + ["}"]


def _tensor_lines(value: np.ndarray) -> list:
    if value.dtype == object or value.dtype.kind in "SU":
        dt_name = "string"
    else:
        dt_name = _dtypes.as_dtype(value.dtype).name
    body = ["dtype: %s" % _DT_NAMES.get(dt_name, "DT_" + dt_name.upper())]
    body += _shape_lines(TensorShape(list(value.shape)), "tensor_shape")
    flat = value.reshape(-1)
    if dt_name == "string":
        body += ["string_val: %s" % _escape(v if isinstance(v, (bytes, str)) else str(v)) for v in flat]
    elif flat.size > 1 and not np.all(flat == flat[0]):
        body.append("tensor_content: %s" % _escape(np.ascontiguousarray(flat).tobytes()))
    elif flat.size:
        body += _scalar_val_lines(dt_name, flat[0])
    return ["tensor {"] + ["  " + line for line in body] + ["}"]


def _scalar_val_lines(dt_name: str, v) -> list:
    if dt_name in ("complex64", "complex128"):
        field = "scomplex_val" if dt_name == "complex64" else "dcomplex_val"
        single = dt_name == "complex64"
        return ["%s: %s" % (field, _float(v.real, single)), "%s: %s" % (field, _float(v.imag, single))]
    field = _VAL_FIELD.get(dt_name, "int_val")
    if dt_name == "bool":
        return ["bool_val: %s" % ("true" if v else "false")]
    if dt_name in ("float32", "float64"):
        return ["%s: %s" % (field, _float(v, dt_name == "float32"))]
    if dt_name == "float16":
        return ["half_val: %d" % int(np.asarray(v, np.float16).view(np.uint16))]
    return ["%s: %d" % (field, int(v))]


def _scalar_attr(v):
    """(field, text) of a scalar attr value in an AttrValue (`type`, `b`, `i`, `f`, `s`, `shape` ...)."""
    if isinstance(v, _dtypes.DType):
        return "type", _dt_name(v)
    if isinstance(v, (bool, np.bool_)):
        return "b", "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return "i", str(int(v))
    if isinstance(v, numbers.Real):
        return "f", _float(v)
    if isinstance(v, (str, bytes)):
        return "s", _escape(v)
    return None, None


def attr_value_lines(v) -> list:
    """The lines inside `value { ... }` for one attr."""
    if isinstance(v, TensorShape):
        return _shape_lines(v, "shape")
    if isinstance(v, np.ndarray):
        return _tensor_lines(v)
    if isinstance(v, (list, tuple)):
        inner = []
        for item in v:
            if isinstance(item, TensorShape):
                inner += _shape_lines(item, "shape")
                continue
            field, text = _scalar_attr(item)
            inner.append("%s: %s" % (field, text) if field else "s: %s" % _escape(str(item)))
        if not inner:
            return ["list {", "}"]
        return ["list {"] + ["  " + line for line in inner] + ["}"]
    field, text = _scalar_attr(v)
    if field is None:
        return ["s: %s" % _escape(str(v))]
    return ["%s: %s" % (field, text)]


def node_text(name: str, op: str, inputs, device: str, attrs: dict) -> str:
    """One NodeDef as TF prints it (fields in proto order, attrs sorted by key), ending with a newline."""
    lines = ['name: "%s"' % name, 'op: "%s"' % op]
    lines += ['input: "%s"' % i for i in inputs]
    if device:
        lines.append('device: "%s"' % device)
    for k in sorted(attrs):
        lines += ["attr {", '  key: "%s"' % k, "  value {"]
        lines += ["    " + line for line in attr_value_lines(attrs[k])]
        lines += ["  }", "}"]
    return "\n".join(lines) + "\n"
