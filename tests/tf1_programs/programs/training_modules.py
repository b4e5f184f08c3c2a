# tensorflow.python.training modules: optimizers, the global step and a Saver with its _var_list.
import numpy as np
import tensorflow as tf
from tensorflow.python.training import adam, gradient_descent, saver, training_util

w = tf.Variable([1.0, -2.0], name="w")
b = tf.Variable(0.5, name="b")
loss = tf.reduce_sum(tf.square(w)) + tf.square(b - 1.0)
step = training_util.get_or_create_global_step()
sgd = gradient_descent.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
opt = adam.AdamOptimizer(0.05)
adam_step = opt.minimize(loss, var_list=[w])
s1 = saver.Saver()
s2 = tf.train.Saver([w])
s3 = tf.train.Saver({"bias": b})
print(s1._var_list)
print(s2._var_list)
print(s3._var_list)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(5):
        sess.run(sgd)
    print(sess.run(step), np.round(sess.run(w), 4), round(float(sess.run(b)), 4))
    for _ in range(5):
        sess.run(adam_step)
    print(np.round(sess.run(w), 4), round(float(sess.run(loss)), 4))
print(sorted(v.name for v in tf.global_variables()))
