"""Convolution and pooling ops (tf.nn.conv2d, conv2d_transpose, max_pool, avg_pool) and their gradient ops.

Images are NHWC. Every kernel works on a strided *view* of the padded input with one window per output
pixel, shape (N, OH, OW, KH, KW, C) (`_windows`): a convolution is that view reshaped to a matrix
(im2col) times the filter reshaped to a matrix, one matmul. Gradients that scatter back into the
input (`_col2im`) loop over the KH*KW filter taps, never over pixels.
"""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework import parallel
from ..framework.errors import InvalidArgumentError
from ..framework.graph import Tensor
from ..framework.opdef import OpDef, op_scope, check_dtype, same_dtype
from ..framework.shapes import shape_error, fmt_dims
from . import array_ops as _a

__all__ = ["conv2d", "conv2d_transpose", "conv2d_backprop_input", "conv2d_backprop_filter", "max_pool",
           "avg_pool", "atrous_conv2d", "convolution"]

_PADDINGS = ("SAME", "VALID", "EXPLICIT")


# ======================================================================================
# Geometry shared by shape rules and kernels
# ======================================================================================

def _spatial(data_format):
    """Indices of (H, W, C) in a 4-D shape of this data format."""
    return (2, 3, 1) if data_format == "NCHW" else (1, 2, 3)


