"""tf.layers: TF1 variable and op names, initializers, reuse, batch normalization updates, and a small conv net
(conv2d, max_pool, dropout, dense) that learns a generated image data set."""
import numpy as np
import pytest

import tfsess as tf


def _names(vs):
    return [v.name for v in vs]


def test_dense_variable_names_initializers_and_ops():
    x = tf.placeholder(tf.float32, [None, 16])
    y = tf.layers.dense(x, 10, activation=tf.nn.relu)
    y2 = tf.layers.dense(y, 5)
    assert y.name == "dense/Relu:0" and y2.name == "dense_1/BiasAdd:0"
    assert _names(tf.trainable_variables()) == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0",
                                                "dense_1/bias:0"]
    g = tf.get_default_graph()
    assert g.get_operation_by_name("dense/MatMul").type == "MatMul"
    assert g.get_operation_by_name("dense/kernel/Initializer/random_uniform/RandomUniform").type == "RandomUniform"
    assert g.get_operation_by_name("dense/bias/Initializer/zeros").type == "Const"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k, b = sess.run(["dense/kernel:0", "dense/bias:0"])
    limit = np.sqrt(6.0 / (16 + 10))              # glorot uniform
    assert k.shape == (16, 10) and np.all(np.abs(k) <= limit) and k.std() > limit / 3
    np.testing.assert_array_equal(b, np.zeros(10))


def test_dense_computes_activation_of_affine_map_and_handles_rank_3():
    x = np.random.RandomState(0).randn(4, 3).astype(np.float32)
    y = tf.layers.dense(x, 2, activation=tf.nn.sigmoid, kernel_initializer=tf.constant_initializer(0.5),
                        bias_initializer=tf.constant_initializer(-1.0))
    z = tf.layers.dense(tf.constant(np.ones([2, 5, 3], np.float32)), 4)
    assert z.shape.as_list() == [2, 5, 4]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, zv = sess.run([y, z])
    np.testing.assert_allclose(got, 1 / (1 + np.exp(-(x @ np.full((3, 2), 0.5) - 1))), rtol=1e-6)
    assert zv.shape == (2, 5, 4) and np.allclose(zv[0], zv[1])


def test_reuse_by_name_and_through_variable_scope():
    x = tf.placeholder(tf.float32, [None, 4])
    a = tf.layers.dense(x, 3, name="fc")
    b = tf.layers.dense(x, 3, name="fc", reuse=True)
    assert a.name == "fc/BiasAdd:0" and b.name == "fc_1/BiasAdd:0"
    with tf.variable_scope("m"):
        c = tf.layers.dense(x, 2)
    with tf.variable_scope("m", reuse=True):
        d = tf.layers.dense(x, 2)
    assert c.name == "m/dense/BiasAdd:0" and d.name == "m_1/dense/BiasAdd:0"
    with tf.variable_scope("auto", reuse=tf.AUTO_REUSE):
        e1 = tf.layers.dense(x, 2, name="shared")
    with tf.variable_scope("auto", reuse=tf.AUTO_REUSE):
        e2 = tf.layers.dense(x, 2, name="shared")
    assert _names(tf.global_variables()) == ["fc/kernel:0", "fc/bias:0", "m/dense/kernel:0", "m/dense/bias:0",
                                             "auto/shared/kernel:0", "auto/shared/bias:0"]
    with pytest.raises(ValueError, match="Variable fc/kernel already exists"):
        tf.layers.dense(x, 3, name="fc")
    xv = np.random.RandomState(1).randn(2, 4)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        av, bv, cv, dv, e1v, e2v = sess.run([a, b, c, d, e1, e2], {x: xv})
    np.testing.assert_array_equal(av, bv)
    np.testing.assert_array_equal(cv, dv)
    np.testing.assert_array_equal(e1v, e2v)


def test_layer_objects_share_weights_across_calls():
    layer = tf.layers.Dense(3, name="proj")
    x1, x2 = tf.placeholder(tf.float32, [None, 2]), tf.placeholder(tf.float32, [None, 2])
    y1, y2 = layer(x1), layer.apply(x2)
    assert _names(layer.trainable_variables) == ["proj/kernel:0", "proj/bias:0"]
    assert len(tf.global_variables()) == 2 and y2.op.name.startswith("proj/")
    xv = np.ones([1, 2])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([y1, y2], {x1: xv, x2: xv})
    np.testing.assert_array_equal(a, b)


