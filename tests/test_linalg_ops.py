"""Linear-algebra ops against real TensorFlow: values and gradients (TF_VALUES, from TF 2.21 compat.v1),
op types and names, static shapes of batched and unknown inputs, and TF's errors for bad input.

Regenerate TF_VALUES with `PYTHONPATH=. /work/tfvenv/bin/python tests/test_linalg_ops.py` (real TensorFlow).
The forward values and finite-difference gradient checks of every op are in tests/op_cases.py.
"""
import numpy as np

A = np.array([[4., 1., 2.], [1., 5., 3.], [2., 3., 6.]])           # symmetric positive definite
N = np.array([[2., -1., 0.5], [0.3, 1.5, -0.7], [1.1, 0.2, 2.5]])  # general, invertible
B = np.array([[1., 2.], [0., -1.], [3., 0.5]])


def build_cases(tf):
    """name -> tensor, built with `tf` (tfsess or TensorFlow's compat.v1)."""
    out = {}
    a = tf.constant(N)
    s = tf.constant(A)
    b = tf.constant(B)
    out["inv"] = tf.matrix_inverse(a)
    out["inv_adj"] = tf.matrix_inverse(a, adjoint=True)
    out["det"] = tf.matrix_determinant(a)
    out["solve"] = tf.matrix_solve(a, b)
    out["solve_adj"] = tf.matrix_solve(a, b, adjoint=True)
    out["chol"] = tf.cholesky(s)
    out["eigvals"] = tf.self_adjoint_eigvals(s)
    out["cross"] = tf.cross(a, b[:, :1] * tf.ones([1, 3], tf.float64))
    out["grad_inv_adj"] = tf.gradients(tf.reduce_sum(tf.matrix_inverse(a, adjoint=True) * b[:, :1]), a)[0]
    out["grad_det"] = tf.gradients(tf.matrix_determinant(a), a)[0]
    out["grad_solve_a"], out["grad_solve_b"] = tf.gradients(
        tf.reduce_sum(tf.square(tf.matrix_solve(a, b, adjoint=True))), [a, b])
    out["grad_chol"] = tf.gradients(tf.reduce_sum(tf.cholesky(s) * N), s)[0]
    e, v = tf.self_adjoint_eig(s)
    out["grad_eig"] = tf.gradients(tf.reduce_sum(e * [1., 2., 3.]) + tf.reduce_sum(tf.square(v) * N), s)[0]
    out["grad_eigvals"] = tf.gradients(tf.reduce_sum(tf.self_adjoint_eigvals(s) * [1., -2., 3.]), s)[0]
    out["grad_cross"] = tf.gradients(tf.reduce_sum(tf.cross(a, tf.constant(N[::-1].copy())) * N), a)[0]
    out["band"] = tf.matrix_band_part(a, 1, 0)
    return out


