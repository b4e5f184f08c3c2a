"""Classic TF1 tutorial programs run unchanged with `tensorflow` mapped to tfsess: MNIST softmax regression
with TensorBoard summaries and save/restore, and the "Deep MNIST" conv net (smaller images so it runs in
seconds). The MNIST download is replaced by a generated look-alike with the same `input_data` interface."""
import sys
import textwrap
import types

import numpy as np
import pytest

import tfsess


class _DataSet:
    def __init__(self, images, labels, seed):
        self.images, self.labels = images, labels
        self._rng = np.random.RandomState(seed)
        self._order, self._pos = self._rng.permutation(len(images)), 0

    @property
    def num_examples(self):
        return len(self.images)

    def next_batch(self, n):
        if self._pos + n > len(self._order):
            self._order, self._pos = self._rng.permutation(len(self.images)), 0
        idx = self._order[self._pos:self._pos + n]
        self._pos += n
        return self.images[idx], self.labels[idx]


def _read_data_sets(train_dir, one_hot=False, side=28, n_train=2000, n_test=500):
    """MNIST-shaped data: 10 classes, each a fixed random stroke pattern, plus pixel noise and jitter."""
    rng = np.random.RandomState(42)
    protos = (rng.rand(10, side, side) < 0.15).astype(np.float32)

    def make(n):
        labels = rng.randint(0, 10, size=n)
        imgs = protos[labels] * rng.uniform(0.6, 1.0, size=(n, 1, 1))
        shift = rng.randint(-1, 2, size=n)
        imgs = np.stack([np.roll(im, s, axis=1) for im, s in zip(imgs, shift)])
        imgs = np.clip(imgs + rng.rand(n, side, side) * 0.4, 0, 1).reshape(n, side * side).astype(np.float32)
        y = np.eye(10, dtype=np.float32)[labels] if one_hot else labels
        return imgs, y

    data = types.SimpleNamespace()
    data.train = _DataSet(*make(n_train), seed=1)
    data.test = _DataSet(*make(n_test), seed=2)
    return data


@pytest.fixture
def tensorflow_is_tfsess(monkeypatch, tmp_path):
    """`import tensorflow as tf` gives tfsess; `input_data.read_data_sets` gives generated MNIST look-alikes."""
    monkeypatch.setitem(sys.modules, "tensorflow", tfsess)
    fake = types.ModuleType("input_data")
    fake.read_data_sets = _read_data_sets
    monkeypatch.setitem(sys.modules, "input_data", fake)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(source):
    namespace = {"__name__": "__tutorial__"}
    exec(compile(textwrap.dedent(source), "<tutorial>", "exec"), namespace)
    return namespace


MNIST_SOFTMAX = """
import input_data
import tensorflow as tf

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

x = tf.placeholder("float", [None, 784])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.nn.softmax(tf.matmul(x, W) + b)
y_ = tf.placeholder("float", [None, 10])

cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

tf.summary.scalar("cross_entropy", cross_entropy)
tf.summary.histogram("weights", W)
merged = tf.summary.merge_all()
saver = tf.train.Saver()

sess = tf.InteractiveSession()
writer = tf.summary.FileWriter("logs/train", sess.graph)
tf.global_variables_initializer().run()

for i in range(200):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    summary, _ = sess.run([merged, train_step], feed_dict={x: batch_xs, y_: batch_ys})
    if i % 20 == 0:
        writer.add_summary(summary, i)
writer.close()

correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
test_accuracy = sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
print(test_accuracy)
save_path = saver.save(sess, "model/model.ckpt")
sess.close()

with tf.Session() as sess2:
    saver.restore(sess2, tf.train.latest_checkpoint("model"))
    restored_accuracy = accuracy.eval(session=sess2, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
"""


def test_mnist_softmax_tutorial_with_summaries_and_saver(tensorflow_is_tfsess):
    pytest.importorskip("tensorboard", reason="the optional 'summary' extra (tensorboard) is not installed")
    ns = _run(MNIST_SOFTMAX)
    assert ns["test_accuracy"] > 0.9
    assert ns["restored_accuracy"] == ns["test_accuracy"]
    assert ns["save_path"] == "model/model.ckpt"
    from tensorboard.backend.event_processing import event_accumulator
    acc = event_accumulator.EventAccumulator(str(tensorflow_is_tfsess / "logs" / "train"))
    acc.Reload()
    assert [e.step for e in acc.Scalars("cross_entropy")] == list(range(0, 200, 20))
    assert acc.Tags()["histograms"] == ["weights"] and acc.Tags()["graph"]


