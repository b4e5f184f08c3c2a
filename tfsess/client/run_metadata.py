"""tf.RunOptions / tf.RunMetadata with TF's fields, and filling RunMetadata from a traced run.

With the tensorboard package installed, `tf.RunOptions` and `tf.RunMetadata` are TF's own protobuf
classes (tensorboard.compat.proto.config_pb2, loaded on first use: `import tfsess` stays free of
protobuf). Without it they are the plain-Python messages below, with the same field names, nested
messages and repeated fields (`.add()`), so code that reads `md.step_stats.dev_stats[0].node_stats`
works either way.

`fill_run_metadata` writes TF's step_stats (one device, one NodeExecStats per executed op in execution
order, output shapes/dtypes/bytes) and partition_graphs (the GraphDef of the planned ops) from a RunTrace.
Deliberate difference: variable ops and their `read` Identity are not separate nodes in step_stats,
since tfsess reads a variable when each consumer runs (see tracing.py); fed tensors are not `_arg_` nodes.
"""
from __future__ import annotations

from typing import Any, Callable, ClassVar, Optional

__all__ = ["DEVICE", "RunOptions", "RunMetadata", "StepStats", "DeviceStepStats", "NodeExecStats", "NodeOutput",
           "TensorDescription", "TensorShapeProto", "AllocationDescription", "message_class",
           "fill_run_metadata", "register_graph_def_converter", "to_proto", "datatype_enum"]

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"

# TF's DataType enum (types.proto), by DType._cname; reference dtypes add 100.
_DATATYPE = {"float": 1, "double": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "string": 7, "complex64": 8,
             "int64": 9, "bool": 10, "bfloat16": 14, "uint16": 17, "complex128": 18, "half": 19, "resource": 20,
             "variant": 21, "uint32": 22, "uint64": 23}


def datatype_enum(dtype) -> int:
    """TF's DataType enum value of a tfsess DType (DT_FLOAT = 1, ...; +100 for a reference type)."""
    return _DATATYPE.get(dtype.base_dtype.c_name, 0) + (100 if dtype.is_ref else 0)


# ======================================================================================
# Plain-Python messages (used when tensorboard's compiled protos are not installed)
# ======================================================================================

class _Repeated(list):
    """A repeated field: a list with protobuf's `add(**fields)` for message elements."""

    def __init__(self, cls):
        super().__init__()
        self._cls = cls

    def add(self, **fields):
        item = self._cls(**fields)
        self.append(item)
        return item


class _Message:
    """A protobuf-like message: declared fields only, nested messages made on construction."""

    _fields: ClassVar[dict] = {}   # name -> default value, a _Message subclass (nested), [type] (repeated), dict (map)

    def __init__(self, **fields):
        self.Clear()
        for k, v in fields.items():
            spec = self._fields.get(k, _MISSING)
            if spec is _MISSING:
                raise ValueError('Protocol message %s has no "%s" field.' % (type(self).__name__, k))
            if isinstance(spec, list):
                getattr(self, k).extend(v)
            elif isinstance(spec, type) and issubclass(spec, _Message):
                getattr(self, k).CopyFrom(v)
            else:
                setattr(self, k, v)

    def __setattr__(self, name, value):
        if name not in self._fields:
            raise AttributeError('Assignment not allowed (no field "%s" in protocol message object).' % name)
        object.__setattr__(self, name, value)

    def Clear(self) -> None:  # noqa: N802  (protobuf's spelling)
        for name, spec in self._fields.items():
            if isinstance(spec, list):
                v = _Repeated(spec[0])
            elif spec is dict:
                v = {}
            elif isinstance(spec, type) and issubclass(spec, _Message):
                v = spec()
            else:
                v = spec
            object.__setattr__(self, name, v)

    def CopyFrom(self, other) -> None:  # noqa: N802
        self.Clear()
        self.MergeFrom(other)

    def MergeFrom(self, other) -> None:  # noqa: N802
        import copy
        for name, spec in self._fields.items():
            v = getattr(other, name)
            if isinstance(spec, list):
                getattr(self, name).extend(copy.deepcopy(list(v)))
            elif spec is dict:
                getattr(self, name).update(v)
            elif isinstance(spec, type) and issubclass(spec, _Message):
                getattr(self, name).MergeFrom(v)
            elif v != spec:
                object.__setattr__(self, name, v)

    def ListFields(self) -> list:  # noqa: N802
        """(name, value) of the fields set to a non-default value, in declaration order."""
        out = []
        for name, spec in self._fields.items():
            v = getattr(self, name)
            if isinstance(spec, list) or spec is dict:
                if len(v):
                    out.append((name, v))
            elif isinstance(spec, type) and issubclass(spec, _Message):
                if v.ListFields():
                    out.append((name, v))
            elif v != spec:
                out.append((name, v))
        return out

    def HasField(self, name) -> bool:  # noqa: N802
        return any(n == name for n, _ in self.ListFields())

    def ByteSize(self) -> int:  # noqa: N802
        """Not the wire size: 0 for an empty message, else the length of its text form (enough for `if md.ByteSize()`)."""
        return len(str(self)) if self.ListFields() else 0

    def __eq__(self, other):
        return type(other) is type(self) and self.ListFields() == other.ListFields()

    def __str__(self):
        lines = []
        for name, v in self.ListFields():
            for item in (v if isinstance(v, list) else [v]):
                if isinstance(item, _Message):
                    inner = str(item)
                    lines.append("%s {\n%s}" % (name, "".join("  " + ln + "\n" for ln in inner.splitlines())))
                elif hasattr(item, "node"):   # a GraphDef
                    lines.append("%s {\n%s}" % (name, "".join("  " + ln + "\n" for ln in str(item).splitlines())))
                elif isinstance(item, str):
                    lines.append('%s: "%s"' % (name, item))
                elif isinstance(item, bool):
                    lines.append("%s: %s" % (name, "true" if item else "false"))
                else:
                    lines.append("%s: %s" % (name, item))
        return "".join(ln + "\n" for ln in lines)

    def __repr__(self):
        return str(self)


