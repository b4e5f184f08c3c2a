"""Timeline: a traced run's step_stats as Chrome trace JSON with TF's structure (one 'X' event per node)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import tfsess as tf
from tfsess.client import run_metadata as _rm
from tfsess.client import timeline


def _traced_step_stats():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.ones((3, 4), np.float32), name="w")
    h = tf.nn.sigmoid(tf.matmul(x, w), name="h")
    loss = tf.reduce_sum(h * h, name="loss")
    with tf.Session() as s:
        s.run(w.initializer)
        md = tf.RunMetadata()
        s.run(loss, {x: np.ones((2, 3), np.float32)},
              options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
    return md


def _check_trace(md, text):
    trace = json.loads(text)
    events = trace["traceEvents"]
    meta = [e for e in events if e["ph"] == "M"]
    assert [e["args"]["name"] for e in meta] == [
        "Allocators", "/job:localhost/replica:0/task:0/device:CPU:0 Compute",
        "/job:localhost/replica:0/task:0/device:CPU:0 Tensors"]
    ops = [e for e in events if e["ph"] == "X"]
    node_stats = md.step_stats.dev_stats[0].node_stats
    assert len(ops) == len(node_stats)
    for e, ns in zip(ops, node_stats):
        assert e["args"]["name"] == ns.node_name and e["ts"] == ns.all_start_micros
        assert e["dur"] == ns.all_end_rel_micros and e["cat"] == "Op" and e["pid"] == 1
    by = {e["args"]["name"]: e for e in ops}
    assert by["MatMul"]["name"] == "MatMul" and by["MatMul"]["args"]["op"] == "MatMul"
    assert by["MatMul"]["args"]["input0"] == "x" and by["MatMul"]["args"]["input1"] == "w/read"
    assert by["h"]["args"] == {"name": "h", "op": "Sigmoid", "input0": "MatMul"}
    flows = [e for e in events if e["ph"] in "st"]
    assert all(e["cat"] == "DataFlow" for e in flows)
    starts = {e["id"]: e for e in flows if e["ph"] == "s"}
    ends = {e["id"]: e for e in flows if e["ph"] == "t"}
    assert starts.keys() == ends.keys()
    for fid, s in starts.items():  # arrows only between different lanes, from the producer's end
        assert (s["pid"], s["tid"]) != (ends[fid]["pid"], ends[fid]["tid"]) and s["name"] == ends[fid]["name"]
    return trace


def test_chrome_trace_has_tfs_structure():
    md = _traced_step_stats()
    text = timeline.Timeline(md.step_stats).generate_chrome_trace_format(show_dataflow=True, show_memory=False)
    _check_trace(md, text)


def test_overlapping_nodes_get_lanes_and_flows():
    """Two ops starting in the same microsecond go to different lanes, with a dataflow arrow between them."""
    md = tf.RunMetadata()
    dev = md.step_stats.dev_stats.add(device=_rm.DEVICE)
    a = dev.node_stats.add(node_name="a", all_start_micros=100, all_end_rel_micros=5, timeline_label="a = Const()")
    a.output.add(slot=0).tensor_description.allocation_description.requested_bytes = 4
    dev.node_stats.add(node_name="b", all_start_micros=102, all_end_rel_micros=5, timeline_label="b = Neg(a)")
    trace = json.loads(timeline.Timeline(md.step_stats).generate_chrome_trace_format(show_memory=True))
    xs = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert [e["tid"] for e in xs] == [0, 1]
    flows = [e for e in trace["traceEvents"] if e["ph"] in "st"]
    assert [(e["ph"], e["ts"], e["tid"]) for e in flows] == [("s", 105, 0), ("t", 102, 1)]
    counters = [e for e in trace["traceEvents"] if e["ph"] == "C"]
    assert counters and counters[0]["name"] == ""  # the allocator name (unset here), as TF
    assert any(e["ph"] == "N" for e in trace["traceEvents"]) and any(e["ph"] == "D" for e in trace["traceEvents"])


def test_plain_python_step_stats(monkeypatch):
    monkeypatch.setattr(_rm, "_PROTO_CLASSES", {"RunOptions": _rm.RunOptions, "RunMetadata": _rm.RunMetadata})
    md = _traced_step_stats()
    assert isinstance(md, _rm.RunMetadata)
    _check_trace(md, timeline.Timeline(md.step_stats).generate_chrome_trace_format())


def test_tensorflow_path_alias():
    code = ("import tfsess; tfsess.install_as_tensorflow()\n"
            "from tensorflow.python.client import timeline\n"
            "import tfsess.client.timeline as t\n"
            "assert timeline.Timeline is t.Timeline\n")
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))


@pytest.mark.skipif(not os.path.exists("/work/tfvenv/bin/python"), reason="no reference TensorFlow")
def test_same_trace_as_tfs_timeline(tmp_path):
    """TF's own timeline.py, given our step_stats, writes the same events (reference check)."""
    md = _traced_step_stats()
    ours = timeline.Timeline(md.step_stats).generate_chrome_trace_format(show_dataflow=True, show_memory=True)
    src = tmp_path / "md.pb"
    src.write_bytes(md.SerializeToString())
    code = ("import sys\nfrom tensorflow.core.protobuf import config_pb2\n"
            "from tensorflow.python.client import timeline\n"
            "md = config_pb2.RunMetadata.FromString(open(sys.argv[1], 'rb').read())\n"
            "sys.stdout.write(timeline.Timeline(md.step_stats).generate_chrome_trace_format("
            "show_dataflow=True, show_memory=True))\n")
    proc = subprocess.run(["/work/tfvenv/bin/python", "-c", code, str(src)], capture_output=True, text=True,
                          timeout=300, env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": os.environ.get("PATH", "")})
    if proc.returncode != 0:
        pytest.skip("reference TensorFlow failed: " + proc.stderr[-300:])
    assert json.loads(ours) == json.loads(proc.stdout)
