"""Neural-network ops (tf.nn): activations, softmax, cross-entropy losses, bias_add, l2_loss."""
from __future__ import annotations

import numpy as np

from ..framework.errors import InvalidArgumentError
from ..framework.graph import Tensor
from ..framework.opdef import OpDef, op_scope, check_dtype, same_dtype
from ..framework.shapes import broadcast_dims, shape_error, fmt_dims
from . import math_ops as _m
from . import array_ops as _a

__all__ = ["relu", "relu6", "elu", "selu", "softplus", "softsign", "leaky_relu", "softmax", "log_softmax",
           "bias_add", "softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_v2",
           "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits",
           "weighted_cross_entropy_with_logits", "l2_loss", "l2_normalize", "moments", "sigmoid", "tanh"]

sigmoid = _m.sigmoid
tanh = _m.tanh


class _Activation(OpDef):
    allowed = "real"
    arg = "features"

    @staticmethod
    def shape(op, d):
        return d


def _activation(opdef, features, name, attrs=None):
    with op_scope(name, opdef.type_name, [features]) as s:
        x = s.convert(features, "features")
        check_dtype(opdef.type_name, "features", x, opdef.allowed)
        a = {"T": x.dtype.base_dtype}
        a.update(attrs or {})
        return s.make(opdef, [x], a).outputs[0]


class _ActivationGrad(OpDef):
    """Gradient op of an activation: inputs (gradients, features-or-outputs)."""

    @staticmethod
    def shape(op, g, x):
        return broadcast_dims(g, x, op.name, op.type)


def _act_grad(opdef, g, x, attrs=None):
    with op_scope(None, opdef.type_name, [g, x]) as s:
        a = {"T": g.dtype}
        a.update(attrs or {})
        return s.make(opdef, [g, x], a).outputs[0]


class Relu(_Activation):
    type_name = "Relu"

    @staticmethod
    def kernel(x):
        return np.maximum(x, np.zeros((), np.asarray(x).dtype))

    @classmethod
    def numpy_source(cls, op, args):
        return "_relu(%s)" % args[0], {"_relu": (
            "def _relu(x):\n    return np.maximum(x, np.zeros((), np.asarray(x).dtype))\n")}

    @staticmethod
    def grad(op, g):
        return [_act_grad(ReluGrad, g, op.outputs[0])]


class ReluGrad(_ActivationGrad):
    type_name = "ReluGrad"

    @staticmethod
    def kernel(g, y):
        return g * (y > 0)

    @classmethod
    def numpy_source(cls, op, args):
        g, y = args
        return "%s * (%s > 0)" % (g, y)

    @staticmethod
    def grad(op, gg):
        return [_act_grad(ReluGrad, gg, op.inputs[1]), _a.zeros_like(op.inputs[1])]


class Relu6(_Activation):
    type_name = "Relu6"
    numpy_kernel = True

    @staticmethod
    def kernel(x):
        x = np.asarray(x)
        return np.clip(x, 0, 6).astype(x.dtype)

    @staticmethod
    def grad(op, g):
        return [_act_grad(Relu6Grad, g, op.inputs[0])]


class Relu6Grad(_ActivationGrad):
    type_name = "Relu6Grad"
    numpy_kernel = True

    @staticmethod
    def kernel(g, x):
        return g * ((x > 0) & (x < 6))

    @staticmethod
    def grad(op, gg):
        return [_act_grad(Relu6Grad, gg, op.inputs[1]), _a.zeros_like(op.inputs[1])]


class Elu(_Activation):
    type_name = "Elu"
    numpy_kernel = True
    allowed = "real_float"

    @staticmethod
    def kernel(x):
        x = np.asarray(x)
        with np.errstate(over="ignore"):
            return np.where(x > 0, x, np.expm1(np.minimum(x, 0))).astype(x.dtype)

    @staticmethod
    def grad(op, g):
        return [_act_grad(EluGrad, g, op.outputs[0])]


