"""tf.contrib.layers: xavier_initializer, fully_connected, flatten and the l1/l2 regularizers, with TF1's names.

`fully_connected` makes `fully_connected/weights` and `fully_connected/biases` (also in MODEL_VARIABLES), as
tf.contrib.layers did; regularization losses go to REGULARIZATION_LOSSES.
"""
from __future__ import annotations

import numbers
from typing import Callable, Optional

from ..framework import dtypes as _dtypes
from ..framework.graph import GraphKeys, add_to_collection, add_to_collections, convert_to_tensor, get_collection
from ..framework.graph import name_scope as _name_scope
from ..ops import array_ops as _a
from ..ops import init_ops as _init
from ..ops import math_ops as _m
from ..ops import nn_ops as _nn
from ..ops.variable_scope import get_variable, variable_scope
from .. import layers as _layers

__all__ = ["xavier_initializer", "xavier_initializer_conv2d", "variance_scaling_initializer", "fully_connected",
           "flatten", "l1_regularizer", "l2_regularizer", "l1_l2_regularizer", "sum_regularizer",
           "apply_regularization"]

_TRUNC_NORMAL_STDDEV = .87962566103423978   # the stddev of a unit normal truncated at two standard deviations


def variance_scaling_initializer(factor: float = 2.0, mode: str = "FAN_IN", uniform: bool = False, seed=None,
                                 dtype=_dtypes.float32):
    """contrib's variance scaling: uniform in +-sqrt(3*factor/n), else truncated normal of stddev sqrt(1.3*factor/n)."""
    if not _dtypes.as_dtype(dtype).is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError("Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]" % mode)
    if uniform:
        return _init.variance_scaling_initializer(factor, mode.lower(), "uniform", seed, dtype)
    # contrib's truncated normal has stddev sqrt(1.3 * factor / n); core divides sqrt(scale / n) by the
    # truncated normal's own stddev, so this scale gives the same distribution
    return _init.variance_scaling_initializer(1.3 * factor * _TRUNC_NORMAL_STDDEV ** 2, mode.lower(),
                                              "truncated_normal", seed, dtype)


def xavier_initializer(uniform: bool = True, seed=None, dtype=_dtypes.float32):
    """Glorot/Xavier: variance 1/avg(fan_in, fan_out); uniform by default, as tf.contrib.layers."""
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer


def _check_scale(scale, kind: str) -> bool:
    """False if the regularizer is disabled (scale 0); errors for an integer or negative scale as TF."""
    if isinstance(scale, numbers.Integral):
        raise ValueError("scale cannot be an integer: %s" % (scale,))
    if isinstance(scale, numbers.Real):
        if scale < 0.:
            raise ValueError("Setting a scale less than 0 on a regularizer: %g" % scale)
        if scale == 0.:
            return False
    return True


def l2_regularizer(scale: float, scope: Optional[str] = None) -> Callable:
    """weights -> scale * l2_loss(weights) (= scale * sum(w**2) / 2), in a name scope `l2_regularizer`."""
    if not _check_scale(scale, "l2"):
        return lambda _: None

    def l2(weights):
        with _name_scope(scope, "l2_regularizer", [weights]) as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return _m.multiply(my_scale, _nn.l2_loss(weights), name=name)
    return l2


def l1_regularizer(scale: float, scope: Optional[str] = None) -> Callable:
    """weights -> scale * sum(|weights|), in a name scope `l1_regularizer`."""
    if not _check_scale(scale, "l1"):
        return lambda _: None

    def l1(weights):
        with _name_scope(scope, "l1_regularizer", [weights]) as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return _m.multiply(my_scale, _m.reduce_sum(_m.abs(weights)), name=name)
    return l1


def sum_regularizer(regularizer_list, scope: Optional[str] = None) -> Callable:
    regularizer_list = [r for r in regularizer_list if r is not None]
    if not regularizer_list:
        return None

    def sum_reg(weights):
        with _name_scope(scope, "sum_regularizer", [weights]) as name:
            terms = [t for t in (r(weights) for r in regularizer_list) if t is not None]
            return _m.add_n(terms, name=name)
    return sum_reg


