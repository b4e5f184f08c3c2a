"""tf.train: optimizers, the global step, learning-rate schedules, checkpoints and queue-based input."""
from .optimizer import (Optimizer, GradientDescentOptimizer, MomentumOptimizer, AdamOptimizer,  # noqa: F401
                        AdagradOptimizer, RMSPropOptimizer)
from .training_util import get_global_step, get_or_create_global_step, create_global_step, global_step  # noqa: F401
from .learning_rate_decay import (exponential_decay, natural_exp_decay, inverse_time_decay,  # noqa: F401
                                  polynomial_decay, piecewise_constant)
from .saver import Saver, latest_checkpoint, get_checkpoint_state, checkpoint_exists, CheckpointState  # noqa: F401
from .meta_graph import export_meta_graph, import_meta_graph, write_graph  # noqa: F401
from .checkpoint_utils import (NewCheckpointReader, load_checkpoint, list_variables, load_variable,  # noqa: F401
                               CheckpointReader)
from .coordinator import Coordinator, LooperThread  # noqa: F401
from .queue_runner import QueueRunner, add_queue_runner, start_queue_runners  # noqa: F401
from .input import (limit_epochs, input_producer, string_input_producer, range_input_producer,  # noqa: F401
                    slice_input_producer, batch, shuffle_batch)


def __getattr__(name):
    from ..framework.unimplemented import missing_attribute
    raise missing_attribute("tf.train", name)
