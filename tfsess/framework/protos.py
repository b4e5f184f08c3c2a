"""TensorFlow's protocol buffer messages (GraphDef, NodeDef, MetaGraphDef, SaverDef, ...), built on first use.

The classes come from TensorFlow's own descriptors (tfsess/framework/_proto_descriptors.py) in a private
descriptor pool, so they never clash with real TensorFlow's or tensorboard's classes in the same process.
`import tfsess` does not import protobuf: `load()` does, the first time a graph is turned into a proto.
"""
from __future__ import annotations

__all__ = ["load", "MissingProtobufError"]

HINT = ("reading and writing TensorFlow's graph files needs the 'protobuf' package (a dependency of tfsess: "
        "pip install protobuf)")


class MissingProtobufError(ImportError):
    """The protobuf package is not installed."""


_NS = None
_MESSAGES = {
    "GraphDef": "tensorflow.GraphDef", "NodeDef": "tensorflow.NodeDef", "AttrValue": "tensorflow.AttrValue",
    "NameAttrList": "tensorflow.NameAttrList", "TensorProto": "tensorflow.TensorProto",
    "TensorShapeProto": "tensorflow.TensorShapeProto", "VersionDef": "tensorflow.VersionDef",
    "MetaGraphDef": "tensorflow.MetaGraphDef", "CollectionDef": "tensorflow.CollectionDef",
    "SaverDef": "tensorflow.SaverDef", "VariableDef": "tensorflow.VariableDef",
    "SignatureDef": "tensorflow.SignatureDef", "TensorInfo": "tensorflow.TensorInfo",
    "OpList": "tensorflow.OpList", "OpDef": "tensorflow.OpDef",
}


class _Namespace:
    """The message classes by short name (`pb.GraphDef`), the DataType enum and text_format."""


def load() -> _Namespace:
    """The message classes, built once; MissingProtobufError without protobuf."""
    global _NS
    if _NS is None:
        _NS = _build()
    return _NS


def _build() -> _Namespace:
    import base64
    import zlib
    try:
        from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, text_format, wrappers_pb2
        from google.protobuf import message_factory
    except ImportError as err:
        raise MissingProtobufError("%s (%s)" % (HINT, err)) from err
    from ._proto_descriptors import FILE_DESCRIPTOR_SET
    fds = descriptor_pb2.FileDescriptorSet.FromString(zlib.decompress(base64.b64decode("".join(FILE_DESCRIPTOR_SET))))
    pool = descriptor_pool.DescriptorPool()
    for well_known in (any_pb2, wrappers_pb2):     # the google.protobuf files TF's protos import
        fdp = descriptor_pb2.FileDescriptorProto()
        well_known.DESCRIPTOR.CopyToProto(fdp)
        pool.Add(fdp)
    for fdp in fds.file:
        pool.Add(fdp)
    ns = _Namespace()
    import re
    whole_float = re.compile(r"^( *\w+: -?\d+)\.0$", re.M)

    def text(message):
        """Protobuf's text format as TF 1.x prints it: map entries (attrs) sorted by key, `1` not `1.0`."""
        return whole_float.sub(r"\1", text_format.MessageToString(message))
    get_class = getattr(message_factory, "GetMessageClass", None) or message_factory.MessageFactory(pool).GetPrototype
    for short, full in _MESSAGES.items():
        cls = get_class(pool.FindMessageTypeByName(full))
        cls.__str__ = text
        setattr(ns, short, cls)
    ns.pool = pool
    ns.text_format = text_format
    enum = pool.FindEnumTypeByName("tensorflow.DataType")
    ns.dtype_enum = {v.name: v.number for v in enum.values}        # "DT_FLOAT" -> 1
    ns.dtype_name = {v.number: v.name for v in enum.values}        # 1 -> "DT_FLOAT"
    from google.protobuf.message import DecodeError
    ns.DecodeError = DecodeError
    return ns
