"""dtypes inference, TensorShape/Dimension behaviour, the tf.errors hierarchy, and build-time errors."""
import pickle

import numpy as np
import pytest

import tfsess as tf


def test_constant_dtype_inference():
    cases = [(3, "int32"), (3.0, "float32"), ([1, 2.5], "float32"), (True, "bool"), ("x", "string"),
             (b"x", "string"), (1 + 2j, "complex128"), (2 ** 40, "int64"), ([1, 2 ** 40], "int64"), ([], "float32"),
             (np.array([1, 2]), "int64"), (np.array([1.0]), "float64"), (np.float32(1.0), "float32"),
             ([np.float64(1.0)], "float32"), ([True, 1], "int32")]
    for value, name in cases:
        assert tf.constant(value).dtype.name == name, value
    assert tf.constant(2, dtype=tf.float32).dtype is tf.float32
    assert tf.constant([1, 2], dtype=tf.int64).dtype is tf.int64
    assert tf.constant(0.0, shape=[2, 3]).shape.as_list() == [2, 3]
    assert tf.constant([1, 2, 3, 4], shape=[2, 2]).shape.as_list() == [2, 2]


def test_constant_conversion_errors():
    with pytest.raises(TypeError, match=r"^Expected int32, but got 1.5 of type 'float'.$"):
        tf.constant(1.5, dtype=tf.int32)
    with pytest.raises(TypeError, match=r"^Expected bool, but got 1 of type 'int'.$"):
        tf.constant(1, dtype=tf.bool)
    with pytest.raises(ValueError, match="None values not supported."):
        tf.constant(None)
    with pytest.raises(TypeError, match="Failed to convert elements of"):
        tf.constant(object())
    with pytest.raises(ValueError):
        tf.constant([[1, 2], [3]])


