"""GAN tutorial program: 784-128-1 discriminator, 100-128-784 generator, two Adam optimizers, 400 steps."""
import numpy as np


def main(tf):
    rs = np.random.RandomState(2)
    data = rs.rand(2048, 784).astype(np.float32)

    def xavier_init(size):
        return tf.random_normal(shape=size, stddev=1. / tf.sqrt(size[0] / 2.))

    X = tf.placeholder(tf.float32, shape=[None, 784])
    D_W1 = tf.Variable(xavier_init([784, 128]))
    D_b1 = tf.Variable(tf.zeros(shape=[128]))
    D_W2 = tf.Variable(xavier_init([128, 1]))
    D_b2 = tf.Variable(tf.zeros(shape=[1]))
    theta_D = [D_W1, D_W2, D_b1, D_b2]
    Z = tf.placeholder(tf.float32, shape=[None, 100])
    G_W1 = tf.Variable(xavier_init([100, 128]))
    G_b1 = tf.Variable(tf.zeros(shape=[128]))
    G_W2 = tf.Variable(xavier_init([128, 784]))
    G_b2 = tf.Variable(tf.zeros(shape=[784]))
    theta_G = [G_W1, G_W2, G_b1, G_b2]

    def generator(z):
        G_h1 = tf.nn.relu(tf.matmul(z, G_W1) + G_b1)
        return tf.nn.sigmoid(tf.matmul(G_h1, G_W2) + G_b2)

    def discriminator(x):
        D_h1 = tf.nn.relu(tf.matmul(x, D_W1) + D_b1)
        return tf.matmul(D_h1, D_W2) + D_b2

    G_sample = generator(Z)
    D_logit_real = discriminator(X)
    D_logit_fake = discriminator(G_sample)
    xent = tf.nn.sigmoid_cross_entropy_with_logits
    D_loss = tf.reduce_mean(xent(logits=D_logit_real, labels=tf.ones_like(D_logit_real))) + \
        tf.reduce_mean(xent(logits=D_logit_fake, labels=tf.zeros_like(D_logit_fake)))
    G_loss = tf.reduce_mean(xent(logits=D_logit_fake, labels=tf.ones_like(D_logit_fake)))
    D_solver = tf.train.AdamOptimizer().minimize(D_loss, var_list=theta_D)
    G_solver = tf.train.AdamOptimizer().minimize(G_loss, var_list=theta_G)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for it in range(400):
            j = (it * 128) % 2048
            z = rs.uniform(-1., 1., size=[128, 100]).astype(np.float32)
            _, D_loss_curr = sess.run([D_solver, D_loss], feed_dict={X: data[j:j + 128], Z: z})
            _, G_loss_curr = sess.run([G_solver, G_loss], feed_dict={Z: z})
            if it % 100 == 0:
                sess.run(G_sample, feed_dict={Z: z[:16]})
        return D_loss_curr, G_loss_curr
