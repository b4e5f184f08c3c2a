"""Summary ops: each produces a serialized `Summary` protocol buffer (a string tensor), as in TF1.

The protobuf classes come from the optional tensorboard package (see `_backend`); building the ops needs
nothing optional, running them does.
"""
from __future__ import annotations

import bisect
import re

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import GraphKeys, Tensor, get_default_graph, name_scope
from ..framework.opdef import OpDef, op_scope
from ..framework.shapes import shape_error, fmt_dims
from . import _backend

__all__ = ["scalar", "histogram", "image", "merge", "merge_all"]


def _pb():
    return _backend.load()


def _string_scalar(data: bytes):
    return np.array(data, dtype=object)


def _text(tag) -> str:
    tag = np.asarray(tag)
    v = tag.reshape(-1)[0] if tag.size else b""
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


class _SummaryOp(OpDef):
    """Base of ops whose output is one serialized Summary (a string scalar)."""

    stateful = True  # never constant-folded: kernels need the optional protobuf library
    grad = None

    @staticmethod
    def dtype(op):
        return _dtypes.string

    @staticmethod
    def shape(op, *dims):
        return ()


class ScalarSummary(_SummaryOp):
    """One `simple_value` per tag (tags and values of the same shape)."""

    type_name = "ScalarSummary"

    @staticmethod
    def shape(op, tags, values):
        if tags is not None and values is not None and len(tags) == len(values) and \
                any(a is not None and b is not None and a != b for a, b in zip(tags, values)):
            raise shape_error(op, "tags and values not the same shape", tags, values)
        return ()

    @classmethod
    def bind(cls, op, session):
        def kernel(tags, values):
            tags, values = np.asarray(tags), np.asarray(values)
            if tags.shape != values.shape:
                raise InvalidArgumentError(None, None, "tags and values are not the same shape: %s != %s"
                                           % (fmt_dims(tags.shape), fmt_dims(values.shape)))
            pb = _pb()
            s = pb.summary_pb2.Summary()
            for tag, value in zip(tags.reshape(-1), values.reshape(-1)):
                s.value.add(tag=_text(tag), simple_value=float(value))
            return _string_scalar(s.SerializeToString())
        return kernel


def _default_bucket_limits():
    """TF's histogram bucket edges: +-1e-12 * 1.1**k up to 1e20, zero, and +-DBL_MAX at the ends."""
    pos = []
    v = 1e-12
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    pos.append(np.finfo(np.float64).max)
    return np.array([-x for x in reversed(pos)] + [0.0] + pos)


_LIMITS = None


def histogram_proto(values):
    """(HistogramProto fields) of `values` with TF's default buckets, empty runs of buckets collapsed."""
    global _LIMITS
    if _LIMITS is None:
        _LIMITS = _default_bucket_limits()
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if v.size <= _SMALL:
        return _small_histogram(v.tolist())
    counts = np.bincount(np.minimum(_bucket_index(v), _LIMITS.size - 1), minlength=_LIMITS.size).astype(np.float64)
    # TF's EncodeToProto: every run of empty buckets collapses into its last bucket, so a bucket is kept
    # when it is not empty, or when the next one is not empty (or it is the last)
    full = counts > 0
    keep = full.copy()
    keep[:-1] |= full[1:]
    keep[-1] = True
    limits, buckets = _LIMITS[keep].tolist(), counts[keep].tolist()
    return {"min": float(v.min()) if v.size else float(np.finfo(np.float64).max),
            "max": float(v.max()) if v.size else -float(np.finfo(np.float64).max),
            "num": float(v.size), "sum": float(v.sum()), "sum_squares": float(np.dot(v, v)),
            "bucket_limit": limits, "bucket": buckets}


def _bucket_index(v):
    """np.searchsorted(_LIMITS, v, side="right") for finite v, from the buckets' geometric spacing.

    The limits are +-1e-12 * 1.1**k: a logarithm gives each value's index to within one, and comparisons
    with the limits themselves correct it; several times faster than a binary search over 1,551 limits.
    """
    p = _LIMITS.size // 2  # positive limits (the last is DBL_MAX); _LIMITS[p] is 0.0
    with np.errstate(divide="ignore"):
        m = np.log(np.abs(v))  # about #(positive limits <= |v|) = floor(log(|v| / 1e-12) / log(1.1)) + 1
    m += np.log(1e12)
    m *= 1.0 / np.log(1.1)
    np.floor(m, out=m)
    m += 1.0
    np.clip(m, 0, p, out=m)
    m = m.astype(np.intp)
    idx = np.where(v >= 0, p + 1 + m, p - m)
    n = _LIMITS.size
    for _ in range(4):  # the estimate is off by at most one or two: step until L[idx-1] <= v < L[idx]
        up = idx < n
        up[up] = _LIMITS[idx[up]] <= v[up]
        down = idx > 0
        down[down] = _LIMITS[idx[down] - 1] > v[down]
        if not (up.any() or down.any()):
            return idx
        idx += up
        idx -= down
    return np.searchsorted(_LIMITS, v, side="right")


