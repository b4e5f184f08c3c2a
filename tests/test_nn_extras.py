"""tf.nn extras: dropout, embedding_lookup, l2_normalize, moments, batch_normalization, leaky_relu, top_k,
in_top_k, candidate samplers, nce_loss and sampled_softmax_loss, against NumPy references and finite differences."""
import numpy as np
import pytest

import tfsess as tf
from tfsess.testing import check_grads


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


# ----- dropout -----------------------------------------------------------------------------------------------

def test_dropout_keep_prob_placeholder_as_in_tf1_tutorials():
    x = np.ones([200, 50], np.float32)
    keep_prob = tf.placeholder(tf.float32)
    y = tf.nn.dropout(x, keep_prob, seed=3)
    assert y.shape.as_list() == [200, 50] and y.op.name.startswith("dropout/")
    with tf.Session() as sess:
        half = sess.run(y, {keep_prob: 0.5})
        full = sess.run(y, {keep_prob: 1.0})
    assert set(np.unique(half)) <= {0.0, 2.0}
    assert 0.45 < np.mean(half == 2.0) < 0.55          # about half kept, scaled by 1 / keep_prob
    np.testing.assert_array_equal(full, x)


def test_dropout_rate_and_gradient_uses_the_same_mask():
    x = tf.constant(np.arange(1, 101, dtype=np.float64).reshape(10, 10))
    y = tf.nn.dropout(x, rate=0.25, seed=1)
    g = tf.gradients(tf.reduce_sum(y), x)[0]
    with tf.Session() as sess:
        yv, gv = sess.run([y, g])
    kept = yv != 0
    np.testing.assert_allclose(yv[kept], np.arange(1, 101).reshape(10, 10)[kept] / 0.75)
    np.testing.assert_allclose(gv, kept / 0.75)


def test_dropout_rate_zero_is_identity_and_validates_arguments():
    x = tf.constant([1.0, 2.0])
    assert tf.nn.dropout(x, rate=0.0) is x
    with pytest.raises(ValueError, match="rate"):
        tf.nn.dropout(x, rate=1.0)
    with pytest.raises(ValueError, match="keep_prob"):
        tf.nn.dropout(x, keep_prob=0.0)
    with pytest.raises(ValueError, match="floating point"):
        tf.nn.dropout(tf.constant([1, 2]), rate=0.5)


def test_dropout_noise_shape_shares_mask_along_broadcast_axes():
    y = run(tf.nn.dropout(tf.ones([4, 30]), rate=0.5, noise_shape=[4, 1], seed=2))
    for row in y:
        assert len(set(row.tolist())) == 1


def test_dropout_is_deterministic_with_seeds():
    tf.set_random_seed(7)
    a = run(tf.nn.dropout(tf.ones([5, 5]), rate=0.5))
    tf.reset_default_graph()
    tf.set_random_seed(7)
    b = run(tf.nn.dropout(tf.ones([5, 5]), rate=0.5))
    np.testing.assert_array_equal(a, b)


# ----- embedding_lookup ----------------------------------------------------------------------------------------

def test_embedding_lookup_matches_indexing_and_names():
    params = np.random.RandomState(0).randn(10, 4).astype(np.float32)
    ids = np.array([[1, 2], [9, 1]])
    e = tf.nn.embedding_lookup(params, ids)
    assert e.name == "embedding_lookup/Identity:0" and e.shape.as_list() == [2, 2, 4]
    np.testing.assert_array_equal(run(e), params[ids])


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_embedding_lookup_partitioned(strategy):
    table = np.arange(7 * 2, dtype=np.float32).reshape(7, 2)
    if strategy == "mod":
        parts = [table[i::3] for i in range(3)]
    else:
        parts = [table[0:3], table[3:5], table[5:7]]
    ids = np.array([[0, 6], [3, 4], [5, 1]])
    got = run(tf.nn.embedding_lookup([tf.constant(p) for p in parts], ids, partition_strategy=strategy))
    np.testing.assert_array_equal(got, table[ids])


def test_embedding_lookup_gradient_and_max_norm():
    rng = np.random.RandomState(1)
    ids = np.array([0, 2, 2, 3])
    check_grads(lambda p: tf.nn.embedding_lookup(p, ids), [rng.randn(5, 3)])
    params = rng.randn(5, 3) * 3
    got = run(tf.nn.embedding_lookup(params, ids, max_norm=1.0))
    norms = np.linalg.norm(params[ids], axis=1, keepdims=True)
    np.testing.assert_allclose(got, params[ids] / np.maximum(norms, 1.0), rtol=1e-6)


