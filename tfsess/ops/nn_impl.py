"""More of tf.nn: dropout, embedding_lookup, batch_normalization, top_k/in_top_k, candidate samplers and the
sampled losses (nce_loss, sampled_softmax_loss) that word2vec-style tutorials use.

Composite functions build graphs from existing ops exactly as TF does (their gradients come from those
ops); new op types (TopKV2, InTopKV2, the candidate samplers, ComputeAccidentalHits) keep their shape
rule, kernel and gradient in one class.
"""
from __future__ import annotations

import collections
import numbers

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import Tensor, name_scope
from ..framework.opdef import OpDef, op_scope, check_dtype, constant_value
from ..framework.shapes import shape_error, fmt_dims
from . import array_ops as _a
from . import math_ops as _m
from . import random_ops as _r

__all__ = ["dropout", "embedding_lookup", "batch_normalization", "top_k", "in_top_k", "xw_plus_b",
           "log_uniform_candidate_sampler", "uniform_candidate_sampler", "compute_accidental_hits",
           "nce_loss", "sampled_softmax_loss"]


# ======================================================================================
# dropout
# ======================================================================================

def _noise_shape(x, noise_shape):
    if noise_shape is None:
        return _a.shape(x)
    if isinstance(noise_shape, Tensor):
        return noise_shape
    dims = list(noise_shape)
    if any(d is None for d in dims):
        x_dims = x.shape.as_list() if x.shape.ndims is not None else None
        if x_dims is None or len(x_dims) != len(dims):
            return _a.shape(x)
        full = _a.shape(x)
        dims = [full[i] if d is None and x_dims[i] is None else (x_dims[i] if d is None else d)
                for i, d in enumerate(dims)]
    return _a.shape_tensor(dims, "noise_shape", dtype=_dtypes.int32)


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None) -> Tensor:
    """Zero each element with probability `rate` (= 1 - keep_prob) and scale the rest by 1 / (1 - rate)."""
    if keep_prob is not None and rate is not None:
        raise ValueError("You cannot specify both 'rate' and 'keep_prob'.")
    if keep_prob is not None:
        if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1:
            raise ValueError("`keep_prob` must be a floating point number in the range (0, 1]. "
                             "Received: keep_prob=%s" % (keep_prob,))
        rate = 1 - keep_prob
    if rate is None:
        raise ValueError("You must provide a rate to dropout.")
    with name_scope(name, "dropout", [x]):
        is_rate_number = isinstance(rate, numbers.Real)
        if is_rate_number and (rate < 0 or rate >= 1):
            raise ValueError("`rate` must be a scalar tensor or a float in the range [0, 1). Received: rate=%s"
                             % (rate,))
        x = _as_tensor(x, "x")
        dt = x.dtype.base_dtype
        if not dt.is_floating:
            raise ValueError("`x.dtype` must be a floating point tensor as `x` will be scaled. Received: "
                             "x_dtype=%s" % dt.name)
        if is_rate_number and rate == 0:
            return x
        if is_rate_number:
            ret = _m.multiply(x, _a.constant(1 / (1 - rate), dtype=dt))
        else:
            rate = _as_tensor(rate, "rate")
            if rate.shape.ndims is not None and rate.shape.ndims != 0:
                raise ValueError("Shape must be rank 0 but is rank %d" % rate.shape.ndims)
            if rate.dtype.base_dtype is not dt:
                rate = _a.cast(rate, dt, name="rate")
            ret = _m.realdiv(x, _m.subtract(_a.constant(1, dtype=dt), rate))
        random_tensor = _r.random_uniform(_noise_shape(x, noise_shape), seed=seed, dtype=dt)
        keep_mask = _m.greater_equal(random_tensor, rate)
        ret = _a.where_v2(keep_mask, ret, _a.constant(0, dtype=dt))
        ret.set_shape(x.shape)
        return ret


def _as_tensor(value, name, dtype=None):
    from ..framework.graph import convert_to_tensor
    return convert_to_tensor(value, dtype=dtype, name=name)


