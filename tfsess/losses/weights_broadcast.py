"""TF's limited weight broadcasting for tf.losses: weights are a scalar, or of the values' rank with every
dimension 1 or equal to the values' one. Checked statically when shapes are known, else by an Assert op."""
from __future__ import annotations

from ..framework.graph import Tensor, control_dependencies, convert_to_tensor, name_scope
from ..framework.opdef import constant_value
from ..ops import array_ops as _a
from ..ops import math_ops as _m
from ..ops.control_flow_ops import Assert, cond, no_op

__all__ = ["assert_broadcastable", "broadcast_weights"]

_PREFIX = "weights can not be broadcast to values."


def _fmt_shape(tensor: Tensor) -> str:
    """A TensorShape as TF 1.15 prints it in these messages: (3, 2)."""
    return str(tensor.shape)


def _fmt_array(v) -> str:
    return "[%s]" % " ".join(str(int(x)) for x in v)


def _has_valid_nonscalar_shape(weights_rank, weights_shape, values_rank, values_shape):
    with name_scope(None, "has_valid_nonscalar_shape", (weights_rank, weights_shape, values_rank, values_shape)) as sc:
        is_same_rank = _m.equal(values_rank, weights_rank, name="is_same_rank")

        def valid_dims():
            with name_scope(None, "has_invalid_dims", (weights_shape, values_shape)) as dims_scope:
                ok = _m.logical_or(_m.equal(weights_shape, 1), _m.equal(weights_shape, values_shape))
                return _m.reduce_all(ok, name=dims_scope)
        return cond(is_same_rank, valid_dims, lambda: is_same_rank, name=sc)


def assert_broadcastable(weights, values):
    """A NoOp when the static shapes show `weights` can be broadcast to `values`, else an Assert op.

    Raises ValueError at graph construction when the static shapes already show it cannot.
    """
    with name_scope(None, "assert_broadcastable", (weights, values)) as scope:
        with name_scope(None, "weights", (weights,)) as weights_scope:
            weights = convert_to_tensor(weights, name=weights_scope)
            weights_shape = _a.shape(weights, name="shape")
            weights_rank = _a.rank(weights, name="rank")
        weights_rank_static = constant_value(weights_rank)
        with name_scope(None, "values", (values,)) as values_scope:
            values = convert_to_tensor(values, name=values_scope)
            values_shape = _a.shape(values, name="shape")
            values_rank = _a.rank(values, name="rank")
        values_rank_static = constant_value(values_rank)

        if weights_rank_static is not None and values_rank_static is not None:
            if int(weights_rank_static) == 0:
                return no_op(name="static_scalar_check_success")
            if int(weights_rank_static) != int(values_rank_static):
                raise ValueError("%s values.rank=%d. weights.rank=%d. values.shape=%s. weights.shape=%s."
                                 % (_PREFIX, int(values_rank_static), int(weights_rank_static),
                                    _fmt_shape(values), _fmt_shape(weights)))
            if weights.shape.is_fully_defined() and values.shape.is_fully_defined():
                w_static, v_static = weights.shape.as_list(), values.shape.as_list()
                for i, (w, v) in enumerate(zip(w_static, v_static)):
                    if w not in (1, v):
                        raise ValueError("%s Mismatch at dim %d. values.shape=%s weights.shape=%s."
                                         % (_PREFIX, i, _fmt_array(v_static), _fmt_array(w_static)))
                return no_op(name="static_dims_check_success")

        is_scalar = _m.equal(0, weights_rank, name="is_scalar")
        data = [_PREFIX, "weights.shape=", weights.name, weights_shape, "values.shape=", values.name, values_shape,
                "is_scalar=", is_scalar]
        is_valid_shape = cond(is_scalar, lambda: is_scalar,
                              lambda: _has_valid_nonscalar_shape(weights_rank, weights_shape, values_rank,
                                                                 values_shape),
                              name="is_valid_shape")
        return Assert(is_valid_shape, data, name=scope)


def broadcast_weights(weights, values) -> Tensor:
    """`weights` broadcast to `values`' shape under the rules of `assert_broadcastable`."""
    with name_scope(None, "broadcast_weights", (weights, values)) as scope:
        values = convert_to_tensor(values, name="values")
        weights = convert_to_tensor(weights, dtype=values.dtype.base_dtype, name="weights")
        ws, vs = weights.shape, values.shape
        if ws.is_fully_defined() and vs.is_fully_defined() and ws.is_compatible_with(vs):
            return weights
        with control_dependencies((assert_broadcastable(weights, values),)):
            return _m.multiply(weights, _a.ones_like(values), name=scope)


