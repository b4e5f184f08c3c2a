# A failing tf.test.TestCase assertion makes tf.test.main() exit with code 1.
import tensorflow as tf


class FailingTest(tf.test.TestCase):

    def testWrongValue(self):
        with self.cached_session():
            self.assertAllClose(tf.constant([1.0, 2.0]).eval(), [1.0, 2.5])

    def testRightValue(self):
        with self.cached_session():
            self.assertAllClose(tf.constant([1.0, 2.0]).eval(), [1.0, 2.0 + 1e-7])


if __name__ == "__main__":
    tf.test.main()