# ======================================================================================
# embedding_lookup
# ======================================================================================

def _clip_rows(t, max_norm):
    """Scale each embedding so that its L2 norm is at most max_norm (TF's clip_by_norm on the last axis)."""
    if max_norm is None:
        return t
    axes = list(range(1, t.shape.ndims)) if t.shape.ndims and t.shape.ndims > 1 else [-1]
    l2 = _m.sqrt(_m.reduce_sum(_m.square(t), axes, keepdims=True))
    clip = _a.constant(max_norm, dtype=t.dtype.base_dtype)
    return _m.truediv(_m.multiply(t, clip), _m.maximum(l2, clip))


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True, max_norm=None):
    """Rows of `params` (a tensor, or a list of partitions split by `partition_strategy`) at `ids`."""
    if params is None or (isinstance(params, (list, tuple)) and not params):
        raise ValueError("Need at least one param")
    if isinstance(params, (list, tuple)) and len(params) == 1:
        params = params[0]
    if not isinstance(params, (list, tuple)):
        with name_scope(name, "embedding_lookup", [params, ids]) as scope:
            p = _as_tensor(params, "params")
            result = _a.gather(p, _as_tensor(ids, "ids"), name=scope)
            return _a.identity(_clip_rows(result, max_norm))
    if partition_strategy not in ("mod", "div"):
        raise ValueError("Unrecognized partition strategy: " + partition_strategy)
    with name_scope(name, "embedding_lookup", list(params) + [ids]) as scope:
        parts = [_as_tensor(p, "params") for p in params]
        np_ = len(parts)
        ids_t = _as_tensor(ids, "ids")
        flat_ids = _a.reshape(ids_t, [-1])
        sizes = [_a.shape(p, out_type=ids_t.dtype.base_dtype)[0] for p in parts]
        if partition_strategy == "div":
            rows = flat_ids
        else:
            offsets = _m.cumsum(_a.stack(sizes), exclusive=True)
            rows = _m.add(_a.gather(offsets, _m.floormod(flat_ids, np_)), _m.floordiv(flat_ids, np_))
        table = _a.concat(parts, 0)
        got = _a.gather(table, rows)
        out_shape = _a.concat([_a.shape(ids_t), _a.shape(table)[1:]], 0)
        result = _a.reshape(got, out_shape, name=scope)
        return _a.identity(_clip_rows(result, max_norm))


# ======================================================================================
# Normalisation helpers
# ======================================================================================

def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None) -> Tensor:
    """(x - mean) * scale / sqrt(variance + epsilon) + offset, built as TF does (tf.nn.batch_normalization)."""
    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = _as_tensor(x, "x")
        dt = x.dtype.base_dtype
        inv = _m.rsqrt(variance + variance_epsilon)
        if scale is not None:
            inv = inv * scale
        shift = offset - mean * inv if offset is not None else -mean * inv
        return x * _a.cast(inv, dt) + _a.cast(shift, dt)


def xw_plus_b(x, weights, biases, name=None) -> Tensor:
    """matmul(x, weights) + biases (tf.nn.xw_plus_b)."""
    from .nn_ops import bias_add
    with name_scope(name, "xw_plus_b", [x, weights, biases]) as scope:
        return bias_add(_m.matmul(x, weights), biases, name=scope)


# ======================================================================================
# top_k / in_top_k
# ======================================================================================

TopKV2Result = collections.namedtuple("TopKV2", ["values", "indices"])