_MISSING = object()


class AllocationDescription(_Message):
    _fields = {"requested_bytes": 0, "allocated_bytes": 0, "allocator_name": "", "allocation_id": 0,
               "has_single_reference": False, "ptr": 0}


class TensorShapeProto(_Message):
    class Dim(_Message):
        _fields = {"size": 0, "name": ""}

    _fields = {"dim": [Dim], "unknown_rank": False}


class TensorDescription(_Message):
    _fields = {"dtype": 0, "shape": TensorShapeProto, "allocation_description": AllocationDescription}


class NodeOutput(_Message):
    _fields = {"slot": 0, "tensor_description": TensorDescription}


class NodeExecStats(_Message):
    _fields = {"node_name": "", "all_start_micros": 0, "op_start_rel_micros": 0, "op_end_rel_micros": 0,
               "all_end_rel_micros": 0, "output": [NodeOutput], "timeline_label": "", "scheduled_micros": 0,
               "thread_id": 0, "all_start_nanos": 0, "op_start_rel_nanos": 0, "op_end_rel_nanos": 0,
               "all_end_rel_nanos": 0, "scheduled_nanos": 0}


class DeviceStepStats(_Message):
    _fields = {"device": "", "node_stats": [NodeExecStats], "thread_names": dict}


class StepStats(_Message):
    _fields = {"dev_stats": [DeviceStepStats]}


class RunOptions(_Message):
    """tf.RunOptions without protobuf: TF's fields; trace_level > NO_TRACE records step_stats."""

    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3
    _fields = {"trace_level": 0, "timeout_in_ms": 0, "inter_op_thread_pool": 0, "output_partition_graphs": False,
               "report_tensor_allocations_upon_oom": False}


class RunMetadata(_Message):
    """tf.RunMetadata without protobuf: step_stats and partition_graphs (tfsess GraphDef objects)."""

    _fields = {"step_stats": StepStats, "partition_graphs": [object], "function_graphs": [object]}


# ======================================================================================
# Real protos when available
# ======================================================================================

_PROTO_CLASSES: Optional[dict] = None


def _proto_classes() -> dict:
    """{'RunOptions': cls, 'RunMetadata': cls}: tensorboard's compiled protos, else the classes above."""
    global _PROTO_CLASSES
    if _PROTO_CLASSES is None:
        try:
            from tensorboard.compat.proto import config_pb2
            _PROTO_CLASSES = {"RunOptions": config_pb2.RunOptions, "RunMetadata": config_pb2.RunMetadata}
        except ImportError:
            _PROTO_CLASSES = {"RunOptions": RunOptions, "RunMetadata": RunMetadata}
    return _PROTO_CLASSES


