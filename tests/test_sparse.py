"""tf.SparseTensor and the sparse ops: the value type, Session fetch/feed rules, op values, shapes and errors.

Every literal below (values, static shapes, printed forms, error texts) was produced by running the same code
with real TensorFlow (2.x as tf.compat.v1 with v2 behaviour disabled; TF 1.15's Python sources where
tf.compat.v1 differs from 1.15, e.g. sparse_placeholder's partially known shape). Gradient rules are also
checked against finite differences in the op table (tests/op_cases_sparse.py).
"""
import collections
import sys

import numpy as np
import pytest

import tfsess as tf
from tfsess.compat import aliases
from tfsess.notebook import dot
from tfsess.testing import check_grads

IND = np.array([[3, 2, 0], [4, 5, 1]], np.int64)
VAL = np.array([1.0, 2.0], np.float32)
SHP = np.array([7, 9, 2], np.int64)


@pytest.fixture
def sess():
    with tf.Graph().as_default() as g, tf.Session(graph=g) as s:
        yield s


def _first_line(exc_info):
    return str(exc_info.value).split("\n")[0]


# ----- the value type ----------------------------------------------------------------------------

def test_sparse_tensor_components_names_and_static_shape(sess):
    sp = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1.0, 2.0], dense_shape=[3, 4])
    assert str(sp) == ('SparseTensor(indices=Tensor("SparseTensor/indices:0", shape=(2, 2), dtype=int64), '
                       'values=Tensor("SparseTensor/values:0", shape=(2,), dtype=float32), '
                       'dense_shape=Tensor("SparseTensor/dense_shape:0", shape=(2,), dtype=int64))')
    assert sp.dtype == tf.float32 and sp.op.name == "SparseTensor/values" and sp.graph is sess.graph
    assert str(sp.shape) == "(3, 4)" and sp.get_shape().as_list() == [3, 4]
    assert tf.is_tensor(sp)
    ph_shape = tf.SparseTensor([[0]], tf.constant([1], tf.int32), tf.placeholder(tf.int64, [1]))
    assert str(ph_shape.shape) == "(?,)" and ph_shape.dtype == tf.int32


def test_sparse_tensor_construction_errors(sess):
    with pytest.raises(ValueError, match=r"^Dimensions 1 and 2 are not compatible$"):
        tf.SparseTensor([[0, 0]], [1.0, 2.0], [3, 4])
    with pytest.raises(ValueError, match=r"^Shape \(2,\) must have rank 2$"):
        tf.SparseTensor([0, 0], [1.0], [3, 4])
    with pytest.raises(ValueError, match=r"^Dimensions 2 and 3 are not compatible$"):
        tf.SparseTensor([[0, 0]], [1.0], [3, 4, 5])
    with pytest.raises(TypeError, match=r"^Neither a SparseTensor nor SparseTensorValue: 5\.$"):
        tf.SparseTensor.from_value(5)


def test_a_sparse_tensor_is_not_a_dense_tensor(sess):
    sp = tf.SparseTensor([[0, 0]], [1.0], [2, 2])
    for fn in (tf.convert_to_tensor, lambda s: tf.add(s, 1.0), lambda s: tf.matmul(s, tf.ones([2, 2]))):
        with pytest.raises(TypeError) as info:
            fn(sp)
        assert "Failed to convert object of type" in str(info.value) and "to Tensor. Contents: SparseTensor(" \
            in str(info.value) and str(info.value).endswith("Consider casting elements to a supported type.")
    assert tf.convert_to_tensor_or_sparse_tensor(sp) is sp
    assert isinstance(tf.convert_to_tensor_or_sparse_tensor(tf.SparseTensorValue([[0]], [1.0], [2])), tf.SparseTensor)


# ----- Session.run: fetches -------------------------------------------------------------------------

def test_fetch_gives_a_sparse_tensor_value_of_numpy_arrays(sess):
    sp = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1.0, 2.0], dense_shape=[3, 4])
    v = sess.run(sp)
    assert type(v) is tf.SparseTensorValue and v._fields == ("indices", "values", "dense_shape")
    assert repr(v) == ("SparseTensorValue(indices=array([[0, 0],\n       [1, 2]]), values=array([1., 2.], "
                       "dtype=float32), dense_shape=array([3, 4]))")
    assert (v.indices.dtype, v.values.dtype, v.dense_shape.dtype) == (np.int64, np.float32, np.int64)
    e = sp.eval(session=sess)
    assert type(e) is tf.SparseTensorValue and np.array_equal(e.indices, v.indices)
    assert sp.eval().dense_shape.tolist() == [3, 4]       # the `with Session()` block made it the default


def test_fetch_inside_lists_dicts_and_namedtuples(sess):
    sp = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1.0, 2.0], dense_shape=[3, 4])
    nt = collections.namedtuple("NT", "a b")
    out = sess.run([sp, {"k": sp}, nt(sp, sp.values)])
    assert type(out[0]) is tf.SparseTensorValue and type(out[1]["k"]) is tf.SparseTensorValue
    assert type(out[2]) is nt and type(out[2].a) is tf.SparseTensorValue
    np.testing.assert_array_equal(out[2].b, np.array([1.0, 2.0], np.float32))
    assert sess.make_callable(sp)().dense_shape.tolist() == [3, 4]


# ----- Session.run: feeds ---------------------------------------------------------------------------

