# tf.test.TestCase with cached_session, test_session, session and the array assertions; tf.test.main().
import numpy as np
import tensorflow as tf


class MathTest(tf.test.TestCase):

    def testAdd(self):
        with self.cached_session() as sess:
            x = tf.constant([1.0, 2.0])
            y = x + 1.5
            self.assertAllClose(sess.run(y), [2.5, 3.5])
            self.assertAllClose(y.eval(), np.array([2.5, 3.5]))
            self.assertAllEqual(tf.shape(y).eval(), [2])
            print("testAdd graph ops:", len(tf.get_default_graph().get_operations()))

    def testSessionsAreCachedPerTest(self):
        with self.cached_session() as s1:
            pass
        with self.test_session() as s2:
            pass
        print("cached session reused:", s1 is s2)

    def testVariablesAndEvaluate(self):
        with self.session() as sess:
            v = tf.Variable([[1, 2], [3, 4]])
            sess.run(tf.global_variables_initializer())
            self.assertAllEqual(self.evaluate(v), [[1, 2], [3, 4]])
            self.assertAllClose({"a": self.evaluate(tf.reduce_sum(v))}, {"a": 10})
            self.assertAllInRange(self.evaluate(v), 1, 4)
            self.assertAllGreater(self.evaluate(v), 0)
            self.assertAllLessEqual(self.evaluate(v), 4)
            print("graph is fresh per test:", len(tf.get_default_graph().get_operations()) < 12)

    def testOpError(self):
        with self.cached_session():
            p = tf.placeholder(tf.float32)
            with self.assertRaisesOpError("You must feed a value"):
                p.eval()
            with self.assertRaises(tf.errors.InvalidArgumentError):
                p.eval()

    def testGpu(self):
        print("gpu available:", tf.test.is_gpu_available())


if __name__ == "__main__":
    tf.test.main()
