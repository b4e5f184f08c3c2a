"""TensorFlow's own files in tfsess: a checkpoint + .meta of a 2-layer MLP and a frozen GraphDef, written once
by real TF (tests/fixtures/tf_files/make_fixtures.py), load and reproduce TF's recorded outputs; checkpoints
tfsess writes go back through the same reader (and TF's reader accepts them: `make_fixtures.py --check`)."""
import functools
import json
import pathlib
import shutil

import numpy as np
import pytest

import tfsess as tf

HERE = pathlib.Path(__file__).resolve().parent / "fixtures" / "tf_files"
REC = json.loads((HERE / "outputs.json").read_text())
X = np.array(REC["x"], np.float32)


@pytest.fixture
def mlp(tmp_path):
    d = tmp_path / "mlp"
    shutil.copytree(HERE / "mlp", d)
    return d


def test_tf_checkpoint_reader_gives_tf_values_names_and_dtypes(mlp):
    reader = tf.train.NewCheckpointReader(str(mlp / "model.ckpt"))
    shapes, dtypes = reader.get_variable_to_shape_map(), reader.get_variable_to_dtype_map()
    assert sorted(shapes) == sorted(REC["variables"])
    for name, rec in REC["variables"].items():
        assert shapes[name] == rec["shape"] and dtypes[name].name == rec["dtype"]
        value = reader.get_tensor(name)
        if rec["dtype"] == "string":
            assert [s.decode("latin-1") for s in np.ravel(value)] == rec["value"]
        else:
            np.testing.assert_array_equal(value, np.array(rec["value"]))
    assert reader.has_tensor("global_step") and not reader.has_tensor("nope")
    assert reader.get_tensor("global_step") == 42 and isinstance(reader.get_tensor("global_step"), np.int64)
    assert tf.train.list_variables(str(mlp))[0] == ("extra/big", [])
    assert tf.train.load_variable(str(mlp), "extra/big:0") == 2 ** 40 + 3
    assert tf.train.latest_checkpoint(str(mlp)) == str(mlp / "model.ckpt")
    assert tf.train.get_checkpoint_state(str(mlp)).all_model_checkpoint_paths == [str(mlp / "model.ckpt")]
    assert reader.debug_string().startswith(b"extra/big (DT_INT64) []\nextra/counts (DT_INT32) [3]\n")


def test_tf_meta_graph_and_checkpoint_load_and_run(mlp):
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(str(mlp / "model.ckpt.meta"))
        assert {v.op.name for v in tf.global_variables()} == set(REC["variables"])
        assert [v.op.name for v in tf.trainable_variables()][:4] == ["layer1/weights", "layer1/biases",
                                                                     "layer2/weights", "layer2/biases"]
        assert not any(op.name.startswith("save/") for op in g.get_operations())
        with tf.Session() as sess:
            saver.restore(sess, tf.train.latest_checkpoint(str(mlp)))
            logits, probs = sess.run(["layer2/logits:0", tf.get_collection("outputs")[0]], {"x:0": X})
            np.testing.assert_allclose(logits, REC["logits"], rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(probs, REC["probs"], rtol=1e-5, atol=1e-6)
            assert sess.run(tf.train.get_global_step()) == 42


def test_tf_training_graph_keeps_training_in_tfsess_as_in_tf(mlp):
    """TF's gradient and GradientDescent ops from the .meta run here: the same losses step by step."""
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(str(mlp / "model.ckpt.meta"))
        train = tf.get_collection(tf.GraphKeys.TRAIN_OP)[0]
        assert train.type == "AssignAdd"        # minimize(global_step=...) ends in the step's increment
        feed = {"x:0": X, "labels:0": np.array(REC["labels"])}
        with tf.Session() as sess:
            saver.restore(sess, str(mlp / "model.ckpt"))
            losses = [sess.run(["loss:0", train], feed)[0] for _ in range(3)]
            np.testing.assert_allclose(losses, REC["train_losses"], rtol=1e-5)
            np.testing.assert_allclose(sess.run("probs:0", feed), REC["probs_after_training"], rtol=1e-5, atol=1e-6)
            assert sess.run("global_step:0") == 45


@pytest.mark.parametrize("name", ["frozen.pb", "frozen.pbtxt"])
def test_frozen_graph_def_imports_with_input_map_and_return_elements(name):
    data = (HERE / name).read_bytes()
    gd = tf.GraphDef()
    if name.endswith(".pbtxt"):
        from google.protobuf import text_format
        text_format.Parse(data.decode("utf-8"), gd)
    else:
        gd.ParseFromString(data)
    assert sorted({n.op for n in gd.node}) == REC["frozen_ops"]
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 4], name="mine")
        probs, op = tf.import_graph_def(gd, input_map={"x:0": x}, return_elements=["probs:0", "layer2/logits"])
        assert probs.name == "import/probs:0" and op.name == "import/layer2/logits"
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(probs, {x: X}), REC["probs"], rtol=1e-5, atol=1e-6)
        tf.import_graph_def(gd, name="again")
        assert g.get_operation_by_name("again/probs").type == "Softmax"


