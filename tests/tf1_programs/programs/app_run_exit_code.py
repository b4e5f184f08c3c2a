# args: --code=3
# tf.app.run(main) exits with what main returns.
import tensorflow as tf

tf.flags.DEFINE_integer("code", 0, "The exit code.")


def main(_):
    print("main runs, returning", tf.flags.FLAGS.code)
    return tf.flags.FLAGS.code


if __name__ == "__main__":
    tf.app.run(main=main)