def test_conv_pool_flatten_layers_names_shapes_and_values():
    rng = np.random.RandomState(2)
    xv = rng.randn(2, 8, 8, 3).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 8, 8, 3])
    h = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    assert h.name == "conv2d/Relu:0" and h.shape.as_list() == [None, 8, 8, 4]
    v = tf.layers.conv2d(x, 2, (3, 2), strides=2)
    assert v.shape.as_list() == [None, 3, 4, 2]
    p = tf.layers.max_pooling2d(h, 2, 2)
    a = tf.layers.average_pooling2d(h, pool_size=3, strides=1, padding="same")
    assert p.name == "max_pooling2d/MaxPool:0" and p.shape.as_list() == [None, 4, 4, 4]
    assert a.name == "average_pooling2d/AvgPool:0" and a.shape.as_list() == [None, 8, 8, 4]
    f = tf.layers.flatten(p)
    assert f.name == "flatten/Reshape:0" and f.shape.as_list() == [None, 64]
    assert _names(tf.trainable_variables()) == ["conv2d/kernel:0", "conv2d/bias:0", "conv2d_1/kernel:0",
                                                "conv2d_1/bias:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k, hv, pv, fv = sess.run(["conv2d/kernel:0", h, p, f], {x: xv})
    assert k.shape == (3, 3, 3, 4)
    ref = np.maximum(sess_free_conv(xv, k), 0)
    np.testing.assert_allclose(hv, ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(pv, hv.reshape(2, 4, 2, 4, 2, 4).max(axis=(2, 4)), rtol=1e-6)
    np.testing.assert_array_equal(fv, pv.reshape(2, -1))


def sess_free_conv(x, k):
    """SAME 3x3 stride-1 convolution by explicit shifts (NumPy only)."""
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    out = np.zeros(x.shape[:3] + (k.shape[3],))
    for i in range(3):
        for j in range(3):
            out += xp[:, i:i + x.shape[1], j:j + x.shape[2], :] @ k[i, j]
    return out


def test_dropout_layer_training_flag():
    x = tf.ones([50, 40])
    off = tf.layers.dropout(x, rate=0.5)
    on = tf.layers.dropout(x, rate=0.5, training=True, seed=1)
    flag = tf.placeholder(tf.bool)
    fed = tf.layers.dropout(x, rate=0.5, training=flag, seed=1)
    assert off.op.type == "Identity"
    with tf.Session() as sess:
        o, n = sess.run([off, on])
        f_true, f_false = sess.run(fed, {flag: True}), sess.run(fed, {flag: False})
    np.testing.assert_array_equal(o, np.ones([50, 40]))
    assert set(np.unique(n)) == {0.0, 2.0} and set(np.unique(f_true)) == {0.0, 2.0}
    np.testing.assert_array_equal(f_false, np.ones([50, 40]))


def test_batch_normalization_variables_updates_and_inference():
    rng = np.random.RandomState(3)
    xv = (rng.randn(16, 3) * [1.0, 2.0, 3.0] + [1.0, -1.0, 0.5]).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3])
    training = tf.placeholder(tf.bool)
    y = tf.layers.batch_normalization(x, training=training, momentum=0.9)
    assert _names(tf.global_variables()) == ["batch_normalization/gamma:0", "batch_normalization/beta:0",
                                             "batch_normalization/moving_mean:0",
                                             "batch_normalization/moving_variance:0"]
    assert _names(tf.trainable_variables()) == ["batch_normalization/gamma:0", "batch_normalization/beta:0"]
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert [u.name for u in updates] == ["batch_normalization/AssignMovingAvg:0",
                                         "batch_normalization/AssignMovingAvg_1:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: xv, training: True})
        np.testing.assert_allclose(out, (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3), rtol=1e-4, atol=1e-5)
        sess.run(updates, {x: xv, training: True})
        mm, mv = sess.run(["batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"])
        np.testing.assert_allclose(mm, 0.1 * xv.mean(0), rtol=1e-5)
        np.testing.assert_allclose(mv, 0.9 + 0.1 * xv.var(0), rtol=1e-5)   # 2-D input: biased variance
        sess.run(updates, {x: xv, training: False})   # not training: moving statistics stay put
        np.testing.assert_allclose(sess.run("batch_normalization/moving_mean:0"), mm)
        inf = sess.run(y, {x: xv, training: False})
        np.testing.assert_allclose(inf, (xv - mm) / np.sqrt(mv + 1e-3), rtol=1e-5)


def test_batch_normalization_4d_uses_unbiased_variance_for_moving_average():
    rng = np.random.RandomState(4)
    xv = rng.randn(2, 3, 3, 2).astype(np.float32)
    y = tf.layers.batch_normalization(tf.constant(xv), training=True, momentum=0.5)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        step = tf.identity(y)
    assert tf.layers.batch_normalization(tf.constant(xv), training=False).name.startswith("batch_normalization_1/")
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2   # training=False adds no updates
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        mv = sess.run("batch_normalization/moving_variance:0")
    n = 2 * 3 * 3
    np.testing.assert_allclose(mv, 0.5 + 0.5 * xv.var(axis=(0, 1, 2)) * n / (n - 1), rtol=1e-5)


def test_conv_net_learns_generated_images():
    """conv2d -> max_pool -> conv2d -> max_pool -> dense -> dropout -> dense on 12x12 images of 4 bar patterns."""
    rng = np.random.RandomState(0)

    def make(n):
        labels = rng.randint(0, 4, size=n)
        imgs = rng.rand(n, 12, 12, 1).astype(np.float32) * 0.6
        for i, c in enumerate(labels):
            pos = rng.randint(2, 10)
            if c == 0:
                imgs[i, pos, 1:11, 0] += 1.0                      # horizontal bar
            elif c == 1:
                imgs[i, 1:11, pos, 0] += 1.0                      # vertical bar
            elif c == 2:
                imgs[i, np.arange(1, 11), np.arange(1, 11), 0] += 1.0      # diagonal
            else:
                imgs[i, np.arange(1, 11), np.arange(10, 0, -1), 0] += 1.0  # anti-diagonal
        return imgs, labels

    train_x, train_y = make(512)
    test_x, test_y = make(200)
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 12, 12, 1])
    y = tf.placeholder(tf.int64, [None])
    keep_prob = tf.placeholder(tf.float32)
    w1 = tf.Variable(tf.truncated_normal([3, 3, 1, 8], stddev=0.3))
    h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME"), tf.Variable(tf.zeros([8]))))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = tf.layers.conv2d(h, 16, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.dense(tf.layers.flatten(h), 32, activation=tf.nn.relu)
    h = tf.nn.dropout(h, keep_prob)
    logits = tf.layers.dense(h, 4)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(accuracy, {x: test_x, y: test_y, keep_prob: 1.0})
        for epoch in range(4):
            order = np.random.RandomState(epoch).permutation(512)
            for i in range(0, 512, 32):
                idx = order[i:i + 32]
                sess.run(train, {x: train_x[idx], y: train_y[idx], keep_prob: 0.75})
        after = sess.run(accuracy, {x: test_x, y: test_y, keep_prob: 1.0})
    print("conv net test accuracy: %.3f before training, %.3f after (chance: 0.25)" % (before, after))
    assert before < 0.45
    assert after > 0.9, after


