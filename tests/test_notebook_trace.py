"""%eval --trace: the steps are the ops the session's plan executed, in order, with the values they saw."""
import numpy as np
import pytest
from IPython.core.error import UsageError

import tfsess
from tfsess.notebook.trace_view import TraceView
from notebook_shell import cell


MODEL = """
x = tf.placeholder(tf.float32, [None, 2], name="x")
W = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="W")
b = tf.Variable([0.5, -0.5], name="b")
h = tf.nn.relu(tf.matmul(x, W) + b, name="h")
loss = tf.reduce_sum(h * h, name="loss")
step = tf.assign_add(b, [1.0, 1.0], name="step")
with tf.control_dependencies([step]):
    after = tf.identity(loss, name="after")
sess.run(tf.global_variables_initializer())
"""


def test_the_issue_example_line(loaded):
    cell(loaded, "a = tf.constant(1, name='a')\nb = tf.constant(2, name='b')\nc = tf.add(a, b, name='add')")
    view = cell(loaded, "%eval c --trace")
    assert isinstance(view, TraceView)
    assert view.text.splitlines() == ["run of c: 3 ops executed, in this order",
                                      "1. a (Const): -> 1", "2. b (Const): -> 2", "3. add (AddV2): 1, 2 -> 3",
                                      "c = 3"]
    assert view._repr_mimebundle_()["text/plain"] == view.text


def test_steps_are_the_plans_executed_ops_in_order_with_their_values(loaded):
    cell(loaded, MODEL)
    view = cell(loaded, "%eval after h --trace --feed x=[[1.0, 1.0]]")
    names = [s.op for s in view.steps]
    assert names == ["MatMul", "add", "h", "mul", "Const", "loss", "step/value", "step", "after"]
    # the tracing API on the same fetches and feeds executes the same ops in the same order
    rerun = cell(loaded, "from tfsess.client.tracing import trace_run\n"
                         "[r.name for r in trace_run(sess, [after, h], {x: [[1.0, 1.0]]}).records]")
    assert rerun == names
    # and so does TF's run metadata: one node_stats per executed op, in execution order
    stats = cell(loaded, "md = tf.RunMetadata()\n"
                         "sess.run([after, h], {x: [[1.0, 1.0]]}, options=tf.RunOptions("
                         "trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)\n"
                         "[n.node_name for d in md.step_stats.dev_stats for n in d.node_stats]")
    assert stats == names
    # each step's output is what the run computed; inputs carry fed / variable-read marks
    s = {st.op: st for st in view.steps}
    assert s["MatMul"].inputs[0][2] == "fed" and s["MatMul"].inputs[1][2] == "read W"
    np.testing.assert_array_equal(s["MatMul"].outputs[0][1], [[4.0, 6.0]])
    np.testing.assert_array_equal(s["add"].inputs[1][1], [0.5, -0.5])          # b before the update
    np.testing.assert_array_equal(s["step"].writes["b"], [1.5, 0.5])
    assert s["after"].after == ("step",)
    assert view.result.values[0] == pytest.approx(4.5 ** 2 + 5.5 ** 2)
    lines = view.text.splitlines()
    assert lines[0] == "run of after, h: 9 ops executed, in this order; fed (the graph is cut there): x"
    assert lines[1] == "fed: x = [[1. 1.]]"
    assert lines[2] == "1. MatMul (MatMul): [[1. 1.]] (fed), [[1. 2.] [3. 4.]] (read W) -> [[4. 6.]]"
    assert lines[9] == "8. step (AssignAdd): [1. 1.] -> [1.5 0.5]; writes b = [1.5 0.5]"
    assert lines[10] == "9. after (Identity): 50.5 -> 50.5; after ^step"


def test_a_fed_tensor_cuts_the_graph(loaded):
    cell(loaded, MODEL)
    view = cell(loaded, "%eval loss --trace --feed add=[[1.0, 2.0]]")
    assert [s.op for s in view.steps] == ["h", "mul", "Const", "loss"]      # MatMul, add, W, b never run
    assert view.steps[0].inputs[0][2] == "fed"
    assert view.result.variables == []
    assert set(view.graph_view.snap.names()) == {"add", "h", "mul", "Const", "loss"}


def test_stepping_moves_the_highlight_and_the_values_so_far(loaded):
    cell(loaded, MODEL)
    view = cell(loaded, "%eval after --trace --feed x=[[1.0, 1.0]]")
    gv = view.graph_view
    assert view.step == 1 and gv.new == ("MatMul",)
    assert view.back_button.disabled is False and view.next_button.disabled is False
    assert "MatMul:0" in gv.values and "h:0" not in gv.values and gv.values["x:0"] == "[[1. 1.]] (fed)"
    view.next()
    view.next()
    assert view.step == 3 and gv.new == ("h",) and "h:0" in gv.values and "mul:0" not in gv.values
    assert "<b>3. h</b>" in view.panel.value
    view.back_button.click()
    assert view.step == 2 and gv.new == ("add",)
    view.go(0)
    assert gv.new == () and view.back_button.disabled and "before the run" in view.panel.value
    assert set(gv.values) == {"x:0"}
    view.slider.value = len(view.steps)
    assert view.next_button.disabled and gv.new == ("after",)
    assert gv.values["b:0"] == "[1.5 0.5] (written)"
    assert "writes" in view.panel.value or "control dependenc" in view.panel.value
    assert 'color="#d62728"' in gv.dot                       # the current op is drawn emphasised
    view.go(99)
    assert view.step == len(view.steps)