class EluGrad(_ActivationGrad):
    type_name = "EluGrad"
    numpy_kernel = True

    @staticmethod
    def kernel(g, y):
        return np.where(y > 0, g, g * (y + 1)).astype(np.asarray(g).dtype)

    @staticmethod
    def grad(op, gg):
        g, y = op.inputs
        return [_act_grad(EluGrad, gg, y),
                _a.where(_m.less(y, _a.zeros_like(y)), _m.multiply(gg, g), _a.zeros_like(y))]


class Selu(_Activation):
    type_name = "Selu"
    allowed = "real_float"
    _alpha = 1.6732632423543772848170429916717
    _scale = 1.0507009873554804934193349852946

    @classmethod
    def bind(cls, op, session):
        a, sc = cls._alpha, cls._scale

        def k(x):
            x = np.asarray(x)
            return (sc * np.where(x > 0, x, a * np.expm1(np.minimum(x, 0)))).astype(x.dtype)
        return k

    @classmethod
    def numpy_source(cls, op, args):
        return "_selu(%s)" % args[0], {"_selu": '''
def _selu(x):
    """scale * (x if x > 0 else alpha * (exp(x) - 1))."""
    x = np.asarray(x)
    a, sc = %r, %r
    return (sc * np.where(x > 0, x, a * np.expm1(np.minimum(x, 0)))).astype(x.dtype)
''' % (cls._alpha, cls._scale)}

    @staticmethod
    def grad(op, g):
        x = op.inputs[0]
        y = op.outputs[0]
        a = _a.constant(Selu._alpha * Selu._scale, dtype=x.dtype.base_dtype)
        sc = _a.constant(Selu._scale, dtype=x.dtype.base_dtype)
        return [_a.where(_m.greater(x, _a.zeros_like(x)), _m.multiply(g, sc), _m.multiply(g, _m.add(y, a)))]


class Softplus(_Activation):
    type_name = "Softplus"
    numpy_kernel = True
    allowed = "real_float"

    @staticmethod
    def kernel(x):
        x = np.asarray(x)
        return (np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))).astype(x.dtype)

    @staticmethod
    def grad(op, g):
        return [_act_grad(SoftplusGrad, g, op.inputs[0])]


class SoftplusGrad(_ActivationGrad):
    type_name = "SoftplusGrad"
    numpy_kernel = True

    @staticmethod
    def kernel(g, x):
        g = np.asarray(g)
        with np.errstate(over="ignore"):
            return (g / (np.exp(-np.asarray(x)) + 1)).astype(g.dtype)

    @staticmethod
    def grad(op, gg):
        g, x = op.inputs
        sig = _m.sigmoid(x)
        return [_act_grad(SoftplusGrad, gg, x), _m.multiply(_m.multiply(gg, g), _m.multiply(sig, _m.subtract(
            _a.constant(1, dtype=sig.dtype.base_dtype), sig)))]


class Softsign(_Activation):
    type_name = "Softsign"
    numpy_kernel = True
    allowed = "real_float"

    @staticmethod
    def kernel(x):
        x = np.asarray(x)
        return (x / (1 + np.abs(x))).astype(x.dtype)

    @staticmethod
    def grad(op, g):
        x = op.inputs[0]
        one = _a.constant(1, dtype=x.dtype.base_dtype)
        return [_m.realdiv(g, _m.square(_m.add(one, _m.abs(x))))]


class LeakyRelu(_Activation):
    type_name = "LeakyRelu"
    numpy_kernel = True
    allowed = "real_float"
    kernel_attrs = ("alpha",)

    @staticmethod
    def kernel(x, alpha):
        x = np.asarray(x)
        return np.where(x > 0, x, x * np.asarray(alpha, x.dtype)).astype(x.dtype)

    @staticmethod
    def grad(op, g):
        return [_act_grad(LeakyReluGrad, g, op.inputs[0], {"alpha": op.get_attr("alpha")})]


