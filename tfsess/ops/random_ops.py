"""Random ops with TF1 seeding: a graph seed plus an op seed make each op's stream deterministic."""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.graph import get_default_graph, Tensor
from ..framework.opdef import OpDef, op_scope, constant_value
from .array_ops import shape_tensor, _known_shape_value
from . import math_ops as _m

__all__ = ["random_normal", "random_uniform", "truncated_normal", "random_shuffle", "multinomial",
           "categorical", "set_random_seed", "get_seed"]

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2 ** 31 - 1


def set_random_seed(seed):
    """Set the graph-level seed of the default graph (tf.set_random_seed)."""
    get_default_graph().seed = seed


def get_seed(op_seed):
    """TF's (graph seed, op seed) rule; (None, None) means a fresh random stream per session."""
    g = get_default_graph()
    global_seed = g.seed
    if global_seed is not None:
        if op_seed is None:
            op_seed = g._last_id
        seeds = (global_seed, op_seed)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, op_seed)
    else:
        seeds = (None, None)
    if seeds == (0, 0):
        return 0, _MAXINT32
    return seeds


class _RandomOp(OpDef):
    """A stateful random op: each session draws its own stream, restarting from the op's seeds."""

    stateful = True
    grad = None

    @staticmethod
    def dtype(op):
        return op.attrs["dtype"]

    @staticmethod
    def shape(op, d, *rest):
        known = _known_shape_value(op.inputs[0])
        if known is None:
            return None if d is None or d[0] is None else (None,) * d[0]
        return tuple(known)

    @classmethod
    def bind(cls, op, session):
        rng = session._rng_for(op) if session is not None else np.random.default_rng()
        np_t = op.attrs["dtype"].as_numpy_dtype
        draw = cls.draw

        def k(shape, *args):
            return draw(rng, tuple(int(s) for s in np.reshape(shape, [-1])), np_t, *args)
        return k


class RandomStandardNormal(_RandomOp):
    type_name = "RandomStandardNormal"

    @staticmethod
    def draw(rng, shape, np_t):
        return rng.standard_normal(shape, dtype=np.float64).astype(np_t)


class RandomUniform(_RandomOp):
    type_name = "RandomUniform"

    @staticmethod
    def draw(rng, shape, np_t):
        return rng.random(shape, dtype=np.float64).astype(np_t)


class TruncatedNormal(_RandomOp):
    type_name = "TruncatedNormal"

    @staticmethod
    def draw(rng, shape, np_t):
        out = rng.standard_normal(shape, dtype=np.float64)
        bad = np.abs(out) > 2
        while np.any(bad):
            out[bad] = rng.standard_normal(int(bad.sum()), dtype=np.float64)
            bad = np.abs(out) > 2
        return out.astype(np_t)


class RandomUniformInt(_RandomOp):
    type_name = "RandomUniformInt"

    @staticmethod
    def draw(rng, shape, np_t, lo, hi):
        return rng.integers(int(lo), int(hi), size=shape).astype(np_t)


class RandomShuffle(_RandomOp):
    type_name = "RandomShuffle"

    @staticmethod
    def dtype(op):
        return op.inputs[0].dtype.base_dtype

    @staticmethod
    def shape(op, d):
        return d

    @classmethod
    def bind(cls, op, session):
        rng = session._rng_for(op) if session is not None else np.random.default_rng()

        def k(x):
            x = np.array(x, copy=True)
            if x.ndim:
                rng.shuffle(x)
            return x
        return k


class Multinomial(_RandomOp):
    type_name = "Multinomial"

    @staticmethod
    def dtype(op):
        return op.attrs["output_dtype"]

    @staticmethod
    def shape(op, logits, n):
        num = constant_value(op.inputs[1])
        return (None if logits is None else logits[0], None if num is None else int(num))

    @classmethod
    def bind(cls, op, session):
        rng = session._rng_for(op) if session is not None else np.random.default_rng()
        out_t = op.attrs["output_dtype"].as_numpy_dtype

        def k(logits, num):
            logits = np.asarray(logits, np.float64)
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            return np.stack([rng.choice(p.shape[1], size=int(num), p=row) for row in p]).astype(out_t)
        return k


