"""Writes tiny MNIST-format files (the four standard idx .gz names) for the corpus and tests: 60 train, 20 test.

Each class is a fixed 28x28 stroke pattern with deterministic noise, so a softmax regression learns it in a few
steps. Plain NumPy and gzip: the reference run under real TensorFlow uses the very same files.
"""
import gzip
import os
import struct

import numpy as np

FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz")


def _images(n, rng, protos, labels):
    noise = rng.randint(0, 60, size=(n, 28, 28))
    imgs = np.clip(protos[labels] * 200 + noise, 0, 255).astype(np.uint8)
    return imgs


def write_tiny_mnist(directory: str, n_train: int = 60, n_test: int = 20) -> str:
    """Create `directory` with the four files; returns it."""
    os.makedirs(directory, exist_ok=True)
    rng = np.random.RandomState(1234)
    protos = (rng.rand(10, 28, 28) < 0.2).astype(np.int64)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = (np.arange(n) * 7) % 10
        imgs = _images(n, rng, protos, labels)
        with gzip.GzipFile(os.path.join(directory, "%s-images-idx3-ubyte.gz" % prefix), "wb", mtime=0) as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + imgs.tobytes())
        with gzip.GzipFile(os.path.join(directory, "%s-labels-idx1-ubyte.gz" % prefix), "wb", mtime=0) as f:
            f.write(struct.pack(">II", 2049, n) + labels.astype(np.uint8).tobytes())
    return directory


if __name__ == "__main__":
    import sys
    write_tiny_mnist(sys.argv[1] if len(sys.argv) > 1 else "MNIST_data")