class LeakyReluGrad(_ActivationGrad):
    type_name = "LeakyReluGrad"
    numpy_kernel = True
    kernel_attrs = ("alpha",)

    @staticmethod
    def kernel(g, x, alpha):
        g = np.asarray(g)
        return np.where(x > 0, g, g * np.asarray(alpha, g.dtype)).astype(g.dtype)

    @staticmethod
    def grad(op, gg):
        return [_act_grad(LeakyReluGrad, gg, op.inputs[1], {"alpha": op.get_attr("alpha")}),
                _a.zeros_like(op.inputs[1])]


def relu(features, name=None) -> Tensor:
    """max(features, 0) (tf.nn.relu)."""
    return _activation(Relu, features, name)


def relu6(features, name=None) -> Tensor:
    return _activation(Relu6, features, name)


def elu(features, name=None) -> Tensor:
    return _activation(Elu, features, name)


def selu(features, name=None) -> Tensor:
    return _activation(Selu, features, name)


def softplus(features, name=None) -> Tensor:
    return _activation(Softplus, features, name)


def softsign(features, name=None) -> Tensor:
    return _activation(Softsign, features, name)


def leaky_relu(features, alpha=0.2, name=None) -> Tensor:
    return _activation(LeakyRelu, features, name, {"alpha": float(alpha)})


# ======================================================================================
# Softmax family
# ======================================================================================

