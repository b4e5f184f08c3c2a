# Cookbook style: reset the graph through tensorflow.python.framework.ops, then work with matrices.
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops
ops.reset_default_graph()

sess = tf.Session()

identity_matrix = tf.diag([1.0, 1.0, 1.0])
A = tf.fill([2, 3], 5.0)
B = tf.constant([[1., 2.], [3., 4.], [5., 6.]])
C = tf.convert_to_tensor(np.array([[1., 2., 3.], [-3., -7., -1.], [0., 5., -2.]]))
print(sess.run(identity_matrix))
print(sess.run(A))
print(sess.run(B))
print(sess.run(C))
print(sess.run(A + A))
print(sess.run(tf.matmul(B, tf.transpose(B))))
print(sess.run(tf.transpose(C)))
print(sess.run(tf.matmul(tf.cast(identity_matrix, tf.float64), C)))
print(A.shape, B.dtype, C.dtype)
print(A.op.name, B.op.name, C.op.name, A.op.type, C.op.type)
