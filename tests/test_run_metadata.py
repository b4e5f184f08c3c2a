"""Per-op tracing (tfsess.client.tracing) and TF's run metadata: step_stats follow the plan's order, pruned
ops and the producers of fed tensors are absent, values are those of sess.run, RunMetadata keeps TF's fields."""
import os
import subprocess
import sys

import numpy as np
import pytest

import tfsess as tf
from tfsess.client import run_metadata as _rm
from tfsess.client.tracing import trace_run

FULL = tf.RunOptions.FULL_TRACE


def _mlp():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2) / 10, name="w")
    b = tf.Variable([0.5, -0.5], name="b")
    h = tf.nn.relu(tf.matmul(x, w, name="mm") + b, name="h")
    loss = tf.reduce_mean(tf.square(h), name="loss")
    unused = tf.exp(loss, name="unused")
    return x, w, b, h, loss, unused


XV = np.array([[1, 2, 3], [-1, 0, 1]], np.float32)


def test_records_follow_the_traced_plan_and_match_run():
    x, w, b, h, loss, unused = _mlp()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        t = trace_run(s, {"loss": loss, "h": h}, {x: XV})
        assert [r.op for r in t.records] == [st.op for st in t.plan.steps]
        assert [r.index for r in t.records] == list(range(len(t.records)))
        names = [r.name for r in t.records]
        assert "unused" not in names and "x" not in names  # pruned; fed (a placeholder never runs)
        assert names.index("mm") < names.index("h") < names.index("loss")
        want = s.run({"loss": loss, "h": h}, {x: XV})
        np.testing.assert_array_equal(t.results["h"], want["h"])
        assert t.results["loss"] == want["loss"]
        assert t.fed == [x] and t.fetches == [loss, h]
        assert {op.name for op in t.ops} == set(names) | {"w", "w/read", "b", "b/read"}
        mm = t.records[names.index("mm")]
        assert mm.fed_inputs == [0] and [(r.input_index, r.variable) for r in mm.reads] == [(1, "w")]
        assert mm.outputs == [((2, 2), "float32", 16)]
        assert all(r.end_us >= r.start_us >= t.start_us for r in t.records) and t.end_us >= t.records[-1].end_us


def test_a_fed_tensors_producers_are_absent():
    x, w, b, h, loss, unused = _mlp()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        t = trace_run(s, loss, {h: np.ones((2, 2), np.float32)})
        assert [r.type for r in t.records] == ["Square", "Const", "Mean"]
        assert t.results == s.run(loss, {h: np.ones((2, 2), np.float32)}) == 1.0
        assert t.variables_read == []


def test_keep_values_reads_writes_and_control_edges():
    v = tf.Variable(1.0, name="v")
    inc = tf.assign_add(v, 2.0, name="inc")
    with tf.control_dependencies([inc]):
        out = tf.identity(v * 10.0, name="out")
    with tf.Session() as s:
        s.run(v.initializer)
        t = trace_run(s, out, keep_values=True)
        assert t.results == 30.0 and s.run(v) == 3.0
        by = {r.name: r for r in t.records}
        assert by["inc"].writes == ["v"] and by["inc"].written_values == {"v": 3.0}
        assert by["inc"].input_values == [2.0] and by["inc"].output_values == [3.0]
        assert by["mul/y"].control_inputs == ["inc"] and ("inc", "mul/y") in t.control_edges
        assert t.variables_written == ["v"] and "v" in t.variables_read
        plain = trace_run(s, out)
        assert plain.records[0].input_values is None and plain.results == 50.0


def test_cond_branch_not_taken_is_skipped():
    p = tf.placeholder(tf.bool, [], name="p")
    r = tf.cond(p, lambda: tf.constant(1.0) * 2.0, lambda: tf.constant(5.0) * 3.0)
    with tf.Session() as s:
        t = trace_run(s, r, {p: True})
        assert t.results == 2.0
        ran = {rec.name for rec in t.records}
        skipped = {op.name for op in t.skipped}
        assert ran.isdisjoint(skipped) and any("mul_1" in n for n in skipped)
        assert len(t.records) + len(t.skipped) == len(t.plan.steps)


