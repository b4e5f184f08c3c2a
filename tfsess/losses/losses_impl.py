"""tf.losses (TF 1.15): the standard losses, each a per-element loss handed to `compute_weighted_loss`,
which weights it, reduces it as `reduction` says and adds the result to the LOSSES collection.

Scopes and op names follow TF (`mean_squared_error/value` is the default-reduction result), so graphs and
collection contents read as in TF. Error texts are TF 1.15's.
"""
from __future__ import annotations

from ..framework import dtypes as _dtypes
from ..framework.graph import GraphKeys, Tensor, control_dependencies, convert_to_tensor, name_scope
from ..ops import array_ops as _a
from ..ops import math_ops as _m
from ..ops import nn_ops as _nn
from ..ops.control_flow_ops import cond
from . import util
from .weights_broadcast import assert_broadcastable, broadcast_weights

__all__ = ["Reduction", "compute_weighted_loss", "absolute_difference", "cosine_distance", "hinge_loss",
           "huber_loss", "log_loss", "mean_pairwise_squared_error", "mean_squared_error", "sigmoid_cross_entropy",
           "softmax_cross_entropy", "sparse_softmax_cross_entropy"]


class Reduction:
    """How a weighted loss is reduced (tf.losses.Reduction); the default is SUM_BY_NONZERO_WEIGHTS."""

    NONE = "none"
    SUM = "weighted_sum"
    MEAN = "weighted_mean"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_OVER_NONZERO_WEIGHTS,
                cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError("Invalid Reduction Key %s." % key)


def _safe_mean(losses: Tensor, num_present) -> Tensor:
    """sum(losses) / num_present, 0 when num_present is 0 (the `value` op of every reduced loss)."""
    total_loss = _m.reduce_sum(losses)
    return _m.div_no_nan(total_loss, num_present, name="value")


def _num_elements(losses: Tensor) -> Tensor:
    with name_scope(None, "num_elements", values=[losses]) as scope:
        return _m.cast(_a.size(losses, name=scope), dtype=losses.dtype)


def _num_present(losses: Tensor, weights, per_batch: bool = False) -> Tensor:
    """The number of elements of `losses` whose (broadcast) weight is non-zero (per batch row: keepdims)."""
    if isinstance(weights, float) and weights != 0.0:
        return _num_elements(losses)
    with name_scope(None, "num_present", (losses, weights)) as scope:
        weights = _m.cast(weights, dtype=_dtypes.float32)
        present = _a.where(_m.equal(weights, 0.0), _a.zeros_like(weights), _a.ones_like(weights))
        present = broadcast_weights(present, losses)
        if per_batch:
            return _m.reduce_sum(present, axis=_m.range(1, _a.rank(present)), keepdims=True, name=scope)
        return _m.reduce_sum(present, name=scope)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """losses * weights, reduced by `reduction`, in losses' dtype; added to `loss_collection`.

    `weights` is a scalar or has losses' rank with each dimension 1 or equal to the losses' one.
    """
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", (losses, weights)):
        with control_dependencies((assert_broadcastable(weights, losses),)):
            losses = convert_to_tensor(losses)
            input_dtype = losses.dtype
            losses = _m.cast(losses, dtype=_dtypes.float32)
            weights = _m.cast(weights, dtype=_dtypes.float32)
            weighted_losses = _m.multiply(losses, weights)
            if reduction == Reduction.NONE:
                loss = weighted_losses
            else:
                loss = _m.reduce_sum(weighted_losses)
                if reduction == Reduction.MEAN:
                    loss = _safe_mean(loss, _m.reduce_sum(_a.ones_like(losses) * weights))
                elif reduction in (Reduction.SUM_BY_NONZERO_WEIGHTS, Reduction.SUM_OVER_NONZERO_WEIGHTS):
                    loss = _safe_mean(loss, _num_present(losses, weights))
                elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                    loss = _safe_mean(loss, _num_elements(losses))
            loss = _m.cast(loss, input_dtype)
            util.add_loss(loss, loss_collection)
            return loss


def _require(value, what: str) -> None:
    if value is None:
        raise ValueError("%s must not be None." % what)