_SMALL = 256        # histograms of at most this many values are built in plain Python (fewer calls)
_LIMIT_LIST = None


def _small_histogram(vals):
    """histogram_proto of a short list of floats: sums in order (as TF's Histogram::Add), bisect per value."""
    global _LIMIT_LIST
    if _LIMIT_LIST is None:
        _LIMIT_LIST = _LIMITS.tolist()
    lim, last = _LIMIT_LIST, len(_LIMIT_LIST) - 1
    counts = {}
    total = squares = 0.0
    for x in vals:
        b = min(bisect.bisect_right(lim, x), last)
        counts[b] = counts.get(b, 0.0) + 1.0
        total += x
        squares += x * x
    limits, buckets = [], []
    for b in sorted(counts):
        if b > 0 and (b - 1) not in counts:  # the run of empty buckets before b collapses into b - 1
            limits.append(lim[b - 1])
            buckets.append(0.0)
        limits.append(lim[b])
        buckets.append(counts[b])
    if not counts or max(counts) < last:
        limits.append(lim[last])
        buckets.append(0.0)
    big = float(np.finfo(np.float64).max)
    return {"min": min(vals) if vals else big, "max": max(vals) if vals else -big, "num": float(len(vals)),
            "sum": total, "sum_squares": squares, "bucket_limit": limits, "bucket": buckets}


class HistogramSummary(_SummaryOp):
    """A histogram of all values of a tensor (non-finite values are an error, as in TF)."""

    type_name = "HistogramSummary"

    @classmethod
    def bind(cls, op, session):
        def kernel(tag, values):
            tag_s = _text(tag)
            v = np.asarray(values)
            if v.dtype.kind in "fc" and not np.all(np.isfinite(v)):
                raise InvalidArgumentError(None, None, "Nan in summary histogram for: %s" % tag_s)
            pb = _pb()
            s = pb.summary_pb2.Summary()
            s.value.add(tag=tag_s, histo=pb.summary_pb2.HistogramProto(**histogram_proto(v.real)))
            return _string_scalar(s.SerializeToString())
        return kernel


def _to_uint8(img):
    """TF's rescaling of one float HxWxC image to uint8: by 255/max if non-negative, else around 128."""
    img = np.asarray(img)
    if img.dtype == np.uint8:
        return img
    x = img.astype(np.float64)
    finite = np.isfinite(x)
    vals = x[finite]
    lo = vals.min() if vals.size else 0.0
    hi = vals.max() if vals.size else 0.0
    if lo < 0:
        m = max(abs(lo), abs(hi))
        scale, offset = (0.0 if m < 1e-6 else 127.0 / m), 128.0
    else:
        scale, offset = (0.0 if hi < 1e-6 else 255.0 / hi), 0.0
    out = np.where(finite, x * scale + offset, 0.0)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if not finite.all():
        bad = np.array([255, 0, 0, 255][:img.shape[2]] if img.shape[2] != 1 else [255], np.uint8)
        out[~finite.all(axis=2)] = bad
    return out


class ImageSummary(_SummaryOp):
    """Up to `max_images` PNG images from a [batch, height, width, channels] tensor (channels 1, 3 or 4)."""

    type_name = "ImageSummary"

    @staticmethod
    def shape(op, tag, t):
        if t is not None and len(t) != 4:
            raise shape_error(op, "Shape must be rank 4 but is rank %d" % len(t), tag, t)
        if t is not None and t[3] is not None and t[3] not in (1, 3, 4):
            raise shape_error(op, "Tensor must have 1, 3, or 4 channels", tag, t)
        return ()

    @classmethod
    def bind(cls, op, session):
        max_images = op.attrs["max_images"]

        def kernel(tag, tensor):
            base = _text(tag)
            t = np.asarray(tensor)
            if t.ndim != 4 or t.shape[3] not in (1, 3, 4):
                raise InvalidArgumentError(None, None, "Tensor must be 4-D with last dim 1, 3, or 4, not %s"
                                           % fmt_dims(t.shape))
            pb = _pb()
            s = pb.summary_pb2.Summary()
            for i in range(min(t.shape[0], max_images)):
                img = _to_uint8(t[i])
                png = _backend.encode_png(img)
                tag_i = "%s/image/%d" % (base, i) if max_images > 1 else "%s/image" % base
                s.value.add(tag=tag_i, image=pb.summary_pb2.Summary.Image(
                    height=img.shape[0], width=img.shape[1], colorspace=img.shape[2], encoded_image_string=png))
            return _string_scalar(s.SerializeToString())
        return kernel


