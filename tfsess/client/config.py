"""tf.ConfigProto, tf.GPUOptions: accepted for compatibility; only ConfigProto's intra_op_parallelism_threads has
an effect (the BLAS threads of a session's runs, client/threads.py). tf.RunOptions, tf.RunMetadata (TF's
protobuf classes when tensorboard is installed, loaded on first use) live in run_metadata.py."""
from __future__ import annotations

__all__ = ["ConfigProto", "GPUOptions", "GraphOptions", "OptimizerOptions"]   # + RunOptions, RunMetadata (lazy)


def __getattr__(name):
    """RunOptions / RunMetadata, resolved on first use (protobuf is imported only then)."""
    if name in ("RunOptions", "RunMetadata"):
        from .run_metadata import message_class
        return message_class(name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


class _Proto:
    """A keyword bag standing in for a protobuf message: any field can be set and read."""

    _defaults: dict = {}

    def __init__(self, **fields):
        for k, v in self._defaults.items():
            setattr(self, k, v() if callable(v) else v)
        for k, v in fields.items():
            setattr(self, k, v)

    def CopyFrom(self, other):  # noqa: N802
        self.__dict__.update(other.__dict__)

    def __repr__(self):
        inner = ", ".join("%s=%r" % kv for kv in sorted(self.__dict__.items()))
        return "%s(%s)" % (type(self).__name__, inner)


class GPUOptions(_Proto):
    _defaults = {"allow_growth": False, "per_process_gpu_memory_fraction": 0.0, "visible_device_list": ""}


class OptimizerOptions(_Proto):
    _defaults = {"opt_level": 0, "do_constant_folding": False}


class GraphOptions(_Proto):
    _defaults = {"place_pruned_graph": False, "optimizer_options": OptimizerOptions}


class ConfigProto(_Proto):
    """Session configuration: tfsess runs on the CPU with NumPy; intra_op_parallelism_threads sets BLAS threads."""

    _defaults = {"gpu_options": GPUOptions, "graph_options": GraphOptions, "allow_soft_placement": False,
                 "log_device_placement": False, "intra_op_parallelism_threads": 0,
                 "inter_op_parallelism_threads": 0, "device_count": dict}