def test_binary_op_dtype_rules():
    assert (tf.constant(1.0) + 1).dtype is tf.float32
    with pytest.raises(TypeError, match=r"^Input 'y' of 'AddV2' Op has type float32 that does not match type int32 "
                                        r"of argument 'x'.$"):
        tf.constant(1) + 1.5
    with pytest.raises(TypeError, match=r"^Expected int32, but got 1.5 of type 'float'.$"):
        1.5 + tf.constant(1)
    with pytest.raises(TypeError, match="Expected int32 passed to parameter 'y' of op 'Mul'"):
        tf.multiply(tf.constant(1), 1.5)
    assert (tf.constant(1) / tf.constant(2)).dtype is tf.float64
    assert (tf.constant(1, tf.int16) / 2).dtype is tf.float32
    assert (tf.constant(7) // 2).dtype is tf.int32
    with pytest.raises(TypeError, match="not in list of allowed values"):
        tf.sqrt(tf.constant(4))
    with pytest.raises(TypeError, match="Value passed to parameter 'x' has DataType bool"):
        tf.constant(True) + tf.constant(False)


def test_dtype_objects():
    assert repr(tf.float32) == "tf.float32" and str(tf.float32) == "<dtype: 'float32'>"
    assert tf.as_dtype("float") is tf.float32 and tf.as_dtype("double") is tf.float64
    assert tf.as_dtype(np.int64) is tf.int64 and tf.as_dtype(float) is tf.float32
    assert tf.float32 == np.float32 and tf.float32 == "float32" and tf.float32 != tf.int32
    assert tf.string.as_numpy_dtype is object and tf.float32.as_numpy_dtype is np.float32
    ref = tf.float32._as_ref
    assert ref.name == "float32_ref" and ref.base_dtype is tf.float32 and ref != tf.float32
    assert tf.int32.is_integer and tf.float32.is_floating and tf.bool.is_bool and tf.complex64.is_complex
    assert tf.int32.max == 2 ** 31 - 1 and tf.uint8.min == 0
    with pytest.raises(TypeError, match="Cannot convert the argument `type_value`"):
        tf.as_dtype("nope")
    assert pickle.loads(pickle.dumps(tf.float32)) is tf.float32


def test_tensor_shape_and_dimension():
    s = tf.TensorShape([None, 3])
    assert str(s) == "(?, 3)" and repr(s) == "TensorShape([Dimension(None), Dimension(3)])"
    assert str(tf.TensorShape([3])) == "(3,)" and str(tf.TensorShape([])) == "()"
    assert str(tf.TensorShape(None)) == "<unknown>" and repr(tf.TensorShape(None)) == "TensorShape(None)"
    assert s.as_list() == [None, 3] and s.ndims == 2 and s.rank == 2 and s.num_elements() is None
    assert tf.TensorShape([2, 3]).num_elements() == 6
    assert s[1].value == 3 and repr(s[0]) == "Dimension(None)" and str(s[0]) == "?"
    assert s.merge_with([4, None]).as_list() == [4, 3]
    with pytest.raises(ValueError, match=r"Shapes \(2, 3\) and \(4, 3\) are not compatible"):
        tf.TensorShape([2, 3]).merge_with([4, 3])
    with pytest.raises(ValueError, match="as_list\\(\\) is not defined on an unknown TensorShape."):
        tf.TensorShape(None).as_list()
    assert s.is_compatible_with([5, 3]) and not s.is_compatible_with([5, 4])
    assert tf.TensorShape(None).is_compatible_with([1, 2, 3])
    assert tf.Dimension(3) + 1 == 4 and (tf.Dimension(None) + 1).value is None
    assert tf.TensorShape([1, 2]).concatenate([3]).as_list() == [1, 2, 3]
    x = tf.placeholder(tf.float32, [7, None])
    x.set_shape([7, 4])
    assert x.shape.as_list() == [7, 4]
    with pytest.raises(ValueError, match=r"Dimension 1 in both shapes must be equal, but are 4 and 5. Shapes are "
                                         r"\[7,4\] and \[7,5\]."):
        x.set_shape([7, 5])


def test_static_shape_inference():
    x = tf.placeholder(tf.float32, shape=[None, 3])
    w = tf.ones([3, 2])
    y = tf.matmul(x, w)
    assert y.shape.as_list() == [None, 2]
    assert tf.reduce_mean(y, axis=0).shape.as_list() == [2]
    assert tf.reduce_mean(y, axis=1, keepdims=True).shape.as_list() == [None, 1]
    assert tf.concat([x, x], axis=1).shape.as_list() == [None, 6]
    assert tf.reshape(x, [-1]).shape.as_list() == [None]
    assert tf.reshape(tf.ones([4, 6]), [-1, 3]).shape.as_list() == [8, 3]
    assert (tf.placeholder(tf.float32, [None, 3]) + tf.ones([4, 1])).shape.as_list() == [4, 3]
    assert (tf.placeholder(tf.float32) + 1.0).shape.ndims is None
    assert tf.stack([x, x], axis=1).shape.as_list() == [None, 2, 3]
    assert tf.transpose(tf.ones([2, 3, 4])).shape.as_list() == [4, 3, 2]


def test_build_time_shape_errors():
    with pytest.raises(ValueError, match=r"^Dimensions must be equal, but are 3 and 4 for 'Add' \(op: 'AddV2'\) with "
                                         r"input shapes: \[2,3\], \[4\].$"):
        tf.add(tf.ones([2, 3]), tf.ones([4]))
    with pytest.raises(ValueError, match=r"^Dimensions must be equal, but are 3 and 4 for 'MatMul' \(op: 'MatMul'\)"):
        tf.matmul(tf.ones([2, 3]), tf.ones([4, 2]))
    with pytest.raises(ValueError, match=r"^Shape must be rank 2 but is rank 1 for 'MatMul_1'"):
        tf.matmul(tf.ones([3]), tf.ones([3, 2]))
    with pytest.raises(TypeError, match=r"^Input 'b' of 'MatMul' Op has type int32 that does not match type float32"):
        tf.matmul(tf.ones([1, 1]), tf.constant([[1]]))
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 3 elements to shape"):
        tf.reshape(tf.constant([1, 2, 3]), [2, 2])
    with pytest.raises(ValueError, match="Invalid reduction dimension 3 for input with 1 dimensions"):
        tf.reduce_sum(tf.constant([1, 2]), axis=3)


def test_runtime_errors_texts_and_ops():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = x + tf.placeholder_with_default(tf.ones([3]), [None])
    m = tf.matmul(x, tf.placeholder_with_default(tf.ones([3, 3]), [None, None]))
    g = tf.gather(tf.constant([1, 2]), tf.placeholder_with_default(5, []))
    with tf.Session() as s:
        feed = {x: [[1.0, 2.0], [3.0, 4.0]]}
        for t, text in [(y, "Incompatible shapes: [2,2] vs. [3]"),
                        (m, "Matrix size-incompatible: In[0]: [2,2], In[1]: [3,3]"),
                        (g, "indices = 5 is not in [0, 2)"),
                        (tf.constant(1) // tf.constant(0), "Integer division by zero"),
                        (tf.check_numerics(tf.constant(np.nan), "boom"), "boom : Tensor had NaN values")]:
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                s.run(t, feed)
            assert info.value.message.split("\n")[0] == text
            assert info.value.op is t.op
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run(x)
        assert info.value.message.split("\n")[0] == ("You must feed a value for placeholder tensor 'x' with dtype "
                                                     "float and shape [?,2]")
        assert s.run(tf.constant(1.0) / 0.0) == np.inf
        assert np.isnan(s.run(tf.log(-1.0)))
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"assertion failed: \[1\]"):
            s.run(tf.Assert(tf.constant(False), [tf.constant(1)]))


def test_matmul_of_unknown_rank_checks_rank_when_it_runs():
    """tf.matmul makes BatchMatMulV2 for inputs of unknown rank; a MatMul op that has one (an imported graph's)
    checks at run time that both inputs are matrices, as TF's kernel does."""
    from tfsess.framework.opdef import op_scope
    from tfsess.ops.math_ops import MatMul
    a, b = tf.placeholder(tf.float32), tf.placeholder(tf.float32, [3, 2])
    with op_scope(None, "MatMul", [a, b]) as scope:
        c = scope.make(MatMul, [a, b], {"T": tf.float32, "transpose_a": True, "transpose_b": False}).outputs[0]
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(c, {a: np.arange(6.0).reshape(3, 2), b: np.ones((3, 2))}),
                                      [[6.0, 6.0], [9.0, 9.0]])
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run(c, {a: np.ones((2, 2, 3)), b: np.ones((3, 2))})
        assert info.value.message.split("\n")[0] == "In[0] is not a matrix. Instead it has shape [2,2,3]"
        assert info.value.op is c.op