def test_embedding_training_updates_only_looked_up_rows():
    emb = tf.Variable(tf.ones([6, 2]))
    loss = tf.reduce_sum(tf.nn.embedding_lookup(emb, [1, 4, 4]))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        got = sess.run(emb)
    np.testing.assert_allclose(got[:, 0], [1, 0.5, 1, 1, 0, 1])


# ----- normalisation helpers and leaky_relu ---------------------------------------------------------------------

def test_l2_normalize_and_its_gradient():
    x = np.random.RandomState(2).randn(3, 4)
    np.testing.assert_allclose(run(tf.nn.l2_normalize(x, axis=1)), x / np.linalg.norm(x, axis=1, keepdims=True))
    np.testing.assert_allclose(run(tf.nn.l2_normalize(x, dim=0)), x / np.linalg.norm(x, axis=0, keepdims=True))
    check_grads(lambda x: tf.nn.l2_normalize(x, 1), [x])


def test_moments_match_numpy_and_keep_dims():
    x = np.random.RandomState(3).randn(4, 3, 2)
    m, v = run(tf.nn.moments(tf.constant(x), axes=[0, 1]))
    np.testing.assert_allclose(m, x.mean(axis=(0, 1)))
    np.testing.assert_allclose(v, x.var(axis=(0, 1)))
    mk, vk = tf.nn.moments(tf.constant(x), axes=[0], keep_dims=True)
    assert mk.shape.as_list() == [1, 3, 2] and vk.shape.as_list() == [1, 3, 2]
    check_grads(lambda x: list(tf.nn.moments(x, axes=[0])), [x])


def test_batch_normalization_matches_formula_and_gradients():
    rng = np.random.RandomState(4)
    x, mean, var = rng.randn(5, 3), rng.randn(3), rng.rand(3) + 0.5
    offset, scale = rng.randn(3), rng.randn(3)
    y = tf.nn.batch_normalization(x, mean, var, offset, scale, 1e-3)
    assert y.op.name.startswith("batchnorm/")
    np.testing.assert_allclose(run(y), (x - mean) * scale / np.sqrt(var + 1e-3) + offset, rtol=1e-10)
    np.testing.assert_allclose(run(tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)),
                               (x - mean) / np.sqrt(var + 1e-3), rtol=1e-10)
    check_grads(lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3), [x, mean, var, offset, scale])


def test_leaky_relu_values_and_gradient():
    x = np.array([-2.0, -0.5, 0.5, 3.0])
    np.testing.assert_allclose(run(tf.nn.leaky_relu(x)), np.where(x > 0, x, 0.2 * x))
    np.testing.assert_allclose(run(tf.nn.leaky_relu(x, alpha=0.1)), np.where(x > 0, x, 0.1 * x))
    check_grads(lambda x: tf.nn.leaky_relu(x, 0.3), [x])


def test_xw_plus_b():
    rng = np.random.RandomState(5)
    x, w, b = rng.randn(2, 3), rng.randn(3, 4), rng.randn(4)
    np.testing.assert_allclose(run(tf.nn.xw_plus_b(x, w, b)), x @ w + b)


# ----- top_k / in_top_k -------------------------------------------------------------------------------------------

def test_top_k_values_indices_and_ties():
    x = np.array([[1., 5., 3., 5.], [2., 1., 0., 7.]], np.float32)
    v, i = tf.nn.top_k(x, k=2)
    assert v.name == "TopKV2:0" and i.name == "TopKV2:1"
    assert v.shape.as_list() == [2, 2] and i.dtype == tf.int32
    vv, iv = run([v, i])
    np.testing.assert_array_equal(vv, [[5, 5], [7, 2]])
    np.testing.assert_array_equal(iv, [[1, 3], [3, 0]])   # ties: lower index first
    rng = np.random.RandomState(6)
    big = rng.randn(3, 4, 10)
    vals, idx = run(tf.nn.top_k(big, 3))
    order = np.argsort(-big, axis=-1)[..., :3]
    np.testing.assert_array_equal(idx, order)
    np.testing.assert_allclose(vals, np.take_along_axis(big, order, -1))


