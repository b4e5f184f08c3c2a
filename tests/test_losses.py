"""tf.losses against numbers from real TensorFlow: every loss, every reduction, weights of several shapes,
op names, the LOSSES collection, total/regularization losses and TF 1.15's errors.

The REFERENCE values below come from TF 2.21 compat.v1 (graph mode): regenerate them with
`PYTHONPATH=. /work/tfvenv/bin/python tests/test_losses.py`, which builds the same CASES with real TensorFlow.
"""
import numpy as np

LAB = np.array([[0., 1.], [1., 0.], [1., 1.]], np.float32)
PRED = np.array([[0.2, 0.7], [0.6, 0.1], [0.9, 0.4]], np.float32)
LOGITS = np.array([[1.5, -0.5], [-2.0, 0.3], [0.7, 0.8]], np.float32)
WEIGHTS = {"default": None, "scalar": 2.0, "int": 3, "zero": 0.0, "col": [[1.], [0.], [2.]],
           "full": [[1., 0.], [0.5, 2.], [0., 0.]], "row": [[0., 3.]]}
REDUCTIONS = ("NONE", "SUM", "MEAN", "SUM_OVER_BATCH_SIZE", "SUM_BY_NONZERO_WEIGHTS")


def build_cases(tf):
    """name -> tensor, built with `tf` (tfsess or real TensorFlow's compat.v1) in the default graph."""
    L = tf.losses
    out = {}

    def w_kw(w):
        return {} if WEIGHTS[w] is None else {"weights": WEIGHTS[w]}
    for w in WEIGHTS:
        for r in REDUCTIONS:
            out["mse_%s_%s" % (w, r)] = L.mean_squared_error(LAB, PRED, reduction=getattr(L.Reduction, r), **w_kw(w))
    for w in ("default", "col", "full"):
        kw = w_kw(w)
        out["abs_" + w] = L.absolute_difference(LAB, PRED, **kw)
        out["huber_" + w] = L.huber_loss(LAB, 3 * PRED, **kw)
        out["huber_delta_" + w] = L.huber_loss(LAB, 3 * PRED, delta=0.5, **kw)
        out["log_" + w] = L.log_loss(LAB, PRED, **kw)
        out["log_eps_" + w] = L.log_loss(LAB, PRED, epsilon=0.1, **kw)
        out["hinge_" + w] = L.hinge_loss(LAB, LOGITS, **kw)
        out["sigmoid_" + w] = L.sigmoid_cross_entropy(LAB, LOGITS, **kw)
        out["sigmoid_smooth_" + w] = L.sigmoid_cross_entropy(LAB, LOGITS, label_smoothing=0.2, **kw)
        out["sigmoid_sum_" + w] = L.sigmoid_cross_entropy(LAB, LOGITS, reduction=L.Reduction.SUM, **kw)
    onehot = np.array([[1, 0], [0, 1], [0, 1]], np.int32)
    for name, w in (("default", None), ("vec", [1., 0., 2.]), ("col", [[1.], [0.], [2.]])):
        kw = {} if w is None else {"weights": w}
        if name != "col":   # weights of rank 2 against per-row losses of rank 1: a ValueError (tested below)
            out["softmax_" + name] = L.softmax_cross_entropy(onehot, LOGITS, **kw)
            out["softmax_smooth_" + name] = L.softmax_cross_entropy(onehot, LOGITS, label_smoothing=0.1, **kw)
            out["softmax_none_" + name] = L.softmax_cross_entropy(onehot, LOGITS, reduction=L.Reduction.NONE, **kw)
        out["sparse_" + name] = L.sparse_softmax_cross_entropy([0, 1, 1], LOGITS, **kw)
        out["sparse_col_labels_" + name] = L.sparse_softmax_cross_entropy([[0], [1], [1]], LOGITS, **kw)
        out["sparse_mean_" + name] = L.sparse_softmax_cross_entropy([0, 1, 1], LOGITS, reduction=L.Reduction.MEAN,
                                                                    **kw)
    unit_l = LAB / np.linalg.norm(LAB, axis=1, keepdims=True)
    unit_p = PRED / np.linalg.norm(PRED, axis=1, keepdims=True)
    out["cosine_axis1"] = L.cosine_distance(unit_l, unit_p, axis=1)
    out["cosine_dim1_col"] = L.cosine_distance(unit_l, unit_p, dim=1, weights=[[1.], [0.], [2.]])
    out["cosine_axis0_none"] = L.cosine_distance(unit_l, unit_p, axis=0, reduction=L.Reduction.NONE)
    out["pairwise_default"] = L.mean_pairwise_squared_error(LAB, PRED)
    out["pairwise_vec"] = L.mean_pairwise_squared_error(LAB, PRED, weights=[[1.], [0.], [2.]])
    out["pairwise_3d"] = L.mean_pairwise_squared_error(np.zeros((2, 2, 2)), np.arange(8.).reshape(2, 2, 2) / 5,
                                                       weights=[[[0.5]], [[2.0]]])
    per = np.arange(12, dtype=np.float32).reshape(2, 3, 2) / 7.0
    out["cwl_default"] = L.compute_weighted_loss(per)
    out["cwl_w211"] = L.compute_weighted_loss(per, weights=[[[0.]], [[2.]]])
    out["cwl_w231_sum"] = L.compute_weighted_loss(per, weights=np.ones((2, 3, 1)) * [[[1.], [0.], [3.]]],
                                                  reduction=L.Reduction.SUM)
    out["cwl_w231_mean"] = L.compute_weighted_loss(per, weights=np.ones((2, 3, 1)) * [[[1.], [0.], [3.]]],
                                                   reduction=L.Reduction.MEAN)
    out["cwl_float64"] = L.compute_weighted_loss(per.astype(np.float64), weights=0.5)
    out["softmax_float64"] = L.softmax_cross_entropy(onehot, LOGITS.astype(np.float64), label_smoothing=0.3)
    logits = tf.constant(LOGITS)
    out["grad_softmax_smooth"] = tf.gradients(L.softmax_cross_entropy(onehot, logits, weights=[1., 0., 2.],
                                                                      label_smoothing=0.1), logits)[0]
    pred = tf.constant(PRED)
    out["grad_mse_full"] = tf.gradients(L.mean_squared_error(LAB, pred, weights=WEIGHTS["full"]), pred)[0]
    out["grad_sparse_col"] = tf.gradients(L.sparse_softmax_cross_entropy([0, 1, 1], logits,
                                                                         weights=[[1.], [0.], [2.]]), logits)[0]
    return out


