"""tf.summary.FileWriter: TensorBoard event files (summaries and the graph), with tensorboard's protos."""
from __future__ import annotations

import os
import time

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework import errors
from ..framework.graph import Graph, GraphDef
from ..framework.shapes import TensorShape
from ..client import run_metadata as _run_metadata
from . import _backend
from .event_file import EventFile

__all__ = ["FileWriter", "graph_def_proto"]


def _dtype_enum(pb, dt):
    return pb.types_pb2.DataType.Value("DT_" + dt.base_dtype.c_name.upper())


def _shape_proto(pb, shape):
    dims = shape.dim_sizes if isinstance(shape, TensorShape) else (None if shape is None else tuple(shape))
    if dims is None:
        return pb.tensor_shape_pb2.TensorShapeProto(unknown_rank=True)
    return pb.tensor_shape_pb2.TensorShapeProto(
        dim=[pb.tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else int(d)) for d in dims])


_MAX_TENSOR_BYTES = 1 << 16  # larger constants keep dtype and shape only: the graph view needs no more


def _tensor_proto(pb, arr):
    arr = np.asarray(arr)
    if arr.dtype == object:
        t = pb.tensor_pb2.TensorProto(dtype=pb.types_pb2.DT_STRING, tensor_shape=_shape_proto(pb, arr.shape))
        if arr.size * 16 <= _MAX_TENSOR_BYTES:
            t.string_val.extend(x if isinstance(x, bytes) else str(x).encode() for x in arr.reshape(-1))
        return t
    dt = _dtypes.as_dtype(arr.dtype)
    t = pb.tensor_pb2.TensorProto(dtype=_dtype_enum(pb, dt), tensor_shape=_shape_proto(pb, arr.shape))
    if arr.nbytes <= _MAX_TENSOR_BYTES:
        t.tensor_content = np.ascontiguousarray(arr).tobytes()
    return t


def _attr_value(pb, v):
    """An AttrValue for a tfsess attribute, or None for values with no GraphDef form."""
    av = pb.attr_value_pb2.AttrValue
    if isinstance(v, _dtypes.DType):
        return av(type=_dtype_enum(pb, v))
    if isinstance(v, (bool, np.bool_)):
        return av(b=bool(v))
    if isinstance(v, (int, np.integer)):
        return av(i=int(v))
    if isinstance(v, (float, np.floating)):
        return av(f=float(v))
    if isinstance(v, str):
        return av(s=v.encode("utf-8"))
    if isinstance(v, bytes):
        return av(s=v)
    if isinstance(v, TensorShape):
        return av(shape=_shape_proto(pb, v))
    if isinstance(v, np.ndarray):
        return av(tensor=_tensor_proto(pb, v))
    if isinstance(v, (list, tuple)):
        lv = pb.attr_value_pb2.AttrValue.ListValue()
        if all(isinstance(x, (bool, np.bool_)) for x in v):
            lv.b.extend(bool(x) for x in v)
        elif all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in v):
            lv.i.extend(int(x) for x in v)
        elif all(isinstance(x, (int, float, np.number)) for x in v):
            lv.f.extend(float(x) for x in v)
        elif all(isinstance(x, (str, bytes)) for x in v):
            lv.s.extend(x.encode("utf-8") if isinstance(x, str) else x for x in v)
        elif all(isinstance(x, _dtypes.DType) for x in v):
            lv.type.extend(_dtype_enum(pb, x) for x in v)
        elif all(isinstance(x, TensorShape) for x in v):
            lv.shape.extend(_shape_proto(pb, x) for x in v)
        else:
            return None
        return av(list=lv)
    return None


def _fill_node(pb, nd, node_def):
    """Copy a tfsess NodeDef (name, op, inputs, device, attrs) into the NodeDef proto `nd`."""
    nd.name = node_def.name
    nd.op = node_def.op
    nd.input.extend(node_def.input)
    if node_def.device:
        nd.device = node_def.device
    for k, v in node_def.attr.items():
        a = _attr_value(pb, v)
        if a is not None:
            nd.attr[k].CopyFrom(a)


def graph_def_proto(graph):
    """A tfsess Graph (or its `graph_def`) as a real GraphDef protocol buffer: names, op types, inputs,
    devices, attrs and, from a Graph, the output shapes TensorBoard shows on edges."""
    pb = _backend.load()
    if hasattr(graph, "SerializeToString"):     # a GraphDef proto (as_graph_def()): the same bytes
        return pb.graph_pb2.GraphDef.FromString(graph.SerializeToString())
    gd = pb.graph_pb2.GraphDef()
    gd.versions.producer = 27
    if isinstance(graph, GraphDef):
        for node_def in graph.node:
            _fill_node(pb, gd.node.add(), node_def)
        return gd
    for op in graph.get_operations():
        nd = gd.node.add()
        _fill_node(pb, nd, op.node_def)
        shapes = pb.attr_value_pb2.AttrValue.ListValue()
        shapes.shape.extend(_shape_proto(pb, t.shape) for t in op.outputs)
        nd.attr["_output_shapes"].CopyFrom(pb.attr_value_pb2.AttrValue(list=shapes))
    return gd


