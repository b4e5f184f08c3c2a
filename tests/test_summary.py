"""tf.summary: summary ops produce real Summary protos, FileWriter writes TensorBoard event files that
tensorboard's own event loader reads back (scalars, histograms, images and the graph)."""
import os
import subprocess
import sys

import numpy as np
import pytest

import tfsess as tf

pytest.importorskip("tensorboard", reason="the optional 'summary' extra (tensorboard) is not installed")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.compat.proto import summary_pb2  # noqa: E402


def _load(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={
        event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0, event_accumulator.IMAGES: 0})
    acc.Reload()
    return acc


def test_summary_ops_names_collections_and_protos():
    x = tf.placeholder(tf.float32, [None])
    with tf.name_scope("train"):
        s1 = tf.summary.scalar("loss", tf.reduce_mean(x))
    s2 = tf.summary.histogram("values", x)
    tf.identity(x, name="loss")
    s3 = tf.summary.scalar("loss", tf.reduce_max(x))
    assert s1.name == "train/loss:0" and s1.op.type == "ScalarSummary" and s1.dtype == tf.string
    assert s2.op.type == "HistogramSummary" and s3.name == "loss_1:0"
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [s1, s2, s3]
    merged = tf.summary.merge_all()
    assert merged.name == "Merge/MergeSummary:0"
    with tf.Session() as sess:
        data = sess.run(merged, {x: [1.0, 2.0, 6.0]})
    assert isinstance(data, bytes)
    s = summary_pb2.Summary.FromString(data)
    by_tag = {v.tag: v for v in s.value}
    assert set(by_tag) == {"train/loss", "values", "loss_1"}
    assert by_tag["train/loss"].simple_value == pytest.approx(3.0)
    assert by_tag["loss_1"].simple_value == pytest.approx(6.0)
    h = by_tag["values"].histo
    assert (h.min, h.max, h.num, h.sum, h.sum_squares) == (1.0, 6.0, 3.0, 9.0, 41.0)
    assert sum(h.bucket) == 3 and list(h.bucket_limit) == sorted(h.bucket_limit)


def test_merge_all_without_summaries_and_duplicate_tags():
    assert tf.summary.merge_all() is None
    a = tf.summary.scalar("a", 1.0)
    b = tf.summary.scalar("b", 2.0, collections=["mine"])
    assert tf.get_collection("mine") == [b] and tf.get_collection(tf.GraphKeys.SUMMARIES) == [a]
    dup = tf.summary.merge([a, tf.summary.scalar("a/", 3.0)])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate tag a found"):
            sess.run(dup)


def test_histogram_buckets_follow_tensorflow_default_edges():
    from tfsess.summary.summary_ops import histogram_proto
    v = np.array([0.0, 0.5, 0.5, -3.0, 1e-13])
    h = histogram_proto(v)
    edges = np.array(h["bucket_limit"])
    counts = np.array(h["bucket"])
    assert counts.sum() == 5
    # each value is counted in the first bucket whose upper limit is above it
    for val, n in ((0.5, 2), (-3.0, 1)):
        k = np.searchsorted(edges, val, side="right")
        assert counts[k] == n and edges[k - 1] <= val < edges[k]
    assert np.all(counts[counts == 0] == 0) and len(edges) < 30   # empty runs collapse


def test_histogram_rejects_nan():
    h = tf.summary.histogram("w", tf.constant([1.0, np.nan]))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Nan in summary histogram for: w"):
            sess.run(h)


def test_image_summary_png_encoding():
    imgs = np.zeros([4, 5, 6, 3], np.float32)
    imgs[:, :, :3, 0] = 1.0
    s = tf.summary.image("pics", imgs, max_outputs=2)
    with tf.Session() as sess:
        proto = summary_pb2.Summary.FromString(sess.run(s))
    assert [v.tag for v in proto.value] == ["pics/image/0", "pics/image/1"]
    im = proto.value[0].image
    assert (im.height, im.width, im.colorspace) == (5, 6, 3)
    from PIL import Image
    import io
    decoded = np.asarray(Image.open(io.BytesIO(im.encoded_image_string)))
    assert decoded.shape == (5, 6, 3)
    assert np.all(decoded[:, :3, 0] == 255) and np.all(decoded[:, 3:] == 0)


