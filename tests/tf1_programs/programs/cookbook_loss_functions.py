# Cookbook style: regression and classification losses on fixed predictions and targets.
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops
ops.reset_default_graph()

sess = tf.Session()
x_vals = tf.linspace(-1., 1., 5)
target = tf.constant(0.)
l2_y_vals = tf.square(target - x_vals)
l1_y_vals = tf.abs(target - x_vals)
delta1 = tf.constant(0.25)
phuber1_y_vals = tf.multiply(tf.square(delta1), tf.sqrt(1. + tf.square((target - x_vals) / delta1)) - 1.)
for name, t in [("l2", l2_y_vals), ("l1", l1_y_vals), ("pseudo-huber", phuber1_y_vals)]:
    print(name, np.round(sess.run(t), 4))

x_vals = tf.linspace(-3., 5., 5)
target = tf.constant(1.)
targets = tf.fill([5, ], 1.)
hinge_y_vals = tf.maximum(0., 1. - tf.multiply(target, x_vals))
xentropy_y_vals = - tf.multiply(target, tf.log(x_vals + 4.)) - tf.multiply((1. - target), tf.log(1. - x_vals + 4.))
xentropy_sigmoid_y_vals = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_vals, labels=targets)
weight = tf.constant(0.5)
xentropy_weighted_y_vals = tf.nn.weighted_cross_entropy_with_logits(targets, x_vals, weight)
for name, t in [("hinge", hinge_y_vals), ("xentropy", xentropy_y_vals), ("sigmoid", xentropy_sigmoid_y_vals),
                ("weighted", xentropy_weighted_y_vals)]:
    print(name, np.round(sess.run(t), 4))

unscaled_logits = tf.constant([[1., -3., 10.]])
target_dist = tf.constant([[0.1, 0.02, 0.88]])
softmax_xentropy = tf.nn.softmax_cross_entropy_with_logits_v2(logits=unscaled_logits, labels=target_dist)
print(np.round(sess.run(softmax_xentropy), 4))
sparse_target_dist = tf.constant([2])
sparse_xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=unscaled_logits, labels=sparse_target_dist)
print(np.round(sess.run(sparse_xentropy), 4))
print(round(float(sess.run(tf.nn.l2_loss([1., 2., 3.]))), 4))
