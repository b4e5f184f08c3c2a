"""Learning-rate schedules (tf.train.exponential_decay ...) built from graph ops."""
from __future__ import annotations

from ..framework.graph import name_scope, convert_to_tensor
from ..ops import math_ops as _m
from ..ops import array_ops as _a
from ..ops.control_flow_ops import case

__all__ = ["exponential_decay", "inverse_time_decay", "natural_exp_decay", "polynomial_decay",
           "piecewise_constant"]


def _cast_all(learning_rate, *values):
    lr = convert_to_tensor(learning_rate, name="learning_rate")
    dt = lr.dtype.base_dtype
    return [lr] + [_a.cast(v, dt) for v in values]


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """learning_rate * decay_rate ^ (global_step / decay_steps) (floored when staircase)."""
    if global_step is None:
        raise ValueError("global_step is required for exponential_decay.")
    with name_scope(name, "ExponentialDecay", [learning_rate, global_step, decay_steps, decay_rate]) as scope:
        lr, step, steps, rate = _cast_all(learning_rate, global_step, decay_steps, decay_rate)
        p = _m.truediv(step, steps)
        if staircase:
            p = _m.floor(p)
        return _m.multiply(lr, _m.pow(rate, p), name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    with name_scope(name, "NaturalExpDecay", [learning_rate, global_step, decay_rate]) as scope:
        lr, step, steps, rate = _cast_all(learning_rate, global_step, decay_steps, decay_rate)
        p = _m.truediv(step, steps)
        if staircase:
            p = _m.floor(p)
        return _m.multiply(lr, _m.exp(_m.multiply(_m.negative(rate), p)), name=scope)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    with name_scope(name, "InverseTimeDecay", [learning_rate, global_step, decay_rate]) as scope:
        lr, step, steps, rate = _cast_all(learning_rate, global_step, decay_steps, decay_rate)
        p = _m.truediv(step, steps)
        if staircase:
            p = _m.floor(p)
        return _m.truediv(lr, _m.add(_a.constant(1, dtype=lr.dtype.base_dtype), _m.multiply(rate, p)), name=scope)


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                     name=None):
    with name_scope(name, "PolynomialDecay", [learning_rate, global_step]) as scope:
        lr, step, steps, end, pw = _cast_all(learning_rate, global_step, decay_steps, end_learning_rate, power)
        if cycle:
            mult = _a.where(_m.equal(step, 0.0), _a.ones_like(step), _m.ceil(_m.truediv(step, steps)))
            steps = _m.multiply(steps, mult)
        else:
            step = _m.minimum(step, steps)
        frac = _m.subtract(_a.constant(1, dtype=lr.dtype.base_dtype), _m.truediv(step, steps))
        return _m.add(_m.multiply(_m.subtract(lr, end), _m.pow(frac, pw)), end, name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """values[i] while x is in the i-th interval defined by `boundaries`."""
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with name_scope(name, "PiecewiseConstant", [x]):
        xt = convert_to_tensor(x)
        vals = [convert_to_tensor(v) for v in values]
        pairs = [(_m.less_equal(xt, _a.cast(boundaries[0], xt.dtype)), lambda v=vals[0]: v)]
        for low, high, v in zip(boundaries[:-1], boundaries[1:], vals[1:-1]):
            pairs.append((_m.logical_and(_m.greater(xt, _a.cast(low, xt.dtype)),
                                         _m.less_equal(xt, _a.cast(high, xt.dtype))), lambda v=v: v))
        return case(pairs, default=lambda: vals[-1], exclusive=True)
