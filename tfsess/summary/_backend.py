"""Lazy access to the optional TensorBoard library (the `summary` extra): its protos and PNG encoding.

`import tfsess` never imports it; summary kernels and FileWriter call `load()` when they first need it.
"""
from __future__ import annotations

EXTRA_HINT = ("tf.summary writes TensorBoard event files with the optional 'tensorboard' package. Install "
              "tfsess's 'summary' extra: pip install 'tfsess[summary]' (or: pip install tensorboard)")


class MissingSummaryExtraError(ImportError):
    """The `summary` extra (the tensorboard package) is not installed."""


_LOADED = None


def load():
    """The tensorboard modules tfsess uses, as a namespace; MissingSummaryExtraError if not installed."""
    global _LOADED
    if _LOADED is None:
        _LOADED = _import()
    return _LOADED


def _import():
    import sys
    import types
    tf_module = sys.modules.get("tensorflow")
    if tf_module is not None and getattr(tf_module, "__name__", "").split(".")[0] == "tfsess":
        # `tensorflow` is mapped to tfsess: make tensorboard use its own TF stub, not tfsess, for file I/O
        sys.modules.setdefault("tensorboard.compat.notf", types.ModuleType("tensorboard.compat.notf"))
    try:
        from tensorboard.compat.proto import (summary_pb2, event_pb2, graph_pb2, node_def_pb2,  # noqa: F401
                                              attr_value_pb2, tensor_pb2, tensor_shape_pb2, types_pb2,
                                              versions_pb2)
    except ImportError as err:
        raise MissingSummaryExtraError("%s (%s)" % (EXTRA_HINT, err)) from err

    class _NS:
        pass
    ns = _NS()
    ns.summary_pb2, ns.event_pb2, ns.graph_pb2, ns.node_def_pb2 = summary_pb2, event_pb2, graph_pb2, node_def_pb2
    ns.attr_value_pb2, ns.tensor_pb2, ns.tensor_shape_pb2 = attr_value_pb2, tensor_pb2, tensor_shape_pb2
    ns.types_pb2, ns.versions_pb2 = types_pb2, versions_pb2
    return ns


def encode_png(image):
    """PNG bytes of a uint8 HxWxC image (C = 1, 3 or 4), with Pillow (a dependency of tensorboard)."""
    try:
        from PIL import Image
    except ImportError as err:
        raise MissingSummaryExtraError("%s (%s)" % (EXTRA_HINT, err)) from err
    import io
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[image.shape[2]]
    img = Image.fromarray(image[:, :, 0] if mode == "L" else image, mode)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
