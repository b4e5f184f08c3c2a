"""tf.compat.v1: the TF1 API (identical to the top-level tfsess namespace)."""
import sys as _sys

import tfsess as _tfsess

_self = _sys.modules[__name__]
for _name in dir(_tfsess):
    if not _name.startswith("__") and _name not in ("compat",):
        setattr(_self, _name, getattr(_tfsess, _name))
del _name, _self
