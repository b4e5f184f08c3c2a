"""tf.losses: TF 1.15's loss functions with weights, reductions and the LOSSES collection."""
from .losses_impl import (Reduction, compute_weighted_loss, absolute_difference, cosine_distance,  # noqa: F401
                          hinge_loss, huber_loss, log_loss, mean_pairwise_squared_error, mean_squared_error,
                          sigmoid_cross_entropy, softmax_cross_entropy, sparse_softmax_cross_entropy)
from .util import (add_loss, get_losses, get_regularization_losses, get_regularization_loss,  # noqa: F401
                   get_total_loss)

__all__ = ["Reduction", "compute_weighted_loss", "absolute_difference", "cosine_distance", "hinge_loss",
           "huber_loss", "log_loss", "mean_pairwise_squared_error", "mean_squared_error", "sigmoid_cross_entropy",
           "softmax_cross_entropy", "sparse_softmax_cross_entropy", "add_loss", "get_losses",
           "get_regularization_losses", "get_regularization_loss", "get_total_loss"]


def __getattr__(name):
    from ..framework.unimplemented import missing_attribute
    raise missing_attribute("tf.losses", name)
