# Cookbook style: placeholders, feeds and the ops a graph holds after building.
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops
ops.reset_default_graph()

sess = tf.Session()
x = tf.placeholder(tf.float32, shape=(4, 4))
y = tf.identity(x)
x_vals = np.arange(16, dtype=np.float32).reshape(4, 4) / 4.0
print(sess.run(y, feed_dict={x: x_vals}))

x_data = tf.placeholder(tf.float32, shape=[None, 3])
m = tf.constant([[1.], [0.5], [2.]])
prod = tf.matmul(x_data, m)
print(prod)
print(sess.run(prod, feed_dict={x_data: [[1., 2., 3.], [4., 5., 6.]]}))
for op in ops.get_default_graph().get_operations():
    print(op.name, op.type)
try:
    sess.run(prod)
except tf.errors.InvalidArgumentError as e:
    print(type(e).__name__)
