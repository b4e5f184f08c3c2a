# Sequence-labelling course style: the label error rate with tf.edit_distance on sparse_placeholder feeds,
# a sparse bag-of-words input through sparse_tensor_dense_matmul (trained), and dense <-> sparse conversions.
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import sparse_tensor


def sparse_tuple_from(sequences, dtype=np.int32):
    """(indices, values, shape) of a batch of variable-length sequences, as speech tutorials build it."""
    indices, values = [], []
    for n, seq in enumerate(sequences):
        indices.extend(zip([n] * len(seq), range(len(seq))))
        values.extend(seq)
    indices = np.asarray(indices, dtype=np.int64)
    values = np.asarray(values, dtype=dtype)
    shape = np.asarray([len(sequences), indices.max(0)[1] + 1], dtype=np.int64)
    return indices, values, shape


targets = tf.sparse_placeholder(tf.int32, name="targets")
decoded = tf.sparse_placeholder(tf.int32, name="decoded")
print(targets)
ler = tf.reduce_mean(tf.edit_distance(decoded, targets))
dist = tf.edit_distance(decoded, targets, normalize=False)
with tf.Session() as sess:
    truth = [[1, 2, 3], [4, 5], [6]]
    hyp = [[1, 3], [4, 5, 5], [7]]
    feed = {targets: sparse_tuple_from(truth), decoded: sparse_tensor.SparseTensorValue(*sparse_tuple_from(hyp))}
    print("label error rate: %.4f" % sess.run(ler, feed))
    print(sess.run(dist, feed))
    v = sess.run(targets, feed)
    print(type(v).__name__, v.indices.dtype, v.values.tolist(), v.dense_shape.tolist())
    try:
        sess.run(ler, {targets: sparse_tuple_from(truth)})
    except tf.errors.InvalidArgumentError as e:
        print(type(e).__name__)

    sp_x = tf.SparseTensor(indices=[[0, 0], [0, 3], [1, 1], [2, 2], [2, 3]], values=[1.0, 2.0, 1.0, 1.0, 1.0],
                           dense_shape=[3, 4])
    print(sp_x.shape, sp_x.dtype)
    w = tf.Variable(tf.zeros([4, 1]))
    y = tf.constant([[1.0], [0.0], [2.0]])
    pred = tf.sparse_tensor_dense_matmul(sp_x, w)
    print(pred)
    loss = tf.reduce_mean(tf.square(pred - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    sess.run(tf.global_variables_initializer())
    for step in range(50):
        sess.run(train)
    print("loss %.4f" % sess.run(loss))
    print(np.round(sess.run(w).ravel(), 3))
    print(sess.run(tf.sparse_tensor_to_dense(sp_x)))
    print(sess.run(tf.sparse_reduce_sum(sp_x, axis=1)))
    print(sess.run(tf.sparse_to_dense([[0, 1], [1, 0]], [2, 3], [5, 6])))
    try:
        sess.run(tf.sparse_to_dense([[1, 0], [0, 1]], [2, 3], [5, 6]))
    except tf.errors.InvalidArgumentError as e:
        print(type(e).__name__)
    try:
        tf.matmul(sp_x, w)
    except TypeError:
        print("TypeError")