def l1_l2_regularizer(scale_l1: float = 1.0, scale_l2: float = 1.0, scope: Optional[str] = None) -> Callable:
    if isinstance(scale_l1, numbers.Integral):
        raise ValueError("scale_l1 cannot be an integer: %s" % (scale_l1,))
    if isinstance(scale_l2, numbers.Integral):
        raise ValueError("scale_l2 cannot be an integer: %s" % (scale_l2,))
    scope = scope or "l1_l2_regularizer"
    if scale_l1 == 0.:
        return l2_regularizer(scale_l2, scope)
    if scale_l2 == 0.:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def apply_regularization(regularizer: Callable, weights_list=None):
    """The summed penalty of `regularizer` over `weights_list` (default: the WEIGHTS collection), also added
    to REGULARIZATION_LOSSES."""
    if not weights_list:
        weights_list = get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with _name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p if p is not None else _a.constant(0.0) for p in penalties]
        for p in penalties:
            if p.get_shape().ndims != 0:
                raise ValueError("regularizer must return a scalar Tensor instead of a Tensor with rank %d."
                                 % p.get_shape().ndims)
        summed = _m.add_n(penalties, name=scope)
        add_to_collection(GraphKeys.REGULARIZATION_LOSSES, summed)
        return summed


def flatten(inputs, outputs_collections=None, scope: Optional[str] = None):
    """[batch, ...] -> [batch, k], in a name scope `Flatten`."""
    with _name_scope(scope, "Flatten", [inputs]) as sc:
        outputs = _layers.flatten(inputs)
        if outputs_collections:
            add_to_collections(outputs_collections, outputs)
        del sc
        return outputs


def fully_connected(inputs, num_outputs: int, activation_fn: Optional[Callable] = _nn.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=None, weights_regularizer=None,
                    biases_initializer=_init.zeros_initializer(), biases_regularizer=None, reuse=None,
                    variables_collections=None, outputs_collections=None, trainable: bool = True,
                    scope: Optional[str] = None):
    """activation_fn(inputs @ weights + biases) with variables `<scope>/weights`, `<scope>/biases`."""
    if not isinstance(num_outputs, numbers.Integral):
        raise ValueError("num_outputs type should be one of %s, got %s." % ((int,), type(num_outputs)))
    if weights_initializer is None:
        weights_initializer = xavier_initializer()
    with variable_scope(scope, default_name="fully_connected", values=[inputs], reuse=reuse) as sc:
        x = convert_to_tensor(inputs)
        dtype = x.dtype.base_dtype
        shape = x.get_shape()
        if shape.ndims is None or shape.ndims < 2:
            raise ValueError("Input must have a rank of at least 2, got shape %s" % (shape,))
        n_in = shape.as_list()[-1]
        if n_in is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. Found `None`.")
        collections = [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
        extra = _collections_for(variables_collections, "weights")
        weights = _variable("weights", "kernel", [n_in, num_outputs], dtype, weights_initializer,
                            weights_regularizer, trainable, collections + extra)
        if shape.ndims > 2:
            # [..., n_in] -> [-1, n_in] @ weights -> [..., num_outputs] (leading dims may be unknown until run time)
            flat = _m.matmul(_a.reshape(x, [-1, n_in]), weights)
            outputs = _a.reshape(flat, _a.concat([_a.shape(x)[:-1], [num_outputs]], 0))
            outputs.set_shape(shape.as_list()[:-1] + [num_outputs])
        else:
            outputs = _m.matmul(x, weights)
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            extra = _collections_for(variables_collections, "biases")
            biases = _variable("biases", "bias", [num_outputs], dtype, biases_initializer, biases_regularizer,
                               trainable, collections + extra)
            outputs = _nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        if outputs_collections:
            add_to_collections(outputs_collections, outputs)
        del sc
        return outputs


def _variable(name, layer_name, shape, dtype, initializer, regularizer, trainable, collections):
    """get_variable, plus the regularization loss under `<scope>/<kernel|bias>/Regularizer/` for a new variable
    (contrib built these through a Dense layer, whose weights are called kernel and bias)."""
    existing = set(get_collection(GraphKeys.GLOBAL_VARIABLES))
    var = get_variable(name, shape, dtype=dtype, initializer=initializer, trainable=trainable,
                       collections=collections)
    if regularizer is not None and var not in existing:
        scope = var.op.name.rsplit("/", 1)[0] + "/" if "/" in var.op.name else ""
        with _name_scope(scope + layer_name + "/Regularizer/"):
            loss = regularizer(var)
        if loss is not None:
            add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return var


def _collections_for(variables_collections, kind: str) -> list:
    if variables_collections is None:
        return []
    if isinstance(variables_collections, dict):
        value = variables_collections.get(kind) or []
        return [value] if isinstance(value, str) else list(value)
    return [variables_collections] if isinstance(variables_collections, str) else list(variables_collections)