def _np_softmax(x, axis=-1):
    x = np.asarray(x)
    if x.shape[axis] == 0:  # TF: softmax over an empty axis is an empty result of the same shape
        return np.empty_like(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    e[e < np.finfo(e.dtype).tiny] = 0  # flush to zero, as TF's kernels run: no denormal tails
    return e / np.sum(e, axis=axis, keepdims=True)


def _np_log_softmax(x, axis=-1):
    x = np.asarray(x)
    if x.shape[axis] == 0:
        return np.empty_like(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


_SOFTMAX_SRC = """
def _softmax(x, axis=-1):
    x = np.asarray(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    e[e < np.finfo(e.dtype).tiny] = 0  # flush to zero, as TF's kernels run: no denormal tails
    return e / np.sum(e, axis=axis, keepdims=True)
"""   # export_numpy's form of _np_softmax
_LOG_SOFTMAX_SRC = """
def _log_softmax(x, axis=-1):
    x = np.asarray(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
"""   # export_numpy's form of _np_log_softmax


class Softmax(OpDef):
    type_name = "Softmax"
    allowed = "real_float"

    @staticmethod
    def shape(op, d):
        if d is not None and len(d) < 1:
            raise shape_error(op, "Shape must be at least rank 1 but is rank 0", d)
        return d

    @staticmethod
    def kernel(x):
        if np.ndim(x) < 1:
            raise InvalidArgumentError(None, None, "logits must have >= 1 dimension, got %s" % fmt_dims(np.shape(x)))
        return _np_softmax(x)

    @classmethod
    def numpy_source(cls, op, args):
        return "_softmax(%s)" % args[0], {"_softmax": _SOFTMAX_SRC}

    @staticmethod
    def grad(op, g):
        y = op.outputs[0]
        inner = _m.reduce_sum(_m.multiply(g, y), -1, keepdims=True)
        return [_m.multiply(_m.subtract(g, inner), y)]


class LogSoftmax(Softmax):
    type_name = "LogSoftmax"

    @staticmethod
    def kernel(x):
        return _np_log_softmax(x)

    @classmethod
    def numpy_source(cls, op, args):
        return "_log_softmax(%s)" % args[0], {"_log_softmax": _LOG_SOFTMAX_SRC}

    @staticmethod
    def grad(op, g):
        y = op.outputs[0]
        return [_m.subtract(g, _m.multiply(_m.reduce_sum(g, -1, keepdims=True), _m.exp(y)))]


def _softmax_along(opdef, logits, axis, name):
    with op_scope(name, opdef.type_name, [logits]) as s:
        x = s.convert(logits, "logits")
        check_dtype(opdef.type_name, "logits", x, "real_float")
        r = x.shape.ndims
        if axis is None or axis == -1 or (r is not None and axis == r - 1):
            return s.make(opdef, [x], {"T": x.dtype}).outputs[0]
    # other axes: swap the axis to the end, apply, swap back
    with op_scope(name, opdef.type_name, [logits]) as s:
        r = x.shape.ndims
        perm = list(range(r))
        perm[axis], perm[-1] = perm[-1], perm[axis]
        xt = _a.transpose(x, perm)
        with op_scope(None, opdef.type_name, [xt]) as s2:
            y = s2.make(opdef, [xt], {"T": x.dtype}).outputs[0]
        return _a.transpose(y, perm, name=s.scope)


def softmax(logits, axis=None, name=None, dim=None) -> Tensor:
    """exp(logits) / sum(exp(logits)) along the last axis (tf.nn.softmax)."""
    return _softmax_along(Softmax, logits, dim if axis is None else axis, name)


def log_softmax(logits, axis=None, name=None, dim=None) -> Tensor:
    return _softmax_along(LogSoftmax, logits, dim if axis is None else axis, name)


def _softmax_cross_entropy(features, labels):
    """(loss per row, backprop = softmax(features) - labels) of softmax cross-entropy; NumPy only, since
    export_numpy copies this source."""
    if np.shape(features) != np.shape(labels):
        features, labels = np.broadcast_arrays(features, labels)
    features = np.asarray(features)
    if features.shape[-1] == 0:  # no classes: TF's loss is 0 per row
        return np.zeros(features.shape[:-1], features.dtype), np.empty_like(features)
    shifted = features - np.max(features, axis=-1, keepdims=True)
    e = np.exp(shifted)
    e[e < np.finfo(e.dtype).tiny] = 0  # flush to zero, as TF's kernels run: no denormal tails
    s = np.sum(e, axis=-1, keepdims=True)
    logp = shifted - np.log(s)
    loss = -np.sum(labels * logp, axis=-1)
    backprop = e / s - labels
    return loss.astype(features.dtype, copy=False), backprop.astype(features.dtype, copy=False)


class SoftmaxCrossEntropyWithLogits(OpDef):
    """Per-row cross-entropy of softmax(logits) against label distributions; outputs (loss, backprop)."""

    type_name = "SoftmaxCrossEntropyWithLogits"

    @classmethod
    def outputs(cls, op):
        f, l = (t.shape.dim_sizes for t in op.inputs)
        dt = op.inputs[0].dtype.base_dtype
        for d in (f, l):
            if d is not None and len(d) != 2:
                raise shape_error(op, "Shape must be rank 2 but is rank %d" % len(d), f, l)
        both = broadcast_dims(f, l, op.name, op.type)
        return [(dt, None if both is None else (both[0],)), (dt, both)]

    @staticmethod
    def kernel(features, labels):
        try:
            np.broadcast_shapes(np.shape(features), np.shape(labels))
        except ValueError:
            raise InvalidArgumentError(None, None, "logits and labels must be broadcastable: logits_size=%s "
                                       "labels_size=%s" % (fmt_dims(np.shape(features)),
                                                           fmt_dims(np.shape(labels)))) from None
        return _softmax_cross_entropy(features, labels)

    @classmethod
    def numpy_source(cls, op, args):
        import inspect
        return ("_softmax_cross_entropy(%s, %s)" % tuple(args),
                {"_softmax_cross_entropy": inspect.getsource(_softmax_cross_entropy)})

    @staticmethod
    def grad(op, g_loss, g_backprop):
        bp = op.outputs[1]
        gx = _m.multiply(_a.expand_dims(g_loss, -1), bp)
        glabels = _m.multiply(_a.expand_dims(g_loss, -1), _m.negative(log_softmax(op.inputs[0])))
        if _has_gradient(g_backprop):  # backprop = softmax(logits) - labels is used (second derivatives)
            gx = _m.add(gx, _softmax_backprop_grad(op.inputs[0], g_backprop))
            glabels = _m.subtract(glabels, g_backprop)
        return [gx, glabels]


def _sparse_cross_entropy(logp, labels):
    """(loss per row, backprop) of softmax cross-entropy against integer class labels, from log-softmax rows;
    NumPy only, since export_numpy copies this source."""
    rows = np.arange(logp.shape[0])
    loss = -logp[rows, labels]
    backprop = np.exp(logp)
    backprop[backprop < np.finfo(backprop.dtype).tiny] = 0  # flush to zero, as TF's kernels run
    backprop[rows, labels] -= 1
    return loss, backprop


class SparseSoftmaxCrossEntropyWithLogits(OpDef):
    """Cross-entropy of softmax(logits) against integer class labels; outputs (loss, backprop)."""

    type_name = "SparseSoftmaxCrossEntropyWithLogits"

    @classmethod
    def outputs(cls, op):
        f, l = (t.shape.dim_sizes for t in op.inputs)
        dt = op.inputs[0].dtype.base_dtype
        if f is not None and len(f) != 2:
            raise shape_error(op, "Shape must be rank 2 but is rank %d" % len(f), f, l)
        if l is not None and len(l) != 1:
            raise shape_error(op, "Shape must be rank 1 but is rank %d" % len(l), f, l)
        n = f[0] if f is not None else (l[0] if l is not None else None)
        if f is not None and l is not None and f[0] is not None and l[0] is not None and f[0] != l[0]:
            raise shape_error(op, "Dimensions must be equal, but are %d and %d" % (f[0], l[0]), f, l)
        return [(dt, (n,)), (dt, f)]

    @staticmethod
    def kernel(features, labels):
        features = np.asarray(features)
        labels = np.asarray(labels)
        n, k = features.shape
        if labels.shape != (n,):
            raise InvalidArgumentError(None, None, "logits and labels must have the same first dimension, got "
                                       "logits shape %s and labels shape %s" % (fmt_dims(features.shape),
                                                                                fmt_dims(labels.shape)))
        bad = (labels < 0) | (labels >= k)
        if np.any(bad):
            raise InvalidArgumentError(None, None, "Received a label value of %d which is outside the valid range "
                                       "of [0, %d).  Label values: %s" % (int(labels[bad][0]), k,
                                                                          " ".join(str(int(v)) for v in labels)))
        return _sparse_cross_entropy(_np_log_softmax(features), labels)

    @classmethod
    def numpy_source(cls, op, args):
        import inspect
        return ("_sparse_cross_entropy(_log_softmax(np.asarray(%s)), np.asarray(%s))" % tuple(args),
                {"_log_softmax": _LOG_SOFTMAX_SRC, "_sparse_cross_entropy": inspect.getsource(_sparse_cross_entropy)})

    @staticmethod
    def grad(op, g_loss, g_backprop):
        gx = _m.multiply(_a.expand_dims(g_loss, -1), op.outputs[1])
        if _has_gradient(g_backprop):  # backprop = softmax(logits) - one_hot(labels) is used
            gx = _m.add(gx, _softmax_backprop_grad(op.inputs[0], g_backprop))
        return [gx, None]


def _has_gradient(g) -> bool:
    """False for no gradient, or the zeros tf.gradients fills in for an unused output."""
    return g is not None and g.op.type != "ZerosLike"


def _softmax_backprop_grad(logits, g):
    """Gradient through softmax(logits) (the backprop output of the cross-entropy ops) for incoming g."""
    sm = softmax(logits)
    return _m.multiply(_m.subtract(g, _m.reduce_sum(_m.multiply(g, sm), -1, keepdims=True)), sm)


def _flatten_outer(x):
    return _a.reshape(x, _a.concat([[-1], _a.slice(_a.shape(x), [_a.rank(x) - 1], [1])], 0))


def _move_axis_to_end(x, axis, rank):
    """Transpose `x` so `axis` is last, the other axes in order (TF's _move_dim_to_end); rank may be dynamic."""
    if isinstance(rank, int):
        perm = [i for i in range(rank) if i != axis] + [axis]
        return _a.transpose(x, perm)
    if axis < 0:
        axis = _m.add(rank, axis)
    perm = _a.concat([_m.range(axis), _m.range(axis + 1, rank), _a.reshape(axis, [1])], 0)
    return _a.transpose(x, perm)


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=-1, name=None, dim=None) -> Tensor:
    """Cross-entropy between label distributions and softmax(logits), one value per row.

    As TF: labels are cast to the logits' dtype, both are flattened to [-1, classes] (so labels of another
    rank that broadcast, e.g. [1, ?, 7] against [?, 7], are accepted), and the result has the logits'
    shape without `axis`. float16 logits are computed in float32.
    """
    if dim is not None:
        axis = dim
    if axis is None:
        axis = -1
    with op_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as s:
        lg = s.convert(logits, "logits")
        lb = s.convert(labels, "labels", dtype_hint=lg.dtype.base_dtype)
        check_dtype("SoftmaxCrossEntropyWithLogits", "features", lg, "real_float")
        static = lg.shape
        out_dtype = lg.dtype.base_dtype
        precise = _m.cast(lg, "float32") if out_dtype.name in ("float16", "bfloat16") else lg
        lb = _m.cast(lb, precise.dtype)
        r = static.ndims
        if r is not None and axis < 0:
            axis += r
        if axis != -1 and axis != (r - 1 if r is not None else None):
            rank = r if r is not None else _a.rank(precise)
            precise, lb = _move_axis_to_end(precise, axis, rank), _move_axis_to_end(lb, axis, rank)
        if r == 2 and lb.shape.ndims == 2:
            cost = s.make(SoftmaxCrossEntropyWithLogits, [precise, lb], {"T": precise.dtype}).outputs[0]
        else:
            in_shape = _a.shape(precise)
            lg2, lb2 = _flatten_outer(precise), _flatten_outer(lb)
            cost = s.make(SoftmaxCrossEntropyWithLogits, [lg2, lb2], {"T": precise.dtype}).outputs[0]
            out_shape = _a.slice(in_shape, [0], [_a.rank(precise) - 1])
            cost = _a.reshape(cost, out_shape)
        if static.ndims is not None:
            dims = static.as_list()
            del dims[axis]
            cost.set_shape(dims)
        return cost if precise is lg else _m.cast(cost, out_dtype)


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None):
    """TF1's softmax_cross_entropy_with_logits: like _v2, but no gradient flows into `labels`."""
    if _sentinel is not None:
        raise ValueError("Only call `softmax_cross_entropy_with_logits` with named arguments (labels=..., logits=..., ...). Received unnamed argument: %s" % (_sentinel,))
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    labels = _a.stop_gradient(labels) if isinstance(labels, Tensor) else labels
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=dim if axis is None else axis,
                                                name=name)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None) -> Tensor:
    """Cross-entropy of softmax(logits) against integer class ids."""
    if _sentinel is not None:
        raise ValueError("Only call `sparse_softmax_cross_entropy_with_logits` with named arguments (labels=..., logits=..., ...). Received unnamed argument: %s" % (_sentinel,))
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    with op_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]) as s:
        lb = s.convert(labels, "labels")
        lg = s.convert(logits, "logits")
        check_dtype("SparseSoftmaxCrossEntropyWithLogits", "features", lg, "real_float")
        if not lb.dtype.base_dtype.is_integer:
            raise TypeError("Value passed to parameter 'labels' has DataType %s not in list of allowed values: "
                            "int32, int64" % lb.dtype.base_dtype.name)
        lr, gr = lb.shape.ndims, lg.shape.ndims
        if lr is not None and gr is not None and lr != gr - 1:
            raise ValueError("Rank mismatch: Rank of labels (received %d) should equal rank of logits minus 1 "
                             "(received %d)." % (lr, gr))
        if gr == 2 or gr is None:
            return s.make(SparseSoftmaxCrossEntropyWithLogits, [lg, lb], {"T": lg.dtype, "Tlabels": lb.dtype}).outputs[0]
        lb_shape = _a.shape(lb)
        lg2 = _flatten_outer(lg)
        lb2 = _a.reshape(lb, [-1])
        with op_scope(None, "SparseSoftmaxCrossEntropyWithLogits", [lg2]) as s2:
            loss = s2.make(SparseSoftmaxCrossEntropyWithLogits, [lg2, lb2], {"T": lg.dtype, "Tlabels": lb.dtype}).outputs[0]
        return _a.reshape(loss, lb_shape, name=s.scope)


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None) -> Tensor:
    """max(x, 0) - x * z + log(1 + exp(-|x|)): stable logistic loss, built from primitive ops as TF does."""
    if _sentinel is not None:
        raise ValueError("Only call `sigmoid_cross_entropy_with_logits` with named arguments (labels=..., logits=..., ...). Received unnamed argument: %s" % (_sentinel,))
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    with op_scope(name, "logistic_loss", [logits, labels]) as s:
        x = s.convert(logits, "logits")
        z = s.convert(labels, "labels", dtype_hint=x.dtype.base_dtype)
        if x.shape.ndims is not None and z.shape.ndims is not None and not x.shape.is_compatible_with(z.shape):
            raise ValueError("logits and labels must have the same shape (%s vs %s)" % (x.shape, z.shape))
        zeros = _a.zeros_like(x)
        cond = _m.greater_equal(x, zeros)
        relu_logits = _a.where(cond, x, zeros)
        neg_abs_logits = _a.where(cond, _m.negative(x), x)
        return _m.add(_m.subtract(relu_logits, _m.multiply(x, z)), _m.log1p(_m.exp(neg_abs_logits)), name=s.scope)


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None, targets=None):
    if labels is None:
        labels = targets
    with op_scope(name, "logistic_loss", [logits, labels]) as s:
        x = s.convert(logits, "logits")
        z = s.convert(labels, "labels", dtype_hint=x.dtype.base_dtype)
        q = s.convert(pos_weight, "pos_weight", dtype_hint=x.dtype.base_dtype)
        one = _a.constant(1, dtype=x.dtype.base_dtype)
        log_weight = _m.add(one, _m.multiply(_m.subtract(q, one), z))
        return _m.add(_m.multiply(_m.subtract(one, z), x),
                      _m.multiply(log_weight, _m.add(_m.log1p(_m.exp(_m.negative(_m.abs(x)))),
                                                     _m.maximum(_m.negative(x), 0.0))), name=s.scope)