class MergeSummary(_SummaryOp):
    """The union of several serialized Summary protos (duplicate tags are an error)."""

    type_name = "MergeSummary"

    @classmethod
    def bind(cls, op, session):
        def kernel(*inputs):
            # serialized protos concatenate into their merge (repeated fields append): parse for the tags only
            summary = _pb().summary_pb2.Summary
            seen = set()
            parts = []
            for arr in inputs:
                for data in np.asarray(arr, dtype=object).reshape(-1):
                    data = bytes(data)
                    for v in summary.FromString(data).value:
                        if v.tag in seen:
                            raise InvalidArgumentError(None, None, "Duplicate tag %s found in summary inputs "
                                                       % v.tag)
                        seen.add(v.tag)
                    parts.append(data)
            return _string_scalar(b"".join(parts))
        return kernel


# ======================================================================================
# Public API (tf.summary)
# ======================================================================================

class _summary_scope:  # noqa: N801
    """TF's summary_scope: a name scope named after the summary; the tag is the scope without '/'."""

    def __init__(self, name, family, values):
        self._name = name if family is None else "%s/%s" % (family, name)
        self._values = values

    def __enter__(self):
        name = re.sub(r"[^-/\w\.]", "_", self._name)
        self._ns = name_scope(name, values=self._values)
        scope = self._ns.__enter__()
        return scope[:-1], scope

    def __exit__(self, *exc):
        return self._ns.__exit__(*exc)


def _collect(op_out, collections):
    g = op_out.graph
    for key in (collections if collections is not None else [GraphKeys.SUMMARIES]):
        g.add_to_collection(key, op_out)
    return op_out


def scalar(name, tensor, collections=None, family=None) -> Tensor:
    """A summary of one scalar value under the tag `name` (tf.summary.scalar)."""
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        with op_scope(scope, "ScalarSummary", [tensor]) as s:
            v = s.convert(tensor, "values")
            if not (v.dtype.base_dtype.is_floating or v.dtype.base_dtype.is_integer):
                raise TypeError("Value passed to parameter 'values' has DataType %s not in list of allowed "
                                "values: float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, "
                                "float16, uint32, uint64" % v.dtype.base_dtype.name)
            if v.shape.ndims not in (None, 0):
                raise ValueError("Shape must be rank 0 but is rank %d for '%s' (op: 'ScalarSummary')"
                                 % (v.shape.ndims, scope[:-1]))
            tags = s.convert(tag, "tags", dtype=_dtypes.string)
            out = s.make(ScalarSummary, [tags, v], {"T": v.dtype.base_dtype}).outputs[0]
    return _collect(out, collections)


def histogram(name, values, collections=None, family=None) -> Tensor:
    """A histogram of the values of a tensor under the tag `name` (tf.summary.histogram)."""
    with _summary_scope(name, family, [values]) as (tag, scope):
        with op_scope(scope, "HistogramSummary", [values]) as s:
            v = s.convert(values, "values")
            t = s.convert(tag, "tag", dtype=_dtypes.string)
            out = s.make(HistogramSummary, [t, v], {"T": v.dtype.base_dtype}).outputs[0]
    return _collect(out, collections)


def image(name, tensor, max_outputs=3, collections=None, family=None) -> Tensor:
    """PNG images from a [batch, height, width, channels] tensor under `name/image/i` (tf.summary.image)."""
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        with op_scope(scope, "ImageSummary", [tensor]) as s:
            v = s.convert(tensor, "tensor")
            t = s.convert(tag, "tag", dtype=_dtypes.string)
            out = s.make(ImageSummary, [t, v], {"T": v.dtype.base_dtype, "max_images": int(max_outputs),
                                                "bad_color": np.array([255, 0, 0, 255], np.uint8)}).outputs[0]
    return _collect(out, collections)


def merge(inputs, collections=None, name=None) -> Tensor:
    """One summary holding all values of the given summaries (tf.summary.merge)."""
    inputs = list(inputs)
    with name_scope(name, "Merge", inputs):
        with op_scope(None, "MergeSummary", inputs) as s:
            ts = [s.convert(x, "inputs", dtype=_dtypes.string) for x in inputs]
            out = s.make(MergeSummary, ts, {"N": len(ts)}).outputs[0]
    for key in collections or []:
        out.graph.add_to_collection(key, out)
    return out


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merge every summary in collection `key` (None if there is none), as tf.summary.merge_all."""
    summaries = get_default_graph().get_collection(key, scope=scope)
    if not summaries:
        return None
    return merge(summaries, name=name)
