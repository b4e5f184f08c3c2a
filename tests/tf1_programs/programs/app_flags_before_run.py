# args: --hidden=16 --activation=tanh
# Reading FLAGS before tf.app.run() parses sys.argv on the spot (TF 1.x behaviour).
import tensorflow as tf

tf.app.flags.DEFINE_integer("hidden", 8, "Hidden units.")
tf.app.flags.DEFINE_enum("activation", "relu", ["relu", "tanh", "sigmoid"], "Activation.")
FLAGS = tf.app.flags.FLAGS
print("hidden units:", FLAGS.hidden, FLAGS.activation)
FLAGS.hidden = 4
x = tf.ones([2, FLAGS.hidden])
print(x.shape)
with tf.Session() as sess:
    print(sess.run(tf.reduce_sum(getattr(tf.nn, FLAGS.activation)(x))).round(4))
