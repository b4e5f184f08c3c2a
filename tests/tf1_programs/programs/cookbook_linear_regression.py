# Cookbook style: linear regression y = A x + b by gradient descent, loss printed every 25 steps.
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops
ops.reset_default_graph()

sess = tf.Session()
np.random.seed(7)
x_vals = np.linspace(0., 1., 50)
y_vals = 3. * x_vals + 2. + np.random.normal(0, 0.1, 50)
x_data = tf.placeholder(shape=[None, 1], dtype=tf.float32)
y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
A = tf.Variable(tf.constant([[0.5]]))
b = tf.Variable(tf.constant([[0.1]]))
model_output = tf.add(tf.matmul(x_data, A), b)
loss = tf.reduce_mean(tf.square(y_target - model_output))
my_opt = tf.train.GradientDescentOptimizer(0.2)
train_step = my_opt.minimize(loss)
init = tf.global_variables_initializer()
sess.run(init)
loss_vec = []
for i in range(100):
    rand_index = np.arange(i % 5 * 10, i % 5 * 10 + 10)
    rand_x = np.transpose([x_vals[rand_index]])
    rand_y = np.transpose([y_vals[rand_index]])
    sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
    temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
    loss_vec.append(temp_loss)
    if (i + 1) % 25 == 0:
        print("Step #%d A = %.3f b = %.3f Loss = %.4f" % (i + 1, sess.run(A)[0, 0], sess.run(b)[0, 0], temp_loss))
