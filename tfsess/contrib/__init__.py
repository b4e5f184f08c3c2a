"""tf.contrib: the small part TF1 courses use (layers, rnn aliases, learn.datasets MNIST); the rest says so.

The submodules load on first use, so `import tfsess` stays light.
"""
from __future__ import annotations

import importlib

_SUBMODULES = ("layers", "rnn", "learn")


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(__name__ + "." + name)
    from ..framework.unimplemented import missing_attribute
    raise missing_attribute("tf.contrib", name)


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