def message_class(name: str) -> type:
    """The class `tf.<name>` gives for 'RunOptions' or 'RunMetadata' (TF's protobuf class when installed)."""
    return _proto_classes()[name]


def _is_proto(msg) -> bool:
    return hasattr(msg, "DESCRIPTOR")


def to_proto(msg):
    """A RunMetadata (either kind) as TF's protobuf message (ImportError without tensorboard)."""
    if _is_proto(msg):
        return msg
    from tensorboard.compat.proto import config_pb2
    out = config_pb2.RunMetadata()
    _copy_into(msg.step_stats, out.step_stats)
    for gd in msg.partition_graphs:
        out.partition_graphs.add().CopyFrom(_graph_def_proto(gd))
    return out


def _copy_into(src: _Message, dst) -> None:
    """Copy a plain message's set fields into a protobuf message with the same field names."""
    for name, v in src.ListFields():
        if isinstance(v, dict):
            for k, x in v.items():
                getattr(dst, name)[k] = x
        elif isinstance(v, list):
            for item in v:
                _copy_into(item, getattr(dst, name).add())
        elif isinstance(v, _Message):
            _copy_into(v, getattr(dst, name))
        else:
            setattr(dst, name, v)


# ======================================================================================
# Filling RunMetadata from a RunTrace
# ======================================================================================

_GRAPH_DEF_CONVERTER: Optional[Callable] = None


def register_graph_def_converter(fn: Callable) -> None:
    """Set fn(tfsess GraphDef) -> GraphDef proto, used for protobuf partition_graphs (tfsess.summary sets it)."""
    global _GRAPH_DEF_CONVERTER
    _GRAPH_DEF_CONVERTER = fn


def _graph_def_proto(gd):
    if _GRAPH_DEF_CONVERTER is None:
        raise ImportError("partition_graphs as protobuf need tfsess.summary (the tensorboard package)")
    return _GRAPH_DEF_CONVERTER(gd)


def _label(op) -> str:
    """TF's timeline_label: `name = Type(input, input:1, ^control)`."""
    return "%s = %s(%s)" % (op.name, op.type, ", ".join(op.node_def.input))


def _fill_node_stats(ns, rec) -> None:
    start_ns = int(round(rec.start_us * 1000))
    dur_ns = max(0, int(round((rec.end_us - rec.start_us) * 1000)))
    ns.node_name = rec.name
    ns.timeline_label = _label(rec.op)
    ns.all_start_micros = ns.scheduled_micros = start_ns // 1000
    ns.op_start_rel_micros = 0
    ns.op_end_rel_micros = ns.all_end_rel_micros = (start_ns + dur_ns) // 1000 - start_ns // 1000
    ns.all_start_nanos = ns.scheduled_nanos = start_ns
    ns.op_start_rel_nanos = 0
    ns.op_end_rel_nanos = ns.all_end_rel_nanos = dur_ns
    for slot, (t, info) in enumerate(zip(rec.op.outputs, rec.outputs)):
        if info.shape is None and info.nbytes == 0 and t.dtype.base_dtype.name not in ("resource", "variant"):
            continue  # a dead output of an untaken cond branch
        out = ns.output.add()
        out.slot = slot
        td = out.tensor_description
        td.dtype = datatype_enum(t.dtype)
        if info.shape is None:
            td.shape.unknown_rank = True
        elif not info.shape and hasattr(td.shape, "SetInParent"):
            td.shape.SetInParent()   # a scalar: an empty shape, present (as TF writes it)
        else:
            for n in info.shape:
                td.shape.dim.add(size=int(n))
        td.allocation_description.requested_bytes = info.nbytes
        td.allocation_description.allocator_name = "cpu"


def fill_run_metadata(md: Any, trace, step_stats: bool = True, partition_graphs: bool = False) -> None:
    """Write `trace` (a tracing.RunTrace) into `md` (a tf.RunMetadata of either kind), as TF fills it."""
    if step_stats:
        dev = md.step_stats.dev_stats.add()
        dev.device = DEVICE
        for rec in trace.records:
            _fill_node_stats(dev.node_stats.add(), rec)
    if partition_graphs and trace.plan is not None:
        from ..framework.graph import GraphDef
        gd = GraphDef([op.node_def for op in trace.plan.ops])
        if _is_proto(md):
            md.partition_graphs.add().CopyFrom(_graph_def_proto(gd))
        else:
            md.partition_graphs.append(gd)
