"""tf.train.Saver: save and restore variables in TensorFlow's V2 checkpoint format (`.index` + `.data-*` files).

The format code is tfsess/framework/tensor_bundle.py: data only, never pickle, sizes and checksums checked."""
from __future__ import annotations

import codecs
import os
import re

import numpy as np

from ..framework import tensor_bundle
from ..framework.errors import InvalidArgumentError, NotFoundError
from ..framework.graph import GraphKeys, get_default_graph
from ..framework.runtime import uninitialized_error
from ..ops.variables import Variable
from .atomic_file import write_atomically

__all__ = ["Saver", "latest_checkpoint", "get_checkpoint_state", "checkpoint_exists", "CheckpointState"]


class CheckpointNotFoundError(NotFoundError, ValueError):
    """Raised by restore() for a path that is not a checkpoint (a ValueError in TF, a NotFoundError here too)."""


class CheckpointState:
    """The content of a `checkpoint` state file."""

    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self):
        return "model_checkpoint_path: %r\nall_model_checkpoint_paths: %r" % (
            self.model_checkpoint_path, self.all_model_checkpoint_paths)


def checkpoint_exists(checkpoint_prefix) -> bool:
    """True if a V2 checkpoint was written with this prefix (its `.index` file exists), as TF checks."""
    return isinstance(checkpoint_prefix, (str, os.PathLike)) and os.path.isfile(os.fspath(checkpoint_prefix)
                                                                                 + ".index")


def _state_path(directory, latest_filename=None):
    return os.path.join(directory, latest_filename or "checkpoint")


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """Parse the `checkpoint` file of a directory; None if there is none."""
    path = _state_path(checkpoint_dir, latest_filename)
    if not os.path.isfile(path):
        return None
    model, allp = None, []
    with open(path) as f:
        for line in f:
            m = re.match(r'\s*(\w+)\s*:\s*"(.*)"\s*$', line)
            if not m:
                continue
            key, val = m.groups()
            val = codecs.escape_decode(val.encode("utf-8"))[0].decode("utf-8", "replace")   # TF's C escapes
            if not os.path.isabs(val):
                val = os.path.join(checkpoint_dir, val)
            if key == "model_checkpoint_path":
                model = val
            elif key == "all_model_checkpoint_paths":
                allp.append(val)
    if model is None:
        return None
    return CheckpointState(model, allp)


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in `checkpoint_dir`, or None."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and checkpoint_exists(state.model_checkpoint_path):
        return state.model_checkpoint_path
    return None