class FileWriter:
    """Writes summaries and the graph to an event file in `logdir` that TensorBoard reads (tf.summary.FileWriter).

    Needs the optional `summary` extra (the tensorboard package); without it the constructor raises an
    ImportError naming the extra to install.
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None, filename_suffix=None,
                 session=None):
        if not isinstance(logdir, (str, bytes, os.PathLike)):
            # deliberate difference: TF 1.15 and 2.x's compat.v1 write into a directory named "None"
            raise TypeError("logdir must be a directory path (a str or os.PathLike), got %r" % (logdir,))
        self._pb = _backend.load()
        self._logdir = os.fsdecode(logdir)
        self._max_queue, self._flush_secs, self._suffix = max_queue, flush_secs, filename_suffix or ""
        self._writer = self._open()
        self._closed = False
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _open(self):
        """A new event file in the log directory (created if needed); OS errors become TF's error classes."""
        logdir = self._logdir
        try:
            os.makedirs(logdir, exist_ok=True)
            return EventFile(logdir, self._pb.event_pb2, self._max_queue, self._flush_secs, self._suffix)
        except (FileExistsError, NotADirectoryError):
            bad = logdir
            while bad and not os.path.isfile(bad):      # the path component that is a file, as TF names it
                parent = os.path.dirname(bad)
                if parent == bad:
                    break
                bad = parent
            raise errors.FailedPreconditionError(None, None, "%s is not a directory"
                                                 % (bad if os.path.isfile(bad) else logdir)) from None
        except PermissionError as err:
            raise errors.PermissionDeniedError(None, None, "%s; Permission denied" % (err.filename or logdir)) \
                from None
        except OSError as err:
            raise errors.UnknownError(None, None, "%s: %s" % (err.filename or logdir, err.strerror or err)) \
                from None

    def get_logdir(self) -> str:
        return self._logdir

    def _event(self, step=None, **fields):
        ev = self._pb.event_pb2.Event(wall_time=time.time(), **fields)
        if step is not None:
            ev.step = int(step)
        return ev

    def add_event(self, event):
        """Write an Event protocol buffer as is."""
        if self._closed:
            raise RuntimeError("FileWriter is closed; call reopen() first.")
        self._writer.add_event(event)

    def add_summary(self, summary, global_step=None):
        """Write a summary: the bytes a summary op returned from Session.run, or a Summary proto."""
        if isinstance(summary, (bytes, np.bytes_)):
            s = self._pb.summary_pb2.Summary()
            s.ParseFromString(bytes(summary))
            summary = s
        elif isinstance(summary, np.ndarray) and summary.dtype == object and summary.ndim == 0:
            return self.add_summary(summary[()], global_step)
        if not isinstance(summary, self._pb.summary_pb2.Summary):
            raise TypeError("add_summary expects the bytes of a serialized Summary (from running a summary op) "
                            "or a Summary proto, got %s" % type(summary).__name__)
        self.add_event(self._event(global_step, summary=summary))

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Write the graph so that TensorBoard's Graphs tab shows it."""
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        if graph is None:
            graph = graph_def
        if isinstance(graph, (Graph, GraphDef)):   # GraphDef: `sess.graph_def`, as TF1 tutorials passed
            gd = graph_def_proto(graph)
        elif isinstance(graph, self._pb.graph_pb2.GraphDef):
            gd = graph
        elif type(graph).__name__ == "GraphDef" and hasattr(graph, "SerializeToString"):   # tfsess's own class
            gd = graph_def_proto(graph)
        else:
            raise TypeError("The passed graph must be an instance of `Graph` or the deprecated `GraphDef`")
        self.add_event(self._event(global_step, graph_def=gd.SerializeToString()))

    def add_session_log(self, session_log, global_step=None):
        self.add_event(self._event(global_step, session_log=session_log))

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """Record a RunMetadata (step_stats of a traced run) under `tag`, as TensorBoard's "Session runs" show."""
        data = _run_metadata.to_proto(run_metadata).SerializeToString()
        trm = self._pb.event_pb2.TaggedRunMetadata(tag=tag, run_metadata=data)
        self.add_event(self._event(global_step, tagged_run_metadata=trm))

    def flush(self):
        if not self._closed:
            self._writer.flush()

    def close(self):
        if not self._closed:
            self._writer.close()
            self._closed = True

    def reopen(self):
        """Open a new event file after close() (TensorBoard reads all event files of a logdir)."""
        if self._closed:
            self._writer = self._open()
            self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


_run_metadata.register_graph_def_converter(graph_def_proto)  # protobuf partition_graphs of traced runs
