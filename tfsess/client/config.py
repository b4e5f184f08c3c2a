"""tf.ConfigProto, tf.GPUOptions, tf.RunOptions, tf.RunMetadata: accepted for compatibility.

Only `intra_op_parallelism_threads` has an effect: the BLAS threads of the session's runs (client/threads.py).
"""
from __future__ import annotations

__all__ = ["ConfigProto", "GPUOptions", "GraphOptions", "OptimizerOptions", "RunOptions", "RunMetadata"]


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


class RunOptions(_Proto):
    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3
    _defaults = {"trace_level": 0, "timeout_in_ms": 0}


class RunMetadata(_Proto):
    _defaults = {"step_stats": None, "partition_graphs": list}
