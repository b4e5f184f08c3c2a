"""TF's rules where tfsess was wrong or refused (issue 12): each test states the rule as TF 1.15 / TF 2.x's
compat.v1 applies it (checked against real TensorFlow), not one case of it."""
import numpy as np
import pytest

import tfsess as tf


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


# ----- softmax_cross_entropy_with_logits: labels cast to the logits' dtype, flattened to [-1, classes] ------

@pytest.mark.parametrize("fn", ["softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_v2"])
@pytest.mark.parametrize("label_dtype", [tf.int32, tf.int64, tf.float64, tf.bool])
def test_cross_entropy_casts_labels_to_the_logits_dtype(fn, label_dtype):
    labels = tf.placeholder(label_dtype, [1, 2])
    logits = tf.constant([[1.0, 2.0]])
    loss = getattr(tf.nn, fn)(labels=labels, logits=logits)
    assert loss.dtype == tf.float32 and loss.shape.as_list() == [1]
    np.testing.assert_allclose(run(loss, {labels: np.array([[0, 1]]).astype(label_dtype.as_numpy_dtype)}),
                               [np.log1p(np.exp(-1.0))], rtol=1e-6)
    assert tf.gradients(loss, logits)[0] is not None


def test_cross_entropy_int_labels_list_and_float16_logits_computed_in_float32():
    assert run(tf.nn.softmax_cross_entropy_with_logits(labels=[[0, 1]], logits=[[1.0, 2.0]])).dtype == np.float32
    half = tf.nn.softmax_cross_entropy_with_logits_v2(labels=[[0.0, 1.0]], logits=tf.constant([[1.0, 2.0]], tf.float16))
    assert half.dtype == tf.float16 and half.op.type == "Cast"
    np.testing.assert_allclose(run(half), [0.3133], rtol=1e-3)


@pytest.mark.parametrize("labels_shape, logits_shape, static, fed_labels, fed_logits, out_shape", [
    ([1, None, 7], [None, 7], [None], (1, 3, 7), (3, 7), (3,)),      # labels of another rank, same rows
    ([None, 7], [1, None, 7], [1, None], (3, 7), (1, 3, 7), (1, 3)),
    ([2, 3, 7], [6, 7], [6], (2, 3, 7), (6, 7), (6,)),
    ([6, 7], [2, 3, 7], [2, 3], (6, 7), (2, 3, 7), (2, 3)),
    (None, [None, 7], [None], (3, 7), (3, 7), (3,)),                 # unknown labels: shape from the logits
    ([1, 7], [5, 7], [5], (1, 7), (5, 7), (5,)),                     # one label row broadcasts
])
def test_cross_entropy_shape_is_the_logits_shape_without_the_class_axis(labels_shape, logits_shape, static,
                                                                        fed_labels, fed_logits, out_shape):
    labels = tf.placeholder(tf.float32, labels_shape)
    logits = tf.placeholder(tf.float32, logits_shape)
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    assert loss.shape.as_list() == static
    out = run(loss, {labels: np.ones(fed_labels), logits: np.zeros(fed_logits)})
    assert out.shape == out_shape
    np.testing.assert_allclose(out, 7 * np.log(7.0), rtol=1e-6)   # each row: -sum(1 * log(1/7))


def test_cross_entropy_axis_moves_the_class_axis_to_the_end_keeping_the_others_in_order():
    rng = np.random.RandomState(1)
    x = rng.randn(2, 3, 4).astype(np.float32)
    y = np.exp(rng.randn(2, 3, 4)).astype(np.float32)
    want = -np.sum(y * (x - np.log(np.sum(np.exp(x), axis=0, keepdims=True))), axis=0)   # shape [3, 4]
    known = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x, axis=0)
    assert known.shape.as_list() == [3, 4]
    np.testing.assert_allclose(run(known), want, rtol=1e-5)
    pl, px = tf.placeholder(tf.float32), tf.placeholder(tf.float32)   # unknown rank: the same, at run time
    np.testing.assert_allclose(run(tf.nn.softmax_cross_entropy_with_logits_v2(labels=pl, logits=px, axis=0),
                                   {pl: y, px: x}), want, rtol=1e-5)
    np.testing.assert_allclose(run(tf.nn.softmax_cross_entropy_with_logits_v2(labels=pl, logits=px, axis=-3),
                                   {pl: y, px: x}), want, rtol=1e-5)