# From TF 2.21 compat.v1 (graph mode), printed by this file's __main__ block with real TensorFlow.
REFERENCE = {
    'abs_col': (0.4750000238418579, 'float32'),
    'abs_default': (0.28333333134651184, 'float32'),
    'abs_full': (0.19999998807907104, 'float32'),
    'cosine_axis0_none': ([[-0.6325563192367554, -0.24870717525482178]], 'float32'),
    'cosine_axis1': (0.03957883641123772, 'float32'),
    'cosine_dim1_col': (0.08589246869087219, 'float32'),
    'cwl_default': (0.785714328289032, 'float32'),
    'cwl_float64': (0.392857164144516, 'float64'),
    'cwl_w211': (2.4285714626312256, 'float32'),
    'cwl_w231_mean': (0.9285714626312256, 'float32'),
    'cwl_w231_sum': (14.85714340209961, 'float32'),
    'grad_mse_full': ([[0.13333334028720856, -0.0], [-0.13333332538604736, 0.13333334028720856], [-0.0, -0.0]], 'float32'),
    'grad_softmax_smooth': ([[-0.03460147976875305, 0.03460145741701126], [0.0, -0.0], [0.4250207841396332, -0.42502081394195557]], 'float32'),
    'grad_sparse_col': ([[-0.05960148572921753, 0.05960145965218544], [0.0, -0.0], [0.47502079606056213, -0.4750208258628845]], 'float32'),
    'hinge_col': (1.25, 'float32'),
    'hinge_default': (1.4666666984558105, 'float32'),
    'hinge_full': (2.200000047683716, 'float32'),
    'huber_col': (0.8049998879432678, 'float32'),
    'huber_default': (0.39416661858558655, 'float32'),
    'huber_delta_col': (0.5224999189376831, 'float32'),
    'huber_delta_default': (0.2775000035762787, 'float32'),
    'huber_delta_full': (0.1341666728258133, 'float32'),
    'huber_full': (0.1433333456516266, 'float32'),
    'log_col': (0.655780017375946, 'float32'),
    'log_default': (0.36960914731025696, 'float32'),
    'log_eps_col': (0.4286996126174927, 'float32'),
    'log_eps_default': (0.22972100973129272, 'float32'),
    'log_eps_full': (0.0945659652352333, 'float32'),
    'log_full': (0.22975897789001465, 'float32'),
    'mse_col_MEAN': (0.14500001072883606, 'float32'),
    'mse_col_NONE': ([[0.04000000283122063, 0.09000000357627869], [0.0, 0.0], [0.02000000886619091, 0.7200000286102295]], 'float32'),
    'mse_col_SUM': (0.8700000643730164, 'float32'),
    'mse_col_SUM_BY_NONZERO_WEIGHTS': (0.2175000160932541, 'float32'),
    'mse_col_SUM_OVER_BATCH_SIZE': (0.14500001072883606, 'float32'),
    'mse_default_MEAN': (0.11166665703058243, 'float32'),
    'mse_default_NONE': ([[0.04000000283122063, 0.09000000357627869], [0.15999998152256012, 0.010000000707805157], [0.010000004433095455, 0.36000001430511475]], 'float32'),
    'mse_default_SUM': (0.6699999570846558, 'float32'),
    'mse_default_SUM_BY_NONZERO_WEIGHTS': (0.11166665703058243, 'float32'),
    'mse_default_SUM_OVER_BATCH_SIZE': (0.11166665703058243, 'float32'),
    'mse_full_MEAN': (0.03999999538064003, 'float32'),
    'mse_full_NONE': ([[0.04000000283122063, 0.0], [0.07999999076128006, 0.020000001415610313], [0.0, 0.0]], 'float32'),
    'mse_full_SUM': (0.13999998569488525, 'float32'),
    'mse_full_SUM_BY_NONZERO_WEIGHTS': (0.04666666314005852, 'float32'),
    'mse_full_SUM_OVER_BATCH_SIZE': (0.02333333157002926, 'float32'),
    'mse_int_MEAN': (0.11166666448116302, 'float32'),
    'mse_int_NONE': ([[0.12000000476837158, 0.27000001072883606], [0.47999995946884155, 0.030000001192092896], [0.03000001236796379, 1.0800000429153442]], 'float32'),
    'mse_int_SUM': (2.009999990463257, 'float32'),
    'mse_int_SUM_BY_NONZERO_WEIGHTS': (0.33500000834465027, 'float32'),
    'mse_int_SUM_OVER_BATCH_SIZE': (0.33500000834465027, 'float32'),
    'mse_row_MEAN': (0.15333335101604462, 'float32'),
    'mse_row_NONE': ([[0.0, 0.27000001072883606], [0.0, 0.030000001192092896], [0.0, 1.0800000429153442]], 'float32'),
    'mse_row_SUM': (1.380000114440918, 'float32'),
    'mse_row_SUM_BY_NONZERO_WEIGHTS': (0.46000003814697266, 'float32'),
    'mse_row_SUM_OVER_BATCH_SIZE': (0.23000001907348633, 'float32'),
    'mse_scalar_MEAN': (0.11166665703058243, 'float32'),
    'mse_scalar_NONE': ([[0.08000000566244125, 0.18000000715255737], [0.31999996304512024, 0.020000001415610313], [0.02000000886619091, 0.7200000286102295]], 'float32'),
    'mse_scalar_SUM': (1.3399999141693115, 'float32'),
    'mse_scalar_SUM_BY_NONZERO_WEIGHTS': (0.22333331406116486, 'float32'),
    'mse_scalar_SUM_OVER_BATCH_SIZE': (0.22333331406116486, 'float32'),
    'mse_zero_MEAN': (0.0, 'float32'),
    'mse_zero_NONE': ([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], 'float32'),
    'mse_zero_SUM': (0.0, 'float32'),
    'mse_zero_SUM_BY_NONZERO_WEIGHTS': (0.0, 'float32'),
    'mse_zero_SUM_OVER_BATCH_SIZE': (0.0, 'float32'),
    'pairwise_3d': (0.3333330750465393, 'float32'),
    'pairwise_default': (0.7499999403953552, 'float32'),
    'pairwise_vec': (0.7499998807907104, 'float32'),
    'sigmoid_col': (1.056015968322754, 'float32'),
    'sigmoid_default': (1.0718435049057007, 'float32'),
    'sigmoid_full': (1.4911960363388062, 'float32'),
    'sigmoid_smooth_col': (1.081015944480896, 'float32'),
    'sigmoid_smooth_default': (1.0251766443252563, 'float32'),
    'sigmoid_smooth_full': (1.3878625631332397, 'float32'),
    'sigmoid_sum_col': (4.224063873291016, 'float32'),
    'sigmoid_sum_default': (6.431060791015625, 'float32'),
    'sigmoid_sum_full': (4.473587989807129, 'float32'),
    'softmax_default': (0.28895673155784607, 'float32'),
    'softmax_float64': (0.5089567303657532, 'float64'),
    'softmax_none_default': ([0.12692804634571075, 0.0955454483628273, 0.6443966627120972], 'float32'),
    'softmax_none_vec': ([0.12692804634571075, 0.0, 1.2887933254241943], 'float32'),
    'softmax_smooth_default': (0.36229005455970764, 'float32'),
    'softmax_smooth_vec': (0.7628606557846069, 'float32'),
    'softmax_vec': (0.7078607082366943, 'float32'),
    'sparse_col': (0.7078607082366943, 'float32'),
    'sparse_col_labels_col': (0.7078607082366943, 'float32'),
    'sparse_col_labels_default': (0.28895673155784607, 'float32'),
    'sparse_col_labels_vec': (0.7078607082366943, 'float32'),
    'sparse_default': (0.28895673155784607, 'float32'),
    'sparse_mean_col': (0.4719071388244629, 'float32'),
    'sparse_mean_default': (0.28895673155784607, 'float32'),
    'sparse_mean_vec': (0.4719071388244629, 'float32'),
    'sparse_vec': (0.7078607082366943, 'float32'),
}


