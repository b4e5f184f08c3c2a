# Cookbook style: arithmetic operations and a custom polynomial, evaluated in a session.
import tensorflow as tf
from tensorflow.python.framework import ops
ops.reset_default_graph()

sess = tf.Session()
print(sess.run(tf.div(3, 4)))
print(sess.run(tf.truediv(3, 4)))
print(sess.run(tf.floordiv(7, 2)))
print(sess.run(tf.mod(22.0, 5.0)))
print(sess.run(tf.square([1.0, -2.0, 3.0])))
print(round(float(sess.run(tf.div(tf.sin(3.1416 / 4.), tf.cos(3.1416 / 4.)))), 4))


def custom_polynomial(value):
    return tf.subtract(3 * tf.square(value), value) + 10


print(sess.run(custom_polynomial(11)))
test_nums = range(15)
expected_output = [3 * x * x - x + 10 for x in test_nums]
print(expected_output)
for num in test_nums:
    print(sess.run(custom_polynomial(num)), end=" ")
print()
