# input_data's DataSet: next_batch with and without shuffling, epochs, uint8 images and an explicit seed.
import numpy as np
from tensorflow.examples.tutorials.mnist import input_data
import tensorflow as tf

data = input_data.read_data_sets("MNIST_data", one_hot=False, validation_size=0, seed=42)
train = data.train
print(type(train).__name__, train.num_examples, train.labels[:10])
for i in range(4):
    xs, ys = train.next_batch(25, shuffle=False)
    print("unshuffled", i, xs.shape, ys.tolist()[:6], train.epochs_completed)
for i in range(4):
    xs, ys = data.test.next_batch(7)
    print("shuffled", i, ys.tolist(), data.test.epochs_completed, round(float(xs.sum()), 2))
raw = input_data.read_data_sets("MNIST_data", dtype=tf.uint8, reshape=False, validation_size=5)
print(raw.train.images.dtype, raw.train.images.shape, raw.validation.images.shape, int(raw.test.images.max()))
print(np.asarray(data.validation.images).shape)
try:
    input_data.read_data_sets("MNIST_data", validation_size=1000)
except ValueError as e:
    print("ValueError:", e)
