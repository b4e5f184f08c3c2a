"""`%graph --file PATH`: TensorFlow's graph files (.meta, .pb, .pbtxt) loaded into a fresh Graph for the view.

The user's default graph and session are never touched: the file's ops go into a new tfsess Graph.
"""
from __future__ import annotations

import os

from IPython.core.error import UsageError

__all__ = ["load_graph_file"]

_MAX_BYTES = 1 << 30


def _graph_def(pb, data: bytes, path: str, text_first: bool):
    gd = pb.GraphDef()
    tries = ("text", "binary") if text_first else ("binary", "text")
    for kind in tries:
        try:
            if kind == "binary":
                gd.ParseFromString(data)
            else:
                pb.text_format.Parse(data.decode("utf-8"), gd, descriptor_pool=pb.pool)
            return gd
        except Exception:        # DecodeError, text ParseError, UnicodeDecodeError
            gd.Clear()
    raise UsageError("%s is neither a binary nor a text GraphDef" % path)


def load_graph_file(path: str):
    """A new Graph holding the graph of a `.meta` (MetaGraphDef) or `.pb`/`.pbtxt` (GraphDef) file."""
    from ..framework import protos
    from ..framework.graph import Graph
    from ..framework.importer import import_graph_def
    from ..train.meta_graph import import_meta_graph, parse_meta_graph
    path = os.path.expanduser(os.fspath(path))
    if not os.path.isfile(path):
        raise UsageError("--file %s: no such file" % path)
    if os.path.getsize(path) > _MAX_BYTES:
        raise UsageError("--file %s: larger than 1 GiB, not a graph file" % path)
    with open(path, "rb") as f:
        data = f.read()
    pb = protos.load()
    graph = Graph()
    with graph.as_default():
        try:
            if path.endswith(".meta"):
                import_meta_graph(parse_meta_graph(pb, data, path))
            else:
                import_graph_def(_graph_def(pb, data, path, path.endswith((".pbtxt", ".txt"))), name="")
        except (ValueError, TypeError) as err:
            raise UsageError("--file %s: %s" % (path, err)) from None
    return graph
