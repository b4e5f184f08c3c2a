# tensorflow.compat.v1 with disable_v2_behavior, as TF1 code ported to TF 2 reads.
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()

a = tf.placeholder(tf.int32, [3], name="a")
b = tf.constant([10, 20, 30], name="b")
s = tf.add(a, b, name="sum")
prod = tf.reduce_prod(s)
with tf.Session() as sess:
    print(sess.run(s, {a: [1, 2, 3]}), sess.run(prod, feed_dict={a: [0, 0, 0]}))
    print(s, tf.executing_eagerly())
    try:
        sess.run(s, {a: [1, 2]})
    except ValueError as e:
        print("ValueError:", e)