def test_import_graph_def_names_unknown_op_types_and_adds_nothing():
    gd = tf.GraphDef()
    gd.ParseFromString((HERE / "frozen.pb").read_bytes())
    gd.node[-1].op = "FancyOp"
    gd.node[-2].op = "OtherOp"
    with tf.Graph().as_default() as g:
        with pytest.raises(ValueError, match="op types not supported by tfsess: FancyOp, OtherOp"):
            tf.import_graph_def(gd)
        assert g.get_operations() == []


def _mlp_in_tfsess():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    w = tf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3) / 10, name="layer/w")
    b = tf.Variable(np.array([0.5, -0.5, 0.0], np.float32), name="layer/b")
    logits = tf.nn.bias_add(tf.matmul(x, w), b)
    probs = tf.nn.softmax(logits, name="probs")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), name="loss")
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=tf.train.get_or_create_global_step())
    tf.add_to_collection(tf.GraphKeys.TRAIN_OP, train)
    tf.Variable(np.array([b"a", b"\x00\xff"], dtype=object), name="words")
    tf.Variable(np.array([[1, 2]], np.int64), name="ints")
    tf.Variable(np.array([True]), name="flag")
    tf.Variable(np.float64(2.5), name="double")
    tf.Variable(np.int32(-3), name="small")
    tf.add_to_collection("outputs", probs)
    return x, labels, probs, loss, train


def test_a_tfsess_checkpoint_reads_back_through_the_tf_reader_path(tmp_path):
    """What make_fixtures.py --check gives TF (run it on TFSESS_KEEP_CHECKPOINT's copy), read here the same way."""
    import os
    feed_y = np.array(REC["labels"])
    with tf.Graph().as_default():
        x, labels, probs, loss, train = _mlp_in_tfsess()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want = {v.op.name: sess.run(v) for v in tf.global_variables()}
            out = sess.run(probs, {x: X})
            path = tf.train.Saver().save(sess, str(tmp_path / "model.ckpt"), global_step=3)
            losses = [sess.run([loss, train], {x: X, labels: feed_y})[0] for _ in range(3)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint", "model.ckpt-3.data-00000-of-00001",
                                                          "model.ckpt-3.index", "model.ckpt-3.meta"]
    if os.environ.get("TFSESS_KEEP_CHECKPOINT"):
        shutil.copytree(str(tmp_path), os.environ["TFSESS_KEEP_CHECKPOINT"], dirs_exist_ok=True)
    reader = tf.train.load_checkpoint(str(tmp_path))
    assert reader.get_variable_to_dtype_map()["words"] == tf.string
    for name, value in want.items():
        np.testing.assert_array_equal(reader.get_tensor(name), value)
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(path + ".meta")
        # tfsess's own gradient helpers were written as TF's ops (TF imports them: make_fixtures.py --check)
        assert not {"SumToShape", "ReduceGrad"} & {op.type for op in g.get_operations()}
        with tf.Session() as sess:
            saver.restore(sess, path)
            np.testing.assert_allclose(sess.run(tf.get_collection("outputs")[0], {"x:0": X}), out, rtol=1e-6)
            train = tf.get_collection(tf.GraphKeys.TRAIN_OP)[0]
            again = [sess.run(["loss:0", train], {"x:0": X, "labels:0": feed_y})[0] for _ in range(3)]
            np.testing.assert_allclose(again, losses, rtol=1e-6)