def test_top_k_gradient_and_errors():
    x = np.random.RandomState(7).permutation(24).reshape(2, 3, 4) * 0.5
    check_grads(lambda x: tf.nn.top_k(x, 2).values, [x])
    with pytest.raises(ValueError, match="k = 5"):
        tf.nn.top_k(tf.ones([3, 4]), 5)
    k = tf.placeholder(tf.int32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="input must have at least k columns"):
            sess.run(tf.nn.top_k(tf.ones([3, 4]), k), {k: 5})


def test_in_top_k_rules():
    p = np.array([[1., 5., 3., 5.], [2., 1., 0., 7.], [1., np.nan, 2., 3.], [0.1, 0.3, 0.2, 0.4]], np.float32)
    t = tf.nn.in_top_k(p, [3, 1, 3, 2], 2)
    assert t.op.type == "InTopKV2" and t.op.name == "in_top_k/InTopKV2" and t.dtype == tf.bool
    # row 0: target ties with the maximum -> in; row 2: non-finite row -> False
    np.testing.assert_array_equal(run(t), [True, False, False, False])
    np.testing.assert_array_equal(run(tf.nn.in_top_k(p[:2], [4, -1], 2)), [False, False])
    assert tf.gradients(tf.cast(t, tf.float32), tf.constant(0.0)) == [None]


# ----- candidate sampling and sampled losses ------------------------------------------------------------------------

def test_log_uniform_candidate_sampler_expected_counts():
    labels = tf.constant([[1], [2]], tf.int64)
    s = tf.nn.log_uniform_candidate_sampler(true_classes=labels, num_true=1, num_sampled=5, unique=True,
                                            range_max=50, seed=1)
    assert s.sampled_candidates.dtype == tf.int64 and s.sampled_candidates.shape.as_list() == [5]
    assert s.true_expected_count.shape.as_list() == [2, 1]
    sampled, true_ec, sampled_ec = run(s)
    assert len(set(sampled.tolist())) == 5 and sampled.min() >= 0 and sampled.max() < 50
    p = lambda k: np.log((k + 2.0) / (k + 1.0)) / np.log(51.0)  # noqa: E731
    # unique sampling that needed `tries` draws: 1 - (1 - p)^tries; with exactly 5 draws: 5p
    tries = np.log1p(-sampled_ec[0]) / np.log1p(-p(sampled[0])) if not np.isclose(sampled_ec[0], 5 * p(sampled[0])) \
        else 5
    want = 5 * p(sampled) if tries == 5 else -np.expm1(tries * np.log1p(-p(sampled)))
    np.testing.assert_allclose(sampled_ec, want, rtol=1e-5)
    want_true = 5 * p(np.array([[1], [2]])) if tries == 5 else -np.expm1(tries * np.log1p(-p(np.array([[1], [2]]))))
    np.testing.assert_allclose(true_ec, want_true, rtol=1e-5)


def test_log_uniform_sampler_distribution_prefers_small_ids():
    labels = tf.constant([[0]], tf.int64)
    s = tf.nn.log_uniform_candidate_sampler(labels, 1, 4000, unique=False, range_max=100, seed=4)
    sampled, _, sampled_ec = run(s)
    p = np.log((np.arange(100) + 2.0) / (np.arange(100) + 1.0)) / np.log(101.0)
    freq = np.bincount(sampled, minlength=100) / 4000.0
    assert abs(freq[0] - p[0]) < 0.03 and abs(freq[:10].sum() - p[:10].sum()) < 0.05
    np.testing.assert_allclose(sampled_ec, 4000 * p[sampled], rtol=1e-5)


def test_uniform_sampler_and_accidental_hits():
    s = tf.nn.uniform_candidate_sampler(tf.constant([[1, 3]], tf.int64), 2, 5, unique=True, range_max=50, seed=1)
    sampled, true_ec, sampled_ec = run(s)
    assert len(set(sampled.tolist())) == 5
    hits = tf.nn.compute_accidental_hits(tf.constant([[1, 7], [2, 3]], tf.int64),
                                         tf.constant([3, 1, 5, 7], tf.int64), num_true=2)
    idx, ids, w = run(hits)
    np.testing.assert_array_equal(idx, [0, 0, 1])
    np.testing.assert_array_equal(ids, [1, 3, 0])
    assert np.all(w == -np.finfo(np.float32).max)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="range is too small"):
            sess.run(tf.nn.uniform_candidate_sampler(tf.constant([[1]], tf.int64), 1, 10, True, 5))