class TopKV2(OpDef):
    """The k largest entries along the last axis, descending (ties: lower index first), and their indices."""

    type_name = "TopKV2"

    @classmethod
    def outputs(cls, op):
        d = op.inputs[0].shape.dim_sizes
        k = constant_value(op.inputs[1])
        if d is not None and len(d) < 1:
            raise shape_error(op, "Shape must be at least rank 1 but is rank 0", d, op.inputs[1].shape.dim_sizes)
        if k is not None:
            k = int(k)
            if k < 0:
                raise shape_error(op, "input must be non-negative, got %d" % k, d, ())
            if d is not None and d[-1] is not None and d[-1] < k:
                raise shape_error(op, "input must have last dimension >= k = %d but is %d" % (k, d[-1]), d, ())
        out = None if d is None else d[:-1] + (k,)
        return [(op.attrs["T"], out), (op.attrs["index_type"], out)]

    @classmethod
    def bind(cls, op, session):
        idx_t = op.attrs["index_type"].as_numpy_dtype

        def top_k(x, k):
            x = np.asarray(x)
            k = int(k)
            if x.ndim < 1:
                raise InvalidArgumentError(None, None, "input must be >= 1-D, got shape %s" % fmt_dims(x.shape))
            if x.shape[-1] < k:
                raise InvalidArgumentError(None, None, "input must have at least k columns. Had %d, needed %d"
                                           % (x.shape[-1], k))
            n = x.shape[-1]
            # stable ascending sort of the reversed row, read backwards = descending with lower index first
            order = np.argsort(x[..., ::-1], axis=-1, kind="stable")[..., ::-1][..., :k]
            idx = (n - 1 - order).astype(idx_t)
            return np.take_along_axis(x, idx.astype(np.intp), axis=-1), idx
        return top_k

    @staticmethod
    def grad(op, g_values, g_indices):
        x = op.inputs[0]
        idx = op.outputs[1]
        in_shape = _a.shape(x)
        last = in_shape[-1]
        k = _a.shape(idx)[-1]
        idx2 = _a.reshape(_a.cast(idx, _dtypes.int32), _a.stack([-1, k]))
        rows = _a.shape(idx2)[0]
        offsets = _a.expand_dims(_m.multiply(_m.range(0, rows), last), -1)
        flat = _a.reshape(_m.add(idx2, offsets), [-1])
        dense = _m.unsorted_segment_sum(_a.reshape(g_values, [-1]), flat, _m.reduce_prod(in_shape))
        return [_a.reshape(dense, in_shape), None]


def top_k(input, k=1, sorted=True, name=None, index_type=_dtypes.int32):  # noqa: A002
    """(values, indices) of the k largest entries of the last axis (tf.nn.top_k)."""
    with op_scope(name, "TopKV2", [input]) as s:
        x = s.convert(input, "input")
        check_dtype("TopKV2", "input", x, "real")
        kt = s.convert(k, "k", dtype=_dtypes.int32)
        op = s.make(TopKV2, [x, kt], {"T": x.dtype.base_dtype, "Tk": _dtypes.int32, "sorted": bool(sorted),
                                      "index_type": _dtypes.as_dtype(index_type)})
        return TopKV2Result(op.outputs[0], op.outputs[1])


class InTopKV2(OpDef):
    """Whether targets[i] is among the k largest predictions[i] (ties count for the target; non-finite rows: False)."""

    type_name = "InTopKV2"
    grad = None

    @staticmethod
    def dtype(op):
        return _dtypes.bool

    @staticmethod
    def shape(op, p, t, k):
        if p is not None and len(p) != 2:
            raise shape_error(op, "Shape must be rank 2 but is rank %d" % len(p), p, t, k)
        if t is not None and len(t) != 1:
            raise shape_error(op, "Shape must be rank 1 but is rank %d" % len(t), p, t, k)
        n = p[0] if p is not None else None
        if n is None and t is not None:
            n = t[0]
        if p is not None and t is not None and p[0] is not None and t[0] is not None and p[0] != t[0]:
            raise shape_error(op, "Dimensions must be equal, but are %d and %d" % (p[0], t[0]), p, t, k)
        return (n,)

    @staticmethod
    def kernel(predictions, targets, k):
        p = np.asarray(predictions)
        t = np.asarray(targets)
        if p.shape[0] != t.shape[0]:
            raise InvalidArgumentError(None, None, "First dimension of predictions %d must match length of "
                                       "targets %d" % (p.shape[0], t.shape[0]))
        n, classes = p.shape
        valid = (t >= 0) & (t < classes)
        safe = np.where(valid, t, 0).astype(np.intp)
        target_val = p[np.arange(n), safe]
        finite = np.all(np.isfinite(p), axis=1)
        better = np.sum(p > target_val[:, None], axis=1)
        return valid & finite & (better < int(k))


