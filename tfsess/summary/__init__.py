"""tf.summary: summary ops (scalar, histogram, image, merge, merge_all) and FileWriter for TensorBoard.

Summary ops build without optional packages; running them and FileWriter need the `summary` extra
(`pip install 'tfsess[summary]'`, which installs tensorboard), imported only when first used.
"""
from .summary_ops import scalar, histogram, image, merge, merge_all  # noqa: F401
from .writer import FileWriter  # noqa: F401
from ._backend import MissingSummaryExtraError  # noqa: F401

__all__ = ["scalar", "histogram", "image", "merge", "merge_all", "FileWriter", "MissingSummaryExtraError",
           "Summary", "Event"]


def __getattr__(name):
    """tf.summary.Summary / tf.summary.Event: the protobuf classes (needs the `summary` extra)."""
    if name == "Summary":
        from ._backend import load
        return load().summary_pb2.Summary
    if name == "Event":
        from ._backend import load
        return load().event_pb2.Event
    raise AttributeError("module 'tfsess.summary' has no attribute %r" % name)
