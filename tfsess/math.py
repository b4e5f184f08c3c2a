"""tf.math: the math ops under their TF2-style names."""
from .ops.math_ops import *  # noqa: F401,F403
from .ops.math_ops import __all__ as _all, floormod as floormod, reduce_logsumexp as reduce_logsumexp  # noqa: F401
from .ops.nn_ops import softplus, log_softmax, softmax  # noqa: F401
from .ops.math_ops import log_sigmoid  # noqa: F401
from .ops.math_ops import is_nan, is_inf, is_finite  # noqa: F401

from .ops.math_ops import div_no_nan as divide_no_nan  # noqa: E402,F401  (the DivNoNan op)
__all__ = list(_all) + ["softplus", "log_softmax", "softmax", "divide_no_nan"]