class BiasAdd(OpDef):
    """value + bias, with bias broadcast along the last (channel) axis."""

    type_name = "BiasAdd"
    kernel_attrs = ("data_format",)

    @staticmethod
    def shape(op, v, b):
        if v is not None and len(v) < 2:
            raise shape_error(op, "Shape must be at least rank 2 but is rank %d" % len(v), v, b)
        if b is not None and len(b) != 1:
            raise shape_error(op, "Shape must be rank 1 but is rank %d" % len(b), v, b)
        if v is None:
            return None
        c = 1 if op.attrs["data_format"] == "NCHW" else -1
        if b is not None and v[c] is not None and b[0] is not None and v[c] != b[0]:
            raise shape_error(op, "Dimensions must be equal, but are %d and %d" % (v[c], b[0]), v, b)
        out = list(v)
        if out[c] is None and b is not None:
            out[c] = b[0]
        return tuple(out)

    @staticmethod
    def kernel(v, b, data_format):
        if data_format == "NCHW":
            return v + np.reshape(b, (-1,) + (1,) * (np.ndim(v) - 2))
        if np.shape(v)[-1] != np.shape(b)[0]:
            raise InvalidArgumentError(None, None, "Must provide as many biases as the last dimension of the input "
                                       "tensor: %s vs. %s" % (fmt_dims(np.shape(b)), fmt_dims(np.shape(v))))
        return v + b

    @classmethod
    def numpy_source(cls, op, args):
        v, b = args
        if op.get_attr("data_format") == "NCHW":
            return "%s + np.reshape(%s, (-1,) + (1,) * (np.ndim(%s) - 2))" % (v, b, v)
        return "%s + %s" % (v, b)

    @staticmethod
    def grad(op, g):
        with op_scope(None, "BiasAddGrad", [g]) as s:
            gb = s.make(BiasAddGrad, [g], {"T": g.dtype, "data_format": op.get_attr("data_format")}).outputs[0]
        return [g, gb]


