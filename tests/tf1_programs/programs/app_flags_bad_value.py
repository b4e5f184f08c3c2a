# args: --batch_size=lots
# A flag value that does not parse stops tf.app.run with an error (traceback on stderr, exit code 1).
import tensorflow as tf

tf.app.flags.DEFINE_integer("batch_size", 32, "Batch size.")


def main(_):
    print("never printed")


if __name__ == "__main__":
    print("parsing")
    tf.app.run()
