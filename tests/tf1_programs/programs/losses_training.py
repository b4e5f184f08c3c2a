# tf.losses in a small training loop: softmax cross-entropy with an L2 penalty, weighted regression losses,
# reductions and the LOSSES collection.
import numpy as np
import tensorflow as tf

tf.set_random_seed(1)
rng = np.random.RandomState(0)
x_data = rng.randn(30, 4).astype(np.float32)
true_w = np.array([[1.0, -1.0, 0.5], [0.5, 0.2, -0.3], [-0.7, 0.4, 0.1], [0.2, -0.5, 0.9]], np.float32)
labels = np.argmax(x_data.dot(true_w), axis=1)
onehot = np.eye(3, dtype=np.float32)[labels]

x = tf.placeholder(tf.float32, [None, 4])
y = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.zeros([4, 3]))
b = tf.Variable(tf.zeros([3]))
logits = tf.matmul(x, W) + b
xent = tf.losses.softmax_cross_entropy(onehot_labels=y, logits=logits, label_smoothing=0.1)
tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, 0.01 * tf.nn.l2_loss(W))
total = tf.losses.get_total_loss()
train = tf.train.GradientDescentOptimizer(0.5).minimize(total)
print(xent.name, total.name, [t.name for t in tf.losses.get_losses()])
print([t.name for t in tf.losses.get_regularization_losses()], tf.losses.get_regularization_loss().name)

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for step in range(30):
    _, l = sess.run([train, total], {x: x_data, y: onehot})
    if step % 10 == 0:
        print(step, round(float(l), 4))
print("accuracy", np.mean(sess.run(tf.argmax(logits, 1), {x: x_data}) == labels))

sparse = tf.losses.sparse_softmax_cross_entropy(labels=labels.reshape(-1, 1), logits=logits,
                                                weights=np.linspace(0, 1, 30).reshape(-1, 1))
print(sparse.name, round(float(sess.run(sparse, {x: x_data})), 4))

pred = tf.constant([[0.2, 0.7], [0.6, 0.1], [0.9, 0.4]])
target = tf.constant([[0., 1.], [1., 0.], [1., 1.]])
weights = tf.constant([[1.], [0.], [2.]])
R = tf.losses.Reduction
for reduction in (R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE, R.SUM_BY_NONZERO_WEIGHTS):
    loss = tf.losses.mean_squared_error(target, pred, weights=weights, reduction=reduction)
    print(reduction, loss.name, np.round(sess.run(loss).astype(np.float64), 4).tolist())
for fn in (tf.losses.absolute_difference, tf.losses.huber_loss, tf.losses.log_loss, tf.losses.hinge_loss):
    loss = fn(target, pred, weights=weights)
    print(fn.__name__, loss.name, round(float(sess.run(loss)), 4))
sig = tf.losses.sigmoid_cross_entropy(target, pred, label_smoothing=0.2, scope="sig")
cos = tf.losses.cosine_distance(tf.nn.l2_normalize(target, 1), tf.nn.l2_normalize(pred, 1), axis=1)
print(sig.name, round(float(sess.run(sig)), 4), cos.name, round(float(sess.run(cos)), 4))
print(len(tf.get_collection(tf.GraphKeys.LOSSES)))
try:
    tf.losses.mean_squared_error(target, pred, weights=[1., 2.])
except ValueError as e:
    print("ValueError:", str(e)[:60])