def test_sparse_placeholder_structure_as_tf_1_15(sess):
    x = tf.sparse_placeholder(tf.float32)
    assert str(x) == ('SparseTensor(indices=Tensor("Placeholder_2:0", shape=(?, ?), dtype=int64), '
                      'values=Tensor("Placeholder_1:0", shape=(?,), dtype=float32), '
                      'dense_shape=Tensor("Placeholder:0", shape=(?,), dtype=int64))')
    assert str(x.shape) == "<unknown>"
    named = tf.sparse_placeholder(tf.float32, shape=[3, 4], name="xx")
    assert str(named) == ('SparseTensor(indices=Tensor("xx/indices:0", shape=(?, 2), dtype=int64), '
                          'values=Tensor("xx/values:0", shape=(?,), dtype=float32), '
                          'dense_shape=Tensor("xx/shape:0", shape=(2,), dtype=int64))')
    assert named.dense_shape.op.type == "Const" and str(named.shape) == "(3, 4)"
    # TF 1.15 (array_ops._normalize_sparse_shape): a shape with unknown sizes makes dense_shape a placeholder
    partial = tf.sparse_placeholder(tf.float32, shape=[None, 4])
    assert partial.dense_shape.op.type == "Placeholder" and str(partial.indices.shape) == "(?, 2)"
    assert tf.sparse.placeholder is tf.sparse_placeholder


def test_feed_with_value_tuple_or_list(sess):
    x = tf.sparse_placeholder(tf.float32)
    y = tf.sparse_reduce_sum(x)
    assert str(y) == 'Tensor("SparseReduceSum:0", dtype=float32)'
    for fed in (tf.SparseTensorValue(IND, VAL, SHP), (IND, VAL, SHP), [IND.tolist(), VAL.tolist(), SHP.tolist()]):
        assert sess.run(y, {x: fed}) == np.float32(3.0)
    back = sess.run(x, {x: (IND, VAL, SHP)})
    assert type(back) is tf.SparseTensorValue and back.indices.dtype == np.int64
    np.testing.assert_array_equal(back.dense_shape, SHP)
    ev = x.eval(feed_dict={x: (IND, VAL, SHP)}, session=sess)
    np.testing.assert_array_equal(ev.values, VAL)
    assert sess.make_callable(y, feed_list=[x])((IND, VAL, SHP)) == np.float32(3.0)
    q = tf.placeholder(tf.float32)
    out = sess.run([x, q], {x: tf.SparseTensorValue([[0, 0]], [1.5], [2, 2]), q: 1.0})
    assert out[0].values.tolist() == [1.5] and out[1] == np.float32(1.0)


def test_feed_of_the_wrong_structure_fails_as_tf(sess):
    x = tf.sparse_placeholder(tf.float32)
    y = tf.sparse_reduce_sum(x)
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(y, {x: (IND, VAL)})                  # dense_shape left unfed (zip stops early, as in TF)
    assert _first_line(info) == "You must feed a value for placeholder tensor 'Placeholder' with dtype int64 and " \
                                "shape [?]"
    assert sess.run(y, {x: (IND, VAL, SHP, SHP)}) == np.float32(3.0)   # extra entries are ignored, as in TF
    with pytest.raises(ValueError, match=r"^Cannot feed value of shape \(3,\) for Tensor Placeholder_2:0, which "
                                         r"has shape \(\?, \?\)$"):
        sess.run(y, {x: np.zeros((3, 3))})
    with pytest.raises(TypeError, match="^'SparseTensor' object is not iterable$"):
        sess.run(y, {x: tf.SparseTensor([[0, 0]], [1.0], [2, 2])})
    with pytest.raises(TypeError, match="^'float' object is not iterable$"):
        sess.run(y, {x: 5.0})
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^indices and values rows \(indexing dimension\) must "
                                                              r"match\. \(indices = 2, values = 1\)"):
        sess.run(y, {x: (IND, [1.0], SHP)})
    x2 = tf.sparse_placeholder(tf.float32, shape=[3, 4])
    with pytest.raises(ValueError, match=r"^Cannot feed value of shape \(2, 3\) for Tensor Placeholder_4:0, which "
                                         r"has shape \(\?, 2\)$"):
        sess.run(tf.sparse_reduce_sum(x2), {x2: (IND, VAL, SHP)})
    # a constant dense_shape can be fed too (TF feeds any tensor)
    assert sess.run(tf.sparse_reduce_sum(x2), {x2: ([[0, 0], [2, 3]], [1., 2.], [5, 6])}) == np.float32(3.0)


# ----- ops: values, static shapes, errors -----------------------------------------------------------

A_IND, A_VAL, A_SHP = [[0, 1], [1, 0], [2, 2]], [1.5, -2.0, 3.0], [3, 4]


