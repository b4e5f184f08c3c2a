"""tf.train: optimizers, the global step, learning-rate schedules and checkpoints."""
from .optimizer import (Optimizer, GradientDescentOptimizer, MomentumOptimizer, AdamOptimizer,  # noqa: F401
                        AdagradOptimizer, RMSPropOptimizer)
from .training_util import get_global_step, get_or_create_global_step, create_global_step, global_step  # noqa: F401
from .learning_rate_decay import (exponential_decay, natural_exp_decay, inverse_time_decay,  # noqa: F401
                                  polynomial_decay, piecewise_constant)
from .saver import Saver, latest_checkpoint, get_checkpoint_state, checkpoint_exists, CheckpointState  # noqa: F401
from .meta_graph import export_meta_graph, import_meta_graph  # noqa: F401