class BiasAddGrad(OpDef):
    type_name = "BiasAddGrad"
    kernel_attrs = ("data_format",)

    @staticmethod
    def shape(op, d):
        if d is None:
            return (None,)
        return (d[1] if op.attrs["data_format"] == "NCHW" else d[-1],)

    @staticmethod
    def kernel(g, data_format):
        g = np.asarray(g)
        c = 1 if data_format == "NCHW" else g.ndim - 1
        return _m.add_reduce(g, tuple(i for i in range(g.ndim) if i != c))

    @classmethod
    def numpy_source(cls, op, args):
        return "_bias_add_grad(%s, %r)" % (args[0], op.get_attr("data_format")), {"_bias_add_grad": '''
def _bias_add_grad(g, data_format):
    """The bias gradient: g summed over every axis but the channel axis."""
    g = np.asarray(g)
    c = 1 if data_format == "NCHW" else g.ndim - 1
    return np.sum(g, axis=tuple(i for i in range(g.ndim) if i != c), dtype=g.dtype)
'''}

    @staticmethod
    def grad(op, gg):
        g = op.inputs[0]
        if op.get_attr("data_format") == "NCHW":  # bias along axis 1: shape [1, C, 1, ...]
            gg = _a.reshape(gg, _a.concat([[1, -1], _a.ones_like(_a.shape(g)[2:])], 0))
        return [_m.multiply(_a.ones_like(g), gg)]