def test_sparse_tensor_dense_matmul_values_shapes_and_errors(sess):
    a = tf.SparseTensor(A_IND, A_VAL, A_SHP)
    m = tf.sparse_tensor_dense_matmul(a, np.arange(8, dtype=np.float32).reshape(4, 2))
    assert str(m) == 'Tensor("SparseTensorDenseMatMul/SparseTensorDenseMatMul:0", shape=(3, 2), dtype=float32)'
    np.testing.assert_array_equal(sess.run(m), [[3., 4.5], [0., -2.], [12., 15.]])
    m2 = tf.sparse_tensor_dense_matmul(a, np.arange(6, dtype=np.float32).reshape(3, 2), adjoint_a=True)
    assert m2.shape.as_list() == [4, 2]
    np.testing.assert_array_equal(sess.run(m2), [[-4., -6.], [0., 1.5], [12., 15.], [0., 0.]])
    m3 = tf.sparse_tensor_dense_matmul(a, np.arange(8, dtype=np.float32).reshape(2, 4), adjoint_b=True)
    np.testing.assert_array_equal(sess.run(m3), [[1.5, 7.5], [0., -8.], [6., 18.]])
    m4 = tf.sparse_tensor_dense_matmul(a, np.arange(6, dtype=np.float32).reshape(2, 3), adjoint_a=True,
                                       adjoint_b=True)
    np.testing.assert_array_equal(sess.run(m4), [[-2., -8.], [0., 4.5], [6., 15.], [0., 0.]])
    # a dense matrix times a sparse one is computed as (B' A')'
    dense_sparse = tf.sparse_tensor_dense_matmul(np.arange(6, dtype=np.float32).reshape(2, 3),
                                                 tf.SparseTensor([[0, 1]], [2.0], [3, 2]))
    np.testing.assert_array_equal(sess.run(dense_sparse), [[0., 0.], [0., 6.]])
    with pytest.raises(ValueError, match=r"^Dimensions must be equal, but are 4 and 3 for "):
        tf.sparse_tensor_dense_matmul(a, np.ones((3, 2), np.float32))
    with pytest.raises(TypeError, match=r"^Input 'b' of 'SparseTensorDenseMatMul' Op has type float64 that does not "
                                        r"match type float32 of argument 'a_values'\.$"):
        tf.sparse_tensor_dense_matmul(a, np.ones((4, 2), np.float64))
    with pytest.raises(ValueError, match=r"^Shape must be rank 2 but is rank 1 for "):
        tf.sparse_tensor_dense_matmul(a, np.ones((4,), np.float32))
    ph = tf.placeholder(tf.float32, [None, None])
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(tf.sparse_tensor_dense_matmul(a, ph), {ph: np.ones((3, 2))})
    assert _first_line(info) == ("Cannot multiply A and B because inner dimension does not match: 4 vs. 3.  Did you "
                                 "forget a transpose?  Dimensions of A: [3, 4).  Dimensions of B: [3,2]")
    b = np.ones((4, 2), np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^m \(5\) from index\[1,0\] out of bounds \(>=3\)"):
        sess.run(tf.sparse_tensor_dense_matmul(tf.SparseTensor([[0, 1], [5, 0]], [1.5, -2.0], [3, 4]), b))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^k \(7\) from index\[1,1\] out of bounds \(>=4\)"):
        sess.run(tf.sparse_tensor_dense_matmul(tf.SparseTensor([[0, 1], [1, 7]], [1.5, -2.0], [3, 4]), b))
    p = tf.sparse_placeholder(tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^Tensor 'a_shape' must have 2 elements"):
        sess.run(tf.sparse_tensor_dense_matmul(p, np.ones((2, 2), np.int32)), {p: ([[0, 0]], [1], [2, 2, 2])})


def test_sparse_tensor_dense_matmul_gradients(sess):
    av = tf.constant([1.5, -2.0, 3.0])
    bt = tf.constant(np.arange(8, dtype=np.float32).reshape(4, 2))
    mm = tf.sparse_tensor_dense_matmul(tf.SparseTensor(A_IND, av, A_SHP), bt)
    ga, gb = sess.run(tf.gradients(mm, [av, bt]))
    np.testing.assert_array_equal(ga, [5., 1., 9.])
    np.testing.assert_array_equal(gb, [[-2., -2.], [1.5, 1.5], [3., 3.], [0., 0.]])
    check_grads(lambda v, b: tf.sparse_tensor_dense_matmul(tf.SparseTensor(A_IND, v, A_SHP), b, adjoint_a=True),
                [np.array([1.5, -2.0, 3.0]), np.arange(6.0).reshape(3, 2)])


def test_sparse_to_dense_and_to_dense(sess):
    d = tf.sparse_to_dense([[0, 1], [1, 2]], [3, 4], [5.0, 6.0], default_value=-1.0)
    assert str(d) == 'Tensor("SparseToDense:0", shape=(3, 4), dtype=float32)'
    np.testing.assert_array_equal(sess.run(d), [[-1, 5, -1, -1], [-1, -1, 6, -1], [-1, -1, -1, -1]])
    np.testing.assert_array_equal(sess.run(tf.sparse_to_dense([1, 3], [5], 7)), [0, 7, 0, 7, 0])
    np.testing.assert_array_equal(sess.run(tf.sparse_to_dense(2, [5], 7)), [0, 0, 7, 0, 0])
    assert str(tf.sparse_to_dense([[0, 1], [1, 2]], tf.placeholder(tf.int32, [2]), [5.0, 6.0]).shape) == "(?, ?)"
    assert str(tf.sparse_to_dense([[0, 1], [1, 2]], tf.placeholder(tf.int32, [None]), [5.0, 6.0]).shape) == \
        "<unknown>"
    sp = tf.SparseTensor([[0, 1], [2, 3]], [1, 2], [3, 4])
    np.testing.assert_array_equal(sess.run(tf.sparse_tensor_to_dense(sp)), [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 2]])
    np.testing.assert_array_equal(sess.run(tf.sparse.to_dense(sp, default_value=9)),
                                  [[9, 1, 9, 9], [9, 9, 9, 9], [9, 9, 9, 2]])
    np.testing.assert_array_equal(sess.run(tf.sparse.to_dense(tf.SparseTensorValue([[0]], [1.], [2]))), [1., 0.])
    unordered = tf.SparseTensor([[2, 3], [0, 1]], [1, 2], [3, 4])
    np.testing.assert_array_equal(sess.run(tf.sparse.to_dense(unordered, validate_indices=False)),
                                  [[0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]])
    with pytest.raises(TypeError, match="^Input must be a SparseTensor.$"):
        tf.sparse_tensor_to_dense(tf.constant([1]))
    # TF 1.15 registers no gradient for SparseToDense
    sv = tf.constant([5.0, 6.0])
    assert tf.gradients(tf.sparse_to_dense([[0, 1], [1, 2]], [3, 4], sv), sv) == [None]


@pytest.mark.parametrize("indices,values,kw,message", [
    ([[1, 2], [0, 1]], [5.0, 6.0], {}, "indices[1] = [0,1] is out of order. Many sparse ops require sorted indices."),
    ([[1, 2], [1, 2]], [5.0, 6.0], {}, "indices[1] = [1,2] is repeated"),
    ([[1, 2], [3, 1]], [5.0, 6.0], {}, "indices[1] = [3,1] is out of bounds: need 0 <= index < [3,4]"),
    ([[-1, 2]], [5.0], {}, "indices[0] = [-1,2] is out of bounds: need 0 <= index < [3,4]"),
    ([[1, 2], [3, 1]], [5.0, 6.0], {"validate_indices": False}, "Indices are not valid (out of bounds).  Shape: [3,4]"),
    ([[1, 2], [0, 1]], [5.0, 6.0, 7.0], {}, "sparse_values has incorrect shape [3], should be [] or [2]"),
    ([[1, 2], [0, 1]], [5.0, 6.0], {"default_value": [1.0]}, "default_value should be a scalar."),
])
def test_sparse_to_dense_index_errors(sess, indices, values, kw, message):
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(tf.sparse_to_dense(indices, [3, 4], values, **kw))
    assert _first_line(info) == message


def test_sparse_to_dense_without_validation_keeps_the_last_of_repeats(sess):
    out = sess.run(tf.sparse_to_dense([[1, 2], [1, 2]], [3, 4], [5.0, 6.0], validate_indices=False))
    np.testing.assert_array_equal(out, [[0, 0, 0, 0], [0, 0, 6, 0], [0, 0, 0, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="^output_shape has incorrect number of elements: 3 "
                                                              "should be: 2"):
        sess.run(tf.sparse_to_dense([[1, 2], [0, 1]], [3, 4, 5], [5, 6]))
    with pytest.raises(TypeError, match="^Value passed to parameter 'sparse_indices' has DataType float32 not in "
                                        "list of allowed values: int32, int64$"):
        tf.sparse_to_dense([[1.0, 2.0]], [3, 4], [5.0])


def test_sparse_add_sparse_and_dense(sess):
    a = tf.SparseTensor([[0, 0], [1, 2]], [1.0, 2.0], [3, 4])
    b = tf.SparseTensor([[0, 0], [0, 1], [2, 3]], [-1.0, 5.0, 4.0], [3, 4])
    s = tf.sparse_add(a, b)
    assert str(s) == ('SparseTensor(indices=Tensor("SparseAdd:0", shape=(?, 2), dtype=int64), '
                      'values=Tensor("SparseAdd:1", shape=(?,), dtype=float32), '
                      'dense_shape=Tensor("SparseTensor_2/dense_shape:0", shape=(2,), dtype=int64))')
    v = sess.run(s)
    assert v.indices.tolist() == [[0, 0], [0, 1], [1, 2], [2, 3]] and v.values.tolist() == [0., 5., 2., 4.]
    v = sess.run(tf.sparse_add(a, b, threshold=0.5))
    assert v.indices.tolist() == [[0, 1], [1, 2], [2, 3]] and v.values.tolist() == [5., 2., 4.]
    # the threshold drops only summed pairs, never a value from one side
    small = sess.run(tf.sparse_add(tf.SparseTensor([[0, 0], [1, 2]], [0.1, 2.0], [3, 4]),
                                   tf.SparseTensor([[0, 0], [2, 1]], [0.1, 0.2], [3, 4]), threshold=0.5))
    assert small.indices.tolist() == [[1, 2], [2, 1]] and np.allclose(small.values, [2.0, 0.2])
    d = tf.sparse_add(a, np.ones((3, 4), np.float32))
    assert str(d) == 'Tensor("SparseTensorDenseAdd:0", shape=(3, 4), dtype=float32)'
    np.testing.assert_array_equal(sess.run(d), [[2, 1, 1, 1], [1, 1, 3, 1], [1, 1, 1, 1]])
    assert tf.sparse_add(np.ones((3, 4), np.float32), a).op.type == "SparseTensorDenseAdd"
    with pytest.raises(TypeError, match=r"^At least one input should be SparseTensor; do you mean to use tf\.add\(\)\?$"):
        tf.sparse_add(1.0, 2.0)
    with pytest.raises(ValueError, match=r"^Shapes \(3, 4\) and \(3, 5\) are incompatible$"):
        tf.sparse_add(a, tf.SparseTensor([[0, 0]], [1.0], [3, 5]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="^Dimension 1 does not equal \\(no broadcasting is "
                                                              "supported\\): sparse side 4 vs dense side 5"):
        sess.run(tf.sparse_add(a, np.ones((3, 5), np.float32)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="^Two operands have different ranks; received: 2 and 1"):
        sess.run(tf.sparse_add(a, np.ones((4,), np.float32)))
    p = tf.sparse_placeholder(tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^Sparse tensor has an invalid index on dimension 0: "
                                                              r"a_indices\(1,0\) = 5, dense tensor shape: 2 2"):
        sess.run(tf.sparse.add(p, np.ones((2, 2), np.int32)), {p: ([[1, 1], [5, 1]], [1, 2], [2, 2])})
    repeated = sess.run(tf.sparse.add(p, np.ones((2, 2), np.int32)), {p: ([[1, 1], [1, 1]], [1, 2], [2, 2])})
    np.testing.assert_array_equal(repeated, [[1, 1], [1, 4]])


def test_sparse_add_gradients(sess):
    av, bv = tf.constant([1.0, 2.0]), tf.constant([-1.0, 5.0, 4.0])
    dn = tf.constant(np.ones((3, 4), np.float32))
    s2 = tf.sparse_add(tf.SparseTensor([[0, 0], [1, 2]], av, [3, 4]),
                       tf.SparseTensor([[0, 0], [0, 1], [2, 3]], bv, [3, 4]))
    ga, gb = sess.run(tf.gradients(s2.values, [av, bv], grad_ys=tf.constant([1., 2., 3., 4.])))
    assert ga.tolist() == [1., 3.] and gb.tolist() == [1., 2., 4.]
    d2 = tf.sparse_add(tf.SparseTensor([[0, 0], [1, 2]], av, [3, 4]), dn)
    ga, gd = sess.run(tf.gradients(d2, [av, dn], grad_ys=tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4))))
    assert ga.tolist() == [0., 6.] and gd.tolist() == np.arange(12.0).reshape(3, 4).tolist()


def test_sparse_reduce_sum(sess):
    x = tf.SparseTensor([[0, 0], [0, 2], [1, 1], [2, 3]], [1.0, 2.0, 3.0, 4.0], [3, 4])
    for kw, shape, value in (({}, "()", 10.0), ({"axis": 0}, "(4,)", [1., 3., 2., 4.]),
                             ({"axis": 1}, "(3,)", [3., 3., 4.]),
                             ({"axis": -1, "keepdims": True}, "(3, 1)", [[3.], [3.], [4.]]),
                             ({"axis": [0, 1]}, "()", 10.0), ({"axis": 1, "keep_dims": True}, "(3, 1)",
                                                              [[3.], [3.], [4.]])):
        r = tf.sparse_reduce_sum(x, **kw)
        assert str(r.shape) == shape
        np.testing.assert_array_equal(sess.run(r), value)
    assert tf.sparse.reduce_sum is tf.sparse_reduce_sum
    with pytest.raises(tf.errors.InvalidArgumentError, match="^Invalid reduction dimension 2, for input with 2 "
                                                              "dimensions."):
        sess.run(tf.sparse_reduce_sum(x, axis=2))
    xv = tf.constant([1.0, 2.0, 3.0, 4.0])
    r = tf.sparse_reduce_sum(tf.SparseTensor([[0, 0], [0, 2], [1, 1], [2, 3]], xv, [3, 4]), axis=1)
    assert sess.run(tf.gradients(r, xv, grad_ys=tf.constant([1., 2., 3.])))[0].tolist() == [1., 1., 2., 3.]


def test_sparse_reorder_and_reshape(sess):
    u = tf.SparseTensor([[2, 3], [0, 1], [1, 0]], [1.0, 2.0, 3.0], [3, 4])
    ro = tf.sparse_reorder(u)
    assert str(ro) == ('SparseTensor(indices=Tensor("SparseReorder:0", shape=(3, 2), dtype=int64), '
                       'values=Tensor("SparseReorder:1", shape=(3,), dtype=float32), '
                       'dense_shape=Tensor("SparseTensor_1/dense_shape:0", shape=(2,), dtype=int64))')
    v = sess.run(ro)
    assert v.indices.tolist() == [[0, 1], [1, 0], [2, 3]] and v.values.tolist() == [2., 3., 1.]
    uv = tf.constant([1.0, 2.0, 3.0])
    ro2 = tf.sparse_reorder(tf.SparseTensor([[2, 3], [0, 1], [1, 0]], uv, [3, 4]))
    assert sess.run(tf.gradients(ro2.values, uv, grad_ys=tf.constant([1., 2., 3.])))[0].tolist() == [3., 1., 2.]
    assert tf.sparse_reorder(tf.sparse_placeholder(tf.float32)).dense_shape.op.type == "Identity"
    rs = tf.sparse_reshape(u, [2, 6])
    assert str(rs) == ('SparseTensor(indices=Tensor("SparseReshape:0", shape=(3, 2), dtype=int64), '
                       'values=Tensor("SparseReshape/Identity:0", shape=(3,), dtype=float32), '
                       'dense_shape=Tensor("SparseReshape/Const:0", shape=(2,), dtype=int64))')
    v = sess.run(rs)
    assert v.indices.tolist() == [[1, 5], [0, 1], [0, 4]] and v.dense_shape.tolist() == [2, 6]
    v = sess.run(tf.sparse_reshape(u, [-1, 3]))
    assert v.indices.tolist() == [[3, 2], [0, 1], [1, 1]] and v.dense_shape.tolist() == [4, 3]
    with pytest.raises(ValueError, match=r"^Cannot reshape a tensor with 12 elements to shape \[5, 3\] \(15 elements\)\.$"):
        tf.sparse_reshape(u, [5, 3])
    with pytest.raises(ValueError, match=r"^At most one dimension can be inferred \(-1\)\. Found: \[-1 -1\]$"):
        tf.sparse_reshape(u, [-1, -1])
    pu = tf.sparse_placeholder(tf.float32)
    assert str(tf.sparse_reshape(pu, [-1, 5]).dense_shape) == \
        'Tensor("SparseReshape_4:1", shape=(2,), dtype=int64)'
    feed = {pu: ([[0, 0]], [1.], [3, 4])}
    for shape, message in (([5, 3], "Input to reshape is a tensor with 12 dense values, but the requested shape has "
                                    "15. input_shape=[3,4] output_shape=[5,3]"),
                           ([-1, 5], "Input to reshape is a SparseTensor with 12 dense values, but the requested "
                                     "shape requires a multiple of 5. input_shape=[3,4] output_shape=[1,5]"),
                           ([-1, -1], "only one output dimension may be -1, not both 0 and 1")):
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(tf.sparse_reshape(pu, shape), feed)
        assert _first_line(info) == message


def test_from_dense(sess):
    fd = tf.sparse.from_dense([[0, 3], [4, 0]])
    assert str(fd) == ('SparseTensor(indices=Tensor("dense_to_sparse/Where:0", shape=(?, 2), dtype=int64), '
                       'values=Tensor("dense_to_sparse/GatherNd:0", shape=(?,), dtype=int32), '
                       'dense_shape=Tensor("dense_to_sparse/Shape:0", shape=(2,), dtype=int64))')
    v = sess.run(fd)
    assert v.indices.tolist() == [[0, 1], [1, 0]] and v.values.tolist() == [3, 4] and v.dense_shape.tolist() == [2, 2]


# ----- edit_distance ---------------------------------------------------------------------------------

def test_edit_distance_docstring_example(sess):
    h = tf.SparseTensor([[0, 0, 0], [1, 0, 0]], ["a", "b"], (2, 1, 1))
    t = tf.SparseTensor([[0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]], ["a", "b", "c", "a"], (2, 2, 2))
    e = tf.edit_distance(h, t)
    assert str(e) == 'Tensor("edit_distance:0", shape=(2, 2), dtype=float32)'
    np.testing.assert_array_equal(sess.run(e), [[np.inf, 1.0], [0.5, 1.0]])
    np.testing.assert_array_equal(sess.run(tf.edit_distance(h, t, normalize=False)), [[1., 1.], [1., 1.]])


def test_edit_distance_rules(sess):
    hi = tf.SparseTensor([[0, 0], [0, 1], [0, 2], [1, 0]], [1, 2, 3, 4], [2, 3])
    ti = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1]], [1, 3, 4, 5], [2, 2])
    np.testing.assert_array_equal(sess.run(tf.edit_distance(hi, ti)), [0.5, 0.5])
    np.testing.assert_array_equal(sess.run(tf.edit_distance(hi, ti, normalize=False)), [1., 1.])
    assert str(tf.edit_distance(hi, ti, name="ed")) == 'Tensor("ed:0", shape=(2,), dtype=float32)'
    empty = tf.SparseTensor(np.zeros((0, 2), np.int64), tf.constant([], tf.int32), [3, 2])
    np.testing.assert_array_equal(sess.run(tf.edit_distance(empty, ti)), [1., 1., 0.])
    np.testing.assert_array_equal(sess.run(tf.edit_distance(ti, empty)), [np.inf, np.inf, 0.])   # empty truth
    np.testing.assert_array_equal(sess.run(tf.edit_distance(empty, empty)), [0., 0., 0.])
    hb = tf.SparseTensor([[0, 0, 0], [2, 1, 0]], [1, 2], [3, 2, 1])
    tb = tf.SparseTensor([[0, 0, 0], [1, 0, 0]], [1, 2], [2, 3, 2])
    np.testing.assert_array_equal(sess.run(tf.edit_distance(hb, tb)), [[0, 0, 0], [1, 0, 0], [0, np.inf, 0]])
    np.testing.assert_array_equal(sess.run(tf.edit_distance(tb, hb)), [[0, 0, 0], [np.inf, 0, 0], [0, 1, 0]])
    # the kernel takes each sequence in the order given (no sorting, no bounds check), as TF's
    np.testing.assert_array_equal(sess.run(tf.edit_distance(tf.SparseTensor([[0, 1], [0, 0]], [1, 2], [1, 2]), ti)),
                                  [0.5, 1.])
    sph, spt = tf.sparse_placeholder(tf.int32), tf.sparse_placeholder(tf.int32)
    ed = tf.edit_distance(sph, spt)
    assert str(ed.shape) == "<unknown>"
    assert sess.run(ed, {sph: ([[0, 0], [0, 1]], [1, 2], [1, 2]), spt: ([[0, 0]], [1], [1, 1])}).tolist() == [1.0]
    assert sess.run(tf.edit_distance(tf.SparseTensorValue([[0, 0]], [1], [1, 1]),
                                     tf.SparseTensorValue([[0, 0]], [2], [1, 1]))).tolist() == [1.0]


