"""tf.contrib.rnn: TF1's aliases of the rnn cells and static/dynamic rnn functions."""
from ..rnn_cell import *  # noqa: F401,F403
from ..rnn_cell import __all__ as _cells
from ..ops.rnn import static_rnn, static_bidirectional_rnn  # noqa: F401

__all__ = list(_cells) + ["static_rnn", "static_bidirectional_rnn"]
