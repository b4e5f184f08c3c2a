"""The loss collections: tf.losses.add_loss, get_losses, get_regularization_loss(es), get_total_loss."""
from __future__ import annotations

from ..framework.graph import GraphKeys, Tensor, add_to_collection, get_collection
from ..ops.array_ops import constant
from ..ops.math_ops import add_n

__all__ = ["add_loss", "get_losses", "get_regularization_losses", "get_regularization_loss", "get_total_loss"]


def add_loss(loss: Tensor, loss_collection=GraphKeys.LOSSES) -> None:
    """Add an externally defined loss to `loss_collection` (nothing when the collection is None or empty)."""
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES) -> list:
    """The losses in `loss_collection` (filtered by `scope`, a name-prefix regex)."""
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None) -> list:
    """The REGULARIZATION_LOSSES collection (what `kernel_regularizer=` and contrib regularizers fill)."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss") -> Tensor:
    """The sum of the regularization losses, or a constant 0.0 when there are none."""
    losses = get_regularization_losses(scope)
    if losses:
        return add_n(losses, name=name)
    return constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None) -> Tensor:
    """The sum of the LOSSES collection and (by default) of the regularization losses."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    return add_n(losses, name=name)
