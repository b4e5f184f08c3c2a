"""tf.debugging: assertions and numeric checks."""
from .ops.control_flow_ops import (Assert, assert_equal, assert_less, assert_greater,  # noqa: F401
                               assert_non_negative, assert_positive, check_numerics)
from .ops.math_ops import is_nan, is_inf, is_finite  # noqa: F401
