"""tf.strided_slice reads entry i of begin/end/strides through bit i of each mask, as TF defines them.

Each case states the rule as the NumPy index it must equal (checked against TensorFlow 2.21's compat.v1).
"""
import numpy as np
import pytest

import tfsess as tf
from tfsess.testing import check_grads

A = np.arange(10)
B = np.arange(24).reshape(2, 3, 4)

CASES = [
    # begin_mask: the begin of that entry is open (x[:3], not x[1:3])
    ("begin_mask", A, dict(begin=[1], end=[3], begin_mask=1), A[:3]),
    ("end_mask", A, dict(begin=[1], end=[3], end_mask=1), A[1:]),
    # shrink_axis_mask: index begin[i] and drop the axis (negative indices count from the end)
    ("shrink", A, dict(begin=[2], end=[3], shrink_axis_mask=1), A[2]),
    ("shrink_negative", A, dict(begin=[-1], end=[0], shrink_axis_mask=1), A[-1]),
    # new_axis_mask: a new axis of size 1; that entry consumes no input dimension
    ("new_axis", A, dict(begin=[0, 1], end=[0, 3], new_axis_mask=1), A[None, 1:3]),
    # ellipsis_mask: as many full dimensions as needed
    ("ellipsis_1d", A, dict(begin=[0, 1], end=[0, 3], ellipsis_mask=1), A[..., 1:3]),
    ("ellipsis_3d", B, dict(begin=[0, 1], end=[0, 2], ellipsis_mask=1), B[..., 1:2]),
    ("ellipsis_and_new_axis", B, dict(begin=[0, 0, 1], end=[0, 0, 3], ellipsis_mask=1, new_axis_mask=2),
     B[..., None, 1:3]),
    ("negative_stride", A, dict(begin=[8], end=[2], strides=[-2]), A[8:2:-2]),
    ("masked_negative_stride", B, dict(begin=[0, 0], end=[0, 0], strides=[1, -1], begin_mask=3, end_mask=3),
     B[:, ::-1]),
    ("shrink_with_masked_rest", B, dict(begin=[1, 0, 0], end=[2, 0, 0], begin_mask=6, end_mask=6,
                                        shrink_axis_mask=1), B[1, :, :]),
    ("end_masked_then_shrink", B, dict(begin=[1, 2], end=[0, 0], end_mask=3, shrink_axis_mask=2), B[1:, 2]),
    ("open_reverse", B, dict(begin=[5], end=[9], begin_mask=1, end_mask=1, strides=[-1]), B[::-1]),
]


@pytest.mark.parametrize("x,kw,want", [pytest.param(x, kw, w, id=n) for n, x, kw, w in CASES])
def test_masks_follow_tf_rules(x, kw, want):
    t = tf.strided_slice(tf.constant(x), **kw)
    assert t.shape.as_list() == list(np.shape(want))
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(t), want)


def test_mask_attrs_are_recorded_as_tf_names_them():
    t = tf.strided_slice(tf.constant(A), [1], [3], begin_mask=1, name="cut")
    assert t.op.name == "cut" and t.op.type == "StridedSlice"
    assert t.op.get_attr("begin_mask") == 1 and t.op.get_attr("shrink_axis_mask") == 0


def test_two_ellipses_are_refused():
    with pytest.raises(ValueError, match="Multiple ellipses in slice spec not allowed"):
        tf.strided_slice(tf.constant(B), [0, 0], [0, 0], ellipsis_mask=3)


def test_begin_end_strides_must_have_equal_length():
    with pytest.raises(ValueError, match="equal length"):
        tf.strided_slice(tf.constant(A), [0, 1], [3])


def test_gradient_through_masks():
    def fn(x):
        return tf.strided_slice(x, [0, 1, 0], [0, 3, 4], strides=[1, 1, 2], begin_mask=1, end_mask=1,
                                shrink_axis_mask=0) * 3.0

    check_grads(fn, [np.random.RandomState(0).randn(2, 3, 4)])
    check_grads(lambda x: tf.strided_slice(x, [1, 2], [0, 0], end_mask=3, shrink_axis_mask=2),
                [np.random.RandomState(1).randn(2, 3, 4)])