def test_edit_distance_errors(sess):
    hi = tf.SparseTensor([[0, 0], [0, 1], [0, 2], [1, 0]], [1, 2, 3, 4], [2, 3])
    ti = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1]], [1, 3, 4, 5], [2, 2])
    with pytest.raises(TypeError, match="^Truth must be a SparseTensor.$"):
        tf.edit_distance(hi, [1, 2])
    with pytest.raises(TypeError, match="^Hypothesis must be a SparseTensor.$"):
        tf.edit_distance([1], ti)
    with pytest.raises(TypeError, match="^Input 'truth_values' of 'EditDistance' Op has type int64 that does not match "
                                        "type int32 of argument 'hypothesis_values'.$"):
        tf.edit_distance(hi, tf.SparseTensor([[0, 0]], tf.constant([1], tf.int64), [2, 2]))
    with pytest.raises(ValueError, match="^Num elements of hypothesis_shape does not match truth_shape: 2 vs. 3 for "):
        tf.edit_distance(hi, tf.SparseTensor([[0, 0, 0]], [1], [2, 3, 3]))
    with pytest.raises(ValueError, match="^Input Hypothesis SparseTensors must have rank at least 2, but "
                                         "hypothesis_shape rank is: 1 for "):
        tf.edit_distance(tf.SparseTensor([[0]], [1], [1]), tf.SparseTensor([[0]], [2], [1]))
    p = tf.sparse_placeholder(tf.int32)
    for value, message in ((([[0, 0, 0]], [1], [2, 3, 3]),
                            "Expected truth and hypothesis to have matching ranks, but their shapes are: [2] and [3]"),
                           (([[0, 0]], [1, 2], [2, 3]), "Expected hypothesis_values.NumElements == "
                                                        "#rows(hypothesis_indices), their shapes are: [2] and [1,2]"),
                           (([[0, 0]], [1], [2, 3, 4]), "Expected hypothesis_shape.NumElements == "
                                                        "#cols(hypothesis_indices), their shapes are: [3] and [1,2]")):
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(tf.edit_distance(p, ti), {p: value})
        assert _first_line(info) == message
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^Input SparseTensors must have rank at least 2, but "
                                                              r"truth_shape rank is: 1"):
        sess.run(tf.edit_distance(p, p), {p: ([[0]], [1], [3])})
    e0 = tf.SparseTensor(np.zeros((0, 2), np.int64), tf.constant([], tf.int32), [0, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^Got output shape \[0\] which has 0 elements"):
        sess.run(tf.edit_distance(e0, e0))
    assert tf.gradients(tf.edit_distance(tf.SparseTensor([[0, 0]], [1.5], [1, 1]),
                                         tf.SparseTensor([[0, 0]], [2.5], [1, 1])), []) == []


# ----- gather_nd / scatter_nd (used by the sparse gradients, also public as in TF) -------------------

def test_gather_nd_and_scatter_nd(sess):
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^indices\[1\] = \[5, 0\] does not index into param "
                                                              r"shape \[2,2\]"):
        sess.run(tf.gather_nd([[1, 2], [3, 4]], [[1, 0], [5, 0]]))
    np.testing.assert_array_equal(sess.run(tf.gather_nd([[1, 2], [3, 4]], [[[1, 0]], [[0, 1]]])), [[3], [2]])
    np.testing.assert_array_equal(sess.run(tf.gather_nd([[1, 2], [3, 4]], [1])), [3, 4])
    np.testing.assert_array_equal(sess.run(tf.scatter_nd([[1], [3]], [1.0, 2.0], [4])), [0., 1., 0., 2.])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^indices\[1\] = \[5\] does not index into shape \[4\]"):
        sess.run(tf.scatter_nd([[1], [5]], [1.0, 2.0], [4]))
    with pytest.raises(ValueError, match=r"^indices.shape\[-1\] must be <= params.rank, but saw indices shape: \[1,3\] "
                                         r"and params shape: \[2,2\] for "):
        tf.gather_nd([[1, 2], [3, 4]], [[1, 0, 0]])


# ----- graph view, module paths -------------------------------------------------------------------------

def test_graph_view_draws_sparse_graphs(sess):
    sp = tf.sparse_placeholder(tf.int32, name="h")
    t = tf.SparseTensor([[0, 0], [1, 1]], [1, 2], [2, 2])
    tf.edit_distance(sp, t)
    tf.sparse_tensor_dense_matmul(t, tf.ones([2, 3], tf.int32))
    tf.sparse_add(t, t)
    text = dot.graph_to_text(sess.graph)
    assert "EditDistance" in text and "SparseTensorDenseMatMul" in text and "SparseAdd" in text
    assert "h/indices" in dot.graph_to_dot(sess.graph)


def test_tf1_module_paths_resolve():
    assert "tensorflow" not in sys.modules
    aliases.install_as_tensorflow()
    try:
        from tensorflow.python.framework import sparse_tensor
        from tensorflow.python.ops import sparse_ops
        import tensorflow as real_name
        assert sparse_tensor.SparseTensor is tf.SparseTensor and sparse_tensor.SparseTensorValue is tf.SparseTensorValue
        assert sparse_tensor.is_sparse(tf.SparseTensorValue(1, 2, 3))
        assert sparse_ops.sparse_tensor_dense_matmul is tf.sparse_tensor_dense_matmul
        assert real_name.sparse.to_dense is tf.sparse_tensor_to_dense and real_name.edit_distance is tf.edit_distance
    finally:
        aliases.uninstall_tensorflow_alias()
    assert "tensorflow" not in sys.modules


# ----- tf.nn.embedding_lookup_sparse --------------------------------------------------------------------

EMB_IDX = [[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]]


@pytest.mark.parametrize("combiner,weighted,expected", [
    ("sum", False, [[12., 14., 16.], [0., 0., 0.], [6., 9., 12.]]),
    ("sum", True, [[15., 18., 21.], [0., 0., 0.], [18., 22.5, 27.]]),
    ("mean", False, [[6., 7., 8.], [0., 0., 0.], [2., 3., 4.]]),
    ("mean", True, [[5., 6., 7.], [0., 0., 0.], [4., 5., 6.]]),
    ("sqrtn", False, [[8.485281, 9.899495, 11.313708], [0., 0., 0.], [3.4641016, 5.196152, 6.928203]]),
    ("sqrtn", True, [[6.708204, 8.049845, 9.391485], [0., 0., 0.], [5.6222553, 7.027819, 8.433383]]),
    (None, False, [[6., 7., 8.], [0., 0., 0.], [2., 3., 4.]]),
])
def test_embedding_lookup_sparse(sess, combiner, weighted, expected):
    params = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3))
    ids = tf.SparseTensor(EMB_IDX, tf.constant([1, 3, 0, 0, 2], tf.int64), [3, 3])
    w = tf.SparseTensor(EMB_IDX, [2.0, 1.0, 0.5, 1.0, 3.0], [3, 3]) if weighted else None
    e = tf.nn.embedding_lookup_sparse(params, ids, w, combiner=combiner)
    assert e.name.startswith("embedding_lookup_sparse") and e.shape.as_list()[1] == 3
    np.testing.assert_allclose(sess.run(e), expected, rtol=1e-6)