def test_tfsess_writes_the_same_bytes_as_tf_for_the_same_tensors(mlp, tmp_path):
    reader = tf.train.NewCheckpointReader(str(mlp / "model.ckpt"))
    with tf.Graph().as_default():
        vs = [tf.Variable(reader.get_tensor(n), name=n) for n in sorted(reader.get_variable_to_shape_map())]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver(vs).save(sess, str(tmp_path / "model.ckpt"), write_meta_graph=False)
    for suffix in (".index", ".data-00000-of-00001"):
        assert (tmp_path / ("model.ckpt" + suffix)).read_bytes() == (mlp / ("model.ckpt" + suffix)).read_bytes()


def test_bad_checkpoint_files_raise_tf_errors_with_tf_first_lines(mlp):
    with pytest.raises(tf.errors.NotFoundError, match="^Unsuccessful TensorSliceReader constructor: Failed to "
                                                     "find any matching files for .*nope"):
        tf.train.NewCheckpointReader(str(mlp / "nope"))
    reader = tf.train.NewCheckpointReader(str(mlp / "model.ckpt"))
    with pytest.raises(tf.errors.NotFoundError, match="^Key nope not found in checkpoint"):
        reader.get_tensor("nope")
    index = (mlp / "model.ckpt.index").read_bytes()
    for raw, msg in [(index[:30], "file is too short to be an sstable"), (index[:-1] + b"x", "bad magic number"),
                     (index[:5] + bytes([index[5] ^ 1]) + index[6:], "block checksum mismatch")]:
        (mlp / "model.ckpt.index").write_bytes(raw)
        with pytest.raises(tf.errors.DataLossError, match=msg):
            tf.train.NewCheckpointReader(str(mlp / "model.ckpt"))
    (mlp / "model.ckpt.index").write_bytes(index)
    data = (mlp / "model.ckpt.data-00000-of-00001").read_bytes()
    (mlp / "model.ckpt.data-00000-of-00001").write_bytes(data[:10] + bytes([data[10] ^ 1]) + data[11:])
    reader = tf.train.NewCheckpointReader(str(mlp / "model.ckpt"))
    with pytest.raises(tf.errors.DataLossError, match="Checksum does not match: stored"):
        [reader.get_tensor(n) for n in reader.get_variable_to_shape_map()]
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file or checkpoints in given directory"):
        tf.train.load_checkpoint(str(mlp / ".."))


def test_write_graph_text_and_binary_round_trip(tmp_path):
    with tf.Graph().as_default() as g:
        _mlp_in_tfsess()
        pb = tf.train.write_graph(g, str(tmp_path), "g.pb", as_text=False)
        txt = tf.train.write_graph(g.as_graph_def(), str(tmp_path), "g.pbtxt")
    assert pathlib.Path(txt).read_text() == str(g.as_graph_def())
    gd = tf.GraphDef.FromString(pathlib.Path(pb).read_bytes())
    names = [n.name for n in gd.node]          # every op, in order; ReduceGrad/SumToShape as TF's ops
    assert [n for n in names if n in g._ops_by_name] == [op.name for op in g.get_operations()]
    assert not {"ReduceGrad", "SumToShape"} & {n.op for n in gd.node} and "BroadcastTo" in {
        n.op for n in gd.node}
    identity = next(n for n in gd.node if n.op == "Identity")
    assert identity.attr["T"].type == 1            # TF's Identity has T; tfsess fills it from the input
    assert list(identity.attr) == sorted(identity.attr)


