"""The error for TF1 names tfsess leaves out: an AttributeError (so hasattr() is False) that says so plainly."""
from __future__ import annotations

__all__ = ["TfsessNotImplementedError", "missing_attribute"]


class TfsessNotImplementedError(AttributeError, NotImplementedError):
    """`tf.X` exists in TensorFlow 1.x but not in tfsess (an AttributeError, so `hasattr` and `getattr(m, n, d)` work)."""


def missing_attribute(label: str, name: str) -> AttributeError:
    """The error a namespace module's `__getattr__` raises for `name`; `label` is its TF spelling (`tf.nn`).

    Dunder and private names get a plain AttributeError: they are Python protocol probes, not TF API.
    """
    if name.startswith("_"):
        return AttributeError("module %r has no attribute %r" % (label, name))
    return TfsessNotImplementedError("tfsess does not implement %s.%s (it is not part of tfsess's TF1 subset)"
                                     % (label, name))
