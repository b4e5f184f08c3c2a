"""tf.nn: neural-network ops."""
from .ops.nn_ops import *  # noqa: F401,F403
from .ops.nn_ops import __all__ as _nn_all
from .ops.math_ops import sigmoid, tanh  # noqa: F401
from .ops.array_ops import stop_gradient  # noqa: F401
from .ops.nn_conv import *  # noqa: F401,F403
from .ops.nn_conv import __all__ as _conv_all
from .ops.nn_impl import *  # noqa: F401,F403
from .ops.nn_impl import __all__ as _impl_all

from .ops.rnn import dynamic_rnn, static_rnn, bidirectional_dynamic_rnn, static_bidirectional_rnn  # noqa: F401
from . import rnn_cell  # noqa: F401
from .ops.sparse_ops import embedding_lookup_sparse  # noqa: F401

__all__ = list(_nn_all) + list(_conv_all) + list(_impl_all) + ["dynamic_rnn", "static_rnn", "bidirectional_dynamic_rnn",
                                                              "static_bidirectional_rnn", "rnn_cell",
                                                              "embedding_lookup_sparse"]


def __getattr__(name):
    from .framework.unimplemented import missing_attribute
    raise missing_attribute("tf.nn", name)