def test_cross_entropy_op_is_named_by_the_scope_in_its_shape_errors():
    with pytest.raises(ValueError, match=r"^Dimensions must be equal, but are 7 and 3 for "
                                         r"'softmax_cross_entropy_with_logits' \(op: 'SoftmaxCrossEntropyWithLogits'\)"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.placeholder(tf.float32, [2, 3]),
                                                   logits=tf.placeholder(tf.float32, [7]))


# ----- floor division and modulo on floats: floor(x / y) and fmod moved to y's sign ------------------------

def test_floordiv_of_floats_is_floor_of_the_true_quotient():
    assert run(tf.floordiv(1.0, 0.1)) == 10.0            # Python/NumPy 1.0 // 0.1 is 9.0
    assert run(tf.constant(1.0) // tf.constant(0.1)) == 10.0
    assert run(1.0 // tf.constant(0.1)) == 10.0
    np.testing.assert_array_equal(run(tf.floordiv([1.0, -1.0, 7.0, -7.0, 0.3], [0.1, 0.1, 2.0, 2.0, 0.1])),
                                  np.float32([10, -10, 3, -4, 3]))


def test_floormod_of_floats_is_fmod_in_the_divisors_sign_as_tf():
    x = np.float32([1.0, -1.0, 7.0, -7.0, 0.3, -1.0, 1.0, 5.0])
    y = np.float32([0.1, 0.1, 2.0, 2.0, 0.1, 1.0, -1.0, 0.0])
    with np.errstate(invalid="ignore"):
        r = np.fmod(x, y)
    want = np.where((r != 0) & ((y < 0) != (r < 0)), r + y, r)
    for got in (run(tf.floormod(x, y)), run(tf.mod(x, y)), run(tf.constant(x) % y)):
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))   # floormod(-1., 1.) is -0.0
    assert run(tf.floormod(1.0, 0.1)) == np.float32(1.0) % np.float32(0.1)   # not 1.0 - 10 * 0.1