def _out_size(size, k, s, d, padding, pads):
    """(output size, pad before, pad after) of one spatial dimension; output None if `size` is unknown."""
    k_eff = (k - 1) * d + 1
    if padding == "VALID":
        if size is None:
            return None, 0, 0
        return (size - k_eff) // s + 1 if size >= k_eff else size - k_eff, 0, 0
    if padding == "SAME":
        if size is None:
            return None, 0, 0
        out = -(-size // s)
        total = max((out - 1) * s + k_eff - size, 0)
        return out, total // 2, total - total // 2
    before, after = pads
    if size is None:
        return None, before, after
    padded = size + before + after
    return (padded - k_eff) // s + 1 if padded >= k_eff else padded - k_eff, before, after


def _explicit(attrs, dim):
    p = attrs.get("explicit_paddings") or []
    return (p[2 * dim], p[2 * dim + 1]) if len(p) == 8 else (0, 0)


def _geometry(op_attrs, in_h, in_w, kh, kw, data_format="NHWC"):
    """[(out, pad_before, pad_after) for H, W] from an op's strides/dilations/padding attrs."""
    hi, wi, _ = _spatial(data_format)
    strides = op_attrs["strides"]
    dil = op_attrs.get("dilations") or [1, 1, 1, 1]
    pad = op_attrs["padding"]
    return [_out_size(in_h, kh, strides[hi], dil[hi], pad, _explicit(op_attrs, hi)),
            _out_size(in_w, kw, strides[wi], dil[wi], pad, _explicit(op_attrs, wi))]


def _check_negative(op, out, k, size, dims):
    if out is not None and out <= 0:
        raise shape_error(op, "Negative dimension size caused by subtracting %d from %d" % (k, size), *dims)


def _pad(x, geo, value=0):
    (_, ph0, ph1), (_, pw0, pw1) = geo
    if not (ph0 or ph1 or pw0 or pw1):
        return x
    return np.pad(x, ((0, 0), (ph0, ph1), (pw0, pw1), (0, 0)), constant_values=value)


def _windows(xp, geo, kh, kw, sh, sw, dh, dw):
    """Read-only view (N, OH, OW, KH, KW, C) of the padded input `xp`: one window per output pixel."""
    (oh, _, _), (ow, _, _) = geo
    n, _, _, c = xp.shape
    s0, s1, s2, s3 = xp.strides
    return np.lib.stride_tricks.as_strided(xp, (n, oh, ow, kh, kw, c),
                                           (s0, s1 * sh, s2 * sw, s1 * dh, s2 * dw, s3), writeable=False)


def _col2im(cols, in_shape, geo, sh, sw, dh, dw):
    """Sum window values (N, OH, OW, KH, KW, C) back into an (N, H, W, C) array: the adjoint of `_windows`."""
    n, h, w, c = in_shape
    (oh, ph0, ph1), (ow, pw0, pw1) = geo
    kh, kw = cols.shape[3], cols.shape[4]
    hp = max(h + ph0 + ph1, (oh - 1) * sh + (kh - 1) * dh + 1)
    wp = max(w + pw0 + pw1, (ow - 1) * sw + (kw - 1) * dw + 1)
    out = np.zeros((n, hp, wp, c), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + (oh - 1) * sh + 1, sh)
            cols_ = slice(j * dw, j * dw + (ow - 1) * sw + 1, sw)
            out[:, rows, cols_, :] += cols[:, :, :, i, j, :]
    return out[:, ph0:ph0 + h, pw0:pw0 + w, :]


def _transposed_correlate(g, f, in_shape, geo, dh, dw):
    """Conv2D's input gradient for stride 1: the correlation of `g`, padded so that every input pixel sees each
    output pixel its filter tap touched, with the filter flipped in space and in/out channels swapped. Same
    work as the forward pass and no scatter-add (`_col2im`) of a KH*KW-times-larger column matrix."""
    kh, kw, c, oc = f.shape
    h, w = in_shape[1], in_shape[2]
    (oh, ph0, ph1), (ow, pw0, pw1) = geo
    pads = [((kh - 1) * dh - ph0, (kh - 1) * dh - ph1), ((kw - 1) * dw - pw0, (kw - 1) * dw - pw1)]
    # padding wider than the filter's reach (EXPLICIT) crops instead
    g = g[:, max(0, -pads[0][0]):oh - max(0, -pads[0][1]), max(0, -pads[1][0]):ow - max(0, -pads[1][1]), :]
    (a0, a1), (b0, b1) = [(max(0, p0), max(0, p1)) for p0, p1 in pads]
    gp = np.pad(g, ((0, 0), (a0, a1), (b0, b1), (0, 0))) if a0 or a1 or b0 or b1 else np.ascontiguousarray(g)
    f_rot = np.ascontiguousarray(f[::-1, ::-1].transpose(0, 1, 3, 2))
    return _correlate(gp, f_rot, [(h, 0, 0), (w, 0, 0)], 1, 1, dh, dw)


def _cpu_only_nhwc(type_name, data_format):
    if data_format != "NHWC":
        raise InvalidArgumentError(None, None, "The %s op currently only supports the NHWC tensor format on the "
                                   "CPU. The op was given the format: %s" % (type_name, data_format))


def _conv_params(strides, dilations):
    return strides[1], strides[2], dilations[1], dilations[2]


def _check_out_backprop(type_name, geo, g_shape, in_shape, kh, kw, strides, dilations):
    for dim, ((out, _, _), size, k) in enumerate(zip(geo, in_shape[1:3], (kh, kw))):
        if g_shape[dim + 1] != out:
            raise InvalidArgumentError(None, None, "%s: Size of out_backprop doesn't match computed: actual = %d, "
                                       "computed = %d spatial_dim: %d input: %d filter: %d output: %d stride: %d "
                                       "dilation: %d" % (type_name, g_shape[dim + 1], out, dim + 1, size, k,
                                                         g_shape[dim + 1], strides[dim + 1], dilations[dim + 1]))


# ======================================================================================
# Convolution
# ======================================================================================

class _ConvBase(OpDef):
    kernel_attrs = ("strides", "padding", "explicit_paddings", "dilations", "data_format")

    @staticmethod
    def dtype(op):
        return op.attrs["T"]


def _conv_forward(x, f, strides, padding, explicit_paddings, dilations, data_format):
    _cpu_only_nhwc("Conv2D", data_format)
    x, f = np.asarray(x), np.asarray(f)
    if x.ndim != 4 or f.ndim != 4:
        raise InvalidArgumentError(None, None, "input and filter must be 4-dimensional: %s %s"
                                   % (fmt_dims(x.shape), fmt_dims(f.shape)))
    kh, kw, fc, oc = f.shape
    if x.shape[3] != fc:
        raise InvalidArgumentError(None, None, "input depth must be evenly divisible by filter depth: %d vs %d"
                                   % (x.shape[3], fc))
    attrs = {"strides": strides, "padding": padding, "explicit_paddings": explicit_paddings,
             "dilations": dilations}
    geo = _geometry(attrs, x.shape[1], x.shape[2], kh, kw)
    if geo[0][0] <= 0 or geo[1][0] <= 0:
        raise InvalidArgumentError(None, None, "Computed output size would be negative: %d [input_size: %d, "
                                   "effective_filter_size: %d, stride: %d]"
                                   % (min(geo[0][0], geo[1][0]), x.shape[1], (kh - 1) * dilations[1] + 1,
                                      strides[1]))
    sh, sw, dh, dw = _conv_params(strides, dilations)
    return _correlate(_pad(x, geo), f, geo, sh, sw, dh, dw).astype(x.dtype, copy=False)


# im2col in slices of the batch: each slice's columns (about this many bytes) stay in cache between their
# copy and the matmul that reads them, instead of one full-size matrix going through memory twice
_COLS_BYTES = 2 << 20


def _batch_slices(n, per_image_bytes):
    """[(lo, hi)] covering range(n): cache-sized slices, at least two for each of the run's threads."""
    step = max(1, _COLS_BYTES // max(1, per_image_bytes))
    threads = parallel.threads()
    if threads > 1:
        step = max(1, min(step, -(-n // (2 * threads))))
    return [(lo, min(n, lo + step)) for lo in range(0, n, step)]


def _by_images(n, per_image_bytes, body, per_lane=None, blas=False):
    """Call body(lane, lo, hi) for cache-sized slices lo:hi of a batch of n images, on the run's threads.

    `per_lane(lanes, step)`, when given, is called first with the number of threads and the most images a
    slice holds, to allocate each thread's scratch; `blas`: body calls BLAS (parallel.run(blas=True))."""
    slices = _batch_slices(n, per_image_bytes)
    if per_lane is not None:
        per_lane(parallel.lanes(len(slices)), slices[0][1] - slices[0][0] if slices else 0)
    parallel.run(lambda lane, i: body(lane, *slices[i]), len(slices), blas=blas)


def _im2col_map(xp, geo, kh, kw, sh, sw, dh, dw, body, per_lane=None):
    """Call body(lane, lo, hi, cols) for slices lo:hi covering the batch, `cols` the im2col matrix
    ((hi-lo)*OH*OW, KH*KW*C) of those images of the padded `xp`, on the run's threads.

    Each slice is copied into its thread's scratch (valid during the call only) and used there while in cache;
    BLAS gets one thread meanwhile, as the slices already keep every core busy.
    `per_lane(lanes)`, when given, is called first with the number of threads (lanes) that will be used."""
    (oh, _, _), (ow, _, _) = geo
    n, c = xp.shape[0], xp.shape[3]
    k = kh * kw * c
    if kh == kw == 1 and sh == sw == 1 and xp.flags.c_contiguous:   # 1x1: the image is its own im2col matrix
        if per_lane is not None:
            per_lane(1)
        body(0, 0, n, xp.reshape(n * oh * ow, c))
        return
    bufs = []

    def scratch(lanes, step):
        bufs.append(np.empty((lanes, step, oh, ow, kh, kw, c), xp.dtype))
        if per_lane is not None:
            per_lane(lanes)

    def piece(lane, lo, hi):
        part = bufs[0][lane, :hi - lo]
        np.copyto(part, _windows(xp[lo:hi], geo, kh, kw, sh, sw, dh, dw))
        body(lane, lo, hi, part.reshape((hi - lo) * oh * ow, k))
    _by_images(n, oh * ow * k * xp.itemsize, piece, scratch, blas=True)


def _correlate(xp, f, geo, sh, sw, dh, dw):
    """The convolution (TF's cross-correlation) of the padded NHWC `xp` with `f` [KH, KW, C, OC]: (N, OH, OW, OC)."""
    kh, kw, c, oc = f.shape
    (oh, _, _), (ow, _, _) = geo
    n = xp.shape[0]
    fm = f.reshape(kh * kw * c, oc)
    out = np.empty((n * oh * ow, oc), np.result_type(xp.dtype, fm.dtype))
    rows = oh * ow

    def slice_product(lane, lo, hi, cols):
        np.matmul(cols, fm, out=out[lo * rows:hi * rows])
    _im2col_map(xp, geo, kh, kw, sh, sw, dh, dw, slice_product)
    return out.reshape(n, oh, ow, oc)


class Conv2D(_ConvBase):
    """2-D cross-correlation of NHWC images with an [KH, KW, in, out] filter (im2col + one matmul)."""

    type_name = "Conv2D"

    @staticmethod
    def shape(op, x, f):
        for d in (x, f):
            if d is not None and len(d) != 4:
                raise shape_error(op, "Shape must be rank 4 but is rank %d" % len(d), x, f)
        fmt = op.attrs["data_format"]
        hi, wi, ci = _spatial(fmt)
        if x is None:
            return (None, None, None, None if f is None else f[3]) if fmt == "NHWC" else None
        if f is None:
            return (x[0], None, None, None) if fmt == "NHWC" else (x[0], None, None, None)
        if x[ci] is not None and f[2] is not None and x[ci] % f[2] != 0:
            raise shape_error(op, "Depth of input (%d) is not a multiple of input depth of filter (%d)"
                              % (x[ci], f[2]), x, f)
        if x[ci] is not None and f[2] is not None and x[ci] != f[2]:
            raise shape_error(op, "tfsess does not support grouped convolutions: depth of input (%d) differs "
                              "from input depth of filter (%d)" % (x[ci], f[2]), x, f)
        geo = _geometry(op.attrs, x[hi], x[wi], f[0] or 1, f[1] or 1, fmt)
        dil = op.attrs["dilations"]
        outs = []
        for (out, _, _), size, k, d in zip(geo, (x[hi], x[wi]), f[:2], (dil[hi], dil[wi])):
            if k is None:
                out = None
            else:
                _check_negative(op, out, (k - 1) * d + 1, size, (x, f))
            outs.append(out)
        if fmt == "NHWC":
            return (x[0], outs[0], outs[1], f[3])
        return (x[0], f[3], outs[0], outs[1])

    kernel = staticmethod(_conv_forward)

    @staticmethod
    def grad(op, g):
        x, f = op.inputs
        kw = _conv_attrs(op)
        return [conv2d_backprop_input(_a.shape(x), f, g, **kw),
                conv2d_backprop_filter(x, _a.shape(f), g, **kw)]


class Conv2DBackpropInput(_ConvBase):
    """Gradient of Conv2D with respect to its input, also tf.nn.conv2d_transpose: inputs (input_sizes, filter, grad)."""

    type_name = "Conv2DBackpropInput"

    @staticmethod
    def shape(op, sizes, f, g):
        known = _a._known_shape_value(op.inputs[0])
        if known is not None and len(known) != 4:
            raise shape_error(op, "Shape must be rank 4 but is rank %d" % len(known), sizes, f, g)
        for d in (f, g):
            if d is not None and len(d) != 4:
                raise shape_error(op, "Shape must be rank 4 but is rank %d" % len(d), sizes, f, g)
        if known is None:
            return (None,) * 4
        _, _, ci = _spatial(op.attrs["data_format"])
        if f is not None and known[ci] is not None and f[2] is not None and known[ci] != f[2]:
            raise shape_error(op, "Input depth (%d) does not match filter input depth (%d)" % (known[ci], f[2]),
                              sizes, f, g)
        if f is not None and g is not None and f[3] is not None and g[ci] is not None and f[3] != g[ci]:
            raise shape_error(op, "Dimensions must be equal, but are %d and %d" % (g[ci], f[3]), sizes, f, g)
        return tuple(known)

    @staticmethod
    def kernel(input_sizes, f, g, strides, padding, explicit_paddings, dilations, data_format):
        _cpu_only_nhwc("Conv2DCustomBackpropInput", data_format)
        in_shape = tuple(int(v) for v in np.reshape(input_sizes, [-1]))
        f, g = np.asarray(f), np.asarray(g)
        kh, kw, c, oc = f.shape
        if len(in_shape) != 4 or in_shape[3] != c:
            raise InvalidArgumentError(None, None, "Conv2DCustomBackpropInput: input and filter must have the same "
                                       "depth: %s vs %d" % (in_shape[3] if len(in_shape) == 4 else in_shape, c))
        if g.shape[3] != oc:
            raise InvalidArgumentError(None, None, "Conv2DCustomBackpropInput: filter and out_backprop must have "
                                       "the same out_depth: %d vs %d" % (oc, g.shape[3]))
        attrs = {"strides": strides, "padding": padding, "explicit_paddings": explicit_paddings,
                 "dilations": dilations}
        geo = _geometry(attrs, in_shape[1], in_shape[2], kh, kw)
        _check_out_backprop("Conv2DCustomBackpropInput", geo, g.shape, in_shape, kh, kw, strides, dilations)
        sh, sw, dh, dw = _conv_params(strides, dilations)
        if sh == sw == 1 and c > 1:   # (one input channel: the column matrix is small, col2im is cheaper)
            return _transposed_correlate(g, f, in_shape, geo, dh, dw).astype(g.dtype, copy=False)
        n, oh, ow, _ = g.shape
        f_t = np.ascontiguousarray(f.reshape(kh * kw * c, oc).T)  # BLAS is slow on a transposed operand here
        cols = (g.reshape(n * oh * ow, oc) @ f_t).reshape(n, oh, ow, kh, kw, c)
        return _col2im(cols, in_shape, geo, sh, sw, dh, dw).astype(g.dtype, copy=False)

    @staticmethod
    def grad(op, gg):
        sizes, f, g = op.inputs
        kw = _conv_attrs(op)
        return [None, conv2d_backprop_filter(gg, _a.shape(f), g, **kw), conv2d(gg, f, **kw)]


class Conv2DBackpropFilter(_ConvBase):
    """Gradient of Conv2D with respect to its filter: inputs (input, filter_sizes, grad)."""

    type_name = "Conv2DBackpropFilter"

    @staticmethod
    def shape(op, x, sizes, g):
        known = _a._known_shape_value(op.inputs[1])
        if known is not None and len(known) != 4:
            raise shape_error(op, "Shape must be rank 4 but is rank %d" % len(known), x, sizes, g)
        return (None,) * 4 if known is None else tuple(known)

    @staticmethod
    def kernel(x, filter_sizes, g, strides, padding, explicit_paddings, dilations, data_format):
        _cpu_only_nhwc("Conv2DBackpropFilter", data_format)
        x, g = np.asarray(x), np.asarray(g)
        kh, kw, c, oc = (int(v) for v in np.reshape(filter_sizes, [-1]))
        if x.shape[3] != c:
            raise InvalidArgumentError(None, None, "Conv2DBackpropFilter: input and filter must have the same "
                                       "depth: %d vs %d" % (x.shape[3], c))
        attrs = {"strides": strides, "padding": padding, "explicit_paddings": explicit_paddings,
                 "dilations": dilations}
        geo = _geometry(attrs, x.shape[1], x.shape[2], kh, kw)
        _check_out_backprop("Conv2DBackpropFilter", geo, g.shape, x.shape, kh, kw, strides, dilations)
        sh, sw, dh, dw = _conv_params(strides, dilations)
        n, oh, ow, _ = g.shape
        gm = np.ascontiguousarray(g).reshape(n * oh * ow, oc)
        # the forward's im2col layout (cheap copies with C-long contiguous runs), then GEMMs computing the
        # small (OC, KH*KW*C) transpose, summed over slices of the batch (one sum per thread, then added):
        # far cheaper than gathering the columns in transposed order
        dtype = np.result_type(x.dtype, gm.dtype)
        acc = []

        def make_sums(lanes):
            acc.append(np.zeros((lanes, 2, oc, kh * kw * c), dtype))

        def slice_product(lane, lo, hi, cols):
            total, part = acc[0][lane]
            np.matmul(gm[lo * oh * ow:hi * oh * ow].T, cols, out=part)
            total += part
        _im2col_map(_pad(x, geo), geo, kh, kw, sh, sw, dh, dw, slice_product, make_sums)
        out = acc[0][:, 0].sum(axis=0)
        return np.ascontiguousarray(out.T).reshape(kh, kw, c, oc).astype(x.dtype, copy=False)

    @staticmethod
    def grad(op, gg):
        x, sizes, g = op.inputs
        kw = _conv_attrs(op)
        return [conv2d_backprop_input(_a.shape(x), gg, g, **kw), None, conv2d(x, gg, **kw)]


def _conv_attrs(op):
    return {"strides": op.get_attr("strides"), "padding": op.get_attr("padding"),
            "explicit_paddings": op.get_attr("explicit_paddings"), "dilations": op.get_attr("dilations"),
            "data_format": op.get_attr("data_format")}


# ======================================================================================
# Argument normalisation (TF's _get_sequence and padding rules)
# ======================================================================================

def _sequence(value, name, data_format="NHWC"):
    """An int or a list of 1, 2 or 4 ints -> the 4-element list TF stores in the attr."""
    if value is None:
        return [1, 1, 1, 1]
    if isinstance(value, (int, np.integer)):
        value = [int(value)]
    value = [int(v) for v in value]
    hi, wi, _ = _spatial(data_format)
    if len(value) == 1:
        value = value * 2
    if len(value) == 2:
        out = [1, 1, 1, 1]
        out[hi], out[wi] = value
        return out
    if len(value) == 4:
        return value
    raise ValueError("%s should be of length 1, 2 or 4. Received: %s=%s of length %d"
                     % (name, name, value, len(value)))


def _padding(padding, op_type):
    """(padding attr, explicit_paddings attr) from 'SAME'/'VALID' or a list of [before, after] pairs."""
    if isinstance(padding, (list, tuple)):
        flat = [int(v) for pair in padding for v in pair]
        if len(flat) != 8:
            raise ValueError("When padding is a list, it must be of length 4 (one pair per dimension). Got: %s"
                             % (padding,))
        if flat[0] or flat[1] or flat[6] or flat[7]:
            raise ValueError("Padding in the batch and depth dimensions must be 0 for NHWC. Got: %s" % (padding,))
        return "EXPLICIT", flat
    if isinstance(padding, bytes):
        padding = padding.decode()
    if not isinstance(padding, str) or padding not in ("SAME", "VALID"):
        raise ValueError("Attr 'padding' of '%s' Op passed string '%s' not in: \"SAME\", \"VALID\", \"EXPLICIT\"."
                         % (op_type, padding))
    return padding, []


def _data_format(data_format):
    if data_format is None or data_format in ("NHWC", "channels_last"):
        return "NHWC"
    if data_format in ("NCHW", "channels_first"):
        return "NCHW"
    raise ValueError("Invalid data_format: %r" % (data_format,))


def _float_input(type_name, arg, t):
    check_dtype(type_name, arg, t, "real_float")


# ======================================================================================
# Public convolution functions
# ======================================================================================

def conv2d(input=None, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
           dilations=(1, 1, 1, 1), name=None, filters=None, explicit_paddings=None) -> Tensor:
    """2-D convolution of NHWC `input` with a [height, width, in_channels, out_channels] filter (tf.nn.conv2d)."""
    if filter is None:
        filter = filters
    fmt = _data_format(data_format)
    strides = _sequence(strides, "strides", fmt)
    dilations = _sequence(dilations, "dilations", fmt)
    if padding is None:
        raise TypeError("conv2d() missing required argument: 'padding'")
    if isinstance(padding, str) and padding == "EXPLICIT":
        pad, explicit = "EXPLICIT", list(explicit_paddings or [])
    else:
        pad, explicit = _padding(padding, "Conv2D")
    with op_scope(name, "Conv2D", [input, filter]) as s:
        x = s.convert(input, "input")
        f = s.convert(filter, "filter", dtype_hint=x.dtype.base_dtype)
        _float_input("Conv2D", "input", x)
        same_dtype("Conv2D", [("input", x), ("filter", f)])
        attrs = {"T": x.dtype.base_dtype, "strides": strides, "use_cudnn_on_gpu": bool(use_cudnn_on_gpu),
                 "padding": pad, "explicit_paddings": explicit, "data_format": fmt, "dilations": dilations}
        return s.make(Conv2D, [x, f], attrs).outputs[0]


def conv2d_backprop_input(input_sizes, filter, out_backprop, strides, padding, use_cudnn_on_gpu=True,
                          explicit_paddings=(), data_format="NHWC", dilations=(1, 1, 1, 1), name=None) -> Tensor:
    """Gradient of conv2d with respect to its input, for an input of shape `input_sizes`."""
    fmt = _data_format(data_format)
    strides = _sequence(strides, "strides", fmt)
    dilations = _sequence(dilations, "dilations", fmt)
    if isinstance(padding, str) and padding == "EXPLICIT":
        pad, explicit = "EXPLICIT", list(explicit_paddings)
    else:
        pad, explicit = _padding(padding, "Conv2DBackpropInput")
    with op_scope(name, "Conv2DBackpropInput", [input_sizes, filter, out_backprop]) as s:
        sizes = _a.shape_tensor(input_sizes, "input_sizes", dtype=_dtypes.int32)
        f = s.convert(filter, "filter")
        g = s.convert(out_backprop, "out_backprop", dtype_hint=f.dtype.base_dtype)
        _float_input("Conv2DBackpropInput", "filter", f)
        same_dtype("Conv2DBackpropInput", [("filter", f), ("out_backprop", g)])
        attrs = {"T": f.dtype.base_dtype, "strides": strides, "use_cudnn_on_gpu": bool(use_cudnn_on_gpu),
                 "padding": pad, "explicit_paddings": explicit, "data_format": fmt, "dilations": dilations}
        return s.make(Conv2DBackpropInput, [sizes, f, g], attrs).outputs[0]


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding, use_cudnn_on_gpu=True,
                           explicit_paddings=(), data_format="NHWC", dilations=(1, 1, 1, 1), name=None) -> Tensor:
    """Gradient of conv2d with respect to its filter, for a filter of shape `filter_sizes`."""
    fmt = _data_format(data_format)
    strides = _sequence(strides, "strides", fmt)
    dilations = _sequence(dilations, "dilations", fmt)
    if isinstance(padding, str) and padding == "EXPLICIT":
        pad, explicit = "EXPLICIT", list(explicit_paddings)
    else:
        pad, explicit = _padding(padding, "Conv2DBackpropFilter")
    with op_scope(name, "Conv2DBackpropFilter", [input, filter_sizes, out_backprop]) as s:
        x = s.convert(input, "input")
        sizes = _a.shape_tensor(filter_sizes, "filter_sizes", dtype=_dtypes.int32)
        g = s.convert(out_backprop, "out_backprop", dtype_hint=x.dtype.base_dtype)
        _float_input("Conv2DBackpropFilter", "input", x)
        same_dtype("Conv2DBackpropFilter", [("input", x), ("out_backprop", g)])
        attrs = {"T": x.dtype.base_dtype, "strides": strides, "use_cudnn_on_gpu": bool(use_cudnn_on_gpu),
                 "padding": pad, "explicit_paddings": explicit, "data_format": fmt, "dilations": dilations}
        return s.make(Conv2DBackpropFilter, [x, sizes, g], attrs).outputs[0]


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None, padding="SAME", data_format="NHWC",
                     name=None, input=None, filters=None, dilations=None) -> Tensor:
    """The transpose of conv2d ("deconvolution"): filter is [height, width, output_channels, in_channels]."""
    if value is None:
        value = input
    if filter is None:
        filter = filters
    with op_scope(name, "conv2d_transpose", [value, filter, output_shape]) as s:
        f = s.convert(filter, "filter")
        v = s.convert(value, "value", dtype_hint=f.dtype.base_dtype)
        fmt = _data_format(data_format)
        _, _, ci = _spatial(fmt)
        if v.shape.ndims is not None and f.shape.ndims is not None:
            vc, fc = v.shape.as_list()[ci], f.shape.as_list()[3]
            if vc is not None and fc is not None and vc != fc:
                raise ValueError("input channels does not match filter's input channels, {} != {}".format(vc, fc))
        out_shape = _a.shape_tensor(output_shape, "output_shape", dtype=_dtypes.int32)
        known = _a._known_shape_value(out_shape)
        if known is not None and len(known) != 4:
            raise ValueError("output_shape must have shape (4,), got %s" % (list(known),))
        if known is not None and f.shape.ndims is not None:
            oc, fo = known[ci], f.shape.as_list()[2]
            if oc is not None and fo is not None and oc != fo:
                raise ValueError("output_shape does not match filter's output channels, {} != {}".format(oc, fo))
        return conv2d_backprop_input(out_shape, f, v, strides, padding, data_format=fmt,
                                     dilations=dilations or (1, 1, 1, 1), name=s.scope)


def atrous_conv2d(value, filters, rate, padding, name=None) -> Tensor:
    """Dilated ("atrous") convolution with stride 1 (tf.nn.atrous_conv2d)."""
    return conv2d(value, filters, strides=[1, 1, 1, 1], padding=padding, dilations=[1, rate, rate, 1],
                  name=name or "atrous_conv2d")


def convolution(input, filter, padding, strides=None, dilation_rate=None, name=None, data_format=None,
                filters=None, dilations=None) -> Tensor:
    """tf.nn.convolution for 2-D spatial inputs (rank-4 NHWC tensors)."""
    if filter is None:
        filter = filters
    rate = dilation_rate if dilation_rate is not None else dilations
    return conv2d(input, filter, strides=[1] + list(strides or (1, 1)) + [1], padding=padding,
                  dilations=[1] + list(rate or (1, 1)) + [1], data_format=data_format or "NHWC",
                  name=name or "convolution")


# ======================================================================================
# Pooling
# ======================================================================================

class _PoolBase(OpDef):
    kernel_attrs = ("ksize", "strides", "padding", "data_format")

    @staticmethod
    def dtype(op):
        return op.attrs["T"]


def _pool_shape(op, x):
    if x is not None and len(x) != 4:
        raise shape_error(op, "Shape must be rank 4 but is rank %d" % len(x), x)
    if x is None:
        return (None,) * 4
    fmt = op.attrs["data_format"]
    hi, wi, ci = _spatial(fmt)
    k = op.attrs["ksize"]
    geo = _geometry(op.attrs, x[hi], x[wi], k[hi], k[wi], fmt)
    for (out, _, _), size, kk in zip(geo, (x[hi], x[wi]), (k[hi], k[wi])):
        _check_negative(op, out, kk, size, (x,))
    out = list(x)
    out[hi], out[wi] = geo[0][0], geo[1][0]
    return tuple(out)


def _pool_geometry(x_shape, ksize, strides, padding):
    attrs = {"strides": strides, "padding": padding}
    geo = _geometry(attrs, x_shape[1], x_shape[2], ksize[1], ksize[2])
    if geo[0][0] <= 0 or geo[1][0] <= 0:
        raise InvalidArgumentError(None, None, "Computed output size would be negative: %d [input_size: %d, "
                                   "effective_filter_size: %d, stride: %d]"
                                   % (min(geo[0][0], geo[1][0]), x_shape[1], ksize[1], strides[1]))
    return geo


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _tap_views(xp, geo, ksize, strides):
    """One strided view (N, OH, OW, C) of the padded `xp` per window tap, in row-major tap order."""
    (oh, _, _), (ow, _, _) = geo
    sh, sw = strides[1], strides[2]
    return [xp[:, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw, :]
            for i in range(ksize[1]) for j in range(ksize[2])]


def _argmax_flat(x, ksize, strides, padding):
    """For each pooling window, the flat index of its (first) maximum in the padded input, and the geometry."""
    geo = _pool_geometry(x.shape, ksize, strides, padding)
    kh, kw, sh, sw = ksize[1], ksize[2], strides[1], strides[2]
    xp = _pad(x, geo, _lowest(x.dtype))
    win = _windows(xp, geo, kh, kw, sh, sw, 1, 1)
    n, oh, ow, _, _, c = win.shape
    arg = win.reshape(n, oh, ow, kh * kw, c).argmax(axis=3)
    rows = np.arange(oh).reshape(1, oh, 1, 1) * sh + arg // kw
    cols = np.arange(ow).reshape(1, 1, ow, 1) * sw + arg % kw
    hp, wp = xp.shape[1], xp.shape[2]
    flat = ((np.arange(n).reshape(n, 1, 1, 1) * hp + rows) * wp + cols) * c + np.arange(c)
    return flat, geo, xp.shape


class MaxPool(_PoolBase):
    """Maximum over each ksize window (padding cells never win)."""

    type_name = "MaxPool"
    shape = staticmethod(_pool_shape)

    @staticmethod
    def kernel(x, ksize, strides, padding, data_format):
        _cpu_only_nhwc("MaxPool", data_format)
        x = np.asarray(x)
        geo = _pool_geometry(x.shape, ksize, strides, padding)
        taps = _tap_views(_pad(x, geo, _lowest(x.dtype)), geo, ksize, strides)
        out = np.empty(taps[0].shape, x.dtype)

        def images(lane, lo, hi):
            o = out[lo:hi]
            np.copyto(o, taps[0][lo:hi])
            for t in taps[1:]:
                np.maximum(o, t[lo:hi], out=o)
        _by_images(x.shape[0], x[:1].nbytes, images)
        return out

    @staticmethod
    def grad(op, g):
        return [_pool_grad_op(MaxPoolGrad, op, [op.inputs[0], op.outputs[0], g])]


class MaxPoolGrad(_PoolBase):
    """Routes each window's gradient to the position of its maximum: inputs (orig_input, orig_output, grad)."""

    type_name = "MaxPoolGrad"

    @staticmethod
    def shape(op, x, y, g):
        return x

    @staticmethod
    def kernel(x, y, g, ksize, strides, padding, data_format):
        _cpu_only_nhwc("MaxPoolGrad", data_format)
        x, g = np.asarray(x), np.asarray(g)
        geo = _pool_geometry(x.shape, ksize, strides, padding)
        xp = _pad(x, geo, _lowest(x.dtype))
        taps = _tap_views(xp, geo, ksize, strides)
        if taps[0].shape != g.shape:
            raise InvalidArgumentError(None, None, "Expected grad shape to be %s, but got %s"
                                       % (fmt_dims(taps[0].shape), fmt_dims(g.shape)))
        g = g.astype(x.dtype, copy=False)
        # g * hit is much faster than a masked add, but inf * 0 would spread non-finite gradients
        exact = not np.isfinite(np.sum(g))
        disjoint = ksize[1] <= strides[1] and ksize[2] <= strides[2]
        (oh, _, _), (ow, _, _) = geo
        tiled = (disjoint and not exact and xp.shape[1] == oh * ksize[1] == oh * strides[1]
                 and xp.shape[2] == ow * ksize[2] == ow * strides[2])
        # windows that tile the padded input: every cell is written once below, none needs zeroing first
        acc = np.empty(xp.shape, x.dtype)
        acc_taps = _tap_views(acc, geo, ksize, strides)
        scratch = []

        def make_scratch(lanes, step):
            shape = (lanes, step) + g.shape[1:]
            scratch.extend([np.empty(shape, x.dtype), np.empty(shape, bool), np.empty(shape, bool)])

        def images(lane, lo, hi):
            top, free, hit = (a[lane, :hi - lo] for a in scratch)
            if not tiled:
                acc[lo:hi] = 0
            np.copyto(top, taps[0][lo:hi])
            for t in taps[1:]:
                np.fmax(top, t[lo:hi], out=top)  # a NaN never wins, as in TF's strict comparisons
            free.fill(True)  # windows whose (first) maximum is not found yet
            gs = g[lo:hi]
            for t, dst in zip(taps, acc_taps):
                t, dst = t[lo:hi], dst[lo:hi]
                np.equal(t, top, out=hit)
                hit &= free
                free ^= hit
                if exact:
                    np.add(dst, gs, out=dst, where=hit)
                elif disjoint:
                    np.multiply(gs, hit, out=dst)
                else:
                    dst += gs * hit
        _by_images(xp.shape[0], xp[:1].nbytes, images, make_scratch)
        (_, ph0, _), (_, pw0, _) = geo
        return acc[:, ph0:ph0 + x.shape[1], pw0:pw0 + x.shape[2], :]

    @staticmethod
    def grad(op, gg):
        x, y, _ = op.inputs
        return [_a.zeros_like(x), _a.zeros_like(y), _pool_grad_op(MaxPoolGradGrad, op, [x, y, gg])]


class MaxPoolGradGrad(_PoolBase):
    """Gradient of MaxPoolGrad: picks, for each window, the value at the position of its maximum."""

    type_name = "MaxPoolGradGrad"

    @staticmethod
    def shape(op, x, y, g):
        return y

    @staticmethod
    def kernel(x, y, g, ksize, strides, padding, data_format):
        _cpu_only_nhwc("MaxPoolGradGrad", data_format)
        x, g = np.asarray(x), np.asarray(g)
        flat, geo, _ = _argmax_flat(x, ksize, strides, padding)
        return _pad(g, geo).ravel()[flat].astype(g.dtype, copy=False)

    @staticmethod
    def grad(op, ggg):
        x, y, _ = op.inputs
        return [_a.zeros_like(x), _a.zeros_like(y), _pool_grad_op(MaxPoolGrad, op, [x, y, ggg])]


def _avg_counts(h, w, geo, kh, kw, sh, sw):
    """Number of real (non-padding) cells in each window, shape (1, OH, OW, 1)."""
    ones = _pad(np.ones((1, h, w, 1)), geo)
    return _windows(ones, geo, kh, kw, sh, sw, 1, 1).sum(axis=(3, 4))


class AvgPool(_PoolBase):
    """Mean over each ksize window; with SAME padding only real cells are counted, as TF does."""

    type_name = "AvgPool"
    shape = staticmethod(_pool_shape)

    @staticmethod
    def kernel(x, ksize, strides, padding, data_format):
        _cpu_only_nhwc("AvgPool", data_format)
        x = np.asarray(x)
        geo = _pool_geometry(x.shape, ksize, strides, padding)
        kh, kw, sh, sw = ksize[1], ksize[2], strides[1], strides[2]
        win = _windows(_pad(x, geo), geo, kh, kw, sh, sw, 1, 1)
        return (win.sum(axis=(3, 4)) / _avg_counts(x.shape[1], x.shape[2], geo, kh, kw, sh, sw)).astype(x.dtype)

    @staticmethod
    def grad(op, g):
        return [_pool_grad_op(AvgPoolGrad, op, [_a.shape(op.inputs[0]), g])]


class AvgPoolGrad(_PoolBase):
    """Spreads each window's gradient evenly over its real cells: inputs (orig_input_shape, grad)."""

    type_name = "AvgPoolGrad"

    @staticmethod
    def dtype(op):
        return op.attrs["T"]

    @staticmethod
    def shape(op, sizes, g):
        known = _a._known_shape_value(op.inputs[0])
        return (None,) * 4 if known is None else tuple(known)

    @staticmethod
    def kernel(sizes, g, ksize, strides, padding, data_format):
        _cpu_only_nhwc("AvgPoolGrad", data_format)
        g = np.asarray(g)
        in_shape = tuple(int(v) for v in np.reshape(sizes, [-1]))
        geo = _pool_geometry(in_shape, ksize, strides, padding)
        kh, kw, sh, sw = ksize[1], ksize[2], strides[1], strides[2]
        scaled = g / _avg_counts(in_shape[1], in_shape[2], geo, kh, kw, sh, sw)
        n, oh, ow, c = g.shape
        cols = np.broadcast_to(scaled[:, :, :, None, None, :], (n, oh, ow, kh, kw, c))
        return _col2im(cols, in_shape, geo, sh, sw, 1, 1).astype(g.dtype)

    @staticmethod
    def grad(op, gg):
        return [None, _pool_grad_op(AvgPool, op, [gg])]


def _pool_grad_op(opdef, op, inputs):
    attrs = {k: op.get_attr(k) for k in ("T", "ksize", "strides", "padding", "data_format")}
    with op_scope(None, opdef.type_name, inputs) as s:
        return s.make(opdef, inputs, attrs).outputs[0]


def _pool(opdef, value, ksize, strides, padding, data_format, name, default, input=None):
    if value is None:
        value = input
    fmt = _data_format(data_format)
    ksize = _sequence(ksize, "ksize", fmt)
    strides = _sequence(strides, "strides", fmt)
    pad, _ = _padding(padding, opdef.type_name)
    if pad == "EXPLICIT":
        raise ValueError("Explicit padding is not supported by %s." % opdef.type_name)
    _, _, ci = _spatial(fmt)
    if ksize[0] != 1 or ksize[ci] != 1 or strides[0] != 1 or strides[ci] != 1:
        raise ValueError("tfsess pools over height and width only: ksize and strides must be 1 in the batch and "
                         "depth dimensions, got ksize=%s strides=%s" % (ksize, strides))
    with op_scope(name, default, [value]) as s:
        x = s.convert(value, "input")
        check_dtype(opdef.type_name, "input", x, "real" if opdef is MaxPool else "real_float")
        attrs = {"T": x.dtype.base_dtype, "ksize": ksize, "strides": strides, "padding": pad, "data_format": fmt}
        return s.make(opdef, [x], attrs).outputs[0]


def max_pool(value=None, ksize=None, strides=None, padding=None, data_format="NHWC", name=None,
             input=None) -> Tensor:
    """Max pooling over height and width windows of an NHWC tensor (tf.nn.max_pool)."""
    return _pool(MaxPool, value, ksize, strides, padding, data_format, name, "MaxPool", input)


def avg_pool(value=None, ksize=None, strides=None, padding=None, data_format="NHWC", name=None,
             input=None) -> Tensor:
    """Average pooling over height and width windows of an NHWC tensor (tf.nn.avg_pool)."""
    return _pool(AvgPool, value, ksize, strides, padding, data_format, name, "AvgPool", input)