def test_conv2d_transpose_layer_shapes_names_and_values():
    import numpy as np
    import tfsess as tf
    with tf.Graph().as_default():
        x = tf.constant(np.arange(18, dtype=np.float32).reshape(1, 3, 3, 2) / 10)
        shapes = []
        for pad in ("same", "valid"):
            for st in (1, 2):
                shapes.append(tf.layers.conv2d_transpose(x, 3, (3, 2), strides=st, padding=pad).shape.as_list())
        # TF's deconv_output_length: same -> n*s, valid -> n*s + max(k - s, 0)
        assert shapes == [[1, 3, 3, 3], [1, 6, 6, 3], [1, 5, 4, 3], [1, 7, 6, 3]]
        assert [v.op.name for v in tf.global_variables()][:2] == ["conv2d_transpose/kernel", "conv2d_transpose/bias"]
        assert tf.global_variables()[0].shape.as_list() == [3, 2, 3, 2]
        ph = tf.placeholder(tf.float32, [None, 4, 4, 2])
        up = tf.layers.conv2d_transpose(ph, 5, 3, strides=2, padding="same", name="up")
        assert up.shape.as_list() == [None, 8, 8, 5]
        one = tf.constant([[[[2.0]]]])
        k = np.arange(4, dtype=np.float32).reshape(2, 2, 1, 1)
        tiny = tf.layers.conv2d_transpose(one, 1, 2, strides=2, kernel_initializer=tf.constant_initializer(k),
                                          bias_initializer=tf.constant_initializer(0.5))
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            assert s.run(up, {ph: np.ones((3, 4, 4, 2))}).shape == (3, 8, 8, 5)
            np.testing.assert_allclose(s.run(tiny)[0, :, :, 0], 2 * k[:, :, 0, 0] + 0.5)