class Saver:
    """Saves and restores the values of variables (all global variables by default) in TF's V2 format."""

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False, saver_def=None,
                 builder=None, defer_build=False, allow_empty=False, write_version=2, pad_step_number=False,
                 save_relative_paths=False, filename=None):
        if var_list is None:
            g = get_default_graph()
            var_list = g.get_collection(GraphKeys.GLOBAL_VARIABLES) + g.get_collection(GraphKeys.SAVEABLE_OBJECTS)
        self._var_list = var_list     # as TF: what was passed, or the default list (programs print it)
        if isinstance(var_list, dict):
            items = list(var_list.items())
        else:
            items = []
            for v in var_list:
                if not isinstance(v, Variable):
                    raise TypeError("Variable to save is not a Variable: %s" % (v,))
                items.append((v.op.name, v))
        names = [n for n, _ in items]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError("At least two variables have the same name: %s" % ", ".join(sorted(dup)))
        if not items and not allow_empty:
            raise ValueError("No variables to save")
        self._items = items
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._last_checkpoints = []
        self._pad = pad_step_number
        self._relative = save_relative_paths
        self._graph = items[0][1].graph if items else get_default_graph()

    @property
    def last_checkpoints(self) -> list:
        return list(self._last_checkpoints)

    def set_last_checkpoints(self, last_checkpoints):
        self._last_checkpoints = list(last_checkpoints)

    def recover_last_checkpoints(self, checkpoint_paths):
        self._last_checkpoints = [p for p in checkpoint_paths if checkpoint_exists(p)]

    def save(self, sess, save_path, global_step=None, latest_filename=None, meta_graph_suffix="meta",
             write_meta_graph=True, write_state=True, strip_default_attrs=False, save_debug_info=False):
        """Write the variables' current values; returns the checkpoint prefix (with `-step` if given)."""
        if global_step is not None:
            if not isinstance(global_step, (int, np.integer)):
                global_step = int(sess.run(global_step))
            save_path = ("%s-%08d" if self._pad else "%s-%d") % (save_path, global_step)
        if sess._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        tensors = {}
        for name, var in self._items:
            arr = sess.variable_store.get(var.op)
            if arr is None:
                raise uninitialized_error(var.op)
            tensors[name] = (np.asarray(arr), var.dtype.base_dtype)
        directory = os.path.dirname(save_path)
        if directory and not os.path.isdir(directory):
            try:
                os.makedirs(directory, exist_ok=True)  # as TF 2.x's compat.v1 Saver does
            except OSError as err:
                raise NotFoundError(None, None, "Failed to create a NewWriteableFile: %s : %s"
                                    % (tensor_bundle.data_filename(save_path), err.strerror)) from None
        tensor_bundle.write_bundle(save_path, tensors, write_atomically)
        if write_meta_graph:
            from .meta_graph import export_meta_graph
            export_meta_graph(save_path + "." + meta_graph_suffix, graph=sess.graph, saver=self,
                              strip_default_attrs=strip_default_attrs)
        if save_path in self._last_checkpoints:
            self._last_checkpoints.remove(save_path)
        self._last_checkpoints.append(save_path)
        if self._max_to_keep and len(self._last_checkpoints) > self._max_to_keep:
            old = self._last_checkpoints.pop(0)
            for suffix in (".index", "." + meta_graph_suffix, ".data-00000-of-00001"):
                try:
                    os.remove(old + suffix)
                except OSError:
                    pass
        if write_state:
            directory = directory or "."
            # TF stores paths relative to the directory when asked to, or when the directory itself is relative
            relative = self._relative or not os.path.isabs(directory)
            shown = [os.path.relpath(p, directory) if relative and not os.path.isabs(p) or self._relative else p
                     for p in self._last_checkpoints]
            state = 'model_checkpoint_path: %s\n' % _quote(shown[-1]) + "".join(
                'all_model_checkpoint_paths: %s\n' % _quote(p) for p in shown)
            write_atomically(_state_path(directory, latest_filename), lambda f: f.write(state), binary=False)
        return save_path

    def restore(self, sess, save_path):
        """Load the values saved at `save_path` into the variables (all or nothing: every tensor is read
        and checked, dtype, shape, size and checksum, before any variable changes)."""
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        if not checkpoint_exists(save_path):
            raise CheckpointNotFoundError(None, None, "The passed save_path is not a valid checkpoint: %s" % save_path)
        if sess._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        reader = tensor_bundle.BundleReader(os.fspath(save_path))
        new = {}
        for name, var in self._items:
            entry = reader.entries.get(name)
            if entry is None:
                raise NotFoundError(None, None, "%sKey %s not found in checkpoint" % (_MISSING, name))
            _check_entry(reader, name, var)
            try:
                new[var.op] = reader.tensor(name)
            except NotFoundError as err:
                raise NotFoundError(None, None, _MISSING + err.message) from None
        sess._set_variables(new)


def _quote(path: str) -> str:
    from ..framework.text_format import _escape
    return _escape(path)


_MISMATCH = ("Restoring from checkpoint failed. This is most likely due to a mismatch between the current graph "
             "and the graph from the checkpoint. Please ensure that you have not altered the graph expected based "
             "on the checkpoint. Original error:\n\n")
_MISSING = ("Restoring from checkpoint failed. This is most likely due to a Variable name or other graph key that "
            "is missing from the checkpoint. Please ensure that you have not altered the graph expected based on "
            "the checkpoint. Original error:\n\n")


def _check_entry(reader, name, var):
    """The saved dtype and shape of `name` match `var` (from the index alone, before any data is read)."""
    entry = reader.entries[name]
    saved = reader.dtype_name(name)
    dt = var.dtype.base_dtype
    if saved != dt.name:
        raise InvalidArgumentError(None, None, "%stensor_name = %s; expected dtype %s does not equal original "
                                   "dtype %s" % (_MISMATCH, name, dt.name, saved))
    if not var.shape.is_compatible_with(entry.shape):
        raise InvalidArgumentError(None, None, "%sAssign requires shapes of both tensors to match. lhs shape= %s "
                                   "rhs shape= %s" % (_MISMATCH, "[" + ",".join(
                                       "?" if d is None else str(d) for d in var.shape.as_list()) + "]",
                                       "[" + ",".join(str(d) for d in entry.shape) + "]"))
