# tf.contrib.layers.xavier_initializer and flatten: shapes, names and the initializer's bounds.
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops
ops.reset_default_graph()

tf.set_random_seed(3)
W1 = tf.get_variable("W1", [4, 4, 3, 8], initializer=tf.contrib.layers.xavier_initializer(seed=0))
W2 = tf.get_variable("W2", [50, 30], initializer=tf.contrib.layers.xavier_initializer(uniform=False))
images = tf.placeholder(tf.float32, [None, 5, 5, 3])
flat = tf.contrib.layers.flatten(images)
print(W1.shape, W2.shape, flat.shape, flat.op.type)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    w1, w2 = sess.run([W1, W2])
    limit = np.sqrt(6.0 / (4 * 4 * 3 + 4 * 4 * 8))
    print("uniform within limit:", bool(np.all(np.abs(w1) <= limit)), "spread:", bool(w1.std() > limit / 4))
    stddev = np.sqrt(1.3 * 2.0 / (50 + 30))
    print("truncated normal within 2 stddev:", bool(np.all(np.abs(w2) <= 2 * stddev + 1e-6)))
    print(sess.run(flat, {images: np.ones([2, 5, 5, 3])}).shape)
try:
    tf.contrib.layers.l2_regularizer(1)
except ValueError as e:
    print("ValueError:", e)