def test_integer_floordiv_and_floormod_stay_exact():
    x = np.array([7, -7, 7, -7, -2 ** 63, 2 ** 62 + 1], np.int64)
    y = np.array([2, 2, -2, -2, 3, 1], np.int64)
    np.testing.assert_array_equal(run(tf.floordiv(x, y)), x // y)
    np.testing.assert_array_equal(run(tf.floormod(x, y)), x % y)


# ----- integer truncatediv and reduce_mean: integer arithmetic, no float64 rounding -------------------------

def test_truncatediv_of_integers_rounds_toward_zero_exactly():
    big = 2 ** 62 + 1
    x = np.array([big, -big, 7, -7, 7, -2 ** 63, -2 ** 63], np.int64)
    y = np.array([1, 1, 2, 2, -2, 3, 2 ** 62], np.int64)
    np.testing.assert_array_equal(run(tf.truncatediv(x, y)),
                                  [big, -big, 3, -3, -3, -3074457345618258602, -2])
    np.testing.assert_array_equal(run(tf.truncatediv(np.uint8([250, 7]), np.uint8(3))), np.uint8([83, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="^Integer division by zero"):
        run(tf.truncatediv([1, 2], [1, 0]))


def test_truncatediv_of_floats_divides_by_zero_as_ieee():
    np.testing.assert_array_equal(run(tf.truncatediv([1.0, -1.0, 7.5], [0.0, 0.0, 2.0])),
                                  np.float32([np.inf, -np.inf, 3.0]))


@pytest.mark.parametrize("values, dtype, want", [
    ([2 ** 62 + 1, 2 ** 62 + 1], np.int64, -(2 ** 62) + 1),   # int64 sum wraps, then exact division
    ([2 ** 63 - 1, 2 ** 63 - 1], np.int64, -1),
    ([-7, 0, 0], np.int32, -2),                              # rounds toward zero, not floor
    ([-5, 0], np.int64, -2),
    ([200, 200, 200], np.uint8, 200),                        # 8/16/32-bit ints sum in 64 bits
    ([2 ** 30] * 3 + [5], np.int32, 805306369),
    ([2 ** 31, 2 ** 31], np.uint32, 2 ** 31),
    ([2 ** 63, 2 ** 63], np.uint64, 0),                      # uint64 wraps
])
def test_reduce_mean_of_integers_is_the_wrapped_64_bit_sum_divided_toward_zero(values, dtype, want):
    x = tf.placeholder(tf.as_dtype(dtype))
    out = run(tf.reduce_mean(x), {x: np.array(values, dtype)})
    assert out.dtype == dtype and out == np.array(want).astype(dtype)


def test_reduce_mean_of_integers_along_an_axis_and_of_nothing():
    x = tf.placeholder(tf.int64, [2, 3])
    np.testing.assert_array_equal(run(tf.reduce_mean(x, axis=1), {x: [[-1, -1, 0], [2 ** 61 + 1] * 3]}),
                                  [0, 2 ** 61 + 1])
    e = tf.placeholder(tf.int32, [0, 3])
    a, b = run([tf.reduce_mean(e, axis=0), tf.reduce_mean(e)], {e: np.zeros([0, 3])})
    np.testing.assert_array_equal(a, [0, 0, 0])
    assert b == 0


# ----- matmul: BatchMatMulV2 unless both ranks are known to be <= 2 -----------------------------------------

@pytest.mark.parametrize("a_shape, b_shape", [(None, None), (None, [3, 4]), ([2, 3], None)])
def test_matmul_of_unknown_rank_builds_batch_matmul_v2(a_shape, b_shape):
    a, b = tf.placeholder(tf.float32, a_shape), tf.placeholder(tf.float32, b_shape)
    c = tf.matmul(a, b)
    assert c.op.type == "BatchMatMulV2" and c.shape.ndims is None
    av, bv = np.ones((2, 3), np.float32), np.ones((3, 4), np.float32)
    np.testing.assert_array_equal(run(c, {a: av, b: bv}), av @ bv)
    ga, gb = tf.gradients(tf.reduce_sum(c), [a, b])
    with tf.Session() as sess:
        got_a, got_b = sess.run([ga, gb], {a: av, b: bv})
    np.testing.assert_array_equal(got_a, np.full((2, 3), 4.0))
    np.testing.assert_array_equal(got_b, np.full((3, 4), 2.0))


def test_matmul_of_unknown_rank_runs_batched_and_known_rank_2_stays_matmul():
    a, b = tf.placeholder(tf.float32), tf.placeholder(tf.float32)
    av, bv = np.ones((2, 2, 3), np.float32), np.ones((2, 3, 4), np.float32)
    assert run(tf.matmul(a, b, transpose_b=True), {a: av, b: bv.transpose(0, 2, 1)}).shape == (2, 2, 4)
    assert tf.matmul(tf.ones([2, 3]), tf.ones([3, 4])).op.type == "MatMul"


# ----- one_hot and pad of a scalar ---------------------------------------------------------------------------

def test_one_hot_of_a_scalar_has_shape_depth():
    x = tf.one_hot(2, 4)
    assert x.shape.as_list() == [4]
    np.testing.assert_array_equal(run(x), np.float32([0, 0, 1, 0]))
    i = tf.placeholder(tf.int64, [])
    np.testing.assert_array_equal(run(tf.one_hot(i, 3, on_value=5, off_value=-1), {i: 1}), [-1, 5, -1])
    np.testing.assert_array_equal(run(tf.one_hot(1, 3, axis=0)), np.float32([0, 1, 0]))


def test_one_hot_out_of_range_indices_are_all_off_and_large_depths_with_small_int_indices():
    np.testing.assert_array_equal(run(tf.one_hot([0, -1, 5, 2], 3)), np.float32([[1, 0, 0], [0, 0, 0],
                                                                                [0, 0, 0], [0, 0, 1]]))
    big = run(tf.one_hot(tf.constant([255, 3], tf.uint8), 300))
    assert big.shape == (2, 300) and big[0, 255] == 1 and big[1, 3] == 1 and big.sum() == 2


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC"])
def test_pad_of_a_scalar_with_no_paddings_is_the_scalar(mode):
    x = tf.pad(tf.constant(3.0), tf.zeros([0, 2], tf.int32), mode=mode)
    assert x.shape.as_list() == []
    assert run(x) == 3.0
    p = tf.placeholder(tf.int32)
    assert run(tf.pad(tf.placeholder_with_default(4, None), p, mode=mode), {p: np.zeros([0, 2])}) == 4


# ----- softmax over an empty axis; reshape of empty tensors --------------------------------------------------

@pytest.mark.parametrize("fn", [tf.nn.softmax, tf.nn.log_softmax])
@pytest.mark.parametrize("shape, axis", [([3, 0], -1), ([0], -1), ([2, 0, 3], 1), ([0, 3], -1)])
def test_softmax_over_an_empty_axis_is_empty_of_the_same_shape(fn, shape, axis):
    x = tf.zeros(shape)
    y = fn(x, axis=axis)
    assert run(y).shape == tuple(shape)
    assert run(tf.gradients(tf.reduce_sum(y), x)[0]).shape == tuple(shape)


def test_cross_entropy_with_no_classes_is_zero_per_row():
    np.testing.assert_array_equal(run(tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.ones([3, 0]),
                                                                                  logits=tf.zeros([3, 0]))),
                                  np.zeros(3, np.float32))


@pytest.mark.parametrize("in_shape, sizes, static, out", [
    ([3, 0], [-1, 0], [None, 0], (3, 0)),       # -1 = non-zero input dims / non-zero sizes
    ([2, 0, 5], [-1, 0], [None, 0], (10, 0)),
    ([3, 0], [0, -1], [0, None], (0, 3)),
    ([3, 0], [-1, 0, 2], [None, 0, 2], (1, 0, 2)),
    ([0, 4], [-1, 0], [None, 0], (4, 0)),
    ([3, 0], [-1], [0], (0,)),
])
def test_reshape_of_an_empty_tensor_with_a_zero_size_infers_minus_one_as_tf(in_shape, sizes, static, out):
    r = tf.reshape(tf.zeros(in_shape), sizes)
    assert r.shape.as_list() == static
    assert run(r).shape == out
    p = tf.placeholder(tf.float32)
    assert run(tf.reshape(p, sizes), {p: np.zeros(in_shape)}).shape == out


def test_reshape_of_a_non_empty_tensor_to_zero_elements_is_an_error():
    with pytest.raises(ValueError, match=r"^Cannot reshape a tensor with 12 elements to shape \[\?,0\] \(0 elements\)"):
        tf.reshape(tf.zeros([3, 4]), [-1, 0])
    p = tf.placeholder(tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="^Input to reshape is a tensor with 12 values, but the requested shape has 0"):
        run(tf.reshape(p, [-1, 0]), {p: np.zeros([3, 4])})


# ----- fetching a fed string tensor returns np.asarray(value, object): the objects fed ----------------------

def test_fetching_a_fed_string_placeholder_returns_what_was_fed_and_ops_see_bytes():
    p = tf.placeholder(tf.string)
    with tf.Session() as sess:
        for _ in range(2):   # first run and cached-plan run
            fed, through = sess.run([p, tf.identity(p)], {p: "abc"})
            assert fed.dtype == object and fed.shape == () and type(fed[()]) is str and fed[()] == "abc"
            assert through == b"abc"
            one = sess.run(p, {p: "abc"})
            assert one.dtype == object and one[()] == "abc"
        assert sess.run({"a": p}, {p: "x"})["a"][()] == "x"
        assert sess.run(p, {p: b"abc"})[()] == b"abc"
        v = tf.placeholder(tf.string, [None])
        mixed = sess.run(v, {v: ["a", b"b"]})
        assert mixed.tolist() == ["a", b"b"]
        assert sess.run(tf.identity(v), {v: ["a", b"b"]}).tolist() == [b"a", b"b"]
        assert sess.run(v, {v: np.array(["a", "bc"])}).tolist() == ["a", "bc"]
        assert sess.make_callable(v, [v])(["é"]).tolist() == ["é"]


def test_a_string_feed_never_changes_the_callers_array():
    v = tf.placeholder(tf.string, [2])
    mine = np.array(["a", "b"], dtype=object)
    assert run(tf.identity(v), {v: mine}).tolist() == [b"a", b"b"]
    assert mine.tolist() == ["a", "b"]


# ----- Identity of a reference variable aliases its buffer: it shows the run's in-place updates -------------

def _runs(fetches, v, n=3):
    with tf.Session() as sess:
        sess.run(v.initializer)
        return [[None if x is None else np.asarray(x).tolist() for x in sess.run(fetches)] for _ in range(n)]


@pytest.mark.parametrize("read", [tf.identity, lambda v: tf.identity(tf.identity(v)), tf.stop_gradient,
                                  lambda v: tf.identity(v.value()), lambda v: v.read_value(), lambda v: v])
def test_identity_of_a_ref_variable_fetched_with_an_update_shows_the_updated_value(read):
    v = tf.Variable([1.0, 2.0], use_resource=False)
    assert v.op.type == "VariableV2"
    i = read(v)
    a = tf.assign_add(v, [1.0, 1.0])
    assert _runs([i, a], v) == [[[2.0, 3.0], [2.0, 3.0]], [[3.0, 4.0], [3.0, 4.0]], [[4.0, 5.0], [4.0, 5.0]]]


def test_identity_aliasing_with_assign_and_control_dependencies():
    v = tf.Variable([1.0, 2.0], use_resource=False)
    i = tf.identity(v)
    assert _runs([i, tf.assign(v, [5.0, 6.0]).op], v, 1) == [[[5.0, 6.0], None]]
    a = tf.assign_add(v, [1.0, 1.0])
    with tf.control_dependencies([a]):
        j = tf.identity(v)
    b = tf.assign_add(v, [100.0, 100.0])    # not ordered with j: j is v's buffer, so it shows b too
    assert _runs([j, b], v, 2) == [[[102.0, 103.0], [102.0, 103.0]], [[203.0, 204.0], [203.0, 204.0]]]


def test_a_computed_value_read_before_the_update_keeps_the_old_value():
    v = tf.Variable([1.0, 2.0], use_resource=False)
    i = tf.identity(v)
    y = i * 1                                # Mul makes a new buffer when it runs, before the update
    with tf.control_dependencies([y]):
        a = tf.assign_add(v, [1.0, 1.0])
    assert _runs([i, y, a], v, 2) == [[[2.0, 3.0], [1.0, 2.0], [2.0, 3.0]], [[3.0, 4.0], [2.0, 3.0], [3.0, 4.0]]]


def test_identity_of_a_variable_with_a_failing_update_rolls_back():
    v = tf.Variable([1.0, 2.0], use_resource=False)
    i = tf.identity(v)
    a = tf.assign_add(v, [1.0, 1.0])
    bad = tf.placeholder(tf.float32)
    with tf.control_dependencies([a]):
        boom = tf.assign(v, bad)            # validate_shape: a wrong-shaped feed fails after the update
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run([i, boom], {bad: [1.0, 2.0, 3.0]})
        assert sess.run(i).tolist() == [1.0, 2.0]


def test_identity_of_an_uninitialized_ref_variable_names_the_variable():
    v = tf.Variable([1.0, 2.0], use_resource=False, name="w")
    i = tf.identity(v)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="^Attempting to use uninitialized value w"):
            sess.run(i)


# ----- Assign shape errors: TF 1.15's first lines ------------------------------------------------------------

def test_assign_shape_mismatch_errors_have_tf_1_15_first_lines():
    v = tf.Variable([1.0, 2.0], use_resource=False)
    with pytest.raises(ValueError) as e:
        tf.assign(v, [1.0, 2.0, 3.0])
    assert str(e.value).splitlines()[0] == ("Dimension 0 in both shapes must be equal, but are 2 and 3. Shapes are "
                                            "[2] and [3]. for 'Assign' (op: 'Assign') with input shapes: [2], [3].")
    p = tf.placeholder(tf.float32)
    a = tf.assign(v, p)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(a, {p: [1.0, 2.0, 3.0]})
    lines = str(e.value).splitlines()
    assert lines[0] == "Assign requires shapes of both tensors to match. lhs shape= [2] rhs shape= [3]"
    assert lines[1].startswith("\t [[node %s (defined at " % a.op.name)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(tf.assign(v, p, validate_shape=False), {p: [1.0, 2.0, 3.0]}).tolist() == [1.0, 2.0, 3.0]


def test_a_fed_string_fetched_by_name_returns_what_was_fed():
    p = tf.placeholder(tf.string, name="s")
    with tf.Session() as sess:
        for _ in range(2):
            assert sess.run(p, {"s:0": "abc"})[()] == "abc"
            assert sess.run(p, {"s:0": b"abc"})[()] == b"abc"
            assert sess.run(p, {p: b"abc"})[()] == b"abc"