if __name__ != "__main__":
    import pytest

    import tfsess as tf

    @pytest.fixture(autouse=True)
    def _fresh_graph():
        tf.reset_default_graph()
        yield

    def _run(t, feed=None):
        with tf.Session() as sess:
            return sess.run(t, feed)

    @pytest.fixture(scope="module")
    def values():
        with tf.Graph().as_default() as g:
            cases = build_cases(tf)
            names = sorted(cases)
            with tf.Session(graph=g) as sess:
                vals = sess.run([cases[n] for n in names])
            dtypes = {n: cases[n].dtype.name for n in names}
        return {n: (v, dtypes[n]) for n, v in zip(names, vals)}

    @pytest.mark.parametrize("name", sorted(REFERENCE))
    def test_value_matches_tensorflow(values, name):
        want_value, want_dtype = REFERENCE[name]
        got, dtype = values[name]
        assert dtype == want_dtype
        np.testing.assert_allclose(got, np.array(want_value), rtol=2e-6, atol=1e-7)

    def test_every_case_has_a_reference(values):
        assert sorted(values) == sorted(REFERENCE)


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf_real
    tf_real.disable_v2_behavior()
    with tf_real.Graph().as_default() as g:
        cases = build_cases(tf_real)
        names = sorted(cases)
        with tf_real.Session(graph=g) as sess:
            vals = sess.run([cases[n] for n in names])
    print("REFERENCE = {")
    for n, v in zip(names, vals):
        print("    %r: (%r, %r)," % (n, np.asarray(v).tolist(), cases[n].dtype.name))
    print("}")


