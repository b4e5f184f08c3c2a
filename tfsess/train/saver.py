"""tf.train.Saver: save and restore variable values as NumPy .npz checkpoints (data only, never pickle)."""
from __future__ import annotations

import json
import os
import re
import zipfile
import zlib

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework import errors as tf_errors
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


def _data_file(prefix):
    return prefix + ".npz"


def checkpoint_exists(checkpoint_prefix) -> bool:
    """True if a checkpoint was written with this prefix."""
    return os.path.isfile(_data_file(checkpoint_prefix)) or os.path.isfile(checkpoint_prefix + ".index") \
        and os.path.isfile(_data_file(checkpoint_prefix))


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


def _to_storable(arr):
    if arr.dtype == object:
        return np.array([x for x in arr.reshape(-1)], dtype="S").reshape(arr.shape) if arr.size else \
            np.zeros(arr.shape, dtype="S1")
    return arr


class Saver:
    """Saves and restores the values of variables (all global variables by default)."""

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
        values = {}
        for name, var in self._items:
            arr = sess.variable_store.get(var.op)
            if arr is None:
                raise uninitialized_error(var.op)
            values[name] = _to_storable(np.asarray(arr))
        directory = os.path.dirname(save_path)
        if directory and not os.path.isdir(directory):
            try:
                os.makedirs(directory, exist_ok=True)  # as TF 2.x's compat.v1 Saver does
            except OSError as err:
                raise NotFoundError(None, None, "Failed to create a NewWriteableFile: %s.npz : %s"
                                    % (save_path, err.strerror)) from None
        write_atomically(_data_file(save_path), lambda f: np.savez(f, **values))
        index = {n: {"shape": list(v.shape), "dtype": str(v.dtype)} for n, v in values.items()}
        write_atomically(save_path + ".index", lambda f: json.dump(index, f, indent=1), binary=False)
        if write_meta_graph:
            from .meta_graph import export_meta_graph
            export_meta_graph(save_path + "." + meta_graph_suffix, graph=sess.graph, saver=self)
        if save_path in self._last_checkpoints:
            self._last_checkpoints.remove(save_path)
        self._last_checkpoints.append(save_path)
        if self._max_to_keep and len(self._last_checkpoints) > self._max_to_keep:
            old = self._last_checkpoints.pop(0)
            for suffix in (".npz", ".index", "." + meta_graph_suffix):
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
            state = 'model_checkpoint_path: "%s"\n' % shown[-1] + "".join(
                'all_model_checkpoint_paths: "%s"\n' % p for p in shown)
            write_atomically(_state_path(directory, latest_filename), lambda f: f.write(state), binary=False)
        return save_path

    def restore(self, sess, save_path):
        """Load the values saved at `save_path` into the variables (all or nothing)."""
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        if not checkpoint_exists(save_path):
            raise CheckpointNotFoundError(None, None, "The passed save_path is not a valid checkpoint: %s" % save_path)
        if sess._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        new = {}
        path = _data_file(save_path)
        try:
            with zipfile.ZipFile(path) as zf:
                members = {m[:-4]: m for m in zf.namelist() if m.endswith(".npy")}
                for name, var in self._items:
                    if name not in members:
                        raise NotFoundError(None, None, "Key %s not found in checkpoint" % name)
                    new[var.op] = _read_checked(zf, zf.getinfo(members[name]), name, var)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as err:
            raise tf_errors.DataLossError(None, None, "Unable to read checkpoint %s: it is corrupted or truncated "
                                          "(%s: %s)" % (path, type(err).__name__, err)) from None
        sess._set_variables(new)


_MISMATCH = ("Restoring from checkpoint failed. This is most likely due to a mismatch between the current graph "
             "and the graph from the checkpoint. Please ensure that you have not altered the graph expected based "
             "on the checkpoint. Original error:\n\n")
_NPY_HEADER_MAX = 1 << 16   # a .npy header beyond this is not one np.savez wrote


def _read_checked(zf, info, name, var):
    """One variable's saved array, after its dtype, shape and byte count were checked against `var`
    from the .npy header and the zip directory alone (nothing large is inflated before the checks)."""
    fmt = np.lib.format
    with zf.open(info) as fp:
        version = fmt.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(fp)
        else:
            shape, fortran, dtype = fmt.read_array_header_2_0(fp)
        header = fp.tell()
        if dtype.hasobject:
            raise InvalidArgumentError(None, None, "%stensor_name = %s; the checkpoint holds Python objects, which "
                                       "would need pickle to load; refused" % (_MISMATCH, name))
        dt = var.dtype.base_dtype
        if dt.name == "string":
            ok = dtype.kind == "S"
        else:
            ok = dtype == np.dtype(dt.as_numpy_dtype)
        if not ok:
            saved = "string" if dtype.kind in "SU" else _saved_dtype_name(dtype)
            raise InvalidArgumentError(None, None, "%stensor_name = %s; expected dtype %s does not equal original "
                                       "dtype %s" % (_MISMATCH, name, dt.name, saved))
        want = var.shape
        if not want.is_compatible_with(shape):
            raise InvalidArgumentError(None, None, "%sAssign requires shapes of both tensors to match. lhs shape= %s "
                                       "rhs shape= %s" % (_MISMATCH, "[" + ",".join(
                                           "?" if d is None else str(d) for d in want.as_list()) + "]",
                                           "[" + ",".join(str(d) for d in shape) + "]"))
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if header > _NPY_HEADER_MAX or info.file_size != header + nbytes:
            raise tf_errors.DataLossError(None, None, "Checkpoint entry %s holds %d bytes, expected %d for dtype %s "
                                          "and shape %s: the file is corrupted or truncated"
                                          % (name, info.file_size - header, nbytes, dtype, list(shape)))
        data = fp.read(nbytes)
        if len(data) != nbytes:
            raise EOFError("read %d of %d bytes" % (len(data), nbytes))
    arr = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    if dt.name == "string":
        arr = np.array([x for x in arr.reshape(-1)], dtype=object).reshape(arr.shape)
    else:
        arr = arr.copy()
    arr.flags.writeable = False
    return arr


def _saved_dtype_name(dtype):
    try:
        return _dtypes.as_dtype(dtype).name
    except (TypeError, ValueError, KeyError):
        return str(dtype)