def test_import_tfsess_does_not_import_protobuf():
    import subprocess
    import sys
    code = "import sys, tfsess; assert not [m for m in sys.modules if m.startswith('google')], sys.modules.keys()"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(HERE.parents[2]))


def test_our_descriptors_match_tensorboards_compiled_protos():
    """The committed descriptors are TF's messages: same fields (numbers, types) as tensorboard's copies."""
    pytest.importorskip("tensorboard")
    from tensorboard.compat.proto import meta_graph_pb2
    from tfsess.framework import protos
    pb = protos.load()

    def fields(desc, seen):
        if desc.full_name in seen:
            return
        seen[desc.full_name] = sorted((f.name, f.number, f.type, f.is_repeated) for f in desc.fields)
        for f in desc.fields:
            if f.message_type is not None:
                fields(f.message_type, seen)
    ours, theirs = {}, {}
    fields(pb.MetaGraphDef.DESCRIPTOR, ours)
    fields(meta_graph_pb2.MetaGraphDef.DESCRIPTOR, theirs)
    assert {k.replace("tensorflow.", "tensorboard."): v for k, v in ours.items()} == theirs


def test_graph_magic_file_option_opens_tf_files_in_a_fresh_graph(tmp_path):
    pytest.importorskip("IPython")
    from IPython.core.error import UsageError
    from IPython.testing.globalipapp import get_ipython
    ip = get_ipython()
    ip.run_line_magic("load_ext", "tfsess")
    try:
        user_graph = ip.user_ns["sess"].graph
        before = len(user_graph.get_operations())
        for name in ("mlp/model.ckpt.meta", "frozen.pb", "frozen.pbtxt"):
            view = ip.run_line_magic("graph", "--file %s --no-draw" % (HERE / name))
            assert "probs" in {r.name for r in view.snap.ops}
        assert len(user_graph.get_operations()) == before
        (tmp_path / "bad.pb").write_bytes(b"\xff not a graph")
        with pytest.raises(UsageError, match="neither a binary nor a text GraphDef"):
            ip.run_line_magic("graph", "--file %s" % (tmp_path / "bad.pb"))
    finally:
        ip.run_line_magic("unload_ext", "tfsess")


def test_prevent_gradient_from_tf_graphs_refuses_its_gradient_as_tf_does():
    from tfsess.framework.opdef import OP_REGISTRY, create_op
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2])
        y = create_op(OP_REGISTRY["PreventGradient"], [x], {"message": "hi"}, "PreventGradient", g)._outputs[0]
        with tf.Session() as sess:
            assert sess.run(y, {x: [1.0, 2.0]}).tolist() == [1.0, 2.0]
        with pytest.raises(LookupError, match=r"^Gradient explicitly disabled. Reason: b'hi'"):
            tf.gradients(y, x)


def test_gradients_flow_through_an_imported_tf_graph():
    """tf.gradients over TF's frozen ops (MatMul, BiasAdd, Relu, Softmax) imported with input_map agree
    with finite differences (float32 graph: loose tolerances)."""
    from tfsess.testing import check_grads
    gd = tf.GraphDef.FromString((HERE / "frozen.pb").read_bytes())

    def fn(x64):
        x = tf.cast(x64, tf.float32)
        probs, = tf.import_graph_def(gd, input_map={"x:0": x}, return_elements=["probs:0"])
        return tf.cast(probs, tf.float64)
    check_grads(fn, [X.astype(np.float64)], delta=1e-2, rtol=2e-2, atol=2e-3)