DEEP_MNIST = """
import input_data
import tensorflow as tf

SIDE = 14   # the tutorial's 28, halved so that the test runs in seconds
mnist = input_data.read_data_sets("MNIST_data", one_hot=True, side=SIDE)
tf.set_random_seed(0)


def weight_variable(shape):
    initial = tf.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial)


def bias_variable(shape):
    initial = tf.constant(0.1, shape=shape)
    return tf.Variable(initial)


def conv2d(x, W):
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')


def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')


x = tf.placeholder(tf.float32, shape=[None, SIDE * SIDE])
y_ = tf.placeholder(tf.float32, shape=[None, 10])
x_image = tf.reshape(x, [-1, SIDE, SIDE, 1])

W_conv1 = weight_variable([5, 5, 1, 8])
b_conv1 = bias_variable([8])
h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
h_pool1 = max_pool_2x2(h_conv1)

W_conv2 = weight_variable([5, 5, 8, 16])
b_conv2 = bias_variable([16])
h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
h_pool2 = max_pool_2x2(h_conv2)

W_fc1 = weight_variable([4 * 4 * 16, 64])
b_fc1 = bias_variable([64])
h_pool2_flat = tf.reshape(h_pool2, [-1, 4 * 4 * 16])
h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)

keep_prob = tf.placeholder(tf.float32)
h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

W_fc2 = weight_variable([64, 10])
b_fc2 = bias_variable([10])
y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2

cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
train_step = tf.train.AdamOptimizer(1e-3).minimize(cross_entropy)
correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

train_accuracies = []
with tf.Session(config=tf.ConfigProto(gpu_options=tf.GPUOptions(allow_growth=True))) as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(200):
        batch = mnist.train.next_batch(50)
        if i % 50 == 0:
            train_accuracies.append(accuracy.eval(feed_dict={x: batch[0], y_: batch[1], keep_prob: 1.0}))
        train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})
    test_accuracy = accuracy.eval(feed_dict={x: mnist.test.images, y_: mnist.test.labels, keep_prob: 1.0})
"""


def test_deep_mnist_conv_net_tutorial(tensorflow_is_tfsess):
    ns = _run(DEEP_MNIST)
    assert ns["train_accuracies"][0] < 0.4          # chance is 0.1
    assert ns["test_accuracy"] > 0.9, ns["test_accuracy"]


LAYERS_ESTIMATOR_STYLE = """
import input_data
import tensorflow as tf

mnist = input_data.read_data_sets("MNIST_data", one_hot=False, side=12, n_train=1000, n_test=300)
tf.set_random_seed(1)

features = tf.placeholder(tf.float32, [None, 144])
labels = tf.placeholder(tf.int32, [None])
training = tf.placeholder_with_default(False, shape=())

input_layer = tf.reshape(features, [-1, 12, 12, 1])
conv1 = tf.layers.conv2d(inputs=input_layer, filters=8, kernel_size=[3, 3], padding="same", activation=tf.nn.relu)
pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2], strides=2)
norm1 = tf.layers.batch_normalization(pool1, training=training)
pool2_flat = tf.layers.flatten(norm1)
dense = tf.layers.dense(inputs=pool2_flat, units=32, activation=tf.nn.relu)
dropout = tf.layers.dropout(inputs=dense, rate=0.4, training=training)
logits = tf.layers.dense(inputs=dropout, units=10)

loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits) if hasattr(tf, "losses") else \\
    tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=tf.train.get_or_create_global_step())
accuracy = tf.reduce_mean(tf.cast(tf.nn.in_top_k(logits, labels, 1), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(150):
        xs, ys = mnist.train.next_batch(50)
        sess.run(train_op, {features: xs, labels: ys, training: True})
    test_accuracy = sess.run(accuracy, {features: mnist.test.images, labels: mnist.test.labels})
    moving_mean = sess.run("batch_normalization/moving_mean:0")
"""


def test_tf_layers_tutorial_with_batch_norm_updates(tensorflow_is_tfsess):
    ns = _run(LAYERS_ESTIMATOR_STYLE)
    assert ns["test_accuracy"] > 0.9, ns["test_accuracy"]
    assert np.all(ns["moving_mean"] > 0)   # the moving averages were updated through UPDATE_OPS