def in_top_k(predictions, targets, k, name=None) -> Tensor:
    """For each row, whether `targets` is in the top `k` of `predictions` (tf.nn.in_top_k)."""
    with name_scope(name, "in_top_k"):
        with op_scope(None, "InTopKV2", [predictions, targets]) as s:
            p = s.convert(predictions, "predictions", dtype=_dtypes.float32)
            t = s.convert(targets, "targets")
            if t.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
                raise TypeError("Value passed to parameter 'targets' has DataType %s not in list of allowed "
                                "values: int32, int64" % t.dtype.base_dtype.name)
            kt = s.convert(k, "k", dtype=t.dtype.base_dtype)
            return s.make(InTopKV2, [p, t, kt], {"T": t.dtype.base_dtype}).outputs[0]


# ======================================================================================
# Candidate sampling
# ======================================================================================

CandidateSamplerResult = collections.namedtuple("CandidateSamplerResult", ["sampled_candidates",
                                                                           "true_expected_count",
                                                                           "sampled_expected_count"])


class _CandidateSampler(OpDef):
    """Draws `num_sampled` classes in [0, range_max) (distinct if `unique`) and their expected counts.

    Expected counts follow TF: p * num_sampled, or with `unique` sampling that needed `tries` draws,
    1 - (1 - p) ** tries.
    """

    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        tc = op.inputs[0].shape.dim_sizes
        if tc is not None and len(tc) != 2:
            raise shape_error(op, "Shape must be rank 2 but is rank %d" % len(tc), tc)
        ns = op.attrs["num_sampled"]
        batch = None if tc is None else tc[0]
        return [(_dtypes.int64, (ns,)), (_dtypes.float32, (batch, op.attrs["num_true"])),
                (_dtypes.float32, (ns,))]

    @classmethod
    def bind(cls, op, session):
        rng = session._rng_for(op) if session is not None else np.random.default_rng()
        a = op.attrs
        ns, unique, range_max, num_true = a["num_sampled"], a["unique"], a["range_max"], a["num_true"]
        draw, prob = cls.draw, cls.probability

        def sample(true_classes):
            tc = np.asarray(true_classes)
            if tc.ndim != 2 or tc.shape[1] != num_true:
                raise InvalidArgumentError(None, None, "true_classes must be a matrix with num_true=%d columns, "
                                           "got shape %s" % (num_true, fmt_dims(tc.shape)))
            if unique:
                if ns > range_max:
                    raise InvalidArgumentError(None, None, "Sampler's range is too small.")
                buf = np.zeros([0], np.int64)
                while True:
                    buf = np.concatenate([buf, draw(rng, max(2 * ns, 64), range_max)])
                    _, first = np.unique(buf, return_index=True)
                    if first.size >= ns:
                        first = np.sort(first)[:ns]
                        tries = int(first[-1]) + 1
                        sampled = buf[first]
                        break
            else:
                sampled = draw(rng, ns, range_max)
                tries = ns

            def expected(ids):
                p = prob(ids.astype(np.float64), range_max)
                if tries == ns:
                    return (p * ns).astype(np.float32)
                return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)
            return sampled.astype(np.int64), expected(tc), expected(sampled)
        return sample


class LogUniformCandidateSampler(_CandidateSampler):
    """Zipfian classes: P(k) = log((k + 2) / (k + 1)) / log(range_max + 1) (word2vec's frequency-sorted ids)."""

    type_name = "LogUniformCandidateSampler"

    @staticmethod
    def draw(rng, n, range_max):
        v = np.exp(rng.random(n) * np.log(range_max + 1.0)) - 1
        return v.astype(np.int64) % range_max

    @staticmethod
    def probability(ids, range_max):
        return np.log((ids + 2.0) / (ids + 1.0)) / np.log(range_max + 1.0)