def _broadcast_grads():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    c = tf.placeholder(tf.float32, [None, 1], name="c")
    w = tf.constant([[1.0, 2.0, 3.0]], name="w")
    y = tf.reduce_sum(tf.reduce_mean(x * w + c, axis=1) ** 2, name="y")
    return x, c, tf.gradients(y, [w, c], name="grads")


def test_gradient_helpers_exported_as_tf_ops_compute_the_same():
    """SumToShape (static and run-time shapes) and ReduceGrad, written as TF's ops, re-imported here."""
    feed = {"x:0": np.arange(6, dtype=np.float32).reshape(2, 3), "c:0": np.array([[1.0], [-2.0]], np.float32)}
    with tf.Graph().as_default() as g:
        _, _, grads = _broadcast_grads()
        assert {"SumToShape", "ReduceGrad"} <= {op.type for op in g.get_operations()}
        with tf.Session() as sess:
            want = sess.run(grads, feed)
        gd = g.as_graph_def()
    assert not {"SumToShape", "ReduceGrad"} & {n.op for n in gd.node}
    with tf.Graph().as_default():
        got = tf.import_graph_def(gd, name="", return_elements=[t.name for t in grads])
        with tf.Session() as sess:
            for a, b in zip(sess.run(got, feed), want):
                np.testing.assert_allclose(a, b, rtol=1e-6)


OPS = json.loads((HERE / "ops.json").read_text())


@functools.lru_cache(maxsize=1)
def _ops_graph():
    gd = tf.GraphDef.FromString((HERE / "ops.pb").read_bytes())
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(gd, name="")
    return g


@pytest.mark.parametrize("name", sorted(OPS["outputs"]))
def test_each_common_op_of_a_tf_graph_gives_tfs_value(name):
    """ops.pb: ~80 ops as TF's Python API builds them (StridedSlice masks, PadV2, Pack ...), TF's values."""
    g = _ops_graph()
    want = OPS["outputs"][name]
    feed = {"x:0": np.array(OPS["feed"]["x:0"], np.float32), "i:0": np.array(OPS["feed"]["i:0"], np.int32)}
    with tf.Session(graph=g) as sess:
        got = sess.run("out_%s:0" % name, feed)
    got = np.asarray(got)
    if want["dtype"] == "string":
        assert [bytes(b).decode() for b in np.ravel(got)] == want["value"]
        return
    assert got.dtype.name == want["dtype"] and list(got.shape) == want["shape"]
    np.testing.assert_allclose(got, np.array(want["value"], got.dtype), rtol=1e-5, atol=1e-6)


def test_a_tf_graph_re_exported_by_tfsess_keeps_its_strided_slice_masks():
    g = _ops_graph()
    again = tf.GraphDef.FromString(g.as_graph_def().SerializeToString())
    orig = {n.name: n for n in tf.GraphDef.FromString((HERE / "ops.pb").read_bytes()).node}
    slices = [n for n in again.node if n.op == "StridedSlice"]
    assert len(slices) >= 5
    for n in slices:
        for mask in ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"):
            assert n.attr[mask].i == orig[n.name].attr[mask].i, (n.name, mask)


def test_reflecting_pad_is_written_as_tf_mirror_pad_and_reads_back():
    with tf.Graph().as_default() as g:
        x = tf.constant(np.arange(6.0).reshape(2, 3))
        y = tf.pad(x, [[1, 1], [2, 0]], mode="REFLECT", name="y")
        z = tf.pad(x, [[0, 1], [0, 0]], constant_values=7.0, name="z")
        with tf.Session() as sess:
            want = sess.run([y, z])
        gd = g.as_graph_def()
    assert {n.name: n.op for n in gd.node}["y"] == "MirrorPad" and {n.name: n.op for n in gd.node}["z"] == "PadV2"
    with tf.Graph().as_default():
        got = tf.import_graph_def(gd, name="", return_elements=["y:0", "z:0"])
        with tf.Session() as sess:
            for a, b in zip(sess.run(got), want):
                np.testing.assert_array_equal(a, b)


