"""tf.nn.rnn_cell: the recurrent cells (re-exports of tfsess.ops.rnn_cell_impl)."""
from .ops.rnn_cell_impl import (RNNCell, BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell,  # noqa: F401
                                DropoutWrapper, ResidualWrapper, LSTMStateTuple)

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell", "DropoutWrapper",
           "ResidualWrapper", "LSTMStateTuple"]
