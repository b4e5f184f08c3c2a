"""Queues, readers and queue runners: TF1 names, FIFO/shuffle order, num_epochs ends with OutOfRangeError,
coordinator protocol, decode_csv parsing and errors, per-session queues, no hangs."""
from __future__ import annotations

import numpy as np
import pytest

import tfsess as tf


def test_fifo_queue_enqueue_dequeue_close_and_errors():
    with tf.Graph().as_default():
        q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
        enq = q.enqueue_many([[1, 2]])
        one = q.enqueue(7)
        dq, many, size = q.dequeue(), q.dequeue_many(2), q.size()
        assert dq.name == "fifo_queue_Dequeue:0" and many.shape.as_list() == [2]
        with tf.Session() as s:
            s.run(enq)
            s.run(one)
            assert s.run(size) == 3
            with pytest.raises(tf.errors.DeadlineExceededError, match="is full"):   # TF would block forever
                s.run(one)
            assert s.run(dq) == 1 and s.run(many).tolist() == [2, 7]
            with pytest.raises(tf.errors.DeadlineExceededError, match="nothing will enqueue more"):
                s.run(dq)
            s.run(enq)
            s.run(q.close())
            assert s.run(dq) == 1 and s.run(q.is_closed())
            with pytest.raises(tf.errors.OutOfRangeError, match=r"^FIFOQueue '_\d+_fifo_queue' is closed and has "
                                                                r"insufficient elements \(requested 1, current size 0\)"):
                s.run(many)
            with pytest.raises(tf.errors.CancelledError):
                s.run(enq)
        with tf.Session() as s2:   # a new session has its own, empty queue
            s2.run(enq)
            assert s2.run(size) == 2


def test_random_shuffle_queue_is_seeded_and_keeps_min_after_dequeue():
    def order(seed):
        with tf.Graph().as_default():
            q = tf.RandomShuffleQueue(20, 5, tf.int32, shapes=[[]], seed=seed)
            enq, dq = q.enqueue_many([list(range(10))]), q.dequeue()
            with tf.Session() as s:
                s.run(enq)
                got = [s.run(dq) for _ in range(5)]
                with pytest.raises(tf.errors.DeadlineExceededError):   # 5 left = min_after_dequeue
                    s.run(dq)
                s.run(q.close())
                got += [s.run(dq) for _ in range(5)]
                return [int(v) for v in got]
    a = order(1)
    assert sorted(a) == list(range(10)) and a != list(range(10))
    assert a == order(1) and a != order(2)


def write_csv(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("id,score,label\n1,0.5,cat\n2,1.5,dog\n")
    b = tmp_path / "b.csv"
    b.write_text("id,score,label\n3,2.5,cow\n")
    return [str(a), str(b)]


def test_reader_pipeline_with_num_epochs_and_coordinator(tmp_path):
    files = write_csv(tmp_path)
    with tf.Graph().as_default():
        fq = tf.train.string_input_producer(files, num_epochs=2, shuffle=False)
        key, line = tf.TextLineReader(skip_header_lines=1).read(fq)
        ids, score, label = tf.decode_csv(line, record_defaults=[[0], [0.0], [""]])
        b_ids, b_label = tf.train.batch([ids, label], batch_size=4)
        assert b_ids.name == "batch:0" and b_ids.shape.as_list() == [4]
        assert [v.op.name for v in tf.local_variables()] == ["input_producer/limit_epochs/epochs"]
        with tf.Session() as s:
            s.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess=s, coord=coord)
            assert s.run(key).decode().endswith("a.csv:2")
            seen = []
            try:
                while not coord.should_stop():
                    seen.append(s.run([b_ids, b_label]))
            except tf.errors.OutOfRangeError:
                pass
            finally:
                coord.request_stop()
            coord.join(threads)
        # 2 epochs of 3 lines = 6 rows, one read by `key` above: a batch of 4, then 1 left (not enough)
        assert len(seen) == 1
        assert seen[0][0].tolist() == [2, 3, 1, 2] and seen[0][1].tolist() == [b"dog", b"cow", b"cat", b"dog"]


def test_epochs_need_local_variables_initializer():
    with tf.Graph().as_default():
        fq = tf.train.string_input_producer(["x"], num_epochs=1)
        dq = fq.dequeue()
        with tf.Session() as s:
            tf.train.start_queue_runners(s)
            with pytest.raises(tf.errors.FailedPreconditionError,
                               match="Attempting to use uninitialized value input_producer/limit_epochs/epochs"):
                s.run(dq)


def test_shuffle_batch_from_tensors_is_seeded():
    with tf.Graph().as_default():
        x, = tf.train.slice_input_producer([tf.range(20)], num_epochs=1, shuffle=False)
        b, = tf.train.shuffle_batch([x], batch_size=5, capacity=20, min_after_dequeue=5, seed=3)
        assert b.shape.as_list() == [5]
        with tf.Session() as s:
            s.run(tf.local_variables_initializer())
            tf.train.start_queue_runners(s)
            batches = []
            with pytest.raises(tf.errors.OutOfRangeError):
                while True:
                    batches.append(np.ravel(s.run(b)).tolist())
    flat = sum(batches, [])
    assert len(batches) == 4 and sorted(flat) == list(range(20)) and flat != list(range(20))


def test_decode_csv_quotes_defaults_and_errors():
    with tf.Graph().as_default(), tf.Session() as s:
        a, b = s.run(tf.decode_csv(['"a,b",1', ',2'], [["none"], [0]]))
        assert a.tolist() == [b"a,b", b"none"] and b.tolist() == [1, 2]
        with pytest.raises(tf.errors.InvalidArgumentError, match="^Expect 3 fields but have 2 in record 0"):
            s.run(tf.decode_csv(["1,2"], [[0], [0], [0]]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="^Field 1 is required but missing in record 0!"):
            s.run(tf.decode_csv(["1,"], [[0], []]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="^Field 0 in record 0 is not a valid int32: a"):
            s.run(tf.decode_csv(["a,1"], [[0], [0]]))


def test_coordinator_reraises_requested_errors_but_not_out_of_range():
    coord = tf.train.Coordinator()
    with coord.stop_on_exception():
        raise ValueError("boom")
    assert coord.should_stop()
    with pytest.raises(ValueError, match="boom"):
        coord.join([])
    clean = tf.train.Coordinator()
    clean.request_stop(tf.errors.OutOfRangeError(None, None, "done"))
    clean.join([])
    assert clean.should_stop() and clean.joined


def test_batch_with_dynamic_pad():
    with tf.Graph().as_default():
        n, = tf.train.slice_input_producer([tf.constant([1, 3, 2])], num_epochs=1, shuffle=False)
        seq = tf.fill([n], n)
        b = tf.train.batch([seq], batch_size=3, dynamic_pad=True)
        assert b[0].shape.as_list() == [3, None]
        with tf.Session() as s:
            s.run(tf.local_variables_initializer())
            tf.train.start_queue_runners(s)
            assert s.run(b)[0].tolist() == [[1, 0, 0], [3, 3, 3], [2, 2, 0]]
