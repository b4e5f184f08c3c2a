"""tf.data: input pipelines (Dataset, TextLineDataset, iterators) as graph ops, in the TF1 style."""
from . import experimental  # noqa: F401
from .dataset import Dataset, DatasetV1, TextLineDataset  # noqa: F401
from .iterator import (Iterator, make_one_shot_iterator, make_initializable_iterator, get_output_types,  # noqa: F401
                       get_output_shapes, get_output_classes)

__all__ = ["Dataset", "DatasetV1", "TextLineDataset", "Iterator", "make_one_shot_iterator",
           "make_initializable_iterator", "get_output_types", "get_output_shapes", "get_output_classes",
           "experimental"]