if __name__ != "__main__":

    # ----- names and collections (TF's, from compat.v1) -------------------------------------------------------

    @pytest.mark.parametrize("fn,scope", [
        (lambda L: L.mean_squared_error(LAB, PRED), "mean_squared_error"),
        (lambda L: L.absolute_difference(LAB, PRED), "absolute_difference"),
        (lambda L: L.huber_loss(LAB, PRED), "huber_loss"),
        (lambda L: L.log_loss(LAB, PRED), "log_loss"),
        (lambda L: L.hinge_loss(LAB, PRED), "hinge_loss"),
        (lambda L: L.sigmoid_cross_entropy(LAB, PRED), "sigmoid_cross_entropy_loss"),
        (lambda L: L.softmax_cross_entropy(LAB, PRED), "softmax_cross_entropy_loss"),
        (lambda L: L.sparse_softmax_cross_entropy([0, 1, 1], PRED), "sparse_softmax_cross_entropy_loss"),
        (lambda L: L.cosine_distance(LAB, PRED, axis=1), "cosine_distance_loss"),
        (lambda L: L.compute_weighted_loss(PRED), "weighted_loss"),
    ])
    def test_loss_is_the_value_op_of_its_scope_and_is_collected(fn, scope):
        loss = fn(tf.losses)
        assert loss.name == scope + "/value:0" and loss.op.type == "DivNoNan"
        assert loss.shape.as_list() == [] and loss.dtype == tf.float32
        assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]
        assert tf.losses.get_losses() == [loss]

    def test_mean_pairwise_squared_error_is_named_as_tf():
        loss = tf.losses.mean_pairwise_squared_error(np.zeros((3, 2)), np.ones((3, 2)))
        # TF 2.21 compat.v1: the third op named "value" in its scope, a Select
        assert (loss.name, loss.op.type) == ("mean_pairwise_squared_error/value_2:0", "Select")
        assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]

    def test_reductions_name_their_result_as_tf():
        none = tf.losses.mean_squared_error(LAB, PRED, reduction=tf.losses.Reduction.NONE)
        total = tf.losses.mean_squared_error(LAB, PRED, reduction=tf.losses.Reduction.SUM)
        assert (none.name, none.op.type, none.shape.as_list()) == ("mean_squared_error/Mul:0", "Mul", [3, 2])
        assert (total.name, total.op.type) == ("mean_squared_error_1/Sum:0", "Sum")
        assert tf.losses.mean_squared_error(LAB, PRED, scope="foo").name == "foo/value:0"
        assert tf.losses.compute_weighted_loss(PRED, scope="myscope").name == "myscope/value:0"

    def test_loss_collection_none_adds_nothing_and_other_collections_work():
        tf.losses.mean_squared_error(LAB, PRED, loss_collection=None)
        assert tf.get_collection(tf.GraphKeys.LOSSES) == []
        mine = tf.losses.absolute_difference(LAB, PRED, loss_collection="mine")
        assert tf.get_collection("mine") == [mine] and tf.losses.get_losses(loss_collection="mine") == [mine]

    def test_reduction_constants_are_tfs():
        R = tf.losses.Reduction
        assert R.all() == ("none", "weighted_sum", "weighted_mean", "weighted_sum_over_batch_size",
                           "weighted_sum_by_nonzero_weights", "weighted_sum_by_nonzero_weights")
        assert R.SUM_OVER_NONZERO_WEIGHTS == R.SUM_BY_NONZERO_WEIGHTS == "weighted_sum_by_nonzero_weights"

    def test_total_and_regularization_losses():
        tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.5, name="r1"))
        tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.25, name="r2"))
        mse = tf.losses.mean_squared_error(LAB, PRED)
        tf.losses.add_loss(tf.constant(3.0, name="extra"))
        reg = tf.losses.get_regularization_loss()
        assert reg.name == "total_regularization_loss:0"
        assert [t.name for t in tf.losses.get_regularization_losses()] == ["r1:0", "r2:0"]
        assert [t.name for t in tf.losses.get_losses()] == ["mean_squared_error/value:0", "extra:0"]
        total = tf.losses.get_total_loss()
        without = tf.losses.get_total_loss(add_regularization_losses=False, name="plain")
        assert (total.name, total.op.type) == ("total_loss:0", "AddN") and without.name == "plain:0"
        m, r, t, w = _run([mse, reg, total, without])
        np.testing.assert_allclose([r, t, w], [0.75, m + 3.75, m + 3.0], rtol=1e-6)

    def test_regularization_loss_without_regularizers_is_zero_and_total_loss_needs_a_loss():
        reg = tf.losses.get_regularization_loss()
        assert reg.op.type == "Const" and _run(reg) == 0.0
        with pytest.raises(ValueError, match="at least one"):
            tf.losses.get_total_loss()

    def test_dense_layer_regularizer_reaches_get_total_loss():
        x = tf.constant(np.ones((2, 3), np.float32))
        y = tf.layers.dense(x, 1, kernel_initializer=tf.ones_initializer(),
                            kernel_regularizer=lambda w: 0.1 * tf.reduce_sum(tf.square(w)))
        tf.losses.mean_squared_error(np.zeros((2, 1), np.float32), y)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            total, reg = sess.run([tf.losses.get_total_loss(), tf.losses.get_regularization_loss()])
        np.testing.assert_allclose([total, reg], [9.0 + 0.3, 0.3], rtol=1e-6)   # (1+1+1)^2 and 0.1 * 3

    # ----- weights known only at run time ---------------------------------------------------------------------

    def test_weights_fed_at_run_time_are_checked_by_an_assert():
        w = tf.placeholder(tf.float32, [None, None])
        p = tf.placeholder(tf.float32, [None, 2])
        loss = tf.losses.mean_squared_error(LAB, p, weights=w)
        with tf.Session() as sess:
            # TF 2.21 compat.v1 gives 0.11166666 for weights of ones (3, 1), 0.22333331 for [[2.0]]
            np.testing.assert_allclose(sess.run(loss, {w: np.ones((3, 1)), p: PRED}), 0.11166666, rtol=1e-6)
            np.testing.assert_allclose(sess.run(loss, {w: [[2.0]], p: PRED}), 0.22333331, rtol=1e-6)
            for bad in (np.ones((2, 2)), np.ones((3, 3)), np.ones((2, 1))):
                with pytest.raises(tf.errors.InvalidArgumentError, match="weights can not be broadcast to values"):
                    sess.run(loss, {w: bad, p: PRED})

    def test_scalar_weight_placeholder_and_zero_weights():
        w = tf.placeholder(tf.float32, [])
        loss = tf.losses.absolute_difference(LAB, PRED, weights=w)
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(loss, {w: 2.0}), 0.56666666, rtol=1e-6)   # TF 2.21 compat.v1
            assert sess.run(loss, {w: 0.0}) == 0.0          # div_no_nan: no NaN when nothing is weighted

    def test_zero_weights_give_a_zero_gradient_not_nan():
        pred = tf.constant(PRED)
        loss = tf.losses.mean_squared_error(LAB, pred, weights=0.0)
        g = _run(tf.gradients(loss, pred)[0])
        np.testing.assert_array_equal(g, np.zeros_like(PRED))

    def test_sparse_labels_of_unknown_rank_are_squeezed_at_run_time():
        labels = tf.placeholder(tf.int32)
        loss = tf.losses.sparse_softmax_cross_entropy(labels, LOGITS)
        with tf.Session() as sess:
            a = sess.run(loss, {labels: [[0], [1], [1]]})
            b = sess.run(loss, {labels: [0, 1, 1]})
        np.testing.assert_allclose([a, b], [REFERENCE["sparse_default"][0]] * 2, rtol=1e-6)

    # ----- errors (TF 1.15 texts) ------------------------------------------------------------------------------

    def test_weights_that_cannot_broadcast_are_a_value_error():
        with pytest.raises(ValueError, match=r"^weights can not be broadcast to values\. values\.rank=2\. "
                                             r"weights\.rank=1\. values\.shape=\(3, 2\)\. weights\.shape=\(2,\)\.$"):
            tf.losses.mean_squared_error(LAB, PRED, weights=[1., 2.])
        with pytest.raises(ValueError, match=r"^weights can not be broadcast to values\. Mismatch at dim 0\. "
                                             r"values\.shape=\[3 2\] weights\.shape=\[2 2\]\.$"):
            tf.losses.mean_squared_error(LAB, PRED, weights=np.ones((2, 2)))
        with pytest.raises(ValueError, match="values.rank=1. weights.rank=2."):
            tf.losses.softmax_cross_entropy(LAB, PRED, weights=[[1.], [0.], [2.]])

    def test_argument_errors():
        L = tf.losses
        with pytest.raises(ValueError, match=r"^Invalid Reduction Key bogus\.$"):
            L.mean_squared_error(LAB, PRED, reduction="bogus")
        for fn, arg in ((L.mean_squared_error, "labels"), (L.absolute_difference, "labels"), (L.huber_loss, "labels"),
                        (L.log_loss, "labels"), (L.hinge_loss, "labels"),
                        (L.sigmoid_cross_entropy, "multi_class_labels"), (L.softmax_cross_entropy, "onehot_labels"),
                        (L.sparse_softmax_cross_entropy, "labels")):
            with pytest.raises(ValueError, match="^%s must not be None.$" % arg):
                fn(None, PRED)
        with pytest.raises(ValueError, match="^predictions must not be None.$"):
            L.mean_squared_error(LAB, None)
        with pytest.raises(ValueError, match=r"^Shapes \(2, 2\) and \(3, 2\) are incompatible$"):
            L.mean_squared_error(LAB, PRED[:2])
        with pytest.raises(ValueError, match=r"^Shapes \(3, 1\) and \(3, 2\) are incompatible$"):
            L.softmax_cross_entropy(LAB, PRED[:, :1])
        with pytest.raises(ValueError, match="^You must specify 'axis'.$"):
            L.cosine_distance(LAB, PRED)
        with pytest.raises(ValueError, match="^Cannot specify both 'dim' and 'axis'$"):
            L.cosine_distance(LAB, PRED, axis=1, dim=1)
        from tfsess.framework.unimplemented import TfsessNotImplementedError
        with pytest.raises(TfsessNotImplementedError, match="tfsess does not implement tf.losses.no_such_loss"):
            L.no_such_loss  # noqa: B018

    def test_tf1_module_paths_resolve_to_tf_losses():
        from tfsess.compat import aliases
        aliases.install_as_tensorflow()
        try:
            import tensorflow as real_name
            from tensorflow.python.ops.losses import losses as losses_mod
            assert real_name.losses is tf.losses
            assert losses_mod.mean_squared_error is tf.losses.mean_squared_error
            assert losses_mod.Reduction is tf.losses.Reduction
            assert real_name.compat.v1.losses.softmax_cross_entropy is tf.losses.softmax_cross_entropy
        finally:
            aliases.uninstall_tensorflow_alias()