def _float_pair(predictions, labels):
    """Both cast to float32, shapes checked compatible (the start of every regression loss)."""
    predictions = _m.cast(predictions, dtype=_dtypes.float32)
    labels = _m.cast(labels, dtype=_dtypes.float32)
    predictions.get_shape().assert_is_compatible_with(labels.get_shape())
    return predictions, labels


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """|predictions - labels|, weighted and reduced."""
    _require(labels, "labels")
    _require(predictions, "predictions")
    with name_scope(scope, "absolute_difference", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        losses = _m.abs(_m.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None) -> Tensor:
    """1 - sum(predictions * labels, axis) for unit-normalized inputs (`dim` is the old name of `axis`)."""
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'dim' and 'axis'")
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    _require(labels, "labels")
    _require(predictions, "predictions")
    with name_scope(scope, "cosine_distance_loss", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        radial_diffs = _m.multiply(predictions, labels)
        losses = 1 - _m.reduce_sum(radial_diffs, axis=(axis,), keepdims=True)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """max(0, 1 - y * logits) with labels {0, 1} mapped to y in {-1, 1}."""
    _require(labels, "labels")
    _require(logits, "logits")
    with name_scope(scope, "hinge_loss", (logits, labels, weights)) as scope:
        logits, labels = _float_pair(logits, labels)
        all_ones = _a.ones_like(labels)
        labels = _m.subtract(2 * labels, all_ones)
        losses = _nn.relu(_m.subtract(all_ones, _m.multiply(labels, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """0.5 x^2 for |x| <= delta, else 0.5 delta^2 + delta (|x| - delta), with x = predictions - labels."""
    _require(labels, "labels")
    _require(predictions, "predictions")
    with name_scope(scope, "huber_loss", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        error = _m.subtract(predictions, labels)
        abs_error = _m.abs(error)
        quadratic = _m.minimum(abs_error, delta)
        linear = _m.subtract(abs_error, quadratic)
        losses = _m.add(_m.multiply(convert_to_tensor(0.5, dtype=quadratic.dtype), _m.multiply(quadratic, quadratic)),
                        _m.multiply(delta, linear))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection=GraphKeys.LOSSES,
             reduction=Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """-y log(p + eps) - (1 - y) log(1 - p + eps)."""
    _require(labels, "labels")
    _require(predictions, "predictions")
    with name_scope(scope, "log_loss", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        losses = -_m.multiply(labels, _m.log(predictions + epsilon)) - _m.multiply(
            1 - labels, _m.log(1 - predictions + epsilon))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=GraphKeys.LOSSES) -> Tensor:
    """Mean of the squared differences between pairs of (prediction - label) within each batch row."""
    _require(labels, "labels")
    _require(predictions, "predictions")
    with name_scope(scope, "mean_pairwise_squared_error", (predictions, labels, weights)) as scope:
        weights = _m.cast(weights, dtype=_dtypes.float32)
        labels = _m.cast(labels, dtype=_dtypes.float32)
        with control_dependencies((assert_broadcastable(weights, labels),)):
            predictions = _m.cast(predictions, dtype=_dtypes.float32)
            predictions.get_shape().assert_is_compatible_with(labels.get_shape())
            diffs = _m.subtract(predictions, labels)
            axis = _m.range(1, _a.rank(diffs))
            sum_squares_diff_per_batch = _m.reduce_sum(_m.square(diffs), axis=axis, keepdims=True)
            num_present_per_batch = _num_present(diffs, weights, per_batch=True)
            term1 = 2.0 * _m.div_no_nan(sum_squares_diff_per_batch, _m.maximum(num_present_per_batch - 1, 0),
                                        name="value")
            sum_diff = _m.reduce_sum(diffs, axis=axis, keepdims=True)
            term2 = 2.0 * _m.div_no_nan(_m.square(sum_diff), _m.maximum(
                _m.multiply(num_present_per_batch, num_present_per_batch - 1), 0), name="value")
            weighted_losses = _m.multiply(term1 - term2, weights)
            loss = _m.reduce_sum(weighted_losses)
            mean_loss = _a.where(_m.reduce_sum(num_present_per_batch) > 0, loss, _a.zeros_like(loss), name="value")
            util.add_loss(mean_loss, loss_collection)
            return mean_loss


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """(predictions - labels)^2, weighted and reduced."""
    _require(labels, "labels")
    _require(predictions, "predictions")
    with name_scope(scope, "mean_squared_error", (predictions, labels, weights)) as scope:
        predictions, labels = _float_pair(predictions, labels)
        losses = _m.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """tf.nn.sigmoid_cross_entropy_with_logits, labels smoothed towards 1/2 by `label_smoothing`."""
    _require(multi_class_labels, "multi_class_labels")
    _require(logits, "logits")
    with name_scope(scope, "sigmoid_cross_entropy_loss", (logits, multi_class_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        multi_class_labels = _m.cast(multi_class_labels, logits.dtype)
        logits.get_shape().assert_is_compatible_with(multi_class_labels.get_shape())
        if label_smoothing > 0:
            multi_class_labels = multi_class_labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = _nn.sigmoid_cross_entropy_with_logits(labels=multi_class_labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """tf.nn.softmax_cross_entropy_with_logits_v2 per row, labels smoothed towards 1/num_classes."""
    _require(onehot_labels, "onehot_labels")
    _require(logits, "logits")
    with name_scope(scope, "softmax_cross_entropy_loss", (logits, onehot_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        onehot_labels = _m.cast(onehot_labels, logits.dtype)
        logits.get_shape().assert_is_compatible_with(onehot_labels.get_shape())
        if label_smoothing > 0:
            num_classes = _m.cast(_a.shape(onehot_labels)[-1], logits.dtype)
            smooth_positives = 1.0 - label_smoothing
            smooth_negatives = label_smoothing / num_classes
            onehot_labels = onehot_labels * smooth_positives + smooth_negatives
        onehot_labels = _a.stop_gradient(onehot_labels, name="labels_stop_gradient")
        losses = _nn.softmax_cross_entropy_with_logits_v2(labels=onehot_labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def _remove_squeezable_dimensions(labels, predictions, weights, expected_rank_diff=0):
    """Squeeze a trailing size-1 axis of labels/predictions (rank off by one from expected), and of weights."""
    with name_scope(None, "remove_squeezable_dimensions", [labels, predictions]):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        p_shape, l_shape = predictions.get_shape(), labels.get_shape()
        p_rank, l_rank = p_shape.ndims, l_shape.ndims
        if l_rank is not None and p_rank is not None:
            rank_diff = p_rank - l_rank
            if rank_diff == expected_rank_diff + 1 and p_shape.dims[-1].is_compatible_with(1):
                predictions = _a.squeeze(predictions, [-1])
            elif rank_diff == expected_rank_diff - 1 and l_shape.dims[-1].is_compatible_with(1):
                labels = _a.squeeze(labels, [-1])
        else:
            rank_diff = _a.rank(predictions) - _a.rank(labels)
            if p_rank is None or p_shape.dims[-1].is_compatible_with(1):
                p = predictions
                predictions = cond(_m.equal(expected_rank_diff + 1, rank_diff),
                                   lambda: _a.squeeze(p, [-1]), lambda: p)
            if l_rank is None or l_shape.dims[-1].is_compatible_with(1):
                lab = labels
                labels = cond(_m.equal(expected_rank_diff - 1, rank_diff),
                              lambda: _a.squeeze(lab, [-1]), lambda: lab)
    if weights is None:
        return labels, predictions, weights
    weights = convert_to_tensor(weights)
    labels_rank = labels.get_shape().ndims
    weights_shape = weights.get_shape()
    weights_rank = weights_shape.ndims
    if labels_rank is not None and weights_rank is not None:
        if weights_rank - labels_rank == 1:
            weights = _a.squeeze(weights, [-1])
        return labels, predictions, weights
    rank_diff = _a.rank(weights) - _a.rank(labels)
    if weights_rank is None or (weights_rank > 0 and weights_shape.dims[-1].is_compatible_with(1)):
        w = weights
        weights = cond(_m.equal(1, rank_diff), lambda: _a.squeeze(w, [-1]), lambda: w)
    return labels, predictions, weights


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """tf.nn.sparse_softmax_cross_entropy_with_logits on integer class ids (a trailing size-1 axis is squeezed)."""
    _require(labels, "labels")
    _require(logits, "logits")
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", (logits, labels, weights)) as scope:
        labels, logits, weights = _remove_squeezable_dimensions(labels, logits, weights, expected_rank_diff=1)
        losses = _nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)