# From TF 2.21 compat.v1 (graph mode), printed by this file's __main__ block with real TensorFlow.
TF_VALUES = {
    'band': [[2.0, 0.0, 0.0], [0.3, 1.5, 0.0], [0.0, 0.2, 2.5]],
    'chol': [[2.0, 0.0, 0.0], [0.5, 2.179449471770337, 0.0], [1.0, 1.1470786693528088, 1.9194297398747862]],
    'cross': [[-1.5, -1.5, 3.0], [0.0, -0.0, 0.0], [-6.9, 4.199999999999999, 2.7]],
    'det': 8.504999999999999,
    'eigvals': [2.1943971674224088, 3.3867701566075468, 9.41883267597004],
    'grad_chol': [[0.4636139883573993, 0.09834305492615492, 0.0236004958221237], [0.09834305492615492, 0.5003721081310077, -0.29687216391781374], [0.0236004958221237, -0.29687216391781374, 0.6512350903146596]],
    'grad_cross': [[2.6, 4.45, -1.5], [0.0, 0.0, 0.0], [-2.6, -4.45, 1.5]],
    'grad_det': [[3.8899999999999997, -1.52, -1.5900000000000003], [2.599999999999999, 4.45, -1.5], [-0.05000000000000005, 1.5499999999999998, 3.3]],
    'grad_eig': [[1.1354498211575095, 0.0, 0.0], [-0.665610189679606, 2.557081517420615, 0.0], [2.706182635633188, 0.4352205288988308, 2.3074686614218765]],
    'grad_eigvals': [[-0.7152400353619246, 0.0, 0.0], [3.6898082766818634, 0.6666666666666652, 0.0], [0.8976524449909798, 1.809476103798811, 2.0485733686952585]],
    'grad_inv_adj': [[-0.04032901073857373, -0.03375128438816462, -0.08960804257688443], [-0.2869564225629285, -0.24015336968501766, -0.637595687566293], [-0.24817852762199227, -0.20770021161947477, -0.5514341081654428]],
    'grad_solve_a': [[-0.9400905417466321, 0.38075272697688795, 0.4790446593114113], [-0.054699522921637135, 0.050341201911044235, 0.22702182835534568], [0.28357384251480294, -0.260979388854624, -1.1769289522632391]],
    'grad_solve_b': [[-0.24485233813080193, 0.914756025867137], [0.22534311697549003, -0.3574368018812464], [1.016221394822218, -0.37389770723104065]],
    'inv': [[0.4573780129335685, 0.30570252792475017, -0.005878894767783666], [-0.1787184009406232, 0.5232216343327455, 0.18224573780129336], [-0.18694885361552033, -0.17636684303350972, 0.3880070546737214]],
    'inv_adj': [[0.4573780129335685, -0.1787184009406232, -0.18694885361552033], [0.3057025279247501, 0.5232216343327455, -0.17636684303350972], [-0.005878894767783663, 0.18224573780129336, 0.3880070546737214]],
    'solve': [[0.4397413286302174, 0.606114050558495], [0.36801881246325696, -0.7895355673133452], [0.9770723104056439, -0.0035273368606702172]],
    'solve_adj': [[-0.10346854791299243, 1.0], [-0.22339800117577904, 0.0], [1.1581422692533805, 0.0]],
}


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf_real
    tf_real.disable_v2_behavior()
    cases = build_cases(tf_real)
    names = sorted(cases)
    with tf_real.Session() as sess:
        vals = sess.run([cases[n] for n in names])
    print("TF_VALUES = {")
    for n, v in zip(names, vals):
        print("    %r: %r," % (n, np.asarray(v).tolist()))
    print("}")


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

    @pytest.mark.parametrize("name", sorted(TF_VALUES))
    def test_values_and_gradients_match_tensorflow(name):
        got = _run(build_cases(tf)[name])
        np.testing.assert_allclose(got, np.array(TF_VALUES[name]), rtol=1e-9, atol=1e-12)

    def test_eigenvectors_are_eigenvectors():
        # TF's eigensolver (Eigen) and NumPy's (LAPACK) may choose opposite signs per column; both are valid
        e, v = _run(list(tf.self_adjoint_eig(A)))
        np.testing.assert_allclose(A @ v, v * e, atol=1e-12)
        np.testing.assert_allclose(v.T @ v, np.eye(3), atol=1e-12)

    # ----- op types, names, attrs, static shapes -------------------------------------------------------------

    def test_op_types_and_default_names_are_tfs():
        x = tf.placeholder(tf.float64, [None, 4, 4])
        ts = [tf.matrix_inverse(x), tf.matrix_determinant(x), tf.matrix_solve(x, x), tf.cholesky(x),
              tf.self_adjoint_eigvals(x), tf.matrix_band_part(x, 0, -1)]
        assert [(t.name, t.op.type) for t in ts] == [
            ("MatrixInverse:0", "MatrixInverse"), ("MatrixDeterminant:0", "MatrixDeterminant"),
            ("MatrixSolve:0", "MatrixSolve"), ("Cholesky:0", "Cholesky"), ("SelfAdjointEigV2:0", "SelfAdjointEigV2"),
            ("MatrixBandPart:0", "MatrixBandPart")]
        assert [t.shape.as_list() for t in ts] == [[None, 4, 4], [None], [None, 4, 4], [None, 4, 4], [None, 4],
                                                   [None, 4, 4]]
        assert ts[0].op.get_attr("adjoint") is False and ts[4].op.get_attr("compute_v") is False
        e, v = tf.self_adjoint_eig(x, name="eig")
        assert (e.name, v.name, e.shape.as_list(), v.shape.as_list()) == ("eig:0", "eig:1", [None, 4], [None, 4, 4])
        assert ts[4].op.outputs[1].shape.as_list() == [0]       # compute_v=False: an empty second output, as TF
        c = tf.cross(tf.placeholder(tf.float32, [None, 3]), tf.placeholder(tf.float32, [None, 3]))
        assert (c.name, c.op.type, c.shape.as_list()) == ("Cross:0", "Cross", [None, 3])
        assert tf.floor_div(7, 2).op.type == "FloorDiv" and tf.floor_div(7, 2, name="fd").name == "fd:0"
        am = tf.arg_max([[3, 1], [0, 5]], 1)
        assert (am.name, am.op.type, am.dtype) == ("ArgMax:0", "ArgMax", tf.int64)
        assert tf.arg_min([[3, 1]], 1, output_type=tf.int32).dtype == tf.int32
        d = tf.div_no_nan(tf.constant([1.0]), tf.constant([0.0]))
        assert (d.name, d.op.type) == ("div_no_nan:0", "DivNoNan")

    def test_matrix_transpose_and_adjoint_names_and_values_are_tfs():
        x = tf.placeholder(tf.float32, [2, 3, 4])
        names = [tf.linalg.adjoint(x).name, tf.linalg.transpose(x).name, tf.matrix_transpose(x).name,
                 tf.linalg.matrix_transpose(x).name]
        # TF 2.21 compat.v1 names
        assert names == ["adjoint/matrix_transpose/transpose:0", "matrix_transpose/transpose:0",
                         "matrix_transpose_1/transpose:0", "matrix_transpose_2/transpose:0"]
        u = tf.placeholder(tf.float32)
        v = np.arange(24.0).reshape(2, 3, 4)
        np.testing.assert_array_equal(_run(tf.linalg.adjoint(u), {u: v}), np.swapaxes(v, -1, -2))
        assert tf.matrix_band_part(x, 1, 0).op.get_attr("Tindex") == tf.int32
        with pytest.raises(ValueError, match="rank >= 2"):
            tf.matrix_transpose([1.0, 2.0])

    def test_unknown_rank_and_partially_known_shapes():
        u = tf.placeholder(tf.float32)
        assert tf.matrix_inverse(u).shape.ndims is None and tf.matrix_determinant(u).shape.ndims is None
        half = tf.placeholder(tf.float32, [2, None, 3])
        assert tf.matrix_inverse(half).shape.as_list() == [2, 3, 3]
        assert tf.matrix_determinant(half).shape.as_list() == [2]
        assert tf.matrix_solve(half, tf.placeholder(tf.float32, [None, 3, 5])).shape.as_list() == [2, 3, 5]

    def test_namespaces_and_tf1_spellings():
        assert tf.linalg.inv is tf.matrix_inverse and tf.linalg.det is tf.matrix_determinant
        assert tf.linalg.solve is tf.matrix_solve and tf.linalg.cholesky is tf.cholesky
        assert tf.linalg.eigh is tf.self_adjoint_eig and tf.linalg.eigvalsh is tf.self_adjoint_eigvals
        assert tf.linalg.cross is tf.cross and tf.linalg.band_part is tf.matrix_band_part
        assert tf.linalg.matmul is tf.matmul and tf.math.divide_no_nan is tf.div_no_nan
        assert tf.compat.v1.matrix_inverse is tf.matrix_inverse and tf.compat.v1.linalg is tf.linalg
        from tfsess.framework.unimplemented import TfsessNotImplementedError
        with pytest.raises(TfsessNotImplementedError, match="tfsess does not implement tf.linalg.expm"):
            tf.linalg.expm  # noqa: B018

    def test_batched_inputs():
        batch = np.stack([N, 2 * N, N.T])
        inv, det = _run([tf.matrix_inverse(batch), tf.matrix_determinant(batch)])
        np.testing.assert_allclose(inv, np.linalg.inv(batch), rtol=1e-12)
        np.testing.assert_allclose(det, np.linalg.det(batch), rtol=1e-12)
        assert _run(tf.matrix_inverse(np.ones((2, 0, 0)))).shape == (2, 0, 0)
        assert _run(tf.matrix_determinant(np.ones((0, 0)))) == 1.0          # TF: det of an empty matrix is 1

    def test_float16_is_computed_and_returned_as_float16():
        x = tf.constant(A.astype(np.float16))
        inv, chol = _run([tf.matrix_inverse(x), tf.cholesky(x)])
        assert inv.dtype == np.float16 and chol.dtype == np.float16
        np.testing.assert_allclose(inv, np.linalg.inv(A), rtol=2e-3, atol=1e-3)

    # ----- errors (TF's classes and texts) ---------------------------------------------------------------------

    def test_static_shape_errors():
        with pytest.raises(ValueError, match=r"^Dimensions must be equal, but are 2 and 3 for 'MatrixInverse' "
                                             r"\(op: 'MatrixInverse'\) with input shapes: \[2,3\]\.$"):
            tf.matrix_inverse(np.ones((2, 3)))
        with pytest.raises(ValueError, match=r"^Shape must be at least rank 2 but is rank 1 for 'MatrixInverse_1'"):
            tf.matrix_inverse(np.ones(3))
        with pytest.raises(ValueError, match=r"^Dimensions must be equal, but are 3 and 2 for 'MatrixDeterminant'"):
            tf.matrix_determinant(np.ones((2, 3)))
        with pytest.raises(ValueError, match=r"^Dimensions must be equal, but are 2 and 3 for 'MatrixSolve' .*"
                                             r"input shapes: \[2,2\], \[3,1\]\.$"):
            tf.matrix_solve(np.eye(2), np.ones((3, 1)))
        with pytest.raises(ValueError, match=r"^Shape must be at least rank 2 but is rank 1 for 'MatrixSolve_1'"):
            tf.matrix_solve(np.eye(2), np.ones(2))
        with pytest.raises(ValueError, match=r"^Dimension 0 in both shapes must be equal, but are 2 and 1\. "
                                             r"Shapes are \[2\] and \[1\]\. for 'MatrixSolve_2'"):
            tf.matrix_solve(np.ones((2, 2, 2)), np.ones((1, 2, 1)))
        with pytest.raises(ValueError, match=r"^Dimensions must be equal, but are 2 and 3 for 'Cholesky'"):
            tf.cholesky(np.ones((2, 3)))
        with pytest.raises(ValueError, match=r"^Dimensions must be equal, but are 2 and 3 for 'SelfAdjointEigV2'"):
            tf.self_adjoint_eig(np.ones((2, 3)))
        with pytest.raises(ValueError, match=r"^Dimension must be 3 but is 2 for 'Cross'"):
            tf.cross([1., 2.], [4., 5.])
        with pytest.raises(ValueError, match=r"^Shapes must be equal rank, but are 2 and 1 for 'Cross_1'"):
            tf.cross(np.ones((2, 3)), np.ones(3))
        with pytest.raises(ValueError, match=r"^Dimension 0 in both shapes must be equal, but are 2 and 4\. "
                                             r"Shapes are \[2,3\] and \[4,3\]\. for 'Cross_2'"):
            tf.cross(np.ones((2, 3)), np.ones((4, 3)))

    def test_dtype_errors():
        allowed = "float64, float32, float16, complex64, complex128"
        for fn, arg in ((tf.matrix_inverse, "input"), (tf.cholesky, "input"), (tf.self_adjoint_eig, "input"),
                        (lambda x: tf.matrix_solve(x, x), "matrix")):
            with pytest.raises(TypeError, match="^Value passed to parameter '%s' has DataType int32 not in list of "
                                                "allowed values: %s$" % (arg, allowed)):
                fn(np.eye(3, dtype=np.int32))
        with pytest.raises(TypeError, match="allowed values: float16, float32, float64, complex64, complex128$"):
            tf.matrix_determinant(np.eye(2, dtype=np.int32))
        with pytest.raises(TypeError, match="^Value passed to parameter 'a' has DataType bool not in list"):
            tf.cross(np.array([True] * 3), np.array([True] * 3))
        with pytest.raises(TypeError, match="^Expected int32 passed to parameter 'y' of op 'FloorDiv', got 2.5"):
            tf.floor_div(1, 2.5)

    @pytest.mark.parametrize("build,message", [
        (lambda: tf.matrix_inverse([[1., 2.], [2., 4.]]), "Input is not invertible."),
        (lambda: tf.matrix_inverse(np.array([[np.nan, 0.], [0., 1.]])), "Input is not invertible."),
        (lambda: tf.matrix_solve([[1., 2.], [2., 4.]], [[1.], [2.]]), "Input matrix is not invertible."),
        (lambda: tf.cholesky([[1., 2.], [2., 1.]]),
         "Cholesky decomposition was not successful. The input might not be valid."),
        (lambda: tf.self_adjoint_eigvals(np.array([[np.nan, 0.], [0., 1.]])),
         "Self-adjoint eigen decomposition was not successful. The input might not be valid."),
        (lambda: tf.floor_div(7, 0), "Integer division by zero"),
    ])
    def test_singular_and_invalid_input_fail_at_run_time(build, message):
        t = build()
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            _run(t)
        assert info.value.message.split("\n")[0] == message
        assert info.value.op is t.op

    @pytest.mark.parametrize("build,error,message", [
        (lambda f: tf.matrix_inverse(f(np.ones((2, 3)))), tf.errors.InvalidArgumentError,
         "Input matrix must be square."),
        (lambda f: tf.matrix_determinant(f(np.ones((2, 3)))), tf.errors.InvalidArgumentError,
         "Input matrix must be square."),
        (lambda f: tf.matrix_inverse(f(np.ones(3))), tf.errors.InvalidArgumentError,
         "Input tensor 0 must have rank >= 2, got 1"),
        (lambda f: tf.matrix_solve(f(np.ones((2, 3))), np.ones((2, 1))), tf.errors.InvalidArgumentError,
         "First input (lhs) must be a square matrix."),
        (lambda f: tf.matrix_solve(np.eye(2), f(np.ones((3, 1)))), tf.errors.InvalidArgumentError,
         "Input matrix and rhs are incompatible."),
        (lambda f: tf.matrix_solve(np.ones((2, 2, 2)), f(np.ones((3, 2, 1)))), tf.errors.InvalidArgumentError,
         "All input tensors must have the same outer dimensions."),
        (lambda f: tf.cholesky(f(np.ones((2, 3)))), tf.errors.InvalidArgumentError, "Input matrix must be square."),
        (lambda f: tf.self_adjoint_eig(f(np.ones((2, 3))))[0], tf.errors.InvalidArgumentError,
         "Input matrix must be square."),
        (lambda f: tf.cross(f(np.ones(2)), f(np.ones(2))), tf.errors.FailedPreconditionError,
         "Cross-products are only defined for 3-element vectors."),
        (lambda f: tf.cross(f(np.ones((2, 3))), f(np.ones((3, 3)))), tf.errors.InvalidArgumentError,
         "Both inputs must be of same shape: [2,3] vs. [3,3]"),
    ])
    def test_shapes_known_only_at_run_time_fail_as_tf(build, error, message):
        # the messages are TF's (checked with TF 2.21 compat.v1): inputs of unknown shape reach the kernel
        t = build(lambda v: tf.placeholder_with_default(v, None))
        with pytest.raises(error) as info:
            _run(t)
        assert info.value.message.split("\n")[0] == message
