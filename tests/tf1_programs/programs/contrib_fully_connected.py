# tf.contrib.layers.fully_connected with an l2 regularizer: variable names, collections and values.
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
hidden = tf.contrib.layers.fully_connected(x, 4, weights_initializer=tf.constant_initializer(0.1),
                                           weights_regularizer=tf.contrib.layers.l2_regularizer(0.01))
out = tf.contrib.layers.fully_connected(hidden, 2, activation_fn=None, scope="logits",
                                        weights_initializer=tf.constant_initializer(-0.2),
                                        biases_initializer=tf.constant_initializer(0.5))
print(hidden.name, out.name, hidden.shape, out.shape)
print([v.name for v in tf.global_variables()])
print([v.name for v in tf.trainable_variables()])
print([v.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)])
reg = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
print([r.name for r in reg])
with tf.variable_scope("logits", reuse=True):
    print(tf.get_variable("weights").shape)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(np.round(sess.run(out, {x: [[1., 2., 3.], [-1., 0., 1.]]}), 4))
    print(np.round(sess.run(reg), 6))
    total = tf.add_n(reg) + tf.reduce_mean(out)
    print(round(float(sess.run(total, {x: [[1., 2., 3.]]})), 4))
