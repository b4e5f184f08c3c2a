# args: --steps=5 --nofast --learning_rate 0.25 --names=a,b,c positional --not_a_flag=1
# tf.app.flags and tf.app.run: known flags parsed, the rest passed on to main(argv).
import tensorflow as tf

flags = tf.app.flags
flags.DEFINE_integer("steps", 3, "Number of steps to run.")
flags.DEFINE_float("learning_rate", 0.01, "Initial learning rate.")
flags.DEFINE_boolean("fast", True, "Go fast.")
flags.DEFINE_string("data_dir", "/tmp/data", "Where the data is.")
flags.DEFINE_list("names", [], "Some names.")
FLAGS = flags.FLAGS


def main(argv):
    print("argv[1:]:", argv[1:])
    print(FLAGS.steps, FLAGS.learning_rate, FLAGS.fast, FLAGS.data_dir, FLAGS.names)
    x = tf.constant(float(FLAGS.steps)) * FLAGS.learning_rate
    with tf.Session() as sess:
        print(sess.run(x))


if __name__ == "__main__":
    tf.app.run()
