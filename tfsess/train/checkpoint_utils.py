"""Reading checkpoints without a graph: tf.train.NewCheckpointReader, load_checkpoint, list_variables,
load_variable (TF's checkpoint_utils), over the V2 format reader of tfsess/framework/tensor_bundle.py."""
from __future__ import annotations

import os

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.tensor_bundle import BundleReader

__all__ = ["CheckpointReader", "NewCheckpointReader", "load_checkpoint", "list_variables", "load_variable"]


class CheckpointReader:
    """The tensors of one checkpoint by name (what TF's py_checkpoint_reader gives)."""

    def __init__(self, prefix):
        self._bundle = BundleReader(os.fspath(prefix))

    def get_variable_to_shape_map(self) -> dict:
        return {k: list(e.shape) for k, e in self._bundle.entries.items()}

    def get_variable_to_dtype_map(self) -> dict:
        return {k: _dtypes.as_dtype(self._bundle.dtype_name(k)) for k in self._bundle.entries}

    def has_tensor(self, name: str) -> bool:
        return name in self._bundle.entries

    def get_tensor(self, name: str):
        """The saved value (a fresh writeable array; a NumPy scalar for a scalar, as TF returns)."""
        value = self._bundle.tensor(name).copy()
        return value[()] if value.ndim == 0 else value

    def debug_string(self) -> bytes:
        return self._bundle.debug_string().encode("utf-8")


def NewCheckpointReader(filepattern) -> CheckpointReader:  # noqa: N802  (TF's name)
    """A reader of the checkpoint with prefix `filepattern` (NotFoundError if there is none)."""
    return CheckpointReader(filepattern)


def _prefix(ckpt_dir_or_file) -> str:
    from .saver import latest_checkpoint
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError("Couldn't find 'checkpoint' file or checkpoints in given directory %s" % path)
        return latest
    return path


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """A reader of the checkpoint at a prefix, or of the latest one in a directory."""
    return CheckpointReader(_prefix(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file) -> list:
    """(name, shape) of every saved tensor, sorted by name."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]


def load_variable(ckpt_dir_or_file, name: str) -> np.ndarray:
    """One saved tensor's value (`name` may end in ':0')."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)
