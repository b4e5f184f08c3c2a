"""tf.contrib.rnn: TF1's aliases of the rnn cells and static rnn functions."""
from ..ops.rnn_cell_impl import (RNNCell, BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell,  # noqa: F401
                                 DropoutWrapper, ResidualWrapper, LSTMStateTuple)
from ..ops.rnn import static_rnn, static_bidirectional_rnn  # noqa: F401

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell", "DropoutWrapper",
           "ResidualWrapper", "LSTMStateTuple", "static_rnn", "static_bidirectional_rnn"]


def __getattr__(name):
    from ..framework.unimplemented import missing_attribute
    raise missing_attribute("tf.contrib.rnn", name)