def test_failing_traced_run_raises_like_run_and_rolls_back():
    v = tf.Variable(1.0)
    x = tf.placeholder(tf.float32, [None, 2])
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        bad = tf.matmul(x, tf.placeholder_with_default(tf.ones([3, 3]), [None, None]), name="bad")
    with tf.Session() as s:
        s.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            trace_run(s, bad, {x: [[1.0, 2.0]]})
        assert info.value.op.name == "bad" and s.run(v) == 1.0


def test_full_trace_fills_step_stats_in_plan_order():
    x, w, b, h, loss, unused = _mlp()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        md = tf.RunMetadata()
        got = s.run(loss, {x: XV}, options=tf.RunOptions(trace_level=FULL), run_metadata=md)
        assert got == s.run(loss, {x: XV})
        assert len(md.step_stats.dev_stats) == 1
        dev = md.step_stats.dev_stats[0]
        assert dev.device == "/job:localhost/replica:0/task:0/device:CPU:0"
        plan = s._plans[("traced", (loss,), frozenset([x]))]
        assert [n.node_name for n in dev.node_stats] == [st.op.name for st in plan.steps]
        by = {n.node_name: n for n in dev.node_stats}
        mm = by["mm"]
        assert mm.timeline_label == "mm = MatMul(x, w/read)"
        assert mm.all_start_micros > 1e15 and mm.op_end_rel_micros == mm.all_end_rel_micros >= 0
        (out,) = mm.output
        assert out.slot == 0 and out.tensor_description.dtype == 1  # DT_FLOAT
        assert [d.size for d in out.tensor_description.shape.dim] == [2, 2]
        assert out.tensor_description.allocation_description.requested_bytes == 16
        assert md.partition_graphs == [] or len(md.partition_graphs) == 0  # TF: only with output_partition_graphs
        starts = [n.all_start_micros for n in dev.node_stats]
        assert starts == sorted(starts)


def test_no_trace_leaves_run_metadata_empty():
    x, w, b, h, loss, unused = _mlp()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        md = tf.RunMetadata()
        s.run(loss, {x: XV}, options=tf.RunOptions(), run_metadata=md)
        assert md.ByteSize() == 0 and len(md.step_stats.dev_stats) == 0
        s.run(loss, {x: XV}, run_metadata=md)
        assert md.ByteSize() == 0
        s.run(loss, {x: XV}, options=tf.RunOptions(trace_level=tf.RunOptions.SOFTWARE_TRACE), run_metadata=md)
        assert len(md.step_stats.dev_stats[0].node_stats) > 0


def test_partition_graphs_when_asked():
    x, w, b, h, loss, unused = _mlp()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        md = tf.RunMetadata()
        s.run(h, {x: XV}, options=tf.RunOptions(output_partition_graphs=True), run_metadata=md)
        assert len(md.step_stats.dev_stats) == 0  # no trace level: no step stats (as TF)
        (gd,) = md.partition_graphs
        names = [n.name for n in gd.node]
        assert {"w", "w/read", "b", "mm", "h"} <= set(names)
        assert "x" not in names and "loss" not in names and "unused" not in names


def test_make_callable_with_options_fills_metadata():
    a = tf.placeholder(tf.float32, name="a")
    with tf.Session() as s:
        f = s.make_callable(a * 2, [a], accept_options=True)
        md = tf.RunMetadata()
        assert f(3.0, options=tf.RunOptions(trace_level=FULL), run_metadata=md) == 6.0
        assert [n.node_name for n in md.step_stats.dev_stats[0].node_stats] == ["mul/y", "mul"]


