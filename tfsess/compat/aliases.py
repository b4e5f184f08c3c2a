"""`import tensorflow` giving tfsess: a meta-path finder that serves TF1's module paths as aliases of tfsess modules.

Each TF path (`tensorflow.python.framework.ops`, `tensorflow.examples.tutorials.mnist.input_data`, ...) becomes
a small alias module whose attributes are looked up in the tfsess modules listed in `ALIASES`, so they are the
very objects `tf.*` gives. No file named `tensorflow` is put on sys.path; `install_as_tensorflow()` adds the
finder, `python -m tfsess SCRIPT.py` calls it first, and `%load_ext tfsess` only when real TensorFlow is absent.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
from typing import Optional

from ..framework.unimplemented import missing_attribute

__all__ = ["ALIASES", "install_as_tensorflow", "uninstall_tensorflow_alias", "is_installed",
           "real_tensorflow_available", "install_for_notebook"]

_T = "tfsess"
# TF module path -> where its names live: tfsess module names (searched in order), `@name` for an attribute
# of tfsess resolved on use (a module another part of tfsess may add later), or () for a package of paths only.
ALIASES: dict = {
    "tensorflow": (_T,),
    "tensorflow.compat": (_T + ".compat",),
    "tensorflow.compat.v1": (_T + ".compat.v1",),
    "tensorflow.app": (_T + ".app",),
    "tensorflow.flags": (_T + ".flags",),
    "tensorflow.python": (),
    "tensorflow.python.framework": (),
    "tensorflow.python.framework.ops": (_T + ".framework.graph", _T + ".framework.opdef"),
    "tensorflow.python.framework.dtypes": (_T + ".framework.dtypes",),
    "tensorflow.python.framework.constant_op": ({"constant": _T + ".ops.array_ops"},),
    "tensorflow.python.framework.tensor_shape": (_T + ".framework.shapes",),
    "tensorflow.python.framework.errors": (_T + ".framework.errors",),
    "tensorflow.python.framework.errors_impl": (_T + ".framework.errors",),
    "tensorflow.python.framework.random_seed": ({"set_random_seed": _T + ".ops.random_ops",
                                                 "get_seed": _T + ".ops.random_ops",
                                                 "DEFAULT_GRAPH_SEED": _T + ".ops.random_ops"},),
    "tensorflow.python.framework.sparse_tensor": (_T + ".framework.sparse_tensor",),
    "tensorflow.python.framework.test_util": ({"TensorFlowTestCase": _T + ".test:TestCase"},),
    "tensorflow.python.ops": (),
    "tensorflow.python.ops.array_ops": (_T + ".ops.array_ops",),
    "tensorflow.python.ops.math_ops": (_T + ".ops.math_ops",),
    "tensorflow.python.ops.clip_ops": ({"clip_by_value": _T + ".ops.math_ops", "clip_by_norm": "@",
                                        "clip_by_global_norm": "@"},),
    "tensorflow.python.ops.nn_ops": (_T + ".ops.nn_ops", _T + ".ops.nn_conv"),
    "tensorflow.python.ops.nn_impl": (_T + ".ops.nn_impl", _T + ".ops.nn_ops"),
    "tensorflow.python.ops.nn": (_T + ".nn",),
    "tensorflow.python.ops.variables": (_T + ".ops.variables",),
    "tensorflow.python.ops.state_ops": (_T + ".ops.variables",),
    "tensorflow.python.ops.variable_scope": (_T + ".ops.variable_scope",),
    "tensorflow.python.ops.init_ops": (_T + ".ops.init_ops",),
    "tensorflow.python.ops.control_flow_ops": (_T + ".ops.control_flow_ops",),
    "tensorflow.python.ops.check_ops": (_T + ".ops.control_flow_ops",),
    "tensorflow.python.ops.logging_ops": (_T + ".ops.control_flow_ops",),
    "tensorflow.python.ops.random_ops": (_T + ".ops.random_ops",),
    "tensorflow.python.ops.string_ops": (_T + ".ops.string_ops",),
    "tensorflow.python.ops.embedding_ops": (_T + ".ops.nn_impl",),
    "tensorflow.python.ops.gradients": (_T + ".ops.gradients",),
    "tensorflow.python.ops.gradients_impl": (_T + ".ops.gradients",),
    "tensorflow.python.ops.standard_ops": (_T,),
    "tensorflow.python.ops.losses": ("@losses",),
    "tensorflow.python.ops.losses.losses": ("@losses",),
    "tensorflow.python.ops.losses.losses_impl": ("@losses",),
    "tensorflow.python.ops.linalg_ops": (_T + ".ops.linalg_ops",),
    "tensorflow.python.ops.rnn_cell": ("@nn.rnn_cell",),
    "tensorflow.python.ops.rnn_cell_impl": (_T + ".ops.rnn_cell_impl",),
    "tensorflow.python.ops.rnn": (_T + ".ops.rnn",),
    "tensorflow.python.ops.data_flow_ops": (_T + ".ops.data_flow_ops",),
    "tensorflow.python.ops.sparse_ops": (_T + ".ops.sparse_ops", _T + ".sparse"),
    "tensorflow.python.ops.tensor_array_ops": (_T + ".ops.tensor_array_ops",),
    "tensorflow.python.client": (),
    "tensorflow.python.client.session": (_T + ".client.session",),
    "tensorflow.python.client.timeline": (_T + ".client.timeline",),
    "tensorflow.python.training": (),
    "tensorflow.python.training.training": (_T + ".train",),
    "tensorflow.python.training.optimizer": (_T + ".train.optimizer",),
    "tensorflow.python.training.gradient_descent": (_T + ".train.optimizer",),
    "tensorflow.python.training.momentum": (_T + ".train.optimizer",),
    "tensorflow.python.training.adam": (_T + ".train.optimizer",),
    "tensorflow.python.training.adagrad": (_T + ".train.optimizer",),
    "tensorflow.python.training.rmsprop": (_T + ".train.optimizer",),
    "tensorflow.python.training.saver": (_T + ".train.saver",),
    "tensorflow.python.training.training_util": (_T + ".train.training_util",),
    "tensorflow.python.training.learning_rate_decay": (_T + ".train.learning_rate_decay",),
    "tensorflow.python.summary": (),
    "tensorflow.python.summary.summary": (_T + ".summary",),
    "tensorflow.python.layers": (),
    "tensorflow.python.layers.layers": (_T + ".layers",),
    "tensorflow.python.layers.core": (_T + ".layers",),
    "tensorflow.python.layers.convolutional": (_T + ".layers",),
    "tensorflow.python.layers.pooling": (_T + ".layers",),
    "tensorflow.python.layers.normalization": (_T + ".layers",),
    "tensorflow.python.platform": (),
    "tensorflow.python.platform.app": (_T + ".app",),
    "tensorflow.python.platform.flags": (_T + ".flags",),
    "tensorflow.python.platform.test": (_T + ".test",),
    "tensorflow.python.platform.tf_logging": (_T + ".logging",),
    "tensorflow.python.platform.gfile": (_T + ".gfile",),
    "tensorflow.examples": (),
    "tensorflow.examples.tutorials": (),
    "tensorflow.examples.tutorials.mnist": (),
    "tensorflow.examples.tutorials.mnist.input_data": (_T + ".datasets.mnist",),
    "tensorflow.contrib": (_T + ".contrib",),
    "tensorflow.contrib.layers": (_T + ".contrib.layers",),
    "tensorflow.contrib.rnn": (_T + ".contrib.rnn",),
    "tensorflow.contrib.learn": (_T + ".contrib.learn",),
    "tensorflow.contrib.learn.python": (),
    "tensorflow.contrib.learn.python.learn": (_T + ".contrib.learn",),
    "tensorflow.contrib.learn.python.learn.datasets": (_T + ".datasets",),
    "tensorflow.contrib.learn.python.learn.datasets.mnist": (_T + ".datasets.mnist",),
}


def _label(fullname: str) -> str:
    """How TF code spells a module: `tf.nn` for tensorflow.nn, `tf.compat.v1` ..., the full path otherwise."""
    if fullname == "tensorflow":
        return "tf"
    if fullname.startswith("tensorflow.") and not fullname.startswith("tensorflow.python"):
        return "tf." + fullname[len("tensorflow."):]
    return fullname


def _tfsess_attr(path: str):
    """`nn.rnn_cell` resolved on tfsess now (raises the not-implemented AttributeError while it is absent)."""
    obj = importlib.import_module(_T)
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


class _AliasModule(types.ModuleType):
    """A TF module path whose attributes are tfsess's objects (looked up on first use, then cached)."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError("module %r has no attribute %r" % (self.__name__, name))
        fullname = self.__name__ + "." + name
        found, value = _lookup(ALIASES.get(self.__name__, ()), name)
        if not found and fullname in ALIASES:
            value, found = importlib.import_module(fullname), True
        if not found:
            raise missing_attribute(_label(self.__name__), name)
        setattr(self, name, value)
        return value

    def __dir__(self):
        names = set(super().__dir__())
        for target in ALIASES.get(self.__name__, ()):
            if isinstance(target, dict):
                names.update(target)
            elif isinstance(target, str):
                mod = _tfsess_attr(target[1:]) if target.startswith("@") else importlib.import_module(target)
                names.update(n for n in dir(mod) if not n.startswith("_"))
        prefix = self.__name__ + "."
        names.update(k[len(prefix):] for k in ALIASES if k.startswith(prefix) and "." not in k[len(prefix):])
        return sorted(names)