def _op_case_graphs():
    """(case, GraphDef, fetch names, values) for each forward case of tests/op_cases.py tfsess can export."""
    import sys
    sys.path.insert(0, str(HERE.parents[1]))
    from op_cases import CASES
    for c in CASES:
        if c.raises or c.check is not None:
            continue
        with tf.Graph().as_default() as g:
            outs = c.build(*[tf.constant(a) for a in c.args])
            outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
            if not all(isinstance(t, tf.Tensor) for t in outs):
                continue
            if any(op.type == "VariableV2" for op in g.get_operations()):
                continue            # state: the round trip is checked on the MLP files above
            with tf.Session() as sess:
                values = sess.run(outs)
            yield c, g.as_graph_def(), [t.name for t in outs], values


# tfsess-only op types, which TF cannot read: a second-derivative helper and tf.print's template form
TFSESS_ONLY = {"ProdOthers", "PrintV2"}


def test_every_op_case_graph_round_trips_through_a_graph_def(tmp_path):
    """Each op case's graph, written as a GraphDef and imported again, gives the same values. With
    TFSESS_KEEP_OPS=DIR the files stay for TF: `make_fixtures.py --check-ops DIR` (TF runs all 513, same values)."""
    import os
    keep = os.environ.get("TFSESS_KEEP_OPS")
    index, count = {}, 0
    for k, (c, gd, fetch, values) in enumerate(_op_case_graphs()):
        if {n.op for n in gd.node} & TFSESS_ONLY or any(np.asarray(v).dtype == object for v in values):
            continue
        with tf.Graph().as_default():
            got = tf.import_graph_def(gd, name="", return_elements=fetch)
            with tf.Session() as sess:
                for a, b in zip(sess.run(got), values):      # float attrs are float32 in a GraphDef (TF's too)
                    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7, err_msg=c.name)
        count += 1
        if keep:
            os.makedirs(keep, exist_ok=True)
            (pathlib.Path(keep) / ("%04d.pb" % k)).write_bytes(gd.SerializeToString())
            np.savez(str(pathlib.Path(keep) / ("%04d.npz" % k)), *[np.asarray(v) for v in values])
            index["%04d.pb" % k] = {"name": c.name, "fetch": fetch}
    if keep:
        (pathlib.Path(keep) / "index.json").write_text(json.dumps(index))
    assert count > 400


def test_input_map_names_not_in_the_graph_def_are_an_error_and_meta_graphs_take_input_maps(mlp):
    gd = tf.GraphDef.FromString((HERE / "frozen.pb").read_bytes())
    with tf.Graph().as_default() as g:
        with pytest.raises(ValueError, match=r"Attempted to map inputs that were not found in graph_def: \[nope:0\]"):
            tf.import_graph_def(gd, input_map={"nope": tf.constant(1.0)})
        assert g.get_operations()[-1].type == "Const"      # only the constant made for the map
    with tf.Graph().as_default():
        x = tf.constant(X, name="batch")
        saver = tf.train.import_meta_graph(str(mlp / "model.ckpt.meta"), input_map={"x": x})
        with tf.Session() as sess:
            saver.restore(sess, str(mlp / "model.ckpt"))
            np.testing.assert_allclose(sess.run("probs:0"), REC["probs"], rtol=1e-5, atol=1e-6)


def test_checkpoint_state_file_escapes_paths_as_tf_text_format(tmp_path):
    d = tmp_path / 'odd "dir" \u00e9'
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        with tf.Session() as sess:
            sess.run(v.initializer)
            path = tf.train.Saver().save(sess, str(d / "model"), write_meta_graph=False)
    assert '\\"dir\\"' in (d / "checkpoint").read_text()
    assert tf.train.latest_checkpoint(str(d)) == path