def test_trace_errors(loaded):
    cell(loaded, MODEL)
    for line, msg in [("h --trace --watch", "--trace cannot be combined with --watch"),
                      ("h --trace --code", "--trace and --code: use one of"),
                      ("--trace", "%eval needs at least one expression"),
                      ("h --trace --steps", "unrecognized arguments: --steps"),
                      ("h --tarce", "unrecognized arguments: --tarce")]:
        with pytest.raises(UsageError, match=msg):
            loaded.run_line_magic("eval", line)
    b_before = cell(loaded, "sess.run(b)")
    with pytest.raises(tfsess.errors.InvalidArgumentError, match="must feed a value for placeholder tensor 'x'") as e:
        loaded.run_line_magic("eval", "after --trace")
    assert len(e.value._render_traceback_()) <= 3
    np.testing.assert_array_equal(cell(loaded, "sess.run(b)"), b_before)     # a failed run writes nothing


def test_trace_without_drawing_and_of_an_op(loaded):
    cell(loaded, "v = tf.Variable(1.0, name='v')\ninc = tf.assign_add(v, 2.0, name='inc')\n"
                 "sess.run(v.initializer)")
    view = cell(loaded, "%eval 'inc' --trace --no-draw")
    assert view.graph_view is None
    assert view.text.splitlines() == ["run of 'inc': 2 ops executed, in this order",
                                      "1. inc/value (Const): -> 2", "2. inc (AssignAdd): 2 -> 3; writes v = 3",
                                      "'inc' = ran (no value)"]


def test_a_read_inside_control_dependencies_says_what_it_waited_for(loaded):
    cell(loaded, "v = tf.Variable(10.0, name='v')\nupdate = tf.assign(v, v * 2.0, name='update')\n"
                 "with tf.control_dependencies([update]):\n    report = tf.identity(v.read_value(), name='report')\n"
                 "sess.run(v.initializer)")
    view = cell(loaded, "%eval report --trace")
    # the fetch is an Identity chain from the variable: the plan reads it after `update`, it is not a step
    assert [s.op for s in view.steps] == ["mul/y", "mul", "update"]
    assert view.text.splitlines()[-1] == "report = 20.0  (read v after ^update)"
    assert {"read", "report"} <= set(view.graph_view.snap.index)     # drawn, with the control edge
    assert "arrowhead=odot" in view.graph_view.dot


def test_ops_of_an_untaken_cond_branch_are_listed_as_not_run(loaded):
    cell(loaded, "p = tf.placeholder(tf.bool, [], name='p')\na = tf.constant(2.0, name='a')\n"
                 "r = tf.cond(p, lambda: a * 3.0, lambda: a - 1.0)")
    view = cell(loaded, "%eval r --trace --feed p=True")
    assert "cond/mul" in view.result.ops and "cond/sub" not in view.result.ops
    assert view.text.splitlines()[-2] == "not run (untaken tf.cond branch): cond/switch_f, cond/sub/y, cond/sub"
    assert view.result.values == [6.0]


def test_a_long_run_lists_its_first_and_last_steps(loaded):
    cell(loaded, "t = tf.constant(0.0, name='t0')\nfor i in range(100):\n    t = t + 1.0\n")
    view = cell(loaded, "%eval t --trace --no-draw")
    assert len(view.steps) == 201 and view.slider.max == 201
    lines = view.text.splitlines()
    assert lines[51] == "… 131 more steps (step through them above, or read view.steps) …"
    assert lines[-2].startswith("201. add_99 (AddV2): 99, 1 -> 100") and lines[-1] == "t = 100.0"


def test_a_constant_drawn_inside_its_consumer_emphasises_that_consumer(loaded):
    cell(loaded, "a = tf.constant(1, name='a')\nb = tf.constant(2, name='b')\nc = tf.add(a, b, name='add')\n"
                 "d = tf.multiply(c, 10, name='d')")
    view = cell(loaded, "%eval d --trace")
    view.go(4)
    assert view.steps[3].op == "d/y" and "<b>4. d/y</b>" in view.panel.value
    assert view.graph_view.new == ("d",) and view.graph_view.highlight_ids() == ["op:d"]
    view.go(1)
    assert view.graph_view.highlight_ids() == ["op:a"]


def test_a_fetched_variable_is_read_not_run(loaded):
    cell(loaded, "w = tf.Variable([1.0, 2.0], name='w')\nsess.run(w.initializer)")
    view = cell(loaded, "%eval w --trace")
    assert view.steps == [] and view.step == 0
    assert view.text.splitlines() == ["run of w: 0 ops executed, in this order", "w = [1. 2.]  (read w)"]
    assert "w" in view.graph_view.snap.index