def _sampled_reference(weights, biases, labels, inputs, sampled, true_ec, sampled_ec, remove_hits):
    """NumPy version of TF's _compute_sampled_logits with subtract_log_q."""
    true_logits = np.sum(inputs[:, None, :] * weights[labels], axis=2) + biases[labels] - np.log(true_ec)
    sampled_logits = inputs @ weights[sampled].T + biases[sampled] - np.log(sampled_ec)
    if remove_hits:
        for r in range(labels.shape[0]):
            for j, c in enumerate(sampled):
                if c in labels[r]:
                    sampled_logits[r, j] += -np.finfo(np.float32).max
    return true_logits, sampled_logits


def test_nce_and_sampled_softmax_losses_match_numpy():
    rng = np.random.RandomState(8)
    n_classes, dim, batch = 20, 4, 3
    w, b = rng.randn(n_classes, dim), rng.randn(n_classes)
    x = rng.randn(batch, dim)
    labels = np.array([[2], [5], [7]])
    sampled = np.array([7, 1, 9, 3])
    true_ec = rng.rand(batch, 1) + 0.1
    sampled_ec = rng.rand(4) + 0.1
    sv = (tf.constant(sampled, tf.int64), tf.constant(true_ec), tf.constant(sampled_ec))
    nce = tf.nn.nce_loss(w, b, labels, x, num_sampled=4, num_classes=n_classes, sampled_values=sv)
    ssm = tf.nn.sampled_softmax_loss(w, b, labels, x, num_sampled=4, num_classes=n_classes, sampled_values=sv)
    assert nce.shape.as_list() == [3] and ssm.shape.as_list() == [3]
    got_nce, got_ssm = run([nce, ssm])
    tl, sl = _sampled_reference(w, b, labels, x, sampled, true_ec, sampled_ec, remove_hits=False)
    sig_ce = lambda z, lab: np.maximum(z, 0) - z * lab + np.log1p(np.exp(-np.abs(z)))  # noqa: E731
    np.testing.assert_allclose(got_nce, sig_ce(tl, 1).sum(1) + sig_ce(sl, 0).sum(1), rtol=1e-10)
    tl, sl = _sampled_reference(w, b, labels, x, sampled, true_ec, sampled_ec, remove_hits=True)
    logits = np.concatenate([tl, sl], 1)
    logp = logits - logits.max(1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
    np.testing.assert_allclose(got_ssm, -logp[:, 0], rtol=1e-10)


def test_sampled_losses_gradients():
    rng = np.random.RandomState(9)
    labels = np.array([[1, 4], [3, 0]])
    true_ec, sampled_ec = rng.rand(2, 2) + 0.2, rng.rand(3) + 0.2
    for loss in (tf.nn.nce_loss, tf.nn.sampled_softmax_loss):
        def f(w, b, x):
            sv = (tf.constant([4, 2, 6], tf.int64), tf.constant(true_ec), tf.constant(sampled_ec))
            return loss(w, b, labels, x, 3, 8, num_true=2, sampled_values=sv, remove_accidental_hits=False)
        check_grads(f, [rng.randn(8, 3), rng.randn(8), rng.randn(2, 3)])


def test_word2vec_style_training_with_nce_loss_learns_pairs():
    """Skip-gram-like: each word's context is (word + 1) mod V; NCE training makes that the top prediction."""
    vocab, dim = 30, 8
    tf.set_random_seed(1)
    inputs = tf.placeholder(tf.int32, [None])
    labels = tf.placeholder(tf.int64, [None, 1])
    emb = tf.Variable(tf.random_uniform([vocab, dim], -1.0, 1.0))
    nce_w = tf.Variable(tf.truncated_normal([vocab, dim], stddev=1.0 / np.sqrt(dim)))
    nce_b = tf.Variable(tf.zeros([vocab]))
    embed = tf.nn.embedding_lookup(emb, inputs)
    loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, labels, embed, num_sampled=8, num_classes=vocab))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    logits = tf.matmul(embed, nce_w, transpose_b=True) + nce_b
    correct = tf.reduce_mean(tf.cast(tf.nn.in_top_k(logits, tf.reshape(tf.cast(labels, tf.int32), [-1]), 1),
                                     tf.float32))
    words = np.arange(vocab)
    feed = {inputs: words, labels: ((words + 1) % vocab).reshape(-1, 1)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, feed)
        for _ in range(300):
            sess.run(train, feed)
        last, acc = sess.run([loss, correct], feed)
    assert last < first / 3
    assert acc > 0.8
