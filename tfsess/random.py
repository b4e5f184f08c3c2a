"""tf.random: random tensors (TF2-style names for the TF1 random ops)."""
from .ops.random_ops import (random_normal as normal, random_uniform as uniform,  # noqa: F401
                         truncated_normal, random_shuffle as shuffle, categorical, multinomial,
                         set_random_seed, get_seed)

set_seed = set_random_seed
__all__ = ["normal", "uniform", "truncated_normal", "shuffle", "categorical", "multinomial",
           "set_random_seed", "set_seed", "get_seed"]
