"""MNIST as TF1's `input_data.read_data_sets`: the four standard idx .gz files from a local directory.

DataSet.next_batch shuffles and wraps epochs exactly as TF 1.15 (NumPy's global generator, seeded from the
graph seed or `seed`), so a program gets the same batches. Nothing is downloaded: when a file is missing the
error says which files to put where.
"""
from __future__ import annotations

import collections
import gzip
import os

import numpy as np

from ..framework import dtypes as _dtypes
from ..ops.random_ops import get_seed

__all__ = ["read_data_sets", "DataSet", "Datasets", "extract_images", "extract_labels", "dense_to_one_hot",
           "load_mnist", "FILES", "MissingMNISTError"]

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


class MissingMNISTError(FileNotFoundError):
    """The MNIST files are not in the directory given to read_data_sets (tfsess never downloads them)."""


def _read32(bytestream) -> int:
    return int(np.frombuffer(bytestream.read(4), dtype=np.dtype(np.uint32).newbyteorder(">"))[0])


def extract_images(f):
    """A [n, rows, cols, 1] uint8 array from an idx3 stream (magic 2051); prints 'Extracting <name>' as TF."""
    print("Extracting", f.name)
    with gzip.GzipFile(fileobj=f) as bytestream:
        magic = _read32(bytestream)
        if magic != 2051:
            raise ValueError("Invalid magic number %d in MNIST image file: %s" % (magic, f.name))
        num_images, rows, cols = _read32(bytestream), _read32(bytestream), _read32(bytestream)
        buf = bytestream.read(rows * cols * num_images)
        data = np.frombuffer(buf, dtype=np.uint8)
        return data.reshape(num_images, rows, cols, 1)


def dense_to_one_hot(labels_dense, num_classes: int):
    """Class labels [n] as one-hot rows [n, num_classes]."""
    num_labels = labels_dense.shape[0]
    index_offset = np.arange(num_labels) * num_classes
    labels_one_hot = np.zeros((num_labels, num_classes))
    labels_one_hot.flat[index_offset + labels_dense.ravel()] = 1
    return labels_one_hot


def extract_labels(f, one_hot: bool = False, num_classes: int = 10):
    """A [n] uint8 label array (or one-hot [n, num_classes]) from an idx1 stream (magic 2049)."""
    print("Extracting", f.name)
    with gzip.GzipFile(fileobj=f) as bytestream:
        magic = _read32(bytestream)
        if magic != 2049:
            raise ValueError("Invalid magic number %d in MNIST label file: %s" % (magic, f.name))
        num_items = _read32(bytestream)
        labels = np.frombuffer(bytestream.read(num_items), dtype=np.uint8)
        if one_hot:
            return dense_to_one_hot(labels, num_classes)
        return labels


class DataSet:
    """Images and labels with TF 1.15's next_batch: shuffle on the first epoch, wrap epochs, reshuffle."""

    def __init__(self, images, labels, fake_data: bool = False, one_hot: bool = False, dtype=_dtypes.float32,
                 reshape: bool = True, seed=None):
        seed1, seed2 = get_seed(seed)
        np.random.seed(seed1 if seed is None else seed2)
        dtype = _dtypes.as_dtype(getattr(dtype, "name", dtype)).base_dtype
        if dtype not in (_dtypes.uint8, _dtypes.float32):
            raise TypeError("Invalid image dtype %r, expected uint8 or float32" % dtype)
        if fake_data:
            self._num_examples = 10000
            self.one_hot = one_hot
        else:
            if images.shape[0] != labels.shape[0]:
                raise ValueError("images.shape: %s labels.shape: %s" % (images.shape, labels.shape))
            self._num_examples = images.shape[0]
            if reshape:
                if images.shape[3] != 1:
                    raise ValueError("reshape=True needs one channel, got images of shape %s" % (images.shape,))
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == _dtypes.float32:
                images = images.astype(np.float32)
                images = np.multiply(images, 1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self) -> int:
        return self._num_examples

    @property
    def epochs_completed(self) -> int:
        return self._epochs_completed

    def next_batch(self, batch_size: int, fake_data: bool = False, shuffle: bool = True):
        """The next `batch_size` examples (a batch crossing an epoch end takes the rest plus the new start)."""
        if fake_data:
            fake_image = [1] * 784
            fake_label = [1] + [0] * 9 if self.one_hot else 0
            return [fake_image for _ in range(batch_size)], [fake_label for _ in range(batch_size)]
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            perm0 = np.arange(self._num_examples)
            np.random.shuffle(perm0)
            self._images = self.images[perm0]
            self._labels = self.labels[perm0]
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest_num_examples = self._num_examples - start
            images_rest_part = self._images[start:self._num_examples]
            labels_rest_part = self._labels[start:self._num_examples]
            if shuffle:
                perm = np.arange(self._num_examples)
                np.random.shuffle(perm)
                self._images = self.images[perm]
                self._labels = self.labels[perm]
            start = 0
            self._index_in_epoch = batch_size - rest_num_examples
            end = self._index_in_epoch
            images_new_part = self._images[start:end]
            labels_new_part = self._labels[start:end]
            return (np.concatenate((images_rest_part, images_new_part), axis=0),
                    np.concatenate((labels_rest_part, labels_new_part), axis=0))
        self._index_in_epoch += batch_size
        end = self._index_in_epoch
        return self._images[start:end], self._labels[start:end]


def _missing_error(train_dir, missing) -> MissingMNISTError:
    return MissingMNISTError(
        "MNIST files not found in %r: missing %s. tfsess never downloads data: put the four standard MNIST "
        "files %s (from http://yann.lecun.com/exdb/mnist/ or a mirror, still gzipped) in that directory."
        % (os.path.abspath(train_dir), ", ".join(missing), ", ".join(FILES)))


def read_data_sets(train_dir, fake_data: bool = False, one_hot: bool = False, dtype=_dtypes.float32,
                   reshape: bool = True, validation_size: int = 5000, seed=None, source_url=None) -> Datasets:
    """Datasets(train, validation, test) from the MNIST .gz files in `train_dir` (the first `validation_size`
    training examples become the validation set, as in TF)."""
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)
        return Datasets(train=fake(), validation=fake(), test=fake())
    paths = [os.path.join(train_dir, name) for name in FILES]
    missing = [name for name, path in zip(FILES, paths) if not os.path.isfile(path)]
    if missing:
        raise _missing_error(train_dir, missing)
    with open(paths[0], "rb") as f:
        train_images = extract_images(f)
    with open(paths[1], "rb") as f:
        train_labels = extract_labels(f, one_hot=one_hot)
    with open(paths[2], "rb") as f:
        test_images = extract_images(f)
    with open(paths[3], "rb") as f:
        test_labels = extract_labels(f, one_hot=one_hot)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError("Validation size should be between 0 and {}. Received: {}."
                         .format(len(train_images), validation_size))
    validation_images = train_images[:validation_size]
    validation_labels = train_labels[:validation_size]
    train_images = train_images[validation_size:]
    train_labels = train_labels[validation_size:]
    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    train = DataSet(train_images, train_labels, **options)
    validation = DataSet(validation_images, validation_labels, **options)
    test = DataSet(test_images, test_labels, **options)
    return Datasets(train=train, validation=validation, test=test)


def load_mnist(train_dir: str = "MNIST-data") -> Datasets:
    return read_data_sets(train_dir)
