"""Reliability under threads and bad input (issue 15): atomic updates, per-run rollback, fetch checks, no aliasing."""
import collections
import sys
import threading

import numpy as np
import pytest

import tfsess as tf
from tfsess.client import session as session_mod


def _counter_graph():
    g = tf.Graph()
    with g.as_default():
        c = tf.Variable(0, name="c")
        sess = tf.Session()
        sess.run(c.initializer)
    return g, c, sess


def _run_threads(*targets):
    """Run the targets in threads with a tiny GIL switch interval, so that races show up at once."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=t) for t in targets]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)


# --- 1: use_locking ---------------------------------------------------------------------------

def test_use_locking_is_stored_with_tf_defaults():
    with tf.Graph().as_default():
        v = tf.Variable(0)
        assert tf.assign_add(v, 1, use_locking=True).op.get_attr("use_locking") is True
        assert tf.assign_add(v, 1).op.get_attr("use_locking") is False
        assert tf.assign_sub(v, 1, use_locking=True).op.get_attr("use_locking") is True
        assert tf.assign(v, 1).op.get_attr("use_locking") is True          # Assign's attr default in TF
        assert v.assign(1).op.get_attr("use_locking") is False             # Variable.assign(use_locking=False)
        assert v.assign_add(1, use_locking=True).op.get_attr("use_locking") is True


def test_locked_assign_add_loses_no_update_across_threads():
    g, c, sess = _counter_graph()
    with g.as_default():
        add = tf.assign_add(c, 1, use_locking=True)

    def work():
        for _ in range(1500):
            sess.run(add)
    _run_threads(*[work] * 8)
    assert sess.run(c) == 8 * 1500


# --- 2: a failed run rolls back only its own writes -------------------------------------------

def test_rollback_keeps_other_threads_committed_writes():
    g, c, sess = _counter_graph()
    with g.as_default():
        add = c.assign_add(1)
        failing = tf.group(c.assign_add(1000), tf.assert_positive(tf.constant(-1)))
    failures = []

    def fail():
        for _ in range(300):
            try:
                sess.run(failing)
            except tf.errors.InvalidArgumentError:
                failures.append(1)

    def work():
        for _ in range(2000):
            sess.run(add)
    _run_threads(fail, work)
    assert len(failures) == 300
    assert sess.run(c) == 2000


def test_single_thread_failed_run_still_leaves_variables_unchanged():
    g, c, sess = _counter_graph()
    with g.as_default():
        failing = tf.group(c.assign_add(5), tf.assert_positive(tf.constant(-1)))
        sess.run(c.assign(7))
    with pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(failing)
    assert sess.run(c) == 7


# --- 3: plan cache eviction -------------------------------------------------------------------

def test_plan_cache_eviction_under_threads(monkeypatch):
    monkeypatch.setattr(session_mod, "_PLAN_CACHE_SIZE", 1)
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [])
        outs = [x + float(i) for i in range(24)]
        sess = tf.Session()
    errors = []

    def work(k):
        try:
            for r in range(1000):
                i = (k * 7 + r) % len(outs)
                assert sess.run([outs[i]], {x: 1.0}) == [1.0 + i]
        except Exception as e:  # collected: a thread's exception would otherwise vanish
            errors.append(e)
    _run_threads(*[lambda k=k: work(k) for k in range(8)])
    assert errors == []
    assert len(sess._plans) <= 1


# --- the stress test: 8 threads, reads, updates and failing runs ------------------------------

def test_stress_mixed_reads_updates_and_failing_runs():
    g = tf.Graph()
    with g.as_default():
        a = tf.Variable(0, dtype=tf.int64, name="a")
        b = tf.Variable(0, dtype=tf.int64, name="b")
        flag = tf.placeholder(tf.int64, [])
        both = tf.group(tf.assign_add(a, 1), tf.assign_add(b, 2))
        only_a = a.assign_add(3)
        failing = tf.group(tf.assign_add(a, 100), tf.assign_add(b, 100), tf.assert_positive(flag))
        total = a + b
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
    counts = collections.Counter()
    lock = threading.Lock()
    errors = []

    def updater(op, n, key):
        def run():
            for _ in range(n):
                sess.run(op)
            with lock:
                counts[key] += n
        return run

    def failer():
        ok = 0
        for i in range(400):
            try:
                sess.run(failing, {flag: -1 if i % 4 else 1})   # one in four succeeds
                ok += 1
            except tf.errors.InvalidArgumentError:
                pass
        with lock:
            counts["fail_ok"] += ok
            counts["fail_rolled_back"] += 400 - ok

    def reader():
        for _ in range(500):
            va, vb, t = sess.run([a, b, total])
            if not (0 <= va and 0 <= vb and t >= 0):
                errors.append((va, vb, t))
        with lock:
            counts["reads"] += 500

    _run_threads(updater(both, 1000, "both"), updater(both, 1000, "both"), updater(only_a, 1000, "only_a"),
                 updater(only_a, 1000, "only_a"), failer, failer, reader, reader)
    assert errors == []
    assert counts == {"both": 2000, "only_a": 2000, "fail_ok": 200, "fail_rolled_back": 600, "reads": 1000}
    assert sess.run(a) == 2000 * 1 + 2000 * 3 + 200 * 100
    assert sess.run(b) == 2000 * 2 + 200 * 100


# --- 7: fetch structures are checked before the run -------------------------------------------

class _NeedsArg(collections.abc.Mapping):
    def __init__(self, data):
        self._d = data

    def __getitem__(self, k):
        return self._d[k]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)


def test_unrebuildable_fetch_structure_raises_before_any_update():
    g, c, sess = _counter_graph()
    with g.as_default():
        inc = tf.assign_add(c, 1)
    with pytest.raises(TypeError, match="cannot be rebuilt"):
        sess.run(_NeedsArg({"x": inc}))
    assert sess.run(c) == 0
    assert sess.run(collections.OrderedDict(x=inc)) == collections.OrderedDict(x=1)


# --- 9: fetched values never alias fed arrays -------------------------------------------------

@pytest.mark.parametrize("make", [tf.identity, lambda x: tf.reshape(x, [6]), tf.transpose, lambda x: x[0]])
@pytest.mark.parametrize("structured", [False, True])
def test_fetched_values_do_not_alias_feeds(make, structured):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        y = make(x)
        with tf.Session() as sess:
            fed = np.zeros((2, 3), np.float32)
            out = sess.run([y] if structured else y, {x: fed})
            out = out[0] if structured else out
            out[...] = 7
            assert not fed.any()


# --- 5: Saver: no writing through links, atomic files, validated restore ----------------------

def _saved(tmp_path, value, name="w"):
    with tf.Graph().as_default():
        w = tf.Variable(value, name=name)
        with tf.Session() as sess:
            sess.run(w.initializer)
            return tf.train.Saver().save(sess, str(tmp_path / "model"), write_meta_graph=False)


@pytest.mark.parametrize("fixed_name", ["checkpoint", "model.index", "model.data-00000-of-00001"])
def test_saver_refuses_to_write_through_a_planted_symlink(tmp_path, fixed_name):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    (ckpt / fixed_name).symlink_to(outside)
    with tf.Graph().as_default():
        w = tf.Variable(1.0, name="w")
        with tf.Session() as sess:
            sess.run(w.initializer)
            with pytest.raises(tf.errors.PermissionDeniedError, match="symbolic link"):
                tf.train.Saver().save(sess, str(ckpt / "model"), write_meta_graph=False)
    assert outside.read_text() == "precious"


def test_saver_leaves_no_temporary_files_and_a_planted_tmp_name_is_untouched(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    (tmp_path / "model.index.tmp").symlink_to(outside)      # a fixed temporary name would be this
    path = _saved(tmp_path, 1.5)
    assert outside.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint", "model.data-00000-of-00001", "model.index",
                                                          "model.index.tmp", "outside.txt"]
    assert tf.train.latest_checkpoint(str(tmp_path)) == path


def _restore_into(path, value, name="w"):
    with tf.Graph().as_default():
        w = tf.Variable(value, name=name)
        with tf.Session() as sess:
            sess.run(w.initializer)
            try:
                tf.train.Saver().restore(sess, path)
            finally:
                kept = sess.run(w)
    return kept


@pytest.mark.parametrize("saved, into, want, got", [
    (np.int64(2 ** 40), np.int32(1), "int32", "int64"),
    (np.float32(1.5), b"text", "string", "float32"),
    (b"text", np.float32(1.5), "float32", "string"),
])
def test_restore_refuses_another_dtype_before_changing_anything(tmp_path, saved, into, want, got):
    path = _saved(tmp_path, saved)
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        _restore_into(path, into)
    msg = str(info.value)
    assert msg.startswith("Restoring from checkpoint failed. This is most likely due to a mismatch")
    assert "tensor_name = w; expected dtype %s does not equal original dtype %s" % (want, got) in msg


def test_restore_is_all_or_nothing_when_a_later_variable_mismatches(tmp_path):
    with tf.Graph().as_default():
        a = tf.Variable(1.0, name="a")
        b = tf.Variable(np.int64(5), name="b")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = tf.train.Saver().save(sess, str(tmp_path / "m"), write_meta_graph=False)
    with tf.Graph().as_default():
        a = tf.Variable(7.0, name="a")
        b = tf.Variable(np.int32(6), name="b")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError, match="expected dtype int32"):
                tf.train.Saver([a, b]).restore(sess, path)
            assert sess.run([a, b]) == [7.0, 6]


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "flip", "index_flip", "index_truncate"])
def test_corrupt_or_truncated_checkpoint_is_a_data_loss_error(tmp_path, damage):
    path = _saved(tmp_path, np.arange(1000, dtype=np.float32))
    data = tmp_path / ("model.index" if damage.startswith("index") else "model.data-00000-of-00001")
    raw = data.read_bytes()
    if damage in ("truncate", "index_truncate"):
        data.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        data.write_bytes(b"not a checkpoint at all" * 10)
    elif damage == "empty":
        data.write_bytes(b"")
    else:                                   # a flipped byte: the crc32c check fails
        mid = len(raw) // 2 if damage == "flip" else 8
        data.write_bytes(raw[:mid] + bytes([raw[mid] ^ 0xFF]) + raw[mid + 1:])
    with pytest.raises(tf.errors.DataLossError):
        _restore_into(path, np.zeros(1000, np.float32))


def test_an_index_entry_claiming_more_bytes_than_the_variable_is_refused_before_reading(tmp_path):
    from tfsess.framework import sstable, tensor_bundle
    path = _saved(tmp_path, np.zeros(4, np.float32))
    index = tmp_path / "model.index"
    rows = sstable.read_table(index.read_bytes())
    entry = tensor_bundle.BundleEntry.decode(rows[1][1])
    entry.size = 1 << 26                               # 64 MiB claimed for a 16-byte variable
    index.write_bytes(sstable.write_table([rows[0], (rows[1][0], entry.encode())]))
    with pytest.raises(tf.errors.DataLossError, match="Read less bytes than requested"):
        _restore_into(path, np.ones(4, np.float32))


# --- 6: import_meta_graph is atomic and validates its input -----------------------------------

def _meta():
    with tf.Graph().as_default() as g:
        a = tf.constant(1.0, name="a")
        v = tf.Variable(2.0, name="v")
        tf.add(a, v, name="total")
        return tf.train.export_meta_graph(graph=g)


def _node(meta, name):
    return next(n for n in meta.graph_def.node if n.name == name)


def _broken(kind):
    meta = tf.MetaGraphDef()
    meta.CopyFrom(_meta())
    last = meta.graph_def.node[-1]
    if kind == "last_op_bad_input":
        last.input[:] = ["a", "nowhere"]
    elif kind == "last_op_unknown_type":
        last.op = "NoSuchOp"
    elif kind == "empty_name":
        last.name = ""
    elif kind == "invalid_name":
        last.name = "bad name!"
    elif kind == "duplicate_name":
        last.name = "a"
    elif kind == "const_dtype_mismatch":
        _node(meta, "a").attr["value"].tensor.tensor_content = b"\0" * 12      # 3 floats for a scalar
    elif kind == "const_not_array":
        _node(meta, "a").attr["value"].ClearField("tensor")
        _node(meta, "a").attr["value"].i = 3
    elif kind == "missing_attr":
        del _node(meta, "a").attr["dtype"]
    elif kind == "cycle":
        _node(meta, "v/read").input[:] = ["total"]
    elif kind == "bad_collection":
        vd = tf.VariableDef(variable_name="nowhere:0", initializer_name="x", snapshot_name="y:0")
        meta.collection_def["variables"].bytes_list.value.append(vd.SerializeToString())
    elif kind == "input_index_out_of_range":
        last.input[:] = ["a:7", "v/read"]
    return meta


@pytest.mark.parametrize("kind", ["last_op_bad_input", "last_op_unknown_type", "empty_name", "invalid_name",
                                  "duplicate_name", "const_dtype_mismatch", "const_not_array", "missing_attr",
                                  "cycle", "bad_collection", "input_index_out_of_range"])
def test_a_bad_meta_graph_raises_a_value_error_and_adds_nothing(kind):
    meta = _broken(kind)
    with tf.Graph().as_default() as g:
        before = [op.name for op in g.get_operations()]
        with pytest.raises(ValueError):
            tf.train.import_meta_graph(meta)
        assert [op.name for op in g.get_operations()] == before == []
        assert g.get_all_collection_keys() == []


def test_a_good_meta_graph_still_imports_and_runs():
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(_meta(), import_scope="m")
        assert saver is not None
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run("m/total:0") == 3.0


@pytest.mark.parametrize("content", [b"[" * 100000 + b"]" * 100000, b"\xff\xfe garbage", b"node {" * 50000])
def test_a_file_that_is_no_meta_graph_is_a_value_error(tmp_path, content):
    path = tmp_path / "deep.meta"
    path.write_bytes(content)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="not a MetaGraph"):
            tf.train.import_meta_graph(str(path))


# --- 8: FileWriter errors ---------------------------------------------------------------------

def test_file_writer_raises_tf_errors_for_bad_log_directories(tmp_path):
    pytest.importorskip("tensorboard")
    a_file = tmp_path / "f"
    a_file.write_text("")
    with pytest.raises(tf.errors.FailedPreconditionError, match="f is not a directory"):
        tf.summary.FileWriter(str(a_file))
    with pytest.raises(tf.errors.FailedPreconditionError, match="f is not a directory"):
        tf.summary.FileWriter(str(a_file / "sub"))


def test_file_writer_of_none_is_refused_not_written_to_a_none_directory(tmp_path, monkeypatch):
    pytest.importorskip("tensorboard")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match="logdir must be a directory path"):
        tf.summary.FileWriter(None)
    assert list(tmp_path.iterdir()) == []
    w = tf.summary.FileWriter(tmp_path / "logs")          # an os.PathLike is fine
    w.close()
    assert w.get_logdir() == str(tmp_path / "logs")


def test_crc32c_is_the_same_by_table_and_by_lanes():
    from tfsess.framework import crc32c as C
    assert C.crc32c(b"123456789") == 0xE3069283            # the CRC-32C check value
    assert C.crc32c(bytes(32)) == 0x8A9136AA                # RFC 3720's 32 zero bytes
    data = np.random.RandomState(0).bytes((1 << 16) + 12345)  # past the table-per-byte size: lanes
    assert C.crc32c(data) == C._raw_py(0xFFFFFFFF, data) ^ 0xFFFFFFFF
    assert C.extend(C.crc32c(data[:1000]), data[1000:]) == C.crc32c(data)