def bias_add(value, bias, data_format=None, name=None) -> Tensor:
    """Add a 1-D bias along the channel axis (tf.nn.bias_add)."""
    with op_scope(name, "BiasAdd", [value, bias]) as s:
        v = s.convert(value, "input")
        b = s.convert(bias, "bias", dtype_hint=v.dtype.base_dtype)
        same_dtype("BiasAdd", [("value", v), ("bias", b)])
        fmt = "NCHW" if data_format in ("NCHW", "NCDHW", "NCW") else "NHWC"
        return s.make(BiasAdd, [v, b], {"T": v.dtype, "data_format": fmt}).outputs[0]


class L2Loss(OpDef):
    """sum(t ** 2) / 2."""

    type_name = "L2Loss"

    @staticmethod
    def shape(op, d):
        return ()

    @staticmethod
    def kernel(t):
        t = np.asarray(t)
        return (np.sum(t * t, dtype=t.dtype) / 2).astype(t.dtype)

    @classmethod
    def numpy_source(cls, op, args):
        return "_l2_loss(%s)" % args[0], {"_l2_loss": (
            "def _l2_loss(t):\n    t = np.asarray(t)\n    return (np.sum(t * t, dtype=t.dtype) / 2).astype(t.dtype)\n")}

    @staticmethod
    def grad(op, g):
        return [_m.multiply(op.inputs[0], g)]


