# An uncaught TF error ends the program with a traceback on stderr and exit code 1, as `python` would.
import tensorflow as tf

v = tf.Variable([1.0, 2.0], name="weights")
sess = tf.Session()
print("before the error")
sess.run(v)
print("never printed")
