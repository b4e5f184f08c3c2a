"""tf.initializers: variable initializers."""
from .ops.init_ops import (zeros_initializer as zeros, ones_initializer as ones,  # noqa: F401
                       constant_initializer as constant, random_uniform_initializer as random_uniform,
                       random_normal_initializer as random_normal,
                       truncated_normal_initializer as truncated_normal,
                       variance_scaling_initializer as variance_scaling,
                       glorot_uniform_initializer as glorot_uniform, glorot_normal_initializer as glorot_normal,
                       orthogonal_initializer as orthogonal, identity_initializer as identity,
                       he_normal, he_uniform, lecun_normal, lecun_uniform)
from .ops.variables import global_variables_initializer as global_variables  # noqa: F401
from .ops.variables import local_variables_initializer as local_variables  # noqa: F401
from .ops.variables import variables_initializer as variables  # noqa: F401