class UniformCandidateSampler(_CandidateSampler):
    """Every class equally likely: P(k) = 1 / range_max."""

    type_name = "UniformCandidateSampler"

    @staticmethod
    def draw(rng, n, range_max):
        return rng.integers(0, range_max, size=n).astype(np.int64)

    @staticmethod
    def probability(ids, range_max):
        return np.full(ids.shape, 1.0 / range_max)


def _sampler(opdef, true_classes, num_true, num_sampled, unique, range_max, seed, name):
    with op_scope(name, opdef.type_name, [true_classes]) as s:
        tc = s.convert(true_classes, "true_classes", dtype=_dtypes.int64)
        attrs = {"num_true": int(num_true), "num_sampled": int(num_sampled), "unique": bool(unique),
                 "range_max": int(range_max)}
        attrs.update(_r._seed_attrs(seed))
        op = s.make(opdef, [tc], attrs)
        return CandidateSamplerResult(*op.outputs)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Sample classes from the log-uniform (Zipfian) distribution (tf.nn.log_uniform_candidate_sampler)."""
    return _sampler(LogUniformCandidateSampler, true_classes, num_true, num_sampled, unique, range_max, seed, name)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
    """Sample classes uniformly from [0, range_max) (tf.nn.uniform_candidate_sampler)."""
    return _sampler(UniformCandidateSampler, true_classes, num_true, num_sampled, unique, range_max, seed, name)


ComputeAccidentalHitsResult = collections.namedtuple("ComputeAccidentalHits", ["indices", "ids", "weights"])


class ComputeAccidentalHits(OpDef):
    """Where a sampled class equals one of a row's true classes: (row, position in sampled, -FLT_MAX)."""

    type_name = "ComputeAccidentalHits"
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.int32, (None,)), (_dtypes.int64, (None,)), (_dtypes.float32, (None,))]

    @staticmethod
    def kernel(true_classes, sampled):
        tc = np.asarray(true_classes)
        pos = {}
        for i, v in enumerate(np.asarray(sampled).tolist()):
            pos[v] = i  # the last occurrence wins, as in TF
        rows, ids = [], []
        for r, row in enumerate(tc.tolist()):
            for v in row:
                p = pos.get(v)
                if p is not None:
                    rows.append(r)
                    ids.append(p)
        w = np.full(len(rows), -np.finfo(np.float32).max, np.float32)
        return np.array(rows, np.int32), np.array(ids, np.int64), w


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """(indices, ids, weights) of sampled candidates that are true classes (tf.nn.compute_accidental_hits)."""
    with op_scope(name, "ComputeAccidentalHits", [true_classes, sampled_candidates]) as s:
        tc = s.convert(true_classes, "true_classes", dtype=_dtypes.int64)
        sc = s.convert(sampled_candidates, "sampled_candidates", dtype=_dtypes.int64)
        attrs = {"num_true": int(num_true)}
        attrs.update(_r._seed_attrs(seed))
        op = s.make(ComputeAccidentalHits, [tc, sc], attrs)
        return ComputeAccidentalHitsResult(*op.outputs)


# ======================================================================================
# Sampled losses
# ======================================================================================

