# The classic MNIST softmax regression tutorial (reads MNIST_data/ from the current directory).
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

tf.set_random_seed(1)
mnist = input_data.read_data_sets("MNIST_data/", one_hot=True, validation_size=10)
print(mnist.train.num_examples, mnist.validation.num_examples, mnist.test.num_examples)
print(mnist.train.images.shape, mnist.train.images.dtype, mnist.train.labels.shape)

x = tf.placeholder(tf.float32, [None, 784])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.matmul(x, W) + b
y_ = tf.placeholder(tf.float32, [None, 10])
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

sess = tf.InteractiveSession()
tf.global_variables_initializer().run()
for step in range(30):
    batch_xs, batch_ys = mnist.train.next_batch(20)
    _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    if step % 10 == 0:
        print("step %d loss %.4f labels %s" % (step, loss, batch_ys.argmax(1)[:5]))
print("epochs completed:", mnist.train.epochs_completed)
correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
print("test accuracy %.4f" % sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels}))
