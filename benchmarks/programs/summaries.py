"""A softmax-regression program that logs loss, accuracy and weight histograms every step (2,000 steps)."""
import tempfile

import numpy as np


def main(tf):
    rs = np.random.RandomState(3)
    images = rs.rand(1000, 784).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[rs.randint(0, 10, 1000)]
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    y_ = tf.placeholder(tf.float32, [None, 10], name="labels")
    with tf.name_scope("model"):
        W = tf.Variable(tf.zeros([784, 10]), name="W")
        b = tf.Variable(tf.zeros([10]), name="b")
        y = tf.matmul(x, W) + b
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))
    tf.summary.scalar("loss", loss)
    tf.summary.scalar("accuracy", accuracy)
    tf.summary.histogram("weights", W)
    tf.summary.histogram("biases", b)
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(tempfile.mkdtemp(prefix="bench-prog-"), sess.graph)
        sess.run(tf.global_variables_initializer())
        for i in range(2000):
            j = (i * 100) % 1000
            summary, _ = sess.run([merged, train], feed_dict={x: images[j:j + 100], y_: labels[j:j + 100]})
            writer.add_summary(summary, i)
        writer.close()
        return sess.run(loss, feed_dict={x: images, y_: labels})
