"""tf.compat.v1: the TF1 API (identical to the top-level tfsess namespace)."""
import sys as _sys

import tfsess as _tfsess

_self = _sys.modules[__name__]
for _name in dir(_tfsess):
    if not _name.startswith("__") and _name not in ("compat",):
        setattr(_self, _name, getattr(_tfsess, _name))
del _name, _self


def __getattr__(name):
    """Names tfsess loads lazily (tf.app, tf.test, tf.contrib, ...) and the not-implemented error, as tfsess."""
    if name.startswith("__"):
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    try:
        return getattr(_tfsess, name)
    except AttributeError:
        from ..framework.unimplemented import missing_attribute
        raise missing_attribute("tf.compat.v1", name) from None