def test_error_hierarchy():
    assert tf.errors.InvalidArgumentError(None, None, "m").error_code == 3
    assert tf.errors.FailedPreconditionError(None, None, "m").error_code == tf.errors.FAILED_PRECONDITION
    codes = {getattr(tf.errors, n): n for n in ["CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                                 "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
                                                 "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
                                                 "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
                                                 "DATA_LOSS", "UNAUTHENTICATED"]}
    assert sorted(codes) == list(range(1, 17))
    for code in codes:
        cls = tf.errors.exception_type_from_error_code(code)
        assert issubclass(cls, tf.errors.OpError)
        assert tf.errors.error_code_from_exception_type(cls) == code
        err = cls(None, None, "msg") if cls is not tf.errors.UnknownError else cls(None, None, "msg", code)
        assert err.message == "msg" and err.op is None and err.node_def is None and str(err) == "msg"
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is cls and again.message == "msg"
    assert issubclass(tf.errors.OperatorNotAllowedInGraphError, TypeError)
    assert tf.errors.OK == 0


def test_constant_copies_the_callers_array():
    a = np.zeros(3, np.float32)
    c = tf.constant(a)
    a[0] = 1.0  # still writable, and the constant is unaffected
    with tf.Session() as s:
        assert s.run(c).tolist() == [0.0, 0.0, 0.0]