def test_filewriter_round_trip_of_a_training_run(tmp_path):
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    with tf.name_scope("model"):
        w = tf.Variable(tf.zeros([3, 1]), name="w")
        pred = tf.matmul(x, w)
    loss = tf.reduce_mean(tf.square(pred - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("weights", w)
    tf.summary.image("input", tf.reshape(x, [-1, 1, 3, 1]), max_outputs=1)
    merged = tf.summary.merge_all()
    rng = np.random.RandomState(0)
    xv = rng.randn(32, 3).astype(np.float32)
    yv = xv @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    losses = []
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph)
        sess.run(tf.global_variables_initializer())
        for step in range(5):
            summary, lv, _ = sess.run([merged, loss, train], {x: xv, y: yv})
            writer.add_summary(summary, step)
            losses.append(lv)
        writer.close()
    files = os.listdir(tmp_path)
    assert len(files) == 1 and files[0].startswith("events.out.tfevents.")
    acc = _load(tmp_path)
    tags = acc.Tags()
    assert tags["scalars"] == ["loss"] and tags["histograms"] == ["weights"] and tags["images"] == ["input/image"]
    assert tags["graph"] is True
    scalars = acc.Scalars("loss")
    assert [e.step for e in scalars] == [0, 1, 2, 3, 4]
    np.testing.assert_allclose([e.value for e in scalars], losses, rtol=1e-6)
    hist = acc.Histograms("weights")
    assert len(hist) == 5 and hist[0].histogram_value.num == 3
    graph = acc.Graph()
    names = {n.name for n in graph.node}
    assert {"x", "y", "model/w", "model/MatMul", "loss", "Merge/MergeSummary",
            "GradientDescent"} <= names | {"loss"}
    assert {n.name: n.op for n in graph.node}["model/MatMul"] == "MatMul"
    matmul = next(n for n in graph.node if n.name == "model/MatMul")
    assert list(matmul.input) == ["x", "model/w/read"]


def test_filewriter_add_graph_later_and_context_manager(tmp_path):
    a = tf.constant(1.0, name="a")
    tf.identity(a, name="b")
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        assert writer.get_logdir() == str(tmp_path)
        writer.add_graph(tf.get_default_graph())
        custom = tf.Summary(value=[tf.Summary.Value(tag="custom", simple_value=4.5)])
        writer.add_summary(custom, global_step=7)
    acc = _load(tmp_path)
    assert {n.name for n in acc.Graph().node} == {"a", "b"}
    assert [(e.step, e.value) for e in acc.Scalars("custom")] == [(7, 4.5)]


def test_import_tfsess_does_not_import_tensorboard():
    code = "import sys, tfsess; print('tensorboard' in sys.modules, 'google.protobuf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_missing_extra_gives_a_clear_error(monkeypatch):
    from tfsess.summary import _backend
    monkeypatch.setattr(_backend, "_LOADED", None)
    for mod in [m for m in sys.modules if m == "tensorboard" or m.startswith("tensorboard.")]:
        monkeypatch.setitem(sys.modules, mod, None)   # makes `import tensorboard...` fail
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    with pytest.raises(ImportError, match=r"pip install 'tfsess\[summary\]'"):
        tf.summary.FileWriter("/nonexistent/never/created")
    s = tf.summary.scalar("x", 1.0)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"tfsess\[summary\]"):
            sess.run(s)


def test_filewriter_accepts_the_old_graph_def_argument(tmp_path):
    x = tf.placeholder(tf.float32, [2], name="x")
    tf.multiply(x, 2.0, name="double")
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph_def)
        writer.close()
    nodes = {n.name: n for n in _load(tmp_path).Graph().node}
    assert nodes["double"].op == "Mul" and list(nodes["double"].input) == ["x", "double/y"]
    assert nodes["x"].attr["dtype"].type == 1   # DT_FLOAT


def test_event_records_are_tensorboards_and_reach_the_file_every_max_queue_events(tmp_path):
    import io
    from tensorboard.summary.writer.record_writer import RecordWriter
    from tfsess.summary import event_file
    for data in (b"", b"x", bytes(range(256)) * 40):   # short, and past crc32c's table-per-byte size
        buf = io.BytesIO()
        RecordWriter(buf).write(data)
        assert event_file.record(data) == buf.getvalue()
    writer = tf.summary.FileWriter(str(tmp_path), max_queue=3, flush_secs=1000)
    path = os.path.join(str(tmp_path), os.listdir(str(tmp_path))[0])
    start = os.path.getsize(path)              # the version event, flushed at once
    s = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="a", simple_value=1.0)])
    writer.add_summary(s, 0)
    writer.add_summary(s, 1)
    assert os.path.getsize(path) == start       # pending
    writer.add_summary(s, 2)
    assert os.path.getsize(path) > start        # the third pending event flushes
    writer.add_summary(s, 3)
    writer.close()
    assert [e.step for e in _load(tmp_path).Scalars("a")] == [0, 1, 2, 3]


def test_pending_events_reach_the_file_after_flush_secs_without_a_close(tmp_path):
    import time
    writer = tf.summary.FileWriter(str(tmp_path), max_queue=100, flush_secs=0.2)
    path = os.path.join(str(tmp_path), os.listdir(str(tmp_path))[0])
    start = os.path.getsize(path)
    writer.add_summary(summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="a", simple_value=1.0)]), 0)
    deadline = time.monotonic() + 10
    while os.path.getsize(path) == start and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.path.getsize(path) > start
    writer.close()
