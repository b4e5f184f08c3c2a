# Name scopes, variable scopes with reuse, get_variable and the variable collections.
import tensorflow as tf
from tensorflow.python.framework import ops
ops.reset_default_graph()

with tf.name_scope("layer1"):
    a = tf.constant(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    c = tf.add(a, b, name="c")
with tf.variable_scope("model"):
    w = tf.get_variable("w", shape=[2, 2], initializer=tf.constant_initializer(0.5))
with tf.variable_scope("model", reuse=True):
    w2 = tf.get_variable("w")
with tf.variable_scope("model", reuse=tf.AUTO_REUSE):
    v = tf.get_variable("v", [3], initializer=tf.zeros_initializer(), trainable=False)
print(a.name, b.name, c.name, w.name, w2 is w, v.name)
print([x.name for x in tf.global_variables()])
print([x.name for x in tf.trainable_variables()])
print(b)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(c), sess.run(w).sum(), sess.run(v))
    print(sess.run(tf.report_uninitialized_variables()))
try:
    with tf.variable_scope("model"):
        tf.get_variable("w", shape=[2, 2])
except ValueError as e:
    print("ValueError:", str(e).splitlines()[0])
