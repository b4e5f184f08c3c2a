"""tf.nn.conv2d / conv2d_transpose / max_pool / avg_pool / bias_add: against direct NumPy loops, gradients
against finite differences, static shapes and TF's graph-construction errors."""
import numpy as np
import pytest

import tfsess as tf
from tfsess.testing import check_grads


# ----- direct NumPy references: plain loops over output pixels ---------------------------------------------

def _pads(size, k, s, d, padding):
    k_eff = (k - 1) * d + 1
    if padding == "VALID":
        return (size - k_eff) // s + 1, 0
    if padding == "SAME":
        out = -(-size // s)
        return out, max((out - 1) * s + k_eff - size, 0) // 2
    before, after = padding
    return (size + before + after - k_eff) // s + 1, before


def ref_conv2d(x, w, strides, padding, dilations=(1, 1)):
    n, h, wd, c = x.shape
    kh, kw, _, oc = w.shape
    sh, sw = strides
    dh, dw = dilations
    ph_arg = padding if isinstance(padding, str) else padding[0]
    pw_arg = padding if isinstance(padding, str) else padding[1]
    oh, pt = _pads(h, kh, sh, dh, ph_arg)
    ow, pl = _pads(wd, kw, sw, dw, pw_arg)
    out = np.zeros((n, oh, ow, oc))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    r, q = i * sh + a * dh - pt, j * sw + b * dw - pl
                    if 0 <= r < h and 0 <= q < wd:
                        out[:, i, j, :] += x[:, r, q, :] @ w[a, b]
    return out


def ref_pool(x, k, s, padding, kind):
    n, h, wd, c = x.shape
    oh, pt = _pads(h, k[0], s[0], 1, padding)
    ow, pl = _pads(wd, k[1], s[1], 1, padding)
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s[0] - pt, j * s[1] - pl
            win = x[:, max(r0, 0):min(r0 + k[0], h), max(c0, 0):min(c0 + k[1], wd), :]
            out[:, i, j, :] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return out


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


CONV_CASES = [
    # (input shape, filter shape, strides, padding, dilations)
    ((2, 7, 7, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1)),
    ((2, 7, 6, 3), (3, 2, 3, 4), (2, 2), "SAME", (1, 1)),
    ((1, 8, 8, 2), (5, 5, 2, 3), (1, 1), "VALID", (1, 1)),
    ((2, 9, 9, 1), (3, 3, 1, 2), (2, 3), "VALID", (1, 1)),
    ((1, 9, 8, 2), (3, 3, 2, 2), (1, 1), "SAME", (2, 2)),
    ((1, 9, 9, 2), (2, 3, 2, 2), (1, 1), "VALID", (2, 1)),
    ((1, 6, 6, 2), (3, 3, 2, 2), (2, 2), [(1, 2), (0, 1)], (1, 1)),
]


@pytest.mark.parametrize("xs,ws,strides,padding,dil", CONV_CASES)
def test_conv2d_matches_direct_loops(xs, ws, strides, padding, dil):
    rng = np.random.RandomState(1)
    x = rng.randn(*xs).astype(np.float32)
    w = rng.randn(*ws).astype(np.float32)
    tf_pad = padding if isinstance(padding, str) else [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]
    y = tf.nn.conv2d(x, w, strides=[1, strides[0], strides[1], 1], padding=tf_pad, dilations=[1, dil[0], dil[1], 1])
    got = run(y)
    want = ref_conv2d(x.astype(np.float64), w.astype(np.float64), strides, padding, dil)
    assert got.dtype == np.float32
    assert got.shape == want.shape == tuple(y.shape.as_list())
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("xs,ws,strides,padding,dil", [CONV_CASES[i] for i in (1, 3, 4, 6)])
def test_conv2d_gradients(xs, ws, strides, padding, dil):
    rng = np.random.RandomState(2)
    tf_pad = padding if isinstance(padding, str) else [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]
    small_x = (1,) + xs[1:]
    check_grads(lambda x, w: tf.nn.conv2d(x, w, strides=[1, strides[0], strides[1], 1], padding=tf_pad,
                                          dilations=[1, dil[0], dil[1], 1]),
                [rng.randn(*small_x), rng.randn(*ws)])


def test_conv2d_graph_names_shapes_and_attrs():
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    w = tf.Variable(tf.truncated_normal([5, 5, 1, 32], stddev=0.1))
    c = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")
    assert c.name == "Conv2D:0" and c.op.type == "Conv2D"
    assert c.shape.as_list() == [None, 28, 28, 32]
    assert c.op.get_attr("strides") == [1, 1, 1, 1] and c.op.get_attr("padding") == "SAME"
    assert c.op.get_attr("data_format") == "NHWC" and c.op.get_attr("dilations") == [1, 1, 1, 1]
    assert tf.nn.conv2d(x, w, strides=2, padding="VALID").shape.as_list() == [None, 12, 12, 32]
    assert tf.nn.conv2d(x, w, [1, 2, 2, 1], "VALID", dilations=[1, 2, 2, 1]).shape.as_list() == [None, 10, 10, 32]
    gx, gw = tf.gradients(tf.reduce_sum(c), [x, w])
    assert gx.op.type == "Conv2DBackpropInput" and gx.name == "gradients/Conv2D_grad/Conv2DBackpropInput:0"
    assert gw.op.type == "Conv2DBackpropFilter" and gw.shape.as_list() == [5, 5, 1, 32]
    assert gx.shape.as_list() == [None, 28, 28, 1]


def test_conv2d_graph_errors_match_tf():
    x = tf.placeholder(tf.float32, [2, 8, 8, 3])
    with pytest.raises(ValueError, match=r"Depth of input \(3\) is not a multiple of input depth of filter \(4\)"):
        tf.nn.conv2d(x, tf.ones([3, 3, 4, 5]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="Attr 'padding' of 'Conv2D' Op passed string 'FOO'"):
        tf.nn.conv2d(x, tf.ones([3, 3, 3, 5]), [1, 1, 1, 1], "FOO")
    with pytest.raises(ValueError, match="strides should be of length 1, 2 or 4"):
        tf.nn.conv2d(x, tf.ones([3, 3, 3, 5]), [1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="Negative dimension size caused by subtracting 9 from 8"):
        tf.nn.conv2d(x, tf.ones([9, 3, 3, 5]), [1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="Shape must be rank 4 but is rank 3"):
        tf.nn.conv2d(tf.ones([2, 8, 8]), tf.ones([3, 3, 3, 5]), [1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="Negative dimension size caused by subtracting 9 from 8"):
        tf.nn.avg_pool(x, [1, 9, 2, 1], [1, 2, 2, 1], "VALID")


def test_conv2d_runtime_error_on_depth_mismatch():
    p = tf.placeholder(tf.float32, [None, None, None, None])
    c = tf.nn.conv2d(p, tf.ones([3, 3, 3, 5]), [1, 1, 1, 1], "SAME")
    assert c.shape.as_list() == [None, None, None, 5]
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="input depth must be evenly divisible"):
            sess.run(c, {p: np.ones([1, 4, 4, 2], np.float32)})


def test_conv2d_float64_and_unknown_batch():
    rng = np.random.RandomState(3)
    x = tf.placeholder(tf.float64, [None, 5, 5, 2])
    w = rng.randn(3, 3, 2, 4)
    y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    xv = rng.randn(3, 5, 5, 2)
    got = run(y, {x: xv})
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, ref_conv2d(xv, w, (1, 1), "SAME"), rtol=1e-10)


# ----- conv2d_transpose and the backprop ops ----------------------------------------------------------------

@pytest.mark.parametrize("in_hw,k,stride,padding", [((4, 4), 3, 2, "SAME"), ((3, 5), 2, 2, "VALID"),
                                                     ((5, 5), 3, 1, "SAME"), ((4, 3), 3, 3, "VALID")])
def test_conv2d_transpose_is_the_adjoint_of_conv2d(in_hw, k, stride, padding):
    rng = np.random.RandomState(4)
    out_h = in_hw[0] * stride if padding == "SAME" else (in_hw[0] - 1) * stride + k
    out_w = in_hw[1] * stride if padding == "SAME" else (in_hw[1] - 1) * stride + k
    value = rng.randn(2, in_hw[0], in_hw[1], 3)
    w = rng.randn(k, k, 5, 3)          # [h, w, output channels, input channels]
    out_shape = [2, out_h, out_w, 5]
    y = tf.nn.conv2d_transpose(value, w, output_shape=out_shape, strides=[1, stride, stride, 1], padding=padding)
    assert y.op.type == "Conv2DBackpropInput" and y.name == "conv2d_transpose:0"
    assert y.shape.as_list() == out_shape
    z = rng.randn(*out_shape)
    got = run(y)
    # <conv2d(z, w), value> == <z, conv2d_transpose(value, w)>
    lhs = np.sum(ref_conv2d(z, w, (stride, stride), padding) * value)
    np.testing.assert_allclose(lhs, np.sum(z * got), rtol=1e-10)
    check_grads(lambda v, f: tf.nn.conv2d_transpose(v, f, out_shape, [1, stride, stride, 1], padding),
                [value, w])


def test_conv2d_transpose_checks_channels():
    with pytest.raises(ValueError, match="input channels does not match filter's input channels, 3 != 4"):
        tf.nn.conv2d_transpose(tf.ones([1, 4, 4, 3]), tf.ones([3, 3, 5, 4]), [1, 8, 8, 5], [1, 2, 2, 1])
    with pytest.raises(ValueError, match="output_shape does not match filter's output channels, 6 != 5"):
        tf.nn.conv2d_transpose(tf.ones([1, 4, 4, 4]), tf.ones([3, 3, 5, 4]), [1, 8, 8, 6], [1, 2, 2, 1])


def test_conv2d_backprop_filter_gradients():
    rng = np.random.RandomState(5)
    x, g = rng.randn(1, 5, 5, 2), rng.randn(1, 3, 3, 3)
    check_grads(lambda x, g: tf.nn.conv2d_backprop_filter(x, [3, 3, 2, 3], g, [1, 2, 2, 1], "SAME"), [x, g])


def test_second_order_conv_gradients():
    rng = np.random.RandomState(6)

    def f(x, w):
        y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "VALID")
        gx, gw = tf.gradients(tf.reduce_sum(tf.square(y)), [x, w])
        return [gx, gw]
    check_grads(f, [rng.randn(1, 4, 4, 2), rng.randn(2, 2, 2, 2)], rtol=1e-4, atol=1e-5)


def test_backprop_input_rejects_mismatched_out_backprop():
    y = tf.nn.conv2d_backprop_input([1, 8, 8, 2], tf.ones([3, 3, 2, 4]), tf.ones([1, 3, 3, 4]), [1, 1, 1, 1], "SAME")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Size of out_backprop doesn't match computed"):
            sess.run(y)


# ----- pooling -----------------------------------------------------------------------------------------------

POOL_CASES = [((2, 6, 6, 3), (2, 2), (2, 2), "VALID"), ((1, 7, 7, 2), (3, 3), (2, 2), "SAME"),
              ((2, 5, 7, 1), (2, 3), (1, 2), "SAME"), ((1, 7, 6, 2), (3, 2), (3, 1), "VALID")]


@pytest.mark.parametrize("xs,k,s,padding", POOL_CASES)
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_matches_direct_loops(xs, k, s, padding, kind):
    x = np.random.RandomState(7).randn(*xs).astype(np.float32)
    fn = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
    y = fn(x, ksize=[1, k[0], k[1], 1], strides=[1, s[0], s[1], 1], padding=padding)
    got = run(y)
    want = ref_pool(x.astype(np.float64), k, s, padding, kind)
    assert got.dtype == np.float32 and got.shape == want.shape == tuple(y.shape.as_list())
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("xs,k,s,padding", POOL_CASES)
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_gradients(xs, k, s, padding, kind):
    # distinct values so that the maximum of every window is unique (finite differences need that)
    x = np.random.RandomState(8).permutation(np.prod(xs)).reshape(xs) * 0.1
    fn = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
    check_grads(lambda x: fn(x, [1, k[0], k[1], 1], [1, s[0], s[1], 1], padding), [x], delta=1e-4)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_gradient_ops_have_gradients(kind):
    x = np.random.RandomState(9).permutation(2 * 5 * 5 * 2).reshape(2, 5, 5, 2) * 0.1
    fn = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
    g = np.random.RandomState(10).randn(2, 3, 3, 2)

    def grad_of_pool(x, g):
        return tf.gradients(fn(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), x, grad_ys=g)[0]
    check_grads(grad_of_pool, [x, g], grad_inputs=[1])

    def grad_of_grad(x, g):
        y = tf.gradients(fn(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), x, grad_ys=g)[0]
        return tf.gradients(y, g, grad_ys=tf.ones_like(y) * 0.5 + tf.square(y))[0]
    check_grads(grad_of_grad, [x, g], grad_inputs=[1], rtol=1e-4)


def test_max_pool_ties_route_gradient_to_the_first_maximum():
    x = np.ones([1, 2, 2, 1], np.float32)
    xt = tf.constant(x)
    g = tf.gradients(tf.nn.max_pool(xt, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"), xt)[0]
    np.testing.assert_array_equal(run(g)[0, :, :, 0], [[1, 0], [0, 0]])


def test_pool_names_and_argument_forms():
    x = tf.placeholder(tf.float32, [None, 28, 28, 32])
    p = tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    assert p.name == "MaxPool:0" and p.shape.as_list() == [None, 14, 14, 32]
    assert p.op.get_attr("ksize") == [1, 2, 2, 1]
    assert tf.nn.max_pool(x, 2, 2, "VALID").shape.as_list() == [None, 14, 14, 32]
    assert tf.nn.avg_pool(x, [3, 3], [2, 2], "VALID").shape.as_list() == [None, 13, 13, 32]
    gx = tf.gradients(tf.reduce_sum(p), x)[0]
    assert gx.op.type == "MaxPoolGrad" and gx.shape.as_list() == [None, 28, 28, 32]
    ga = tf.gradients(tf.reduce_sum(tf.nn.avg_pool(x, 2, 2, "SAME")), x)[0]
    assert ga.op.type == "AvgPoolGrad"


def test_max_pool_on_integers():
    x = np.arange(16, dtype=np.int32).reshape(1, 4, 4, 1)
    got = run(tf.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, ref_pool(x, (3, 3), (2, 2), "SAME", "max"))


# ----- bias_add on images ------------------------------------------------------------------------------------

def test_bias_add_on_4d_inputs():
    rng = np.random.RandomState(11)
    x, b = rng.randn(2, 3, 3, 4), rng.randn(4)
    y = tf.nn.bias_add(x, b)
    np.testing.assert_allclose(run(y), x + b)
    assert y.shape.as_list() == [2, 3, 3, 4]
    check_grads(lambda x, b: tf.nn.bias_add(x, b), [x, b])


def test_conv_kernels_scale_to_a_real_batch():
    """A 64-image MNIST-sized conv + pool step (forward and both gradients) gives finite, correctly shaped output."""
    rng = np.random.RandomState(12)
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    w = tf.constant(rng.randn(5, 5, 1, 32).astype(np.float32) * 0.1)
    p = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")), [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    gx, gw = tf.gradients(tf.reduce_sum(p * p), [x, w])
    vals = run([p, gx, gw], {x: rng.randn(64, 28, 28, 1).astype(np.float32)})
    assert [v.shape for v in vals] == [(64, 14, 14, 32), (64, 28, 28, 1), (5, 5, 1, 32)]
    assert all(np.all(np.isfinite(v)) for v in vals)


def test_atrous_conv2d_and_convolution_wrappers():
    rng = np.random.RandomState(13)
    x, w = rng.randn(1, 9, 9, 2), rng.randn(3, 3, 2, 3)
    a = run(tf.nn.atrous_conv2d(x, w, rate=2, padding="SAME"))
    np.testing.assert_allclose(a, ref_conv2d(x, w, (1, 1), "SAME", (2, 2)), rtol=1e-10)
    c = run(tf.nn.convolution(x, w, "VALID", strides=[2, 2]))
    np.testing.assert_allclose(c, ref_conv2d(x, w, (2, 2), "VALID"), rtol=1e-10)


def test_nchw_is_rejected_at_run_time_like_tf_on_cpu():
    y = tf.nn.conv2d(tf.ones([1, 3, 8, 8]), tf.ones([3, 3, 3, 4]), [1, 1, 1, 1], "SAME", data_format="NCHW")
    assert y.shape.as_list() == [1, 4, 8, 8]
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="only supports the NHWC tensor format on the CPU"):
            sess.run(y)


@pytest.mark.parametrize("xs,ws,strides,padding,dil", CONV_CASES)
def test_conv_kernels_agree_with_loops_when_the_batch_is_split(xs, ws, strides, padding, dil, monkeypatch):
    # the kernels run im2col a few images at a time; with a tiny budget every image is its own slice, and
    # the input gradient (a flipped-filter correlation for stride 1) is checked against its loop definition
    from tfsess.ops import nn_conv
    monkeypatch.setattr(nn_conv, "_COLS_BYTES", 1)
    rng = np.random.RandomState(3)
    xs = (3,) + xs[1:]
    x = rng.randn(*xs)
    w = rng.randn(*ws)
    tf_pad = padding if isinstance(padding, str) else [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]
    kw = dict(strides=[1, strides[0], strides[1], 1], padding=tf_pad, dilations=[1, dil[0], dil[1], 1])
    y = tf.nn.conv2d(x, w, **kw)
    g = rng.randn(*y.shape.as_list())
    gx = tf.nn.conv2d_backprop_input(xs, w, g, **kw)
    gw = tf.nn.conv2d_backprop_filter(x, ws, g, **kw)
    got_y, got_gx, got_gw = run([y, gx, gw])
    want_y = ref_conv2d(x, w, strides, padding, dil)
    np.testing.assert_allclose(got_y, want_y, rtol=1e-9, atol=1e-9)
    # <g, conv(x, w)> is linear in x and in w: its gradients are the backprop kernels' results
    eps = 1e-6
    for arr, got in ((x, got_gx), (w, got_gw)):
        flat = arr.reshape(-1)
        for i in rng.choice(flat.size, 5, replace=False):
            old = flat[i]
            flat[i] = old + eps
            up = np.sum(g * ref_conv2d(x, w, strides, padding, dil))
            flat[i] = old
            base = np.sum(g * ref_conv2d(x, w, strides, padding, dil))
            np.testing.assert_allclose(got.reshape(-1)[i], (up - base) / eps, rtol=1e-4, atol=1e-4)


def test_bias_and_broadcast_gradients_of_big_arrays_sum_like_numpy():
    rng = np.random.RandomState(4)
    v = rng.rand(64, 28, 28, 8).astype(np.float32)
    b = tf.constant(np.zeros(8, np.float32))
    x = tf.constant(np.ones_like(v))
    gb_add, = tf.gradients(x + b, [b], grad_ys=tf.constant(v))
    gb_bias, = tf.gradients(tf.nn.bias_add(x, b), [b], grad_ys=tf.constant(v))
    want = v.astype(np.float64).sum(axis=(0, 1, 2))
    for got in run([gb_add, gb_bias]):
        assert got.dtype == np.float32 and got.shape == (8,)
        np.testing.assert_allclose(got, want, rtol=1e-5)