def _lookup(targets, name: str):
    """(True, value) for the first target holding `name`; (False, None) if none does."""
    for target in targets:
        if isinstance(target, dict):
            if name not in target:
                continue
            where = target[name]
            if where == "@":
                return True, _tfsess_attr(name)
            modname, _, attr = where.partition(":")
            return True, getattr(importlib.import_module(modname), attr or name)
        try:
            mod = _tfsess_attr(target[1:]) if target.startswith("@") else importlib.import_module(target)
        except AttributeError:
            continue
        try:
            return True, getattr(mod, name)
        except AttributeError:
            continue
    return False, None


class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        return _AliasModule(spec.name)

    def exec_module(self, module):
        targets = ALIASES[module.__name__]
        doc = ", ".join(t if isinstance(t, str) else "selected names" for t in targets) or "TF module paths"
        module.__doc__ = "%s as tfsess: %s." % (module.__name__, doc)


class TensorflowFinder(importlib.abc.MetaPathFinder):
    """Finds `tensorflow` and the TF1 paths in ALIASES; any other `tensorflow.*` is a clear ModuleNotFoundError."""

    _loader = _Loader()

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow" and not fullname.startswith("tensorflow."):
            return None
        if fullname not in ALIASES:
            raise ModuleNotFoundError("No module named %r: tfsess does not implement the TensorFlow module %s "
                                      "(`tensorflow` is mapped to tfsess)" % (fullname, fullname), name=fullname)
        return importlib.util.spec_from_loader(fullname, self._loader, is_package=True)


