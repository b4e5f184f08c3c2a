"""TF1 training programs, written against a `tf` module passed in.

tests/test_training.py runs them with tfsess; the same functions, run with real TensorFlow, produced
the reference loss curves recorded there:

    cd tests && /work/venvs/tf/bin/python -c "import tensorflow.compat.v1 as tf; tf.disable_v2_behavior(); \
        import training_programs as p; p.print_reference(tf)"

Data and initial weights are NumPy constants (a fixed RandomState, sines and cosines), never random
ops, since tfsess's random streams differ from TF's.
"""
import numpy as np

# Loss values recorded: before steps 0, 1, 2, 3, 5, 10, 20, ..., 90, and after the 100th step.
RECORDED_STEPS = [0, 1, 2, 3, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]


def data():
    """64 examples, 4 features; binary labels (logistic regression) and 3 classes (MLP)."""
    rng = np.random.RandomState(0)
    x = rng.randn(64, 4).astype(np.float32)
    w = np.array([[1.5], [-2.0], [0.5], [1.0]], np.float32)
    y_bin = (x @ w + 0.5 * rng.randn(64, 1) > 0).astype(np.float32)
    y_cls = np.argmax(x[:, :3] + 0.5 * rng.randn(64, 3), axis=1).astype(np.int32)
    return x, y_bin, y_cls


def logistic_regression(tf, x, y):
    w = tf.Variable(np.linspace(-0.5, 0.5, 4, dtype=np.float32).reshape(4, 1), name="w")
    b = tf.Variable(np.zeros([1], np.float32), name="b")
    logits = tf.matmul(x, w) + b
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))


def mlp(tf, x, y):
    w1 = tf.Variable((0.5 * np.sin(np.arange(32) + 1.0)).reshape(4, 8).astype(np.float32), name="w1")
    b1 = tf.Variable(np.full([8], 0.1, np.float32), name="b1")
    w2 = tf.Variable((0.5 * np.cos(np.arange(24) * 0.7)).reshape(8, 3).astype(np.float32), name="w2")
    b2 = tf.Variable(np.zeros([3], np.float32), name="b2")
    hidden = tf.nn.tanh(tf.matmul(x, w1) + b1)
    logits = tf.nn.bias_add(tf.matmul(hidden, w2), b2)
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))


MODELS = {"logistic": logistic_regression, "mlp": mlp}


def _decayed(tf, staircase):
    step = tf.train.get_or_create_global_step()
    return tf.train.exponential_decay(0.5, step, 10, 0.8, staircase=staircase)


OPTIMIZERS = {
    "sgd": lambda tf: tf.train.GradientDescentOptimizer(0.5),
    "momentum": lambda tf: tf.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda tf: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adam": lambda tf: tf.train.AdamOptimizer(0.05),
    "adagrad": lambda tf: tf.train.AdagradOptimizer(0.3),
    "rmsprop": lambda tf: tf.train.RMSPropOptimizer(0.01),
    "rmsprop_momentum_centered": lambda tf: tf.train.RMSPropOptimizer(0.01, momentum=0.5, centered=True),
    "sgd_exponential_decay": lambda tf: tf.train.GradientDescentOptimizer(_decayed(tf, False)),
    "sgd_exponential_decay_staircase": lambda tf: tf.train.GradientDescentOptimizer(_decayed(tf, True)),
}


def train(tf, model, optimizer, steps=100):
    """The usual TF1 loop; returns (losses at RECORDED_STEPS, final global step or None)."""
    x_np, y_bin, y_cls = data()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        if model == "logistic":
            y = tf.placeholder(tf.float32, [None, 1], name="y")
            feed = {x: x_np, y: y_bin}
        else:
            y = tf.placeholder(tf.int32, [None], name="y")
            feed = {x: x_np, y: y_cls}
        loss = MODELS[model](tf, x, y)
        opt = OPTIMIZERS[optimizer](tf)
        step = tf.train.get_global_step()
        train_op = opt.minimize(loss, global_step=step)
        losses = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(steps):
                _, value = sess.run([train_op, loss], feed_dict=feed)
                losses.append(float(value))
            losses.append(float(sess.run(loss, feed_dict=feed)))
            final_step = None if step is None else int(sess.run(step))
    return [losses[i] for i in RECORDED_STEPS], final_step


def print_reference(tf):
    print("REFERENCE = {")
    for model in MODELS:
        for optimizer in OPTIMIZERS:
            losses, final_step = train(tf, model, optimizer)
            print("    (%r, %r): (%r, %r)," % (model, optimizer, losses, final_step))
    print("}")