def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
                            subtract_log_q, remove_accidental_hits, partition_strategy, name, seed):
    """(logits, labels) over the true classes followed by the sampled ones, as TF's _compute_sampled_logits."""
    if not isinstance(weights, (list, tuple)):
        weights = [weights]
    with name_scope(name, "compute_sampled_logits", list(weights) + [biases, inputs, labels]):
        labels = _as_tensor(labels, "labels")
        if labels.dtype.base_dtype is not _dtypes.int64:
            labels = _a.cast(labels, _dtypes.int64)
        inputs = _as_tensor(inputs, "inputs")
        labels_flat = _a.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(true_classes=labels, num_true=num_true,
                                                           num_sampled=num_sampled, unique=True,
                                                           range_max=num_classes, seed=seed)
        sampled, true_expected_count, sampled_expected_count = (_a.stop_gradient(s) for s in sampled_values)
        sampled = _a.cast(sampled, _dtypes.int64)
        all_ids = _a.concat([labels_flat, sampled], 0)
        all_w = embedding_lookup(weights, all_ids, partition_strategy=partition_strategy)
        n_true = _a.shape(labels_flat)[0]
        true_w = _a.slice(all_w, [0, 0], _a.stack([n_true, -1]))
        sampled_w = _a.slice(all_w, _a.stack([n_true, 0]), [-1, -1])
        sampled_logits = _m.matmul(inputs, sampled_w, transpose_b=True)
        all_b = embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
        true_b = _a.slice(all_b, [0], _a.shape(labels_flat))
        sampled_b = _a.slice(all_b, _a.shape(labels_flat), [-1])
        dim = _a.shape(true_w)[1:2]
        new_true_w_shape = _a.concat([[-1, num_true], dim], 0)
        row_wise_dots = _m.multiply(_a.expand_dims(inputs, 1), _a.reshape(true_w, new_true_w_shape))
        dots_as_matrix = _a.reshape(row_wise_dots, _a.concat([[-1], dim], 0))
        true_logits = _a.reshape(_m.reduce_sum(dots_as_matrix, 1), [-1, num_true])
        true_b = _a.reshape(true_b, [-1, num_true])
        true_logits = _m.add(true_logits, true_b)
        sampled_logits = _m.add(sampled_logits, sampled_b)
        if remove_accidental_hits:
            acc_indices, acc_ids, acc_weights = compute_accidental_hits(labels, sampled, num_true=num_true)
            # TF scatters the -FLT_MAX weights with sparse_to_dense; a segment sum of hit flags says the same
            # per (row, sampled position) without ever adding two -FLT_MAX values into an infinity.
            batch = _a.shape(labels)[0]
            flat = _m.add(_m.multiply(_a.cast(acc_indices, _dtypes.int64), num_sampled), acc_ids)
            hits = _m.unsorted_segment_sum(_a.ones_like(acc_weights), flat,
                                           _m.multiply(_a.cast(batch, _dtypes.int64), num_sampled))
            hit_mask = _m.greater(_a.reshape(hits, _a.stack([batch, num_sampled])), 0.0)
            penalty = _a.where_v2(hit_mask, _a.constant(-np.finfo(np.float32).max, dtype=_dtypes.float32),
                                  _a.constant(0.0, dtype=_dtypes.float32))
            if sampled_logits.dtype.base_dtype is not _dtypes.float32:
                penalty = _a.cast(penalty, sampled_logits.dtype.base_dtype)
            sampled_logits = _m.add(sampled_logits, penalty)
        if subtract_log_q:
            true_logits = _m.subtract(true_logits, _m.log(true_expected_count))
            sampled_logits = _m.subtract(sampled_logits, _m.log(sampled_expected_count))
        out_logits = _a.concat([true_logits, sampled_logits], 1)
        out_labels = _a.concat([_m.truediv(_a.ones_like(true_logits), num_true), _a.zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None,
             remove_accidental_hits=False, partition_strategy="mod", name="nce_loss", seed=None) -> Tensor:
    """Noise-contrastive estimation loss, one value per example (tf.nn.nce_loss)."""
    from .nn_ops import sigmoid_cross_entropy_with_logits
    logits, labels = _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                             sampled_values, True, remove_accidental_hits, partition_strategy,
                                             name, seed)
    sampled_losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits, name="sampled_losses")
    return _m.reduce_sum(sampled_losses, 1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True, partition_strategy="mod",
                         name="sampled_softmax_loss", seed=None) -> Tensor:
    """Softmax cross-entropy over the true class and `num_sampled` sampled classes (tf.nn.sampled_softmax_loss)."""
    from .nn_ops import softmax_cross_entropy_with_logits_v2
    logits, labels = _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                                             sampled_values, True, remove_accidental_hits, partition_strategy,
                                             name, seed)
    labels = _a.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