def test_plain_python_messages_have_tfs_fields(monkeypatch):
    """Without tensorboard, tf.RunOptions / tf.RunMetadata are plain classes with the same fields."""
    monkeypatch.setattr(_rm, "_PROTO_CLASSES", {"RunOptions": _rm.RunOptions, "RunMetadata": _rm.RunMetadata})
    assert tf.RunMetadata is _rm.RunMetadata
    x, w, b, h, loss, unused = _mlp()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        md = tf.RunMetadata()
        assert md.ByteSize() == 0
        s.run(loss, {x: XV}, options=tf.RunOptions(trace_level=FULL, output_partition_graphs=True), run_metadata=md)
        ns = md.step_stats.dev_stats[0].node_stats
        assert ns[0].node_name == "mm" and ns[0].output[0].tensor_description.shape.dim[1].size == 2
        assert "mm" in [n.name for n in md.partition_graphs[0].node]
        assert 'node_name: "mm"' in str(md)
        with pytest.raises(ValueError, match='has no "bogus" field'):
            tf.RunOptions(bogus=1)
        proto = _rm.to_proto(md)   # what FileWriter.add_run_metadata writes
        assert [n.node_name for n in proto.step_stats.dev_stats[0].node_stats] == [n.node_name for n in ns]
        assert proto.partition_graphs[0].node[0].name == md.partition_graphs[0].node[0].name


def test_real_protos_are_tfs_classes():
    assert type(tf.RunMetadata()).__module__.endswith("config_pb2")
    assert tf.RunOptions.FULL_TRACE == 3 and tf.compat.v1.RunMetadata is tf.RunMetadata


def test_file_writer_writes_the_run_metadata(tmp_path):
    from tensorboard.backend.event_processing import event_file_loader
    from tensorboard.compat.proto import config_pb2
    x, w, b, h, loss, unused = _mlp()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        md = tf.RunMetadata()
        s.run(loss, {x: XV}, options=tf.RunOptions(trace_level=FULL), run_metadata=md)
        fw = tf.summary.FileWriter(str(tmp_path))
        fw.add_run_metadata(md, "step0")
        fw.close()
    (path,) = [os.path.join(tmp_path, f) for f in os.listdir(tmp_path)]
    tagged = [e.tagged_run_metadata for e in event_file_loader.LegacyEventFileLoader(path).Load()
              if e.HasField("tagged_run_metadata")]
    assert tagged[0].tag == "step0"
    back = config_pb2.RunMetadata.FromString(tagged[0].run_metadata)
    assert [n.node_name for n in back.step_stats.dev_stats[0].node_stats] == \
        [n.node_name for n in md.step_stats.dev_stats[0].node_stats]


def test_import_stays_free_of_protobuf():
    code = "import sys, tfsess; assert 'google.protobuf' not in sys.modules, 'protobuf imported'"
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))


def test_step_stats_of_a_run_fed_in_the_middle():
    """Feeding h cuts the graph: mm, the BiasAdd and the variables' consumers are absent from step_stats."""
    x, w, b, h, loss, unused = _mlp()
    with tf.Session() as s:
        md = tf.RunMetadata()
        s.run(loss, {h: np.ones((2, 2), np.float32)}, options=tf.RunOptions(trace_level=FULL), run_metadata=md)
        names = [n.node_name for n in md.step_stats.dev_stats[0].node_stats]
        assert names == [st.op.name for st in s._plans[("traced", (loss,), frozenset([h]))].steps]
        assert "mm" not in names and "h" not in names and "unused" not in names and names[-1] == "loss"
        assert md.step_stats.dev_stats[0].node_stats[0].timeline_label == "Square = Square(h)"


def test_bad_options_or_metadata_fail_before_running():
    v = tf.Variable(1.0)
    inc = tf.assign_add(v, 1.0)
    with tf.Session() as s:
        s.run(v.initializer)
        with pytest.raises(TypeError, match="run_metadata must be a tf.RunMetadata, got dict"):
            s.run(inc, options=tf.RunOptions(trace_level=FULL), run_metadata={})
        with pytest.raises(TypeError, match="options must be a tf.RunOptions, got int"):
            s.run(inc, options=3, run_metadata=tf.RunMetadata())
        assert s.run(v) == 1.0