def test_embedding_lookup_sparse_partitions_gradients_and_errors(sess):
    params = np.arange(12, dtype=np.float32).reshape(4, 3)
    ids = tf.SparseTensor(EMB_IDX, tf.constant([1, 3, 0, 0, 2], tf.int64), [3, 3])
    w = tf.SparseTensor(EMB_IDX, [2.0, 1.0, 0.5, 1.0, 3.0], [3, 3])
    parts = tf.nn.embedding_lookup_sparse([tf.constant(params[:2]), tf.constant(params[2:])], ids, None,
                                          combiner="sum")
    np.testing.assert_array_equal(sess.run(parts), [[15., 17., 19.], [0., 0., 0.], [3., 6., 9.]])
    two_rows = tf.SparseTensor([[0, 0], [1, 0]], tf.constant([1, 3], tf.int64), [3, 3])
    np.testing.assert_array_equal(sess.run(tf.nn.embedding_lookup_sparse(params, two_rows, None)),
                                  [[3., 4., 5.], [9., 10., 11.]])   # rows up to the last one with ids
    pv = tf.Variable(params)
    loss = tf.reduce_sum(tf.nn.embedding_lookup_sparse(pv, ids, w, combiner="mean")
                         * tf.constant([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]]))
    g = tf.convert_to_tensor(tf.gradients(loss, pv)[0])
    sess.run(tf.global_variables_initializer())
    np.testing.assert_allclose(sess.run(g), [[2.3333335, 2.6666667, 3.], [0.6666667, 1.3333334, 2.],
                                             [4.666667, 5.3333335, 6.], [0.33333334, 0.6666667, 1.]], rtol=1e-6)
    check_grads(lambda p, v: tf.nn.embedding_lookup_sparse(
        p, tf.SparseTensor(EMB_IDX, tf.constant([1, 3, 0, 0, 2], tf.int64), [3, 3]),
        tf.SparseTensor(EMB_IDX, v, [3, 3]), combiner="sqrtn"),
                [params.astype(np.float64), np.array([2.0, 1.0, 0.5, 1.0, 3.0])])
    with pytest.raises(ValueError, match="^combiner must be one of 'mean', 'sqrtn' or 'sum', got max$"):
        tf.nn.embedding_lookup_sparse(params, ids, None, combiner="max")
    with pytest.raises(TypeError, match="^sp_ids must be SparseTensor, got <class 'list'>$"):
        tf.nn.embedding_lookup_sparse(params, [1], None)
    with pytest.raises(TypeError, match="^sp_weights must be either None or SparseTensor,got <class 'list'>$"):
        tf.nn.embedding_lookup_sparse(params, ids, [1.0])


# ----- notebook: %eval of a SparseTensor, --feed of a sparse placeholder ------------------------------------

def test_eval_magic_shows_and_feeds_sparse_tensors(capsys):
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython
    start_ipython()
    ip = get_ipython()
    ip.extension_manager.unload_extension("tfsess")
    before = set(ip.user_ns)
    try:
        ip.run_line_magic("load_ext", "tfsess")
        r = ip.run_cell("%%graph\nh = tf.sparse_placeholder(tf.int32, name='h')\n"
                        "t = tf.SparseTensor([[0, 0], [1, 1]], [1, 2], [2, 2])\nd = tf.edit_distance(h, t)")
        assert r.success
        capsys.readouterr()
        view = ip.run_cell("%eval t").result
        assert view is not None and "t.indices" in capsys.readouterr().out
        view = ip.run_cell("%eval d --feed h=([[0,0]],[1],[2,2])").result
        out = capsys.readouterr().out
        assert view is not None and "d = [0. 1.]" in out and "h/indices=[[0 0]]" in out
    finally:
        ip.extension_manager.unload_extension("tfsess")
        for name in set(ip.user_ns) - before:
            del ip.user_ns[name]
