"""Autoencoder tutorial program: 784-256-128-256-784 sigmoid layers, RMSProp, 300 steps of batch 256."""
import numpy as np


def main(tf):
    rs = np.random.RandomState(1)
    data = rs.rand(2048, 784).astype(np.float32)
    n_input, n_h1, n_h2 = 784, 256, 128
    weights = {"encoder_h1": tf.Variable(tf.random_normal([n_input, n_h1])),
               "encoder_h2": tf.Variable(tf.random_normal([n_h1, n_h2])),
               "decoder_h1": tf.Variable(tf.random_normal([n_h2, n_h1])),
               "decoder_h2": tf.Variable(tf.random_normal([n_h1, n_input]))}
    biases = {"encoder_b1": tf.Variable(tf.random_normal([n_h1])),
              "encoder_b2": tf.Variable(tf.random_normal([n_h2])),
              "decoder_b1": tf.Variable(tf.random_normal([n_h1])),
              "decoder_b2": tf.Variable(tf.random_normal([n_input]))}
    X = tf.placeholder("float", [None, n_input])

    def encoder(x):
        layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights["encoder_h1"]), biases["encoder_b1"]))
        return tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights["encoder_h2"]), biases["encoder_b2"]))

    def decoder(x):
        layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights["decoder_h1"]), biases["decoder_b1"]))
        return tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights["decoder_h2"]), biases["decoder_b2"]))

    y_pred = decoder(encoder(X))
    loss = tf.reduce_mean(tf.pow(X - y_pred, 2))
    optimizer = tf.train.RMSPropOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(300):
            j = (i * 256) % 2048
            _, l = sess.run([optimizer, loss], feed_dict={X: data[j:j + 256]})
        return l
