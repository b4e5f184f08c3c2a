# Cookbook style: the activation functions on a fixed range of inputs.
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops
ops.reset_default_graph()

sess = tf.Session()
x_vals = np.linspace(start=-4., stop=4., num=9).astype(np.float32)
for name, fn in [("relu", tf.nn.relu), ("relu6", tf.nn.relu6), ("sigmoid", tf.nn.sigmoid), ("tanh", tf.nn.tanh),
                 ("softsign", tf.nn.softsign), ("softplus", tf.nn.softplus), ("elu", tf.nn.elu)]:
    print(name, np.round(sess.run(fn(x_vals)), 4))
print(np.round(sess.run(tf.nn.relu6([-3., 3., 10.])), 4))
print(np.round(sess.run(tf.nn.softmax([[1., 2., 3.], [1., 1., 1.]])), 4))