_FINDER: Optional[TensorflowFinder] = None


def _is_tfsess(mod) -> bool:
    """True for an alias module or tfsess itself put in sys.modules["tensorflow"] by hand."""
    return isinstance(mod, _AliasModule) or getattr(mod, "__name__", "").split(".")[0] == _T


def is_installed() -> bool:
    """True if `import tensorflow` gives tfsess in this process."""
    return _FINDER is not None and _FINDER in sys.meta_path


def real_tensorflow_available() -> bool:
    """True if a real TensorFlow is importable (or already imported) and tfsess's alias is not installed."""
    mod = sys.modules.get("tensorflow")
    if mod is not None:
        return not _is_tfsess(mod)
    if is_installed():
        return False
    try:
        return importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):
        return False


def install_as_tensorflow() -> None:
    """Make `import tensorflow` (and the TF1 paths in ALIASES) give tfsess in this process.

    Raises ImportError if a real TensorFlow is already imported (its modules cannot be replaced safely).
    """
    global _FINDER
    mod = sys.modules.get("tensorflow")
    if mod is not None and not _is_tfsess(mod):
        raise ImportError("install_as_tensorflow(): a real TensorFlow is already imported in this process "
                          "(%s); tfsess cannot replace it. Call it before anything imports tensorflow."
                          % getattr(mod, "__file__", mod))
    if _FINDER is None:
        _FINDER = TensorflowFinder()
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def uninstall_tensorflow_alias() -> None:
    """Undo install_as_tensorflow(): remove the finder and the alias modules from sys.modules."""
    if _FINDER is not None and _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n, m in sys.modules.items() if isinstance(m, _AliasModule)]:
        del sys.modules[name]


NOTEBOOK_NOTE_ALIASED = "`import tensorflow` gives tfsess (no TensorFlow is installed)."
NOTEBOOK_NOTE_REAL = "`import tensorflow` stays your real TensorFlow."


def install_for_notebook() -> tuple:
    """For `%load_ext tfsess`: alias `tensorflow` only when no real TensorFlow is importable (never shadow one).

    Returns (the sentence for the load message, True if this call installed the alias and unload should undo it).
    """
    if is_installed():
        return NOTEBOOK_NOTE_ALIASED, False
    if real_tensorflow_available():
        return NOTEBOOK_NOTE_REAL, False
    install_as_tensorflow()
    return NOTEBOOK_NOTE_ALIASED, True