def _seed_attrs(seed):
    s1, s2 = get_seed(seed)
    return {"seed": s1 or 0, "seed2": s2 or 0}


def _random(opdef, shape, dtype, seed, scope, extra_inputs=()):
    shp = shape_tensor(shape, "shape")
    attrs = {"dtype": dtype, "T": shp.dtype}
    attrs.update(_seed_attrs(seed))
    with op_scope(None, opdef.type_name, [shp]) as s:
        return s.make(opdef, [shp] + list(extra_inputs), attrs).outputs[0]


def random_normal(shape, mean=0.0, stddev=1.0, dtype=_dtypes.float32, seed=None, name=None) -> Tensor:
    """Samples from N(mean, stddev^2) (tf.random_normal)."""
    dtype = _dtypes.as_dtype(dtype)
    with op_scope(name, "random_normal", [shape, mean, stddev]) as s:
        shp = shape_tensor(shape, "shape")
        mean_t = s.convert(mean, "mean", dtype=dtype)
        std_t = s.convert(stddev, "stddev", dtype=dtype)
        rnd = _random(RandomStandardNormal, shp, dtype, seed, s.scope)
        return _m.add(rnd * std_t, mean_t, name=s.scope)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dtypes.float32, seed=None, name=None) -> Tensor:
    """Normal samples re-drawn until within two standard deviations (tf.truncated_normal)."""
    dtype = _dtypes.as_dtype(dtype)
    with op_scope(name, "truncated_normal", [shape, mean, stddev]) as s:
        shp = shape_tensor(shape, "shape")
        mean_t = s.convert(mean, "mean", dtype=dtype)
        std_t = s.convert(stddev, "stddev", dtype=dtype)
        rnd = _random(TruncatedNormal, shp, dtype, seed, s.scope)
        return _m.add(rnd * std_t, mean_t, name=s.scope)


def random_uniform(shape, minval=0, maxval=None, dtype=_dtypes.float32, seed=None, name=None) -> Tensor:
    """Uniform samples in [minval, maxval) (tf.random_uniform); integer dtypes need maxval."""
    dtype = _dtypes.as_dtype(dtype)
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("Must specify maxval for integer dtype %r" % dtype)
        maxval = 1
    with op_scope(name, "random_uniform", [shape, minval, maxval]) as s:
        shp = shape_tensor(shape, "shape")
        lo = s.convert(minval, "min", dtype=dtype)
        hi = s.convert(maxval, "max", dtype=dtype)
        if dtype.is_integer:
            attrs = {"Tout": dtype, "dtype": dtype}
            attrs.update(_seed_attrs(seed))
            with op_scope(None, "RandomUniformInt", [shp]) as s2:
                return s2.make(RandomUniformInt, [shp, lo, hi], attrs).outputs[0]
        rnd = _random(RandomUniform, shp, dtype, seed, s.scope)
        return _m.add(rnd * (hi - lo), lo, name=s.scope)


def random_shuffle(value, seed=None, name=None) -> Tensor:
    with op_scope(name, "RandomShuffle", [value]) as s:
        x = s.convert(value, "value")
        attrs = {"T": x.dtype}
        attrs.update(_seed_attrs(seed))
        return s.make(RandomShuffle, [x], attrs).outputs[0]


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None) -> Tensor:
    with op_scope(name, "multinomial", [logits]) as s:
        lg = s.convert(logits, "logits")
        n = s.convert(num_samples, "num_samples", dtype=_dtypes.int32)
        attrs = {"T": lg.dtype, "output_dtype": _dtypes.as_dtype(output_dtype or _dtypes.int64)}
        attrs.update(_seed_attrs(seed))
        with op_scope(None, "Multinomial", [lg]) as s2:
            return s2.make(Multinomial, [lg, n], attrs).outputs[0]


def categorical(logits, num_samples, dtype=None, seed=None, name=None) -> Tensor:
    return multinomial(logits, num_samples, seed=seed, name=name, output_dtype=dtype)