def l2_loss(t, name=None) -> Tensor:
    with op_scope(name, "L2Loss", [t]) as s:
        x = s.convert(t, "t")
        check_dtype("L2Loss", "t", x, "real_float")
        return s.make(L2Loss, [x], {"T": x.dtype}).outputs[0]


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None) -> Tensor:
    """x / sqrt(max(sum(x**2, axis), epsilon)) (tf.nn.l2_normalize)."""
    if axis is None:
        axis = dim
    with op_scope(name, "l2_normalize", [x]) as s:
        t = s.convert(x, "x")
        square_sum = _m.reduce_sum(_m.square(t), axis, keepdims=True)
        x_inv_norm = _m.rsqrt(_m.maximum(square_sum, epsilon))
        return _m.multiply(t, x_inv_norm, name=s.scope)


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """(mean, variance) of `x` over `axes` (tf.nn.moments)."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with op_scope(name, "moments", [x]) as s:
        t = s.convert(x, "x")
        mean = _m.reduce_mean(t, axes, keepdims=True, name="mean")
        variance = _m.reduce_mean(_m.squared_difference(t, _a.stop_gradient(mean)), axes, keepdims=True,
                                  name="variance")
        if not keep:
            mean = _a.squeeze(mean, axes)
            variance = _a.squeeze(variance, axes)
        return mean, variance
